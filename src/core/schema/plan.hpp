// Orders the DDL that turns one catalog into another. Every change becomes
// one or more operations (drop, alter, create; type replacement adds a
// rename and a late drop); operations are ordered by the dependencies of
// the old catalog (drops, dependents first) and of the new one (creates,
// dependencies first), then by kind, then by key, so the output is
// deterministic. Children folded into their parent's statement (columns
// into CREATE TABLE, indexes dropped with their table) have no operation
// of their own.
#pragma once

#include "core/schema/model.hpp"
#include "core/schema/render.hpp"

namespace mm::schema {

// A table that keeps existing and whose columns will not end up in the
// order `to` declares: PostgreSQL cannot move a column and ADD COLUMN
// appends, so the plan leaves the order as it is and says so.
struct ColumnOrderNote {
  std::string schema, table;
  std::vector<std::string> declared;  // the order in `to`
  std::vector<std::string> result;    // the order after the migration
};

// With `column_order`, also fills in the notes for this direction.
Statements plan_migration(const Catalog& from, const Catalog& to, std::vector<ColumnOrderNote>* column_order = nullptr);

}  // namespace mm::schema
