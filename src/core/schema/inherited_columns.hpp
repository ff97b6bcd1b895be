// Columns that partitions and inheritance children share with their
// parent. ALTER TABLE parent ALTER COLUMN ... SET/DROP DEFAULT and SET/DROP
// NOT NULL reach every descendant, and CREATE TABLE ... PARTITION OF (or
// INHERITS) copies the parent's settings. A child's own setting (its local
// column's default, or the model's "inherited_columns": a default or NOT
// NULL that differs from the parent's) is therefore set again once the
// parent's statements have reached it.
#pragma once

#include <string>
#include <vector>

#include "core/schema/changes.hpp"
#include "core/schema/render.hpp"

namespace mm::schema {

struct InheritedColumnRepair {
  Key table;  // the child
  std::string column;
  Statements statements;
};

// The tables `table` inherits its columns from: its partition parent or
// its INHERITS list, in order.
std::vector<Key> parent_tables(const Node& table);

// Statements that give each child's shared column its target default and
// NOT NULL after the rest of the plan has run (parents' first). The plan
// must run them after every change to the same column of the child and of
// its ancestors, and after the child's CREATE.
std::vector<InheritedColumnRepair> inherited_column_repairs(const Catalog& from, const Catalog& to,
                                                            const Changes& changes);

}  // namespace mm::schema
