#include "pg/migrating_scope.hpp"

namespace mm::pg {

namespace {
std::string& current() {
  static std::string provider;
  return provider;
}
}  // namespace

const std::string& migrating_provider() { return current(); }

MigratingScope::MigratingScope(const std::string& provider_key) : previous_(current()) { current() = provider_key; }

MigratingScope::~MigratingScope() { current() = previous_; }

}  // namespace mm::pg
