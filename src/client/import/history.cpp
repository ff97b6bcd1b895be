#include "client/import/history.hpp"

#include <set>

#include "client/output/errors.hpp"

namespace mmc {

using import::HistoryState;

std::string default_history_table(const std::string& tool) {
  if (tool == "dbmate" || tool == "golang-migrate") return "schema_migrations";
  if (tool == "flyway") return "flyway_schema_history";
  if (tool == "diesel") return "__diesel_schema_migrations";
  if (tool == "sqitch") return "sqitch";
  return "alembic_version";
}

namespace {

// The relation's name quoted as SQL, or "" when it does not exist.
std::string resolve_table(const Connection& conn, const std::string& name) {
  const PgResult r = conn.query("SELECT pg_catalog.to_regclass($1)::text", {name});
  return r.value(0, 0).value_or("");
}

std::set<std::string> columns_of(const Connection& conn, const std::string& table) {
  const PgResult r = conn.query(
      "SELECT attname::text FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT "
      "attisdropped",
      {table});
  std::set<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.insert(r.text(i, 0));
  return out;
}

std::vector<std::string> first_column(const PgResult& r) {
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

[[noreturn]] void missing(const std::string& what, const std::string& tool, const Connection& conn) {
  throw OperationError("no " + tool + " history " + what + " in " + conn.describe() + "; nothing to adopt",
                       "Pass --history-table when the tool was configured with another name.");
}

void require_columns(const std::set<std::string>& have, const std::vector<std::string>& need, const std::string& table,
                     const std::string& tool) {
  for (const std::string& column : need)
    if (!have.count(column))
      throw OperationError(table + " has no column \"" + column + "\": it is not " + tool + "'s history table");
}

HistoryState read_sqitch(const Connection& conn, const import::ImportSet& set, const std::string& registry) {
  HistoryState state;
  state.table = registry + ".changes";
  const std::string changes = resolve_table(conn, quote_identifier(registry) + ".changes");
  if (changes.empty()) missing("registry \"" + registry + "\" (table changes)", "sqitch", conn);
  require_columns(columns_of(conn, changes), {"change", "project"}, changes, "sqitch");
  state.applied = first_column(conn.query("SELECT change FROM " + changes + " WHERE project = $1", {set.project}));
  // A deploy that failed is logged as a 'fail' event (and reverted): the
  // database is not in a state the plan describes until it is redeployed.
  const std::string events = resolve_table(conn, quote_identifier(registry) + ".events");
  if (!events.empty()) {
    const PgResult last =
        conn.query("SELECT event, change FROM " + events + " WHERE project = $1 ORDER BY committed_at DESC LIMIT 1",
                   {set.project});
    if (last.rows() == 1 && last.text(0, 0) == "fail")
      state.problem = registry + ".events: the last sqitch deploy of project " + set.project + " failed (change " +
                      last.text(0, 1) + "); deploy or revert with sqitch until it succeeds, then adopt";
  }
  return state;
}

}  // namespace

HistoryState read_history(const Connection& conn, const import::ImportSet& set, const std::string& name) {
  if (set.tool == "sqitch") return read_sqitch(conn, set, name);
  const std::string table = resolve_table(conn, name);
  if (table.empty()) missing("table \"" + name + "\"", set.tool, conn);
  const std::set<std::string> columns = columns_of(conn, table);
  HistoryState state;
  state.table = table;
  if (set.tool == "golang-migrate") {
    if (!columns.count("dirty"))
      throw OperationError(table +
                           " has no \"dirty\" column: that is dbmate's shape (one row per version), not "
                           "golang-migrate's; use --from dbmate");
    const PgResult r = conn.query("SELECT version::text, dirty FROM " + table);
    if (r.rows() > 1)
      state.problem = table + " has " + std::to_string(r.rows()) + " rows; golang-migrate keeps exactly one";
    else if (r.rows() == 1 && r.text(0, 1) == "t")
      state.problem = table + " is dirty at version " + r.text(0, 0) +
                      " (a migration failed half-way); fix the database and run `migrate force VERSION`, then adopt";
    else if (r.rows() == 1)
      state.current = r.text(0, 0);
  } else if (set.tool == "dbmate") {
    if (columns.count("dirty"))
      throw OperationError(table +
                           " has a \"dirty\" column: that is golang-migrate's shape (one row), not dbmate's; "
                           "use --from golang-migrate");
    require_columns(columns, {"version"}, table, "dbmate");
    state.applied = first_column(conn.query("SELECT version::text FROM " + table));
  } else if (set.tool == "diesel") {
    require_columns(columns, {"version", "run_on"}, table, "diesel");
    state.applied = first_column(conn.query("SELECT version::text FROM " + table));
  } else if (set.tool == "flyway") {
    require_columns(columns, {"installed_rank", "version", "type", "script", "success"}, table, "flyway");
    const PgResult r =
        conn.query("SELECT coalesce(version, ''), type, script, success FROM " + table + " ORDER BY installed_rank");
    std::vector<import::FlywayRow> rows;
    for (int i = 0; i < r.rows(); ++i) rows.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3) == "t"});
    return import::flyway_state(rows, set, table);
  } else {  // alembic
    require_columns(columns, {"version_num"}, table, "Alembic");
    state.heads = first_column(conn.query("SELECT version_num::text FROM " + table + " ORDER BY 1"));
  }
  return state;
}

}  // namespace mmc
