// The extension's SQL API as the client calls it: one function per call,
// each returning a parameterized query (so several can share a pipeline).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/connection.hpp"
#include "client/manifest.hpp"

namespace mmc {

class ProviderDir;

enum class Operation { Upgrade, Downgrade, Stamp };
const char* operation_name(Operation op);

namespace sql {
Query begin();
Query commit();
// metamigrate.register_provider with the manifest's settings (idempotent).
Query register_provider(const Manifest& manifest);
Query provider_registered(const std::string& key);
Query upload_revisions(const ProviderDir& provider);
Query migrate(Operation op, const std::string& key, const std::string& target, bool purge = false);
Query current(const std::string& key);
Query record_step(const std::string& key, const std::string& revision, const std::string& direction,
                  double duration_ms);
// set_config(name, value, is_local): SET LOCAL when `local`, else SET.
Query set_config(const std::string& name, const std::string& value, bool local);
// Session-level advisory lock on the provider: the key the extension's
// pg_advisory_xact_lock uses, so a client holding it keeps every other
// migrator of the provider out between its transactions.
Query lock_provider(const std::string& key);
Query unlock_provider(const std::string& key);
}  // namespace sql

// Rows of a one-column result.
std::vector<std::string> column_values(const PgResult& result);
// The jsonb in row 0, column 0.
nlohmann::json json_value(const PgResult& result);

// Adds what the client knows to a server error: the revision file and line
// named by the server's CONTEXT, the file of a changed applied revision, a
// hint when the extension is missing.
void annotate_server_error(ServerError& error, const ProviderDir* provider);

}  // namespace mmc
