// fmgr entry points of the SQL API. Each one only converts arguments and
// results; the work is in migration.cpp. MM_SQL_FUNCTION supplies the
// exception boundary (see boundary.hpp).
#include "core/error.hpp"
#include "core/interrupts.hpp"
#include "extension/base/boundary.hpp"
#include "extension/base/set_result.hpp"
#include "extension/migrate/migration.hpp"
#include "extension/verify/schema_state.hpp"
#include "extension/migrate/lock_retries.hpp"
#include "extension/migrate/step_applier.hpp"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);

// Settings live under the reserved "metamigrate." prefix.
void _PG_init(void) {
  DefineCustomBoolVariable("metamigrate.progress",
                           "Send a NOTICE \"metamigrate progress\" with a JSON detail after every applied step.",
                           nullptr, &mm::pg::progress_notices, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("metamigrate.lock_retries",
                          "Attempts of a revision after the first when it cannot get a lock within lock_timeout.",
                          "Each attempt runs in a subtransaction; a lock timeout rolls back that attempt only.",
                          &mm::pg::lock_retries_setting, 0, 0, 1000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("metamigrate.lock_retry_min", "The wait before the first retry (doubling, with jitter).",
                          nullptr, &mm::pg::lock_retry_min_setting, 1000, 0, 3600000, PGC_USERSET, GUC_UNIT_MS, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable("metamigrate.lock_retry_max", "The longest wait between two attempts.", nullptr,
                          &mm::pg::lock_retry_max_setting, 60000, 0, 3600000, PGC_USERSET, GUC_UNIT_MS, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable("metamigrate.old_transaction_age",
                          "With lock retries: before a revision's first attempt, report the sessions on its tables "
                          "whose transactions are at least this old (0: do not).",
                          nullptr, &mm::pg::old_transaction_age_setting, 10000, 0, INT_MAX, PGC_USERSET, GUC_UNIT_MS,
                          nullptr, nullptr, nullptr);
  MarkGUCPrefixReserved("metamigrate");
  // The core's long loops (a diff of thousands of tables) stop on a cancel.
  mm::set_interrupt_check(&mm::pg::check_postgres_interrupts);
}
}

namespace mm::pg {
namespace {

std::optional<std::string> optional_text(FunctionCallInfo fcinfo, int arg) {
  if (PG_ARGISNULL(arg)) return std::nullopt;
  return text_arg(fcinfo, arg);
}

std::optional<std::string> optional_name(FunctionCallInfo fcinfo, int arg) {
  if (PG_ARGISNULL(arg)) return std::nullopt;
  return std::string(NameStr(*PG_GETARG_NAME(arg)));
}

Datum register_provider_fn(FunctionCallInfo fcinfo) {
  ProviderSettings s;
  s.package = optional_text(fcinfo, 0);
  s.namespace_ = optional_text(fcinfo, 1);
  s.owner_role = optional_name(fcinfo, 2);
  s.version_schema = optional_name(fcinfo, 3);
  s.version_table = optional_name(fcinfo, 4);
  s.version_column = optional_name(fcinfo, 5);
  return string_to_text_datum(register_provider(s));
}

Datum upload_revisions_fn(FunctionCallInfo fcinfo) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
    throw Error(sqlstate::kInvalidParameter, "provider and revisions must not be null");
  const std::string provider = text_arg(fcinfo, 0);
  const std::string json = datum_to_json_text(PG_GETARG_DATUM(1));
  const bool prune = PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);
  return Int32GetDatum(upload_revisions(provider, json, prune));
}

Datum upgrade_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(migrate(text_arg(fcinfo, 0), Operation::Upgrade, text_arg(fcinfo, 1)));
}

Datum downgrade_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(migrate(text_arg(fcinfo, 0), Operation::Downgrade, text_arg(fcinfo, 1)));
}

Datum stamp_fn(FunctionCallInfo fcinfo) {
  const bool purge = PG_NARGS() > 2 && PG_GETARG_BOOL(2);
  return json_text_to_jsonb(migrate(text_arg(fcinfo, 0), Operation::Stamp, text_arg(fcinfo, 1), purge));
}

// Procedures: only a CALL outside a transaction block may commit.
void require_nonatomic_call(FunctionCallInfo fcinfo, const char* name) {
  const bool nonatomic =
      fcinfo->context && IsA(fcinfo->context, CallContext) && !castNode(CallContext, fcinfo->context)->atomic;
  if (!nonatomic)
    throw Error("25001",
                std::string(name) + " commits after every revision and must be called outside a transaction block", {},
                std::string("Run CALL metamigrate.") + name + "(...) in autocommit mode, or use metamigrate." +
                    (std::string(name).rfind("up", 0) == 0 ? "upgrade" : "downgrade") + "() for one transaction.");
}

// A procedure's INOUT parameters come back as one record.
Datum procedure_result(FunctionCallInfo fcinfo, const std::string& json) {
  Datum value = json_text_to_jsonb(json);
  return pg_guard([&] {
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("procedure result must be a record")));
    desc = BlessTupleDesc(desc);
    bool isnull = false;
    return HeapTupleGetDatum(heap_form_tuple(desc, &value, &isnull));
  });
}

