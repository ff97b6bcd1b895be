// SPI access for the glue: a scoped connection and queries whose results
// are copied into plain C++ values. Every PostgreSQL call is guarded.
#pragma once

#include <functional>
#include <map>
#include <string_view>

#include "extension/base/boundary.hpp"

namespace mm::pg {

using Value = std::optional<std::string>;
using Row = std::vector<Value>;
using Rows = std::vector<Row>;

// Result of one SPI statement as palloc'd C strings, row-major.
struct RawResult {
  char** cells;
  uint64 rows;
  int columns;
  uint64 processed;
};

class SpiSession {
 public:
  enum class Mode { Atomic, NonAtomic };
  // NonAtomic is for procedures called by CALL outside a transaction
  // block: they may commit() between units of work.
  explicit SpiSession(Mode mode = Mode::Atomic);
  // Finishes SPI on the normal path. While an exception unwinds, the
  // connection is left to transaction abort (AtEOXact_SPI) instead.
  ~SpiSession();
  SpiSession(const SpiSession&) = delete;
  SpiSession& operator=(const SpiSession&) = delete;

  // Call before building the function's result so it is not allocated in
  // SPI's memory, which SPI_finish frees.
  void finish();
  // Commits the current transaction and starts a new one (NonAtomic only).
  void commit();

  // Runs one statement with text parameters ($1 ... $n, cast in the SQL)
  // and returns every row as text.
  Rows query(const std::string& sql, const std::vector<Value>& params = {});
  // The same, read through a cursor `batch` rows at a time: visit sees
  // each row once, and at most one batch is held in memory (the query is
  // planned for all its rows, not for the first ones).
  void for_each_row(const std::string& sql, const std::vector<Value>& params, std::size_t batch,
                    const std::function<void(Row&)>& visit);
  // Same, for statements whose rows do not matter; returns rows processed.
  uint64_t execute(const std::string& sql, const std::vector<Value>& params = {});
  // The same for statements run once per revision: planned on first use
  // and reused until the session finishes.
  Rows query_prepared(const std::string& sql, const std::vector<Value>& params);
  uint64_t execute_prepared(const std::string& sql, const std::vector<Value>& params);
  // For statements run on every DDL command (event triggers): planned once
  // per backend and kept (SPI_keepplan); PostgreSQL's plan cache replans
  // them when the objects they use change.
  Rows query_saved(const std::string& sql, const std::vector<Value>& params);

 private:
  bool connected_ = false;
  std::map<std::string, SPIPlanPtr> plans_;  // by statement text

  static uint64_t discard(RawResult raw);
};

// The rows of a RawResult as C++ values; frees the cells.
Rows rows_of(RawResult raw);
// A row's cell that our own catalog query never leaves null; throws an
// internal error naming `query` when it is missing.
const std::string& required_cell(const Row& row, std::size_t column, const char* query);

// A query read through a cursor, `batch` rows at a time, one row after
// another on demand: several cursors of one SpiSession can be read side by
// side (a merge of scans sorted alike). Not read-only, as SpiSession's
// queries: it sees what the calling function did before. While an
// exception unwinds, the portal is left to transaction abort.
class SpiCursor {
 public:
  SpiCursor(const std::string& sql, const std::vector<Value>& params, std::size_t batch);
  ~SpiCursor();
  SpiCursor(const SpiCursor&) = delete;
  SpiCursor& operator=(const SpiCursor&) = delete;

  // The current row, or nullptr once every row was read.
  Row* row();
  // Moves to the next row.
  void advance();

 private:
  Portal portal_ = nullptr;
  std::size_t batch_;
  Rows rows_;
  std::size_t next_ = 0;
  bool exhausted_ = false;

  void fetch();
};

// quote_identifier() and schema-qualified names, for SQL we compose.
std::string quote_ident(const std::string& name);
// quote_literal_cstr(): a string constant for SQL we compose.
std::string quote_literal(const std::string& text);
std::string qualified_name(const std::string& schema, const std::string& name);
// Appends `item`, quoted, to the text[] literal being built in `literal`
// (which starts as "{" and is closed with "}").
inline void append_text_array_element(std::string& literal, const std::string& item) {
  if (literal.size() > 1) literal += ',';
  literal += '"';
  for (char ch : item) {
    if (ch == '"' || ch == '\\') literal += '\\';
    literal += ch;
  }
  literal += '"';
}
// {"a","b"}: a text[] parameter's literal, every element quoted.
template <typename Strings>
std::string text_array_literal(const Strings& items) {
  std::string out = "{";
  for (const std::string& item : items) append_text_array_element(out, item);
  return out + "}";
}

// Converts between text and jsonb/text Datums in the current memory context.
std::string datum_to_json_text(Datum jsonb);
std::string text_arg(FunctionCallInfo fcinfo, int arg);
// The same text in place (valid for the call): a model is tens of megabytes,
// and each copy of it cost a fresh backend its page faults.
std::string_view text_arg_view(FunctionCallInfo fcinfo, int arg);
// A text[] argument; NULL elements are refused with "<what> must not be null".
std::vector<std::string> text_array_arg(FunctionCallInfo fcinfo, int arg, const char* what = "array elements");
Datum json_text_to_jsonb(const std::string& json);
Datum string_to_text_datum(const std::string& text);

}  // namespace mm::pg
