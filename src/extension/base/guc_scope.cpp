#include "extension/base/guc_scope.hpp"

#include <exception>

#include "extension/base/boundary.hpp"

namespace mm::pg {

GucScope::GucScope() : level_(pg_guard([] { return NewGUCNestLevel(); })) {}

GucScope::~GucScope() {
  if (std::uncaught_exceptions() != 0) return;
  try {
    // false: restore every value set at this level, SET as well as SET LOCAL.
    pg_guard([&] { AtEOXact_GUC(false, level_); });
  } catch (...) {
    // Leaving it to transaction end is the only option in a destructor.
  }
}

void GucScope::set(const char* name, const std::string& value) {
  pg_guard([&] {
    (void)set_config_option(name, value.c_str(), PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
  });
}

}  // namespace mm::pg
