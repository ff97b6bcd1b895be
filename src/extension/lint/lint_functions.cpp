// fmgr entry point of metamigrate.lint (see boundary.hpp for MM_SQL_FUNCTION).
#include "core/lint/rules.hpp"
#include "extension/base/set_result.hpp"
#include "extension/lint/lint_facts.hpp"
#include "extension/lint/lock_blockers.hpp"

namespace mm::pg {
namespace {

Datum lint_fn(FunctionCallInfo fcinfo) {
  const std::string sql = text_arg(fcinfo, 0);
  LintOptions options;
  if (PG_NARGS() > 1) options.transactional = PG_GETARG_BOOL(1);
  if (PG_NARGS() > 2) options.lock_timeout_set = PG_GETARG_BOOL(2);
  std::vector<LintFinding> findings;
  {
    SpiSession spi;
    findings = run_lint_rules(statement_facts(spi, sql), options);
    spi.finish();
  }
  SetResult result(fcinfo);
  for (const LintFinding& f : findings) result.add({f.rule, f.severity, std::to_string(f.line), f.message});
  return (Datum)0;
}

Datum lock_holders_fn(FunctionCallInfo fcinfo) {
  const std::string sql = text_arg(fcinfo, 0);
  Rows holders;
  {
    SpiSession spi;
    const std::vector<std::string> relations = relations_named_by(spi, sql);
    holders = spi.query(
        "SELECT c.oid::pg_catalog.regclass::text, l.pid::text, a.usename::text, l.mode, a.state, a.xact_start::text, "
        "a.query FROM pg_catalog.pg_locks l "
        "JOIN pg_catalog.pg_class c ON c.oid = l.relation "
        "JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() "
        "AND c.relname IN (SELECT pg_catalog.jsonb_array_elements_text($1::pg_catalog.jsonb)) "
        "ORDER BY 1, 2",
        {nlohmann::json(relations).dump()});
    spi.finish();
  }
  SetResult result(fcinfo);
  for (const Row& r : holders) result.add(r);
  return (Datum)0;
}

}  // namespace
}  // namespace mm::pg

MM_SQL_FUNCTION(metamigrate_lint, mm::pg::lint_fn)
MM_SQL_FUNCTION(metamigrate_lock_holders, mm::pg::lock_holders_fn)
