// The MetaTable lifecycle of upgrade and downgrade, as requests to the
// extension: reserve the manifest's managed tables before the migration,
// finalize them after it (introspect the physical tables, reserved ->
// active, retire the ones a downgrade dropped, MM010 for a table no
// revision created), then the provider's after_register hook.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/provider/manifest.hpp"

namespace mmc {

class MetaTableLifecycle {
 public:
  explicit MetaTableLifecycle(const Manifest& manifest);

  bool has_tables() const { return !manifest_.metatables.empty(); }
  const std::string& hook() const { return hook_; }

  // metamigrate.reserve for every table of the manifest (no physical
  // table is created). Only when has_tables().
  Query reserve() const;
  // Keeps the uids of reserve's result.
  void reserved(const nlohmann::json& result);
  // finalize for `operation` ("upgrade" or "downgrade") of the reserved
  // uids, plus the hook when the manifest names one. Finalize also
  // retires active rows of the provider whose table is gone.
  Query finalize(const std::string& operation) const;

 private:
  const Manifest& manifest_;
  std::string hook_;
  std::vector<std::string> uids_;
  std::string version_uid_;

  nlohmann::json provider_fields() const;
};

// "2 active (a, b); 1 retired (c)" from finalize's result.
std::string describe_catalog(const nlohmann::json& finalized);

}  // namespace mmc
