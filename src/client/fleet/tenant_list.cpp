#include "client/fleet/tenant_list.hpp"

#include <libpq-fe.h>

#include <memory>
#include <set>

#include "client/server/dsn.hpp"
#include "client/output/errors.hpp"

namespace mmc {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::vector<std::string> list_tenant_schemas(const std::string& conninfo, const std::string& query) {
  const std::string password = password_of(conninfo);
  const char* keywords[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {conninfo.c_str(), "metamigrate", nullptr};
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdbParams(keywords, values, 1), &PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
    throw OperationError("could not connect to list the tenant schemas: " +
                         scrub(conn ? trimmed(PQerrorMessage(conn.get())) : "out of memory", password));
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), query.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
    throw OperationError("the tenant_schemas query failed: " +
                         scrub(trimmed(PQresultErrorMessage(result.get())), password));
  if (PQnfields(result.get()) < 1) throw OperationError("the tenant_schemas query returns no column");
  std::vector<std::string> tenants;
  std::set<std::string> seen;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    if (PQgetisnull(result.get(), row, 0))
      throw OperationError("the tenant_schemas query returned NULL in row " + std::to_string(row + 1));
    std::string name = PQgetvalue(result.get(), row, 0);
    if (!seen.insert(name).second) throw OperationError("the tenant_schemas query returned \"" + name + "\" twice");
    tenants.push_back(std::move(name));
  }
  return tenants;
}

}  // namespace mmc
