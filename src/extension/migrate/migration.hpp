// The server-side operations behind the SQL API, in C++ with plain
// arguments; functions.cpp adapts them to fmgr.
#pragma once

#include "core/protocol.hpp"
#include "extension/migrate/catalog.hpp"

namespace mm::pg {

struct ProviderSettings {
  std::optional<std::string> package, namespace_, owner_role, version_schema, version_table, version_column;
};
std::string register_provider(const ProviderSettings& settings);

// Returns how many revisions were inserted, replaced or (with prune) deleted.
int upload_revisions(const std::string& provider, const std::string& revisions_json, bool prune = false);

using Operation = protocol::Operation;
// Plans and applies; returns the JSON summary.
std::string migrate(const std::string& provider, Operation op, const std::string& target, bool purge = false);

// Records one step the client executed itself (non-transactional SQL).
std::string record_step(const std::string& provider, const std::string& revision, const std::string& direction,
                        double duration_ms);

// Runs exactly one transactional step (checked against the version table)
// in the caller's transaction.
std::string apply_step(const std::string& provider, const std::string& revision, const std::string& direction);

// The same with one transaction per revision (CALL outside a transaction
// block): a failure or a kill leaves a prefix of whole revisions applied.
std::string migrate_per_revision(const std::string& provider, Operation op, const std::string& target);

struct PlannedStep {
  int step;
  std::string revision;
  std::string direction;
};
std::vector<PlannedStep> plan(const std::string& provider, const std::string& direction, const std::string& target);

std::vector<std::string> current_heads(const std::string& provider);

// Takes the provider's migration lock for the transaction or fails at once.
void try_lock_provider(const std::string& provider);

// The provider's migration lock for the whole session, for clients that
// migrate in several transactions; false when wait is false and it is held.
bool lock_provider_session(const std::string& provider, bool wait);
bool unlock_provider_session(const std::string& provider);

// Removes a provider that never migrated this database; returns JSON.
std::string unregister_provider(const std::string& provider);

}  // namespace mm::pg
