#include "extension/lint/lock_blockers.hpp"

#include <algorithm>
#include <cstdlib>

#include "extension/lint/lint_facts.hpp"

namespace mm::pg {

std::vector<std::string> relations_named_by(SpiSession& spi, const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& s : statement_facts(spi, sql)) {
    if (!s.relation.empty()) out.push_back(s.relation);
    out.insert(out.end(), s.relations.begin(), s.relations.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<LockBlocker> lock_blockers(SpiSession& spi, const std::string& sql) {
  const std::vector<std::string> relations = relations_named_by(spi, sql);
  std::vector<LockBlocker> out;
  if (relations.empty()) return out;
  const Rows rows = spi.query(
      "SELECT l.pid::text, COALESCE(a.usename::text, ''), COALESCE(a.application_name, ''), COALESCE(a.state, ''), "
      "COALESCE(EXTRACT(epoch FROM pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) a.xact_start), 0)::text, "
      "COALESCE(a.query, ''), l.mode, c.oid::pg_catalog.regclass::text, l.granted::text "
      "FROM pg_catalog.pg_locks l "
      "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) l.relation "
      "LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid "
      "WHERE l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid() "
      "AND c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.jsonb_array_elements_text($1::pg_catalog.jsonb)) "
      "ORDER BY 8, 1",
      {nlohmann::json(relations).dump()});
  for (const Row& r : rows) {
    LockBlocker b;
    b.pid = std::atoi(r[0].value_or("0").c_str());
    b.user = r[1].value_or("");
    b.application = r[2].value_or("");
    b.state = r[3].value_or("");
    b.xact_age_s = std::atof(r[4].value_or("0").c_str());
    b.query = r[5].value_or("");
    b.lock_mode = r[6].value_or("");
    b.relation = r[7].value_or("");
    b.granted = r[8].value_or("true") == "true";
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace mm::pg
