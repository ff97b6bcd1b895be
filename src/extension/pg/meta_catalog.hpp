// Server side of the MetaTable lifecycle: reserve, finalize, the version
// table's own row, runtime attach and the after_register hook.
#pragma once

#include "pg/catalog.hpp"

namespace mm::pg {

std::string reserve(const std::string& request_json);
std::string finalize(const std::string& request_json);
std::string version_meta_table(const std::string& provider);

struct AttachedTable {
  std::string uid, identifier, schema_name, table_name, status;
};
std::vector<AttachedTable> attach(const std::vector<std::string>& table_names);

void run_after_register(const std::string& provider, const std::string& hook, const std::string& finalized_json);

}  // namespace mm::pg
