#include "extension/base/spi.hpp"

#include "core/error.hpp"

namespace mm::pg {

namespace {

// The rows of the last SPI statement as text cells, as SPI_getvalue
// prints them; frees SPI_tuptable. Each row is deformed once and each
// column's output function looked up once (SPI_getvalue does both per
// cell, which re-walks the row for every column after a text one).
// Called inside pg_guard.
RawResult take_tuptable() {
  RawResult out{nullptr, 0, 0, SPI_processed};
  if (SPI_tuptable != nullptr) {
    TupleDesc desc = SPI_tuptable->tupdesc;
    out.rows = SPI_processed;
    out.columns = desc->natts;
    out.cells = static_cast<char**>(palloc0(sizeof(char*) * (out.rows * out.columns + 1)));
    FmgrInfo* output = static_cast<FmgrInfo*>(palloc(sizeof(FmgrInfo) * (out.columns + 1)));
    Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * (out.columns + 1)));
    bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * (out.columns + 1)));
    for (int c = 0; c < out.columns; ++c) {
      Oid function;
      bool varlena;
      getTypeOutputInfo(TupleDescAttr(desc, c)->atttypid, &function, &varlena);
      fmgr_info(function, &output[c]);
    }
    for (uint64 r = 0; r < out.rows; ++r) {
      heap_deform_tuple(SPI_tuptable->vals[r], desc, values, nulls);
      for (int c = 0; c < out.columns; ++c)
        out.cells[r * out.columns + c] = nulls[c] ? nullptr : OutputFunctionCall(&output[c], values[c]);
    }
    pfree(output);
    pfree(values);
    pfree(nulls);
    SPI_freetuptable(SPI_tuptable);
  }
  return out;
}

// Text parameters ($1 ... $n) as SPI takes them. The arrays are sized
// here, outside pg_guard; fill() makes the datums inside it.
struct TextArgs {
  explicit TextArgs(const std::vector<Value>& params)
      : params(params), types(params.size(), TEXTOID), values(params.size()), nulls(params.size(), ' ') {}
  void fill() {
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i]) {
        values[i] = CStringGetTextDatum(params[i]->c_str());
      } else {
        nulls[i] = 'n';
      }
    }
  }
  int count() const { return static_cast<int>(params.size()); }

  const std::vector<Value>& params;
  std::vector<Oid> types;
  std::vector<Datum> values;
  std::string nulls;
};

// Runs `sql` (or, when `plan` points to a cache slot, the plan prepared
// for it once and reused) with text parameters.
RawResult run_spi(const std::string& sql, TextArgs& args, SPIPlanPtr* plan) {
  return pg_guard([&] {
    // Plain C only in here (see boundary.hpp).
    args.fill();
    int rc;
    if (plan != nullptr) {
      if (*plan == nullptr) {
        *plan = SPI_prepare(sql.c_str(), args.count(), args.types.data());
        if (*plan == nullptr)
          ereport(ERROR,
                  (errcode(ERRCODE_INTERNAL_ERROR), errmsg("metamigrate could not prepare a catalog statement: %s",
                                                           SPI_result_code_string(SPI_result))));
      }
      rc = SPI_execute_plan(*plan, args.values.data(), args.nulls.c_str(), false, 0);
    } else {
      rc = SPI_execute_with_args(sql.c_str(), args.count(), args.types.data(), args.values.data(), args.nulls.c_str(),
                                 false, 0);
    }
    if (rc < 0)
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                      errmsg("metamigrate catalog query failed: %s", SPI_result_code_string(rc))));
    return take_tuptable();
  });
}

// Plans kept for the life of the backend, by statement text.
std::map<std::string, SPIPlanPtr>& saved_plans() {
  static std::map<std::string, SPIPlanPtr> plans;
  return plans;
}

RawResult run_with_params(const std::string& sql, const std::vector<Value>& params, SPIPlanPtr* plan = nullptr) {
  TextArgs args(params);
  return run_spi(sql, args, plan);
}

}  // namespace

SpiSession::SpiSession(Mode mode) {
  const int options = mode == Mode::NonAtomic ? SPI_OPT_NONATOMIC : 0;
  int rc = pg_guard([&] { return SPI_connect_ext(options); });
  if (rc != SPI_OK_CONNECT) throw Error(sqlstate::kInternal, "SPI_connect failed");
  connected_ = true;
}

SpiSession::~SpiSession() {
  if (connected_ && std::uncaught_exceptions() == 0) {
    try {
      finish();
    } catch (...) {
      // Nothing sensible to do in a destructor; abort will clean up.
    }
  }
}

void SpiSession::finish() {
  if (!connected_) return;
  connected_ = false;
  plans_.clear();  // SPI_finish frees them
  pg_guard([] { SPI_finish(); });
}

void SpiSession::commit() {
  pg_guard([] { SPI_commit(); });
}

Rows SpiSession::query(const std::string& sql, const std::vector<Value>& params) {
  return rows_of(run_with_params(sql, params));
}

Rows SpiSession::query_prepared(const std::string& sql, const std::vector<Value>& params) {
  return rows_of(run_with_params(sql, params, &plans_[sql]));
}

uint64_t SpiSession::execute_prepared(const std::string& sql, const std::vector<Value>& params) {
  return discard(run_with_params(sql, params, &plans_[sql]));
}

