// DDL for one node of the schema catalog: create, drop, alter and comment
// statements. Every name is schema-qualified and quoted the way PostgreSQL
// quotes it; expressions come verbatim from the model (PostgreSQL deparsed
// them with only pg_catalog on the search path, so they are qualified too).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/schema/model.hpp"
#include "core/schema/types.hpp"

namespace mm::schema {

struct Statement {
  std::string sql;
  bool data_loss = false;
};
using Statements = std::vector<Statement>;

// What CREATE TABLE folds in: the columns (with their defaults) and the
// constraints it writes inline.
struct TableParts {
  std::vector<const Node*> columns;
  std::map<std::string, const Node*> defaults;  // by column name
  std::vector<const Node*> constraints;
};

// The object's own name for COMMENT ON / DROP: "TABLE public.t",
// "COLUMN public.t.c", "CONSTRAINT c ON public.t", ...
std::string object_reference(const Node& node);
Statements comment_statements(const Node& node);  // COMMENT ON ... for a non-null comment
Statements comment_change(const Node& to);        // COMMENT ON ... IS '...' or IS NULL

Statements create_statements(const Node& node);  // a node created on its own
Statements create_table(const Node& table, const TableParts& parts);
Statements add_column(const Node& column, const Node* default_node);
Statements drop_statements(const Node& node, const Catalog& catalog);
// In-place changes from `from` to `to` (same key). `retype` converts a
// column whose type is being replaced under the same name.
Statements alter_statements(const Node& from, const Node& to, const TypeFacts& facts, bool retype);
Statements rename_statements(const Node& from, const Node& to);

// Type replacement (an enum losing labels, a domain changing base type):
// the old type is renamed out of the way, the new one created, columns
// converted, then the old one dropped.
std::string replaced_type_name(const Node& type);
Statements rename_type_out_of_the_way(const Node& type);
Statements drop_replaced_type(const Node& type);

// Decisions the planner needs from the kind-specific rules.
bool needs_recreate(const Node& from, const Node& to);  // cannot be altered in place
bool needs_replace(const Node& from, const Node& to);   // types: rename-create-convert-drop
bool changes_column_type(const Node& from, const Node& to);
bool drop_loses_data(const Node& node);

}  // namespace mm::schema
