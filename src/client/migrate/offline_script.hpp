// `upgrade/downgrade --sql`: the plan rendered as a script a DBA runs with
// plain psql on a database that need not have the extension.
#pragma once

#include <string>
#include <vector>

#include "client/provider/provider_dir.hpp"
#include "core/revisions/planner.hpp"

namespace mmc {

struct OfflineScriptOptions {
  mm::Direction direction = mm::Direction::Upgrade;
  std::string from_description;  // how FROM was given, for the header
  std::string target;
  bool version_table_exists = false;  // known to exist: no DDL
  bool set_role = true;               // SET ROLE <owner_role>, as the server runs SQL
  std::string lock_timeout_ms;
  std::string statement_timeout_ms;
};

// The script for `plan` (computed from the FROM heads with the core planner).
std::string render_offline_script(const ProviderDir& provider, const mm::Plan& plan,
                                  const OfflineScriptOptions& options);

// The Alembic version-table DDL for the manifest's settings.
std::string version_table_ddl(const Manifest& manifest, bool if_not_exists);

}  // namespace mmc
