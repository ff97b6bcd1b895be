#include "client/migrate/offline_script.hpp"

#include "client/server/connection.hpp"
#include "client/provider/sql_split.hpp"

namespace mmc {

namespace {

std::string qualified_table(const Manifest& m) {
  return quote_identifier(m.version_table.schema) + "." + quote_identifier(m.version_table.name);
}

std::string heads_text(const std::vector<std::string>& heads) { return heads.empty() ? "(base)" : mm::join(heads); }

// Version-table changes of one step, as Alembic writes them: an UPDATE when
// one row replaces another, else DELETEs and INSERTs.
std::string version_table_changes(const Manifest& m, const mm::PlanStep& step) {
  const std::string table = qualified_table(m);
  const std::string column = quote_identifier(m.version_table.column);
  if (step.delete_rows.size() == 1 && step.insert_rows.size() == 1)
    return "UPDATE " + table + " SET " + column + " = " + quote_literal(step.insert_rows[0]) + " WHERE " + column +
           " = " + quote_literal(step.delete_rows[0]) + ";\n";
  std::string out;
  for (const auto& row : step.delete_rows)
    out += "DELETE FROM " + table + " WHERE " + column + " = " + quote_literal(row) + ";\n";
  for (const auto& row : step.insert_rows)
    out += "INSERT INTO " + table + " (" + column + ") VALUES (" + quote_literal(row) + ");\n";
  return out;
}

std::string transaction_settings(const OfflineScriptOptions& o) {
  std::string out;
  if (!o.lock_timeout_ms.empty()) out += "SET LOCAL lock_timeout = " + quote_literal(o.lock_timeout_ms) + ";\n";
  if (!o.statement_timeout_ms.empty())
    out += "SET LOCAL statement_timeout = " + quote_literal(o.statement_timeout_ms) + ";\n";
  return out;
}

}  // namespace

std::string version_table_ddl(const Manifest& m, bool if_not_exists) {
  return std::string("CREATE TABLE ") + (if_not_exists ? "IF NOT EXISTS " : "") + qualified_table(m) + " (" +
         quote_identifier(m.version_table.column) + " VARCHAR(32) NOT NULL, CONSTRAINT " +
         quote_identifier(m.version_table.name + "_pkc") + " PRIMARY KEY (" + quote_identifier(m.version_table.column) +
         "));\n";
}

std::string render_offline_script(const ProviderDir& provider, const mm::Plan& plan, const OfflineScriptOptions& o) {
  const Manifest& m = provider.manifest();
  const mm::RevisionGraph& graph = provider.graph();
  const char* verb = mm::to_string(o.direction);
  std::string out;
  out +=
      "-- metamigrate " METAMIGRATE_VERSION " offline " + std::string(verb) + " script for provider " + m.key() + "\n";
  out += "-- from: " + heads_text(plan.heads_before) +
         (o.from_description.empty() ? "" : " (" + o.from_description + ")") + "\n";
  out += "-- to:   " + heads_text(plan.heads_after) + " (target " + o.target + ")\n";
  out += "-- steps: " + std::to_string(plan.steps.size()) + "\n";
  out += "-- Run it with plain psql, e.g.:  psql -v ON_ERROR_STOP=1 -d DBNAME -f this-file.sql\n";
  out += "-- The metamigrate extension is not needed; the database is left as 'metamigrate " + std::string(verb) +
         "' would leave it.\n\n";
  out += "\\set ON_ERROR_STOP on\n";
  // The server runs revision SQL as the owner role with the provider's
  // search_path; the script does the same so objects get the same owner.
  out += "SET search_path TO " + quote_identifier(m.version_table.schema) + ";\n";
  if (o.set_role)
    out += "SET ROLE " + quote_identifier(m.owner_role) +
           ";  -- drop this line (or use --no-owner) to create objects as yourself\n";
  out += "\nBEGIN;\n" + transaction_settings(o);
  if (plan.heads_before.empty() && !o.version_table_exists) out += "\n" + version_table_ddl(m, true);

  bool in_transaction = true;
  for (const mm::PlanStep& step : plan.steps) {
    const mm::Revision& rev = graph.at(step.node);
    const RevisionFile& file = provider.file_of(step.node);
    const bool upgrade = step.direction == mm::Direction::Upgrade;
    const std::string& sql = upgrade ? rev.upgrade_sql : rev.downgrade_sql;
    const std::string parents = rev.down_revisions.empty() ? "<base>" : mm::join(rev.down_revisions);
    out += "\n-- Running " + std::string(verb) + " " +
           (upgrade ? parents + " -> " + rev.id : rev.id + " -> " + parents) +
           (rev.message.empty() ? "" : ": " + rev.message) + "\n";
    out += "-- revision " + rev.id + " from " + file.source + (rev.transactional ? "" : " (non-transactional)") + "\n";
    if (!rev.transactional && in_transaction) {
      out += "COMMIT;  -- the next statements cannot run inside a transaction block\n";
      in_transaction = false;
    }
    if (rev.transactional && !in_transaction) {
      out += "BEGIN;\n" + transaction_settings(o);
      in_transaction = true;
    }
    if (!sql.empty()) out += sql;
    if (last_statement_unterminated(sql)) out += ";\n";
    if (!in_transaction) {
      // Record the non-transactional step in a transaction of its own.
      out += "BEGIN;\n" + transaction_settings(o);
      in_transaction = true;
    }
    out += version_table_changes(m, step);
  }
  out += "\nCOMMIT;\n";
  if (o.set_role) out += "RESET ROLE;\n";
  return out;
}

}  // namespace mmc
