// Orders the DDL that turns one catalog into another. Every change becomes
// one or more operations (drop, alter, create; type replacement adds a
// rename and a late drop); operations are ordered by the dependencies of
// the old catalog (drops, dependents first) and of the new one (creates,
// dependencies first), then by kind, then by key, so the output is
// deterministic. Children folded into their parent's statement (columns
// into CREATE TABLE, indexes dropped with their table) have no operation
// of their own.
#pragma once

#include "core/schema_model.hpp"
#include "core/schema_render.hpp"

namespace mm::schema {

Statements plan_migration(const Catalog& from, const Catalog& to);

}  // namespace mm::schema
