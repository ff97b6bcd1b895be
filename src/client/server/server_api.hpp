// The extension's SQL API as the client calls it: one function per call,
// each returning a parameterized query (so several can share a pipeline).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/provider/manifest.hpp"
#include "core/protocol.hpp"

namespace mmc {

class ProviderDir;

using Operation = mm::protocol::Operation;
const char* operation_name(Operation op);

namespace sql {
Query begin();
Query commit();
// metamigrate.register_provider with the manifest's settings (idempotent).
Query register_provider(const Manifest& manifest);
Query provider_registered_now(const std::string& key);
// metamigrate.set_provider_schemas: the schemas verify and autogenerate
// compare (the manifest's "schemas").
Query set_provider_schemas(const Manifest& manifest);
// metamigrate.data_source_uid(): which database (keys the interruption journal).
Query data_source_uid();
// metamigrate.verify: rows (kind, detail); none when clean.
Query verify(const std::string& key);
// The whole local set (prune): unapplied stored revisions that have no
// file any more are deleted, so the server's graph is the local one.
Query upload_revisions(const ProviderDir& provider);
Query migrate(Operation op, const std::string& key, const std::string& target, bool purge = false);
Query current(const std::string& key);
// metamigrate.provider_state: registration, heads and (with version_row)
// the version table's active catalog row, in one read that writes nothing.
Query provider_state(const std::string& key, bool version_row);
// metamigrate.plan(key, direction, target): the steps, changing nothing.
Query plan(const std::string& key, const std::string& direction, const std::string& target);
// CALL metamigrate.upgrade_per_revision / downgrade_per_revision: only
// outside a transaction block; commits after every revision.
Query migrate_per_revision(Operation op, const std::string& key, const std::string& target);
// Takes the provider's transaction lock now or fails with MM006 naming
// the holder (--no-wait).
Query try_lock_provider(const std::string& key);
// MetaTable catalog and credentials.
Query version_meta_table(const std::string& key);
Query migration_connection(const nlohmann::json& request);
// Expired temporary logins of this database and of dropped ones; with
// all_databases, every expired one in the cluster.
Query reap_credentials(bool all_databases = false);
// Drops a temporary login the client is done with.
Query release_migration_connection(const std::string& role);
Query reserve(const nlohmann::json& request);
// finalize(request) with "alembic_revision" set to the version table's
// rows at that moment; when `hook` is not empty, the provider's
// after_register hook is called with finalize's result in the same
// statement. Returns one row: the finalize result.
Query finalize(const std::string& key, const nlohmann::json& request, const std::string& hook);
// Lint and lock diagnostics.
Query lint(const std::string& sql_text, bool transactional, bool lock_timeout_set);
Query lock_holders(const std::string& statement);
// Exactly one transactional step, checked against the version table now.
Query apply_step(const std::string& key, const std::string& revision, const std::string& direction);
Query record_step(const std::string& key, const std::string& revision, const std::string& direction,
                  double duration_ms);
// set_config(name, value, is_local): SET LOCAL when `local`, else SET.
Query set_config(const std::string& name, const std::string& value, bool local);
// Session-level lock on the provider (metamigrate.lock_provider_session):
// the lock the extension's migrations take, so a client holding it keeps
// every other migrator of the provider out between its transactions.
Query lock_provider(const std::string& key);
Query unlock_provider(const std::string& key);
// Another session holding the provider's lock: pid, user, since,
// application (no row when nobody else does).
Query provider_lock_holder(const std::string& key);
}  // namespace sql

// Whether provider_state's result shows the provider registered exactly as
// `manifest` says (and, with version_row, an active version-table row):
// then the registration calls would change nothing.
bool registered_as(const nlohmann::json& state, const Manifest& manifest, bool version_row);

// Rows of a one-column result.
std::vector<std::string> column_values(const PgResult& result);
// The jsonb in row 0, column 0.
nlohmann::json json_value(const PgResult& result);

// Adds what the client knows to a server error: the revision file and line
// named by the server's CONTEXT, the file of a changed applied revision, a
// hint when the extension is missing.
void annotate_server_error(ServerError& error, const ProviderDir* provider);

}  // namespace mmc
