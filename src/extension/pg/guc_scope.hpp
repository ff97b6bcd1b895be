// Sets configuration parameters for a scope inside one transaction, in
// their own GUC nesting level (as a function's SET clause does), and
// restores them on leaving; on the error path transaction abort does.
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
