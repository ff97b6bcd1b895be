// The state `verify` compares against: after every migration the snapshot
// of the provider's schemas is stored with the heads it belongs to.
#pragma once

#include "extension/migrate/catalog.hpp"

namespace mm::pg {

// Stores the current snapshot for the provider. Runs in an internal
// subtransaction: a failure to snapshot is recorded, never fails the
// migration that called it.
void capture_schema_state(ProviderCatalog& catalog, const Provider& provider);

struct Finding {
  std::string kind;  // drift, ddl_event, stale, error
  std::string detail;
};
std::vector<Finding> verify_provider(const std::string& provider);

void set_provider_schemas(const std::string& provider, const std::vector<std::string>& schemas);

}  // namespace mm::pg
