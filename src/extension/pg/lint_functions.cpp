// fmgr entry point of metamigrate.lint (see boundary.hpp for MM_SQL_FUNCTION).
#include "core/lint_rules.hpp"
#include "pg/lint_facts.hpp"

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
  pg_guard([&] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  for (const LintFinding& f : findings) {
    Datum values[4];
    bool nulls[4] = {false, false, false, false};
    pg_guard([&] {
      values[0] = CStringGetTextDatum(f.rule.c_str());
      values[1] = CStringGetTextDatum(f.severity.c_str());
      values[2] = Int32GetDatum(f.line);
      values[3] = CStringGetTextDatum(f.message.c_str());
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return (Datum)0;
}

}  // namespace
}  // namespace mm::pg

MM_SQL_FUNCTION(metamigrate_lint, mm::pg::lint_fn)
