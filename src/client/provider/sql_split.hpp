// Splitting revision SQL into statements on the client, for the revisions
// it must run itself one statement at a time (non-transactional ones:
// PostgreSQL runs a multi-statement string as one implicit transaction).
#pragma once

#include <string>
#include <vector>

namespace mmc {

struct SqlStatement {
  std::string text;    // from its first token through its ';' (if any)
  std::size_t offset;  // byte offset of the first token in the SQL
  int line;            // 1-based line of the first token
};

// Understands quoted strings (also E'' and U&''), quoted identifiers,
// dollar quoting, -- and nested /* */ comments. Statements that are only
// comments or blanks are dropped.
std::vector<SqlStatement> split_sql(const std::string& sql);

// True when the SQL's last statement lacks its terminating ';' (so text
// appended after it would continue the statement).
bool last_statement_unterminated(const std::string& sql);

// True for CREATE [UNIQUE] INDEX CONCURRENTLY and REINDEX ... CONCURRENTLY:
// a build that, failing or cancelled, leaves an INVALID index behind, and
// whose waits for older snapshots are lock waits. `statement` starts at
// its first token (as split_sql gives it).
bool builds_index_concurrently(const std::string& statement);

// Byte offset in `text` of the 1-based character position `position`
// (PostgreSQL error positions count characters, not bytes).
std::size_t byte_offset_of_character(const std::string& text, int position);

}  // namespace mmc
