// Server side of the MetaTable lifecycle: reserve, finalize, the version
// table's own row, runtime attach and the after_register hook.
#pragma once

#include "extension/migrate/catalog.hpp"

namespace mm::pg {

std::string reserve(const std::string& request_json);
std::string finalize(const std::string& request_json);
std::string version_meta_table(const std::string& provider);
// What a read-only client needs, read only: the registration, the heads
// (read as the owner role) and, with `with_version_row`, the version
// table's active catalog row (one more catalog table to read).
std::string provider_state(const std::string& provider, bool with_version_row);

struct AttachedTable {
  std::string uid, identifier, schema_name, table_name, status;
};
std::vector<AttachedTable> attach(const std::vector<std::string>& table_names);

// Retires the provider's active rows whose table is gone (dropped by one of
// its own revisions); returns how many. Written as the catalog owner, in
// the caller's transaction: a migration that commits per revision calls it
// before each commit, so no committed state has an active row without its
// table, even when the finalize after the last revision never runs.
int retire_dropped_tables(ProviderCatalog& catalog, const Provider& provider);

void run_after_register(const std::string& provider, const std::string& hook, const std::string& finalized_json);

}  // namespace mm::pg
