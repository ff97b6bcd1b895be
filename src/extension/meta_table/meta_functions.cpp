// fmgr entry points of the MetaTable lifecycle, credentials and deletion
// protection (see boundary.hpp for MM_SQL_FUNCTION).
#include "core/error.hpp"
#include "extension/base/set_result.hpp"
#include "extension/credentials/credentials.hpp"
#include "extension/meta_table/meta_catalog.hpp"
#include "extension/migrate/migrating_scope.hpp"
#include "extension/base/security.hpp"

namespace mm::pg {
namespace {

Datum reserve_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(reserve(datum_to_json_text(PG_GETARG_DATUM(0))));
}

Datum finalize_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(finalize(datum_to_json_text(PG_GETARG_DATUM(0))));
}

Datum version_meta_table_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(version_meta_table(text_arg(fcinfo, 0)));
}

Datum provider_state_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(provider_state(text_arg(fcinfo, 0), PG_GETARG_BOOL(1)));
}

Datum attach_fn(FunctionCallInfo fcinfo) {
  std::vector<AttachedTable> tables = attach(text_array_arg(fcinfo, 0, "table names"));
  SetResult result(fcinfo);
  for (const AttachedTable& t : tables) result.add({t.uid, t.identifier, t.schema_name, t.table_name, t.status});
  return (Datum)0;
}

Datum run_after_register_fn(FunctionCallInfo fcinfo) {
  run_after_register(text_arg(fcinfo, 0), text_arg(fcinfo, 1), datum_to_json_text(PG_GETARG_DATUM(2)));
  PG_RETURN_VOID();
}

Datum migration_connection_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(migration_connection(datum_to_json_text(PG_GETARG_DATUM(0))));
}

Datum reap_credentials_fn(FunctionCallInfo fcinfo) {
  return Int32GetDatum(reap_credentials(PG_NARGS() > 0 && !PG_ARGISNULL(0) && PG_GETARG_BOOL(0)));
}

Datum release_migration_connection_fn(FunctionCallInfo fcinfo) {
  return BoolGetDatum(release_migration_connection(text_arg(fcinfo, 0)));
}

// Event triggers fire on every DDL command in the database, so their
// common case must be cheap: one saved-plan probe that says whether any
// active managed table belongs to a provider other than the one migrating
// in this backend; only then are the command's objects looked at.
constexpr const char* kAnyManagedElsewhere = R"SQL(
  SELECT EXISTS (SELECT 1 FROM metamigrate.meta_table m
                  WHERE m.status = 'active' AND m.provider OPERATOR(pg_catalog.<>) $1))SQL";

bool managed_tables_elsewhere(SpiSession& spi, const std::string& migrating) {
  return spi.query_saved(kAnyManagedElsewhere, {migrating}).at(0).at(0).value_or("f") == "t";
}

// Each row: command_tag, object_type, object_identity, provider, uid, identifier.
// Tables, and indexes and triggers by the table they belong to.
constexpr const char* kManagedCommands = R"SQL(
  SELECT d.command_tag, d.object_type, d.object_identity, m.provider, m.uid::pg_catalog.text, m.identifier
    FROM pg_catalog.pg_event_trigger_ddl_commands() d
    JOIN metamigrate.meta_table m ON m.table_oid OPERATOR(pg_catalog.=) CASE
           WHEN d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass THEN
             COALESCE((SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid OPERATOR(pg_catalog.=) d.objid),
                      d.objid)
           WHEN d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN
             (SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE t.oid OPERATOR(pg_catalog.=) d.objid)
         END
   WHERE m.status = 'active' AND m.provider OPERATOR(pg_catalog.<>) $1)SQL";

// Dropped indexes are gone from pg_index by now: match them by the index
// names recorded in the managed table's contract.
constexpr const char* kManagedIndexDrops = R"SQL(
  SELECT 'DROP INDEX', d.object_type, d.object_identity, m.provider, m.uid::pg_catalog.text, m.identifier
    FROM pg_catalog.pg_event_trigger_dropped_objects() d
    JOIN metamigrate.meta_table m ON m.schema_name OPERATOR(pg_catalog.=) d.schema_name
     AND pg_catalog.jsonb_path_exists(m.table_contract -> 'indexes',
                                      '$[*] ? (@.name == $n)', pg_catalog.jsonb_build_object('n', d.object_name))
   WHERE d.object_type = 'index' AND m.status = 'active' AND m.provider OPERATOR(pg_catalog.<>) $1)SQL";