Rows SpiSession::query_saved(const std::string& sql, const std::vector<Value>& params) {
  SPIPlanPtr& kept = saved_plans()[sql];
  SPIPlanPtr plan = kept;  // null on first use: prepared by the run below
  RawResult raw = run_with_params(sql, params, &plan);
  // Kept only once it ran, so that a statement failing to plan or run
  // leaves no dangling plan behind (SPI_finish frees unkept ones).
  if (kept == nullptr) {
    pg_guard([&] {
      if (SPI_keepplan(plan) != 0) elog(ERROR, "SPI_keepplan failed");
    });
    kept = plan;
  }
  return rows_of(raw);
}

const std::string& required_cell(const Row& row, std::size_t column, const char* query) {
  if (column >= row.size() || !row[column])
    throw Error(sqlstate::kInternal, std::string(query) + " returned a bad row");
  return *row[column];
}

Rows rows_of(RawResult raw) {
  Rows rows;
  rows.reserve(raw.rows);
  for (uint64 r = 0; r < raw.rows; ++r) {
    Row row;
    row.reserve(raw.columns);
    for (int c = 0; c < raw.columns; ++c) {
      char* cell = raw.cells[r * raw.columns + c];
      row.push_back(cell ? Value(std::string(cell)) : std::nullopt);
      if (cell) pfree(cell);
    }
    rows.push_back(std::move(row));
  }
  if (raw.cells) pfree(raw.cells);
  return rows;
}

void SpiSession::for_each_row(const std::string& sql, const std::vector<Value>& params, std::size_t batch,
                              const std::function<void(Row&)>& visit) {
  SpiCursor cursor(sql, params, batch);
  for (Row* row = cursor.row(); row != nullptr; cursor.advance(), row = cursor.row()) visit(*row);
}

SpiCursor::SpiCursor(const std::string& sql, const std::vector<Value>& params, std::size_t batch) : batch_(batch) {
  TextArgs args(params);
  portal_ = pg_guard([&] {
    // Plain C only in here (see boundary.hpp).
    args.fill();
    // Not read-only, as run_spi: a read-only cursor reads with the active
    // snapshot, which inside a function is the calling query's and misses
    // what the function did since (the state captured after a migration
    // must see its DDL). No CURSOR_OPT_FAST_PLAN: plan for every row, as
    // SPI_execute does.
    return SPI_cursor_open_with_args(nullptr, sql.c_str(), args.count(), args.types.data(), args.values.data(),
                                     args.nulls.c_str(), false, 0);
  });
  fetch();
}

SpiCursor::~SpiCursor() {
  if (portal_ != nullptr && std::uncaught_exceptions() == 0) {
    try {
      pg_guard([&] { SPI_cursor_close(portal_); });
    } catch (...) {
      // Transaction abort closes it.
    }
  }
}

Row* SpiCursor::row() { return next_ < rows_.size() ? &rows_[next_] : nullptr; }

void SpiCursor::advance() {
  if (next_ < rows_.size()) ++next_;
  if (next_ == rows_.size()) fetch();
}

void SpiCursor::fetch() {
  rows_.clear();
  next_ = 0;
  if (exhausted_) return;
  RawResult raw = pg_guard([&] {
    SPI_cursor_fetch(portal_, true, static_cast<long>(batch_));
    return take_tuptable();
  });
  rows_ = rows_of(raw);
  exhausted_ = rows_.empty();
}

uint64_t SpiSession::execute(const std::string& sql, const std::vector<Value>& params) {
  return discard(run_with_params(sql, params));
}

uint64_t SpiSession::discard(RawResult raw) {
  if (raw.cells) {
    for (uint64 i = 0; i < raw.rows * raw.columns; ++i)
      if (raw.cells[i]) pfree(raw.cells[i]);
    pfree(raw.cells);
  }
  return raw.processed;
}

std::string quote_ident(const std::string& name) {
  const char* quoted = pg_guard([&] { return quote_identifier(name.c_str()); });
  return std::string(quoted);
}

std::string quote_literal(const std::string& text) {
  const char* quoted = pg_guard([&] { return quote_literal_cstr(text.c_str()); });
  return std::string(quoted);
}

std::string qualified_name(const std::string& schema, const std::string& name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string datum_to_json_text(Datum jsonb) {
  char* value = pg_guard([&] { return DatumGetCString(DirectFunctionCall1(jsonb_out, jsonb)); });
  std::string out(value);
  pfree(value);
  return out;
}

std::string text_arg(FunctionCallInfo fcinfo, int arg) {
  char* value = pg_guard([&] { return text_to_cstring(PG_GETARG_TEXT_PP(arg)); });
  std::string out(value);
  pfree(value);
  return out;
}

std::string_view text_arg_view(FunctionCallInfo fcinfo, int arg) {
  const text* value = pg_guard([&] { return PG_GETARG_TEXT_PP(arg); });
  return std::string_view(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
}

std::vector<std::string> text_array_arg(FunctionCallInfo fcinfo, int arg, const char* what) {
  Datum* elems = nullptr;
  bool* nulls = nullptr;
  int count = 0;
  pg_guard([&] {
    ArrayType* array = PG_GETARG_ARRAYTYPE_P(arg);
    deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
  });
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    if (nulls[i]) throw Error(sqlstate::kInvalidParameter, std::string(what) + " must not be null");
    char* value = pg_guard([&] { return TextDatumGetCString(elems[i]); });
    out.emplace_back(value);
  }
  return out;
}

Datum json_text_to_jsonb(const std::string& json) {
  return pg_guard([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
}

Datum string_to_text_datum(const std::string& text) {
  return pg_guard(
      [&] { return PointerGetDatum(cstring_to_text_with_len(text.data(), static_cast<int>(text.size()))); });
}

}  // namespace mm::pg
