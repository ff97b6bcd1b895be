// Facts about a relation named by schema and name, read from the system
// caches: the checks every call makes (version table, catalog owner) cost
// a parse and plan each through SPI, most of a cheap call.
#pragma once

#include <optional>
#include <string>

#include "extension/base/postgres.hpp"

namespace mm::pg {

struct RelationFacts {
  Oid oid = InvalidOid;
  char relkind = 0;
  bool temporary = false;
  Oid owner = InvalidOid;
};

// What `schema`.`name` resolves to, like to_regclass: nullopt when there
// is no such relation (or schema); a schema the current user may not use
// is a permission error, as for to_regclass.
std::optional<RelationFacts> find_relation(const std::string& schema, const std::string& name);

}  // namespace mm::pg
