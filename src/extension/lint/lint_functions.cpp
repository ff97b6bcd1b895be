// fmgr entry point of metamigrate.lint (see boundary.hpp for MM_SQL_FUNCTION).
#include <algorithm>

#include "core/lint/rules.hpp"
#include "extension/lint/lint_facts.hpp"

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

// Relations a statement names, as PostgreSQL's parser sees them.
std::vector<std::string> relations_of(const std::vector<StatementFacts>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) {
    if (!s.relation.empty()) out.push_back(s.relation);
    out.insert(out.end(), s.relations.begin(), s.relations.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Datum lock_holders_fn(FunctionCallInfo fcinfo) {
  const std::string sql = text_arg(fcinfo, 0);
  Rows holders;
  {
    SpiSession spi;
    const std::vector<std::string> relations = relations_of(statement_facts(spi, sql));
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
  pg_guard([&] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  for (const Row& r : holders) {
    Datum values[7];
    bool nulls[7];
    for (int i = 0; i < 7; ++i) nulls[i] = !r[i].has_value();
    pg_guard([&] {
      if (r[0]) values[0] = CStringGetTextDatum(r[0]->c_str());
      if (r[1]) values[1] = Int32GetDatum(pg_strtoint32(r[1]->c_str()));
      if (r[2]) values[2] = DirectFunctionCall1(namein, CStringGetDatum(r[2]->c_str()));
      if (r[3]) values[3] = CStringGetTextDatum(r[3]->c_str());
      if (r[4]) values[4] = CStringGetTextDatum(r[4]->c_str());
      if (r[5])
        values[5] = DirectFunctionCall3(timestamptz_in, CStringGetDatum(r[5]->c_str()), ObjectIdGetDatum(InvalidOid),
                                        Int32GetDatum(-1));
      if (r[6]) values[6] = CStringGetTextDatum(r[6]->c_str());
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return (Datum)0;
}

}  // namespace
}  // namespace mm::pg

MM_SQL_FUNCTION(metamigrate_lint, mm::pg::lint_fn)
MM_SQL_FUNCTION(metamigrate_lock_holders, mm::pg::lock_holders_fn)
