// fmgr entry points of the MetaTable lifecycle, credentials and deletion
// protection (see boundary.hpp for MM_SQL_FUNCTION).
#include "core/error.hpp"
#include "pg/credentials.hpp"
#include "pg/meta_catalog.hpp"
#include "pg/migrating_scope.hpp"
#include "pg/security.hpp"

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

Datum attach_fn(FunctionCallInfo fcinfo) {
  std::vector<AttachedTable> tables = attach(text_array_arg(fcinfo, 0, "table names"));
  pg_guard([&] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  for (const auto& t : tables) {
    Datum values[5];
    bool nulls[5] = {false, false, false, false, false};
    pg_guard([&] {
      values[0] = DirectFunctionCall1(uuid_in, CStringGetDatum(t.uid.c_str()));
      values[1] = CStringGetTextDatum(t.identifier.c_str());
      values[2] = DirectFunctionCall1(namein, CStringGetDatum(t.schema_name.c_str()));
      values[3] = DirectFunctionCall1(namein, CStringGetDatum(t.table_name.c_str()));
      values[4] = CStringGetTextDatum(t.status.c_str());
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return (Datum)0;
}

Datum run_after_register_fn(FunctionCallInfo fcinfo) {
  run_after_register(text_arg(fcinfo, 0), text_arg(fcinfo, 1), datum_to_json_text(PG_GETARG_DATUM(2)));
  PG_RETURN_VOID();
}

Datum migration_connection_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(migration_connection(datum_to_json_text(PG_GETARG_DATUM(0))));
}

Datum reap_credentials_fn(FunctionCallInfo) { return Int32GetDatum(reap_credentials()); }

// Records DDL on active managed tables that happens outside a migration
// of their provider (as the catalog owner: PUBLIC cannot write the log).
void record_out_of_band(SpiSession& spi, const char* events_sql) {
  const std::string executed_as = current_user_name();  // before switching to the catalog owner
  RunAs as_catalog_owner(catalog_owner(spi));
  spi.execute(events_sql, {migrating_provider(), executed_as});
}

// Tables, and indexes and triggers by the table they belong to.
constexpr const char* kRecordCommands = R"SQL(
  INSERT INTO metamigrate.ddl_event (executed_as, command_tag, object_type, object_identity, provider,
                                     meta_table_uid, identifier)
  SELECT $2::name, d.command_tag, d.object_type, d.object_identity, m.provider, m.uid, m.identifier
    FROM pg_catalog.pg_event_trigger_ddl_commands() d
    JOIN metamigrate.meta_table m ON m.table_oid = CASE
           WHEN d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass THEN
             COALESCE((SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = d.objid), d.objid)
           WHEN d.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN
             (SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE t.oid = d.objid)
         END
   WHERE m.status = 'active' AND m.provider <> $1)SQL";

// Dropped indexes are gone from pg_index by now: match them by the index
// names recorded in the managed table's contract.
constexpr const char* kRecordDrops = R"SQL(
  INSERT INTO metamigrate.ddl_event (executed_as, command_tag, object_type, object_identity, provider,
                                     meta_table_uid, identifier)
  SELECT $2::name, 'DROP INDEX', d.object_type, d.object_identity, m.provider, m.uid, m.identifier
    FROM pg_catalog.pg_event_trigger_dropped_objects() d
    JOIN metamigrate.meta_table m ON m.schema_name = d.schema_name
     AND pg_catalog.jsonb_path_exists(m.table_contract -> 'indexes',
                                      '$[*] ? (@.name == $n)', pg_catalog.jsonb_build_object('n', d.object_name))
   WHERE d.object_type = 'index' AND m.status = 'active' AND m.provider <> $1)SQL";

Datum record_managed_ddl_fn(FunctionCallInfo fcinfo) {
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
    throw Error(sqlstate::kInvalidParameter, "record_managed_ddl() must be called as an event trigger");
  SpiSession spi;
  record_out_of_band(spi, kRecordCommands);
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
  Rows rows = spi.query(
      "SELECT m.provider, m.identifier, d.object_identity "
      "FROM pg_catalog.pg_event_trigger_dropped_objects() d "
      "JOIN metamigrate.meta_table m ON m.table_oid = d.objid "
      "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0 "
      "AND m.status = 'active' AND m.protect_from_deletion ORDER BY 3");
  std::vector<std::string> refused;
  std::string provider;
  for (const Row& r : rows) {
    if (*r[0] == migrating_provider()) continue;
    refused.push_back(*r[2] + " (" + *r[1] + ", provider " + *r[0] + ")");
    provider = *r[0];
  }
  if (!refused.empty())
    throw Error(sqlstate::kManagedTable, "cannot drop managed table" + std::string(refused.size() > 1 ? "s " : " ") +
                                             join(refused),
                "Active MetaTables are protected from deletion outside their provider's migrations.",
                "Write a revision of provider \"" + provider +
                    "\" that drops the table, remove it from the manifest's metatables, and apply it with "
                    "`metamigrate upgrade` (or `metamigrate downgrade` past the revision that created it).");
  record_out_of_band(spi, kRecordDrops);
  spi.finish();
  return PointerGetDatum(nullptr);
}

}  // namespace
}  // namespace mm::pg

MM_SQL_FUNCTION(metamigrate_reserve, mm::pg::reserve_fn)
MM_SQL_FUNCTION(metamigrate_finalize, mm::pg::finalize_fn)
MM_SQL_FUNCTION(metamigrate_version_meta_table, mm::pg::version_meta_table_fn)
MM_SQL_FUNCTION(metamigrate_attach, mm::pg::attach_fn)
MM_SQL_FUNCTION(metamigrate_run_after_register, mm::pg::run_after_register_fn)
MM_SQL_FUNCTION(metamigrate_migration_connection, mm::pg::migration_connection_fn)
MM_SQL_FUNCTION(metamigrate_reap_credentials, mm::pg::reap_credentials_fn)
MM_SQL_FUNCTION(metamigrate_protect_managed_tables, mm::pg::protect_managed_tables_fn)
MM_SQL_FUNCTION(metamigrate_record_managed_ddl, mm::pg::record_managed_ddl_fn)
