#include "extension/migrate/revision_runner.hpp"

#include "core/revision_context.hpp"
#include "core/sql_text.hpp"
#include "extension/base/guc_scope.hpp"
#include "extension/migrate/activity.hpp"
#include "extension/migrate/migrating_scope.hpp"

namespace mm::pg {

namespace {

// Plain C data for the error context callback, which runs inside
// ereport() where no C++ object may be created.
struct StatementContext {
  const char* provider;
  const char* revision;
  const char* direction;
  const char* sql;  // whole revision SQL
  std::size_t sql_len;
  int statement;      // 1-based; 0 while parsing
  std::size_t start;  // byte offset of the statement in sql
};

void statement_error_callback(void* arg) {
  auto* ctx = static_cast<StatementContext*>(arg);
  std::string_view sql(ctx->sql, ctx->sql_len);
  // Prefer the error's own cursor position, relative to the statement
  // (SPI moves it to the internal position) or to the whole SQL (parser).
  int pos = geterrposition();
  if (pos <= 0) pos = getinternalerrposition();
  std::size_t offset = ctx->start;
  if (pos > 0) offset += static_cast<std::size_t>(pos - 1);
  int line = line_at(sql, offset);
  if (ctx->statement > 0)
    errcontext(mm::protocol::kStatementContextFormat, ctx->provider, ctx->revision, ctx->direction, ctx->statement,
               line);
  else
    errcontext(mm::protocol::kParsingContextFormat, ctx->provider, ctx->revision, ctx->direction, line);
}

List* parse_statements(const char* sql, StatementContext* ctx) {
  return pg_guard([&] {
    ErrorContextCallback callback{error_context_stack, statement_error_callback, ctx};
    error_context_stack = &callback;
    List* statements = raw_parser(sql, RAW_PARSE_DEFAULT);
    error_context_stack = callback.previous;
    return statements;
  });
}

void execute_statement(const char* statement_sql, StatementContext* ctx) {
  pg_guard([&] {
    ErrorContextCallback callback{error_context_stack, statement_error_callback, ctx};
    error_context_stack = &callback;
    int rc = SPI_execute(statement_sql, false, 0);
    if (rc == SPI_ERROR_TRANSACTION)
      ereport(ERROR, (errcode(ERRCODE_INVALID_TRANSACTION_STATE),
                      errmsg("transaction control statements are not allowed in a revision"),
                      errhint("Each revision runs inside the migration's transaction; remove COMMIT/ROLLBACK, "
                              "or mark the revision \"transactional: false\".")));
    if (rc < 0)
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("statement failed: %s", SPI_result_code_string(rc))));
    SPI_freetuptable(SPI_tuptable);
    error_context_stack = callback.previous;
  });
}

}  // namespace

int run_revision_sql(const RevisionRun& run) {
  StatementContext ctx{
      run.provider->key.c_str(), run.revision.c_str(), run.direction, run.sql.c_str(), run.sql.size(), 0, 0};
  GucScope search_path;
  search_path.set("search_path", run.provider->search_path);
  RunAs as_owner(run.provider->owner_oid);
  MigratingScope migrating(run.provider->key);

  List* statements = parse_statements(run.sql.c_str(), &ctx);
  const int count = statements ? list_length(statements) : 0;
  for (int i = 0; i < count; ++i) {
    auto* raw = static_cast<RawStmt*>(list_nth(statements, i));
    const std::size_t location = raw->stmt_location < 0 ? 0 : static_cast<std::size_t>(raw->stmt_location);
    const std::size_t end = raw->stmt_len == 0 ? run.sql.size() : location + static_cast<std::size_t>(raw->stmt_len);
    ctx.statement = i + 1;
    ctx.start = skip_blank_and_comments(run.sql, location);
    if (ctx.start >= end) ctx.start = location;
    const std::string text = run.sql.substr(ctx.start, end - ctx.start);
    MigrationActivity& activity = current_activity();
    activity.statement = i + 1;
    activity.statements = count;
    activity.text = text;
    publish_activity();
    execute_statement(text.c_str(), &ctx);
  }
  return count;
}

}  // namespace mm::pg
