#include "client/server/version_table.hpp"

namespace mmc {

std::vector<std::string> read_version_table(const Connection& conn, const Manifest& m, bool* exists) {
  const std::string table = quote_identifier(m.version_table.schema) + "." + quote_identifier(m.version_table.name);
  *exists = conn.query("SELECT pg_catalog.to_regclass($1) IS NOT NULL", {table}).text(0, 0) == "t";
  std::vector<std::string> rows;
  if (!*exists) return rows;
  const PgResult result =
      conn.query("SELECT " + quote_identifier(m.version_table.column) + "::text FROM " + table + " ORDER BY 1");
  for (int row = 0; row < result.rows(); ++row) rows.push_back(result.text(row, 0));
  return rows;
}

}  // namespace mmc
