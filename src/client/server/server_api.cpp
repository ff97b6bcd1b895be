#include "client/server/server_api.hpp"

#include <regex>

#include "client/provider/provider_dir.hpp"
#include "core/protocol.hpp"
#include "core/revision_context.hpp"

namespace mmc {

const char* operation_name(Operation op) {
  switch (op) {
    case Operation::Upgrade:
      return "upgrade";
    case Operation::Downgrade:
      return "downgrade";
    case Operation::Stamp:
      return "stamp";
  }
  return "?";
}

namespace sql {

namespace {
// How pg_locks shows the extension's provider lock (core/protocol.hpp).
const std::string kLockClass = std::to_string(mm::protocol::kMigrationLockClass);
const std::string kLockSpace = std::to_string(mm::protocol::kLockSpace);
}  // namespace

Query begin() { return {"BEGIN", {}}; }
Query commit() { return {"COMMIT", {}}; }

Query register_provider(const Manifest& m) {
  return {
      "SELECT metamigrate.register_provider($1, $2, $3, $4, $5, $6)",
      {m.package, m.namespace_, m.owner_role, m.version_table.schema, m.version_table.name, m.version_table.column}};
}

// After register_provider, before anything else writes the provider row
// in this transaction: whether this transaction inserted it. Asked after
// the fact because a concurrent migrator may register it in between.
Query provider_registered_now(const std::string& key) {
  return {"SELECT p.xmin = pg_catalog.pg_current_xact_id()::xid FROM metamigrate.provider p WHERE p.provider_key = $1",
          {key}};
}

Query set_provider_schemas(const Manifest& m) {
  return {"SELECT metamigrate.set_provider_schemas($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))",
          {m.key(), nlohmann::json(m.schemas).dump()}};
}

Query data_source_uid() { return {"SELECT metamigrate.data_source_uid()::text", {}}; }

Query verify(const std::string& key) { return {"SELECT kind, detail FROM metamigrate.verify($1)", {key}}; }

Query upload_revisions(const ProviderDir& provider) {
  return {"SELECT metamigrate.upload_revisions($1, $2::jsonb, true)",
          {provider.manifest().key(), provider.upload_document().dump()}};
}

Query migrate(Operation op, const std::string& key, const std::string& target, bool purge) {
  switch (op) {
    case Operation::Upgrade:
      return {"SELECT metamigrate.upgrade($1, $2)", {key, target}};
    case Operation::Downgrade:
      return {"SELECT metamigrate.downgrade($1, $2)", {key, target}};
    case Operation::Stamp:
      return {"SELECT metamigrate.stamp($1, $2, $3::boolean)", {key, target, std::string(purge ? "true" : "false")}};
  }
  return {};
}

Query current(const std::string& key) { return {"SELECT * FROM metamigrate.current($1)", {key}}; }

Query provider_state(const std::string& key, bool version_row) {
  return {"SELECT metamigrate.provider_state($1, $2::boolean)", {key, std::string(version_row ? "true" : "false")}};
}

Query plan(const std::string& key, const std::string& direction, const std::string& target) {
  return {"SELECT revision FROM metamigrate.plan($1, $2, $3) ORDER BY step", {key, direction, target}};
}

Query migrate_per_revision(Operation op, const std::string& key, const std::string& target) {
  return {op == Operation::Downgrade ? "CALL metamigrate.downgrade_per_revision($1, $2)"
                                     : "CALL metamigrate.upgrade_per_revision($1, $2)",
          {key, target}};
}

Query try_lock_provider(const std::string& key) { return {"SELECT metamigrate.try_lock_provider($1)", {key}}; }

Query version_meta_table(const std::string& key) { return {"SELECT metamigrate.version_meta_table($1)", {key}}; }

Query migration_connection(const nlohmann::json& request) {
  return {"SELECT metamigrate.migration_connection($1::jsonb)", {request.dump()}};
}

Query reap_credentials(bool all_databases) {
  return {"SELECT metamigrate.reap_credentials($1::boolean)", {std::string(all_databases ? "true" : "false")}};
}

Query release_migration_connection(const std::string& role) {
  return {"SELECT metamigrate.release_migration_connection($1)", {role}};
}

Query reserve(const nlohmann::json& request) { return {"SELECT metamigrate.reserve($1::jsonb)", {request.dump()}}; }

Query finalize(const std::string& key, const nlohmann::json& request, const std::string& hook) {
  // The revision is read in the statement itself, after the migration
  // that precedes it in the same transaction.
  const std::string finalized =
      "metamigrate.finalize($1::jsonb || pg_catalog.jsonb_build_object('alembic_revision', "
      "COALESCE((SELECT pg_catalog.string_agg(h, ',' ORDER BY h) FROM metamigrate.current($2) AS h), 'base')))";
  if (hook.empty()) return {"SELECT " + finalized, {request.dump(), key}};
  return {"WITH f AS MATERIALIZED (SELECT " + finalized +
              " AS result) SELECT f.result, metamigrate.run_after_register($2, $3, f.result)::text FROM f",
          {request.dump(), key, hook}};
}

Query lint(const std::string& sql_text, bool transactional, bool lock_timeout_set) {
  return {
      "SELECT rule, severity, line, message FROM metamigrate.lint($1, $2::boolean, $3::boolean) "
      "ORDER BY line, rule",
      {sql_text, std::string(transactional ? "true" : "false"), std::string(lock_timeout_set ? "true" : "false")}};
}

Query lock_holders(const std::string& statement) {
  return {
      "SELECT relation, pid::text, usename::text, mode, state, xact_start::text, query "
      "FROM metamigrate.lock_holders($1)",
      {statement}};
}

Query apply_step(const std::string& key, const std::string& revision, const std::string& direction) {
  return {"SELECT metamigrate.apply_step($1, $2, $3)", {key, revision, direction}};
}

Query record_step(const std::string& key, const std::string& revision, const std::string& direction,
                  double duration_ms) {
  return {"SELECT metamigrate.record_step($1, $2, $3, $4::float8)",
          {key, revision, direction, std::to_string(duration_ms)}};
}

Query set_config(const std::string& name, const std::string& value, bool local) {
  return {"SELECT pg_catalog.set_config($1, $2, $3::boolean)", {name, value, std::string(local ? "true" : "false")}};
}

Query lock_provider(const std::string& key) { return {"SELECT metamigrate.lock_provider_session($1)", {key}}; }

Query unlock_provider(const std::string& key) { return {"SELECT metamigrate.unlock_provider_session($1)", {key}}; }

Query provider_lock_holder(const std::string& key) {
  return {std::string("SELECT a.pid::text, a.usename::text, COALESCE(a.xact_start, a.backend_start)::text, "
                      "COALESCE(a.application_name, '') FROM pg_catalog.pg_locks l "
                      "JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
                      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ") +
              kLockClass + "::pg_catalog.oid AND l.objid = pg_catalog.hashtext($1)::pg_catalog.oid AND l.objsubid = " +
              kLockSpace + " AND l.pid <> pg_catalog.pg_backend_pid() LIMIT 1",
          {key}};
}

}  // namespace sql

bool registered_as(const nlohmann::json& state, const Manifest& m, bool version_row) {
  const auto text = [&](const char* key) {
    return state.value(key, nlohmann::json()).is_string() ? state[key].get<std::string>() : "";
  };
  return state.value("registered", false) && text("owner_role") == m.owner_role &&
         text("version_schema") == m.version_table.schema && text("version_table") == m.version_table.name &&
         text("version_column") == m.version_table.column &&
         state.value("schemas", nlohmann::json()) == nlohmann::json(m.schemas) &&
         (!version_row || state.value("version_meta_table", nlohmann::json()).is_object()) &&
         state.value("heads", nlohmann::json()).is_array();
}

std::vector<std::string> column_values(const PgResult& result) {
  std::vector<std::string> out;
  for (int row = 0; row < result.rows(); ++row) out.push_back(result.text(row, 0));
  return out;
}

nlohmann::json json_value(const PgResult& result) {
  if (result.rows() < 1) return nullptr;
  return nlohmann::json::parse(result.text(0, 0));
}

void annotate_server_error(ServerError& error, const ProviderDir* provider) {
  const bool names_extension = std::string(error.what()).find("metamigrate") != std::string::npos;
  if (names_extension && (error.sqlstate() == "3F000" || error.sqlstate() == "42883" || error.sqlstate() == "42P01"))
    error.notes.push_back(
        "The metamigrate extension is not installed in this database: run the SQL printed by "
        "'metamigrate scaffold' once as a superuser (it runs CREATE EXTENSION metamigrate).");
  if (!provider) return;
  const Manifest& manifest = provider->manifest();
  const std::string message = error.what();
  if (error.sqlstate() == "42704" && message == "role \"" + manifest.owner_role + "\" does not exist") {
    error.location = manifest.display + ":" + std::to_string(manifest.line_of("owner_role"));
    error.input_refusal = true;
    return;
  }
  if (message == "schema \"" + manifest.version_table.schema + "\" does not exist") {
    error.location = manifest.display + ":" + std::to_string(manifest.line_of("version_table"));
    error.input_refusal = true;
    return;
  }
  if (!error.location.empty()) {
    if (error.sqlstate() == "MM002" || error.sqlstate() == "MM003") error.input_refusal = true;
    return;
  }
  if (const std::optional<mm::protocol::RevisionContext> where = mm::protocol::find_revision_context(error.context())) {
    if (const RevisionFile* file = provider->find_file(where->revision)) {
      const bool upgrade = where->direction == "upgrade";
      error.location = file->path + ":" + std::to_string(file->file_line(upgrade, where->line));
    }
    return;
  }
  std::smatch match;
  static const std::regex revision_pattern(R"(revision \"([^\"]+)\")");
  if (std::regex_search(message, match, revision_pattern))
    if (const RevisionFile* file = provider->find_file(match[1].str())) {
      error.location = file->path + ":" + std::to_string(file->line_of("revision"));
      if (error.sqlstate() == "MM002" || error.sqlstate() == "MM003") error.input_refusal = true;
    }
}

}  // namespace mmc
