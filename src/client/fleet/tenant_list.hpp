// The tenant schemas of one database: the manifest's tenant_schemas.query
// run there. Plain libpq on its own connection, so that several fleet
// workers can list tenants at once without sharing client state.
#pragma once

#include <string>
#include <vector>

namespace mmc {

// The first column of `query` on the database of `conninfo`, in the order
// returned. Throws OperationError (password scrubbed) when the database
// cannot be reached or the query fails, returns NULL or repeats a name.
std::vector<std::string> list_tenant_schemas(const std::string& conninfo, const std::string& query);

}  // namespace mmc
