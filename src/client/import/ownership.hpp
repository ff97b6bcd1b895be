// Objects in a provider's schemas that another role owns. After adopting
// a history another tool applied (as its own migrating role), revisions
// that alter or drop those objects fail with "must be owner of ...": the
// statements that hand them to the owner role, found before that happens.
#pragma once

#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/provider/manifest.hpp"

namespace mmc {

struct ForeignOwned {
  std::string statement;  // "ALTER TABLE public.users OWNER TO app_owner" (no ';')
  std::string owner;      // the role that owns it now
};

// Relations, functions, procedures, aggregates and types in the manifest's
// schemas (and the version table's) not owned by its owner role; not
// extension members, nor sequences their table's ALTER OWNER takes along,
// nor `except_table` (another tool's history table, which revisions leave
// alone).
std::vector<ForeignOwned> foreign_owned_objects(const Connection& conn, const Manifest& manifest,
                                                const std::string& except_table = "");

// "legacy_migrator: 12, admin: 1".
std::string owners_summary(const std::vector<ForeignOwned>& objects);

// A psql script (one transaction) of the statements.
std::string ownership_script(const std::vector<ForeignOwned>& objects, const Manifest& manifest);

}  // namespace mmc