Datum upgrade_per_revision_fn(FunctionCallInfo fcinfo) {
  require_nonatomic_call(fcinfo, "upgrade_per_revision");
  const std::string target = PG_ARGISNULL(1) ? "head" : text_arg(fcinfo, 1);
  return procedure_result(fcinfo, migrate_per_revision(text_arg(fcinfo, 0), Operation::Upgrade, target));
}

Datum downgrade_per_revision_fn(FunctionCallInfo fcinfo) {
  require_nonatomic_call(fcinfo, "downgrade_per_revision");
  if (PG_ARGISNULL(1)) throw Error(sqlstate::kInvalidParameter, "downgrade_per_revision needs a target");
  return procedure_result(fcinfo, migrate_per_revision(text_arg(fcinfo, 0), Operation::Downgrade, text_arg(fcinfo, 1)));
}

Datum record_step_fn(FunctionCallInfo fcinfo) {
  const double duration_ms = PG_ARGISNULL(3) ? 0.0 : PG_GETARG_FLOAT8(3);
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
    throw Error(sqlstate::kInvalidParameter, "provider, revision and direction must not be null");
  return json_text_to_jsonb(record_step(text_arg(fcinfo, 0), text_arg(fcinfo, 1), text_arg(fcinfo, 2), duration_ms));
}

Datum apply_step_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(apply_step(text_arg(fcinfo, 0), text_arg(fcinfo, 1), text_arg(fcinfo, 2)));
}

Datum set_provider_schemas_fn(FunctionCallInfo fcinfo) {
  set_provider_schemas(text_arg(fcinfo, 0), text_array_arg(fcinfo, 1, "schema names"));
  PG_RETURN_VOID();
}

Datum verify_fn(FunctionCallInfo fcinfo) {
  const auto findings = verify_provider(text_arg(fcinfo, 0));
  SetResult result(fcinfo);
  for (const auto& f : findings) result.add({f.kind, f.detail});
  return (Datum)0;
}

Datum try_lock_provider_fn(FunctionCallInfo fcinfo) {
  try_lock_provider(text_arg(fcinfo, 0));
  PG_RETURN_VOID();
}

Datum lock_provider_session_fn(FunctionCallInfo fcinfo) {
  return BoolGetDatum(lock_provider_session(text_arg(fcinfo, 0), PG_GETARG_BOOL(1)));
}

Datum unlock_provider_session_fn(FunctionCallInfo fcinfo) {
  return BoolGetDatum(unlock_provider_session(text_arg(fcinfo, 0)));
}

Datum unregister_provider_fn(FunctionCallInfo fcinfo) {
  return json_text_to_jsonb(unregister_provider(text_arg(fcinfo, 0)));
}

Datum current_fn(FunctionCallInfo fcinfo) {
  const std::vector<std::string> heads = current_heads(text_arg(fcinfo, 0));
  SetResult result(fcinfo);
  for (const std::string& head : heads) result.add({head});
  return (Datum)0;
}

Datum plan_fn(FunctionCallInfo fcinfo) {
  const std::vector<PlannedStep> steps = plan(text_arg(fcinfo, 0), text_arg(fcinfo, 1), text_arg(fcinfo, 2));
  SetResult result(fcinfo);
  for (const PlannedStep& s : steps) result.add({std::to_string(s.step), s.revision, s.direction});
  return (Datum)0;
}

}  // namespace
}  // namespace mm::pg

MM_SQL_FUNCTION(metamigrate_register_provider, mm::pg::register_provider_fn)
MM_SQL_FUNCTION(metamigrate_upload_revisions, mm::pg::upload_revisions_fn)
MM_SQL_FUNCTION(metamigrate_upgrade, mm::pg::upgrade_fn)
MM_SQL_FUNCTION(metamigrate_downgrade, mm::pg::downgrade_fn)
MM_SQL_FUNCTION(metamigrate_stamp, mm::pg::stamp_fn)
MM_SQL_FUNCTION(metamigrate_current, mm::pg::current_fn)
MM_SQL_FUNCTION(metamigrate_plan, mm::pg::plan_fn)
MM_SQL_FUNCTION(metamigrate_record_step, mm::pg::record_step_fn)
MM_SQL_FUNCTION(metamigrate_try_lock_provider, mm::pg::try_lock_provider_fn)
MM_SQL_FUNCTION(metamigrate_apply_step, mm::pg::apply_step_fn)
MM_SQL_FUNCTION(metamigrate_lock_provider_session, mm::pg::lock_provider_session_fn)
MM_SQL_FUNCTION(metamigrate_unlock_provider_session, mm::pg::unlock_provider_session_fn)
MM_SQL_FUNCTION(metamigrate_unregister_provider, mm::pg::unregister_provider_fn)
MM_SQL_FUNCTION(metamigrate_set_provider_schemas, mm::pg::set_provider_schemas_fn)
MM_SQL_FUNCTION(metamigrate_verify, mm::pg::verify_fn)
MM_SQL_FUNCTION(metamigrate_upgrade_per_revision, mm::pg::upgrade_per_revision_fn)
MM_SQL_FUNCTION(metamigrate_downgrade_per_revision, mm::pg::downgrade_per_revision_fn)
