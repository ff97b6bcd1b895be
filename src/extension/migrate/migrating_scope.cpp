#include "extension/migrate/migrating_scope.hpp"

#include "core/error.hpp"

namespace mm::pg {

namespace {
std::string& current() {
  static std::string provider;
  return provider;
}
}  // namespace

const std::string& migrating_provider() { return current(); }

void refuse_inside_migration(const std::string& action) {
  if (current().empty()) return;
  throw Error("2F003", "cannot " + action + " from inside a migration",
              "Revision SQL of provider \"" + current() + "\" is running.",
              "Revision SQL changes the schema; the client or a separate transaction migrates providers.");
}

MigratingScope::MigratingScope(const std::string& provider_key) : previous_(current()) { current() = provider_key; }

MigratingScope::~MigratingScope() { current() = previous_; }

}  // namespace mm::pg
