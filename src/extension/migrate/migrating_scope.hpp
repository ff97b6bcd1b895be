// Backend-local record of which provider's revision SQL is running. The
// deletion-protection event trigger lets that provider drop its own
// managed tables. Deliberately not a GUC: users must not be able to set it.
#pragma once

#include <string>

namespace mm::pg {

const std::string& migrating_provider();

// Throws when called from revision SQL: a revision that called upgrade,
// downgrade, stamp or upload would change the graph or version table
// while its own migration holds them.
void refuse_inside_migration(const std::string& action);

class MigratingScope {
 public:
  explicit MigratingScope(const std::string& provider_key);
  ~MigratingScope();
  MigratingScope(const MigratingScope&) = delete;
  MigratingScope& operator=(const MigratingScope&) = delete;

 private:
  std::string previous_;
};

}  // namespace mm::pg
