// A GUC nesting level for a scope inside one transaction: everything set
// in it (by set() or by SQL run inside, including a plain SET, which a
// function's SET clause would let outlive the function) is undone on
// leaving, as PostgreSQL does around code it runs for another role
// (ri_triggers.c, index builds). On the error path transaction abort does.
#pragma once

#include <string>

namespace mm::pg {

class GucScope {
 public:
  GucScope();
  ~GucScope();
  GucScope(const GucScope&) = delete;
  GucScope& operator=(const GucScope&) = delete;

  void set(const char* name, const std::string& value);

 private:
  int level_;
};

// The search_path every catalog statement of metamigrate runs under.
inline constexpr const char* kCatalogSearchPath = "pg_catalog, pg_temp";

}  // namespace mm::pg