// Records DDL on active managed tables that happens outside a migration of
// their provider, as the catalog owner (PUBLIC cannot write the log).
void record_out_of_band(SpiSession& spi, const Rows& events) {
  if (events.empty()) return;
  const std::string executed_as = current_user_name();  // before switching to the catalog owner
  RunAs as_catalog_owner(catalog_owner());
  for (const Row& e : events)
    spi.execute_prepared(
        "INSERT INTO metamigrate.ddl_event (executed_as, command_tag, object_type, object_identity, provider, "
        "meta_table_uid, identifier) VALUES ($1::pg_catalog.name, $2, $3, $4, $5, $6::pg_catalog.uuid, $7)",
        {executed_as, e[0], e[1], e[2], e[3], e[4], e[5]});
}

Datum record_managed_ddl_fn(FunctionCallInfo fcinfo) {
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
    throw Error(sqlstate::kInvalidParameter, "record_managed_ddl() must be called as an event trigger");
  SpiSession spi;
  const std::string migrating = migrating_provider();
  if (managed_tables_elsewhere(spi, migrating)) record_out_of_band(spi, spi.query_saved(kManagedCommands, {migrating}));
  spi.finish();
  return PointerGetDatum(nullptr);
}

// sql_drop event trigger: refuses to drop active, protected managed tables
// unless the provider that owns them is migrating in this backend, and
// records dropped indexes of managed tables.
Datum protect_managed_tables_fn(FunctionCallInfo fcinfo) {
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
    throw Error(sqlstate::kInvalidParameter, "protect_managed_tables() must be called as an event trigger");
  SpiSession spi;
  const std::string migrating = migrating_provider();
  if (!managed_tables_elsewhere(spi, migrating)) {
    spi.finish();
    return PointerGetDatum(nullptr);
  }
  Rows rows = spi.query_saved(
      "SELECT m.provider, m.identifier, d.object_identity "
      "FROM pg_catalog.pg_event_trigger_dropped_objects() d "
      // By name, which survives a dump and restore; by OID only for a
      // table renamed since its finalize (its recorded name is free now).
      "JOIN metamigrate.meta_table m ON (m.schema_name OPERATOR(pg_catalog.=) d.schema_name "
      "  AND m.table_name OPERATOR(pg_catalog.=) d.object_name) "
      " OR (m.table_oid OPERATOR(pg_catalog.=) d.objid AND pg_catalog.to_regclass(pg_catalog.format('%I.%I', "
      "     m.schema_name, m.table_name)) IS NULL) "
      "WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
      "AND d.objsubid OPERATOR(pg_catalog.=) 0 "
      "AND m.status = 'active' AND m.protect_from_deletion AND m.provider OPERATOR(pg_catalog.<>) $1 ORDER BY 3",
      {migrating});
  std::vector<std::string> refused;
  std::string provider;
  for (const Row& r : rows) {
    refused.push_back(*r[2] + " (" + *r[1] + ", provider " + *r[0] + ")");
    provider = *r[0];
  }
  if (!refused.empty())
    throw Error(sqlstate::kManagedTable,
                "cannot drop managed table" + std::string(refused.size() > 1 ? "s " : " ") + join(refused),
                "Active MetaTables are protected from deletion outside their provider's migrations.",
                "Write a revision of provider \"" + provider +
                    "\" that drops the table, remove it from the manifest's metatables, and apply it with "
                    "`metamigrate upgrade` (or `metamigrate downgrade` past the revision that created it).");
  record_out_of_band(spi, spi.query_saved(kManagedIndexDrops, {migrating}));
  spi.finish();
  return PointerGetDatum(nullptr);
}

}  // namespace
}  // namespace mm::pg

MM_SQL_FUNCTION(metamigrate_reserve, mm::pg::reserve_fn)
MM_SQL_FUNCTION(metamigrate_finalize, mm::pg::finalize_fn)
MM_SQL_FUNCTION(metamigrate_version_meta_table, mm::pg::version_meta_table_fn)
MM_SQL_FUNCTION(metamigrate_provider_state, mm::pg::provider_state_fn)
MM_SQL_FUNCTION(metamigrate_attach, mm::pg::attach_fn)
MM_SQL_FUNCTION(metamigrate_run_after_register, mm::pg::run_after_register_fn)
MM_SQL_FUNCTION(metamigrate_migration_connection, mm::pg::migration_connection_fn)
MM_SQL_FUNCTION(metamigrate_reap_credentials, mm::pg::reap_credentials_fn)
MM_SQL_FUNCTION(metamigrate_release_migration_connection, mm::pg::release_migration_connection_fn)
MM_SQL_FUNCTION(metamigrate_protect_managed_tables, mm::pg::protect_managed_tables_fn)
MM_SQL_FUNCTION(metamigrate_record_managed_ddl, mm::pg::record_managed_ddl_fn)
