// Small helpers shared by the DDL renderers (internal to the schema diff).
#pragma once

#include <string>
#include <vector>

#include "core/schema/model.hpp"
#include "core/schema/render.hpp"

namespace mm::schema::render {

// A field's string value, "" when absent or null.
const std::string& text(const json& spec, const char* field);
bool flag(const json& spec, const char* field);
bool present(const json& spec, const char* field);
std::vector<std::string> texts(const json& spec, const char* field);

// Qualified name of the node itself / of the relation that owns it.
std::string own_name(const Node& node);
std::string relation_name(const Node& node);
// A column default's expression for DDL: as written where the model holds
// its folded form.
std::string default_expression(const Node& default_node);

// " WITH (a=1, b=2)" for a reloptions array, "" when empty.
std::string with_options(const json& spec);

// Sequence options (CREATE SEQUENCE / identity) that differ from what
// PostgreSQL would choose for `type`, as "INCREMENT BY 2", "MAXVALUE 9", ...
std::vector<std::string> sequence_options(const json& seq, const std::string& type);
// Options of `to` that differ from `from` (ALTER SEQUENCE / ALTER COLUMN ... SET).
std::vector<std::string> changed_sequence_options(const json& from, const json& to);

Statement ddl(std::string sql, bool data_loss = false);
// ALTER INDEX schema.index RENAME TO ... / ALTER TABLE schema.table RENAME CONSTRAINT ... TO ...
Statement rename_index(const std::string& schema, const std::string& index, const std::string& new_name);
Statement rename_constraint(const std::string& schema, const std::string& table, const std::string& constraint,
                            const std::string& new_name);
void append(Statements& out, const Statements& more);

// Table-level pieces (schema_render_tables.cpp).
std::string column_definition(const Node& column, const Node* default_node);
std::string constraint_clause(const Node& constraint);  // "CONSTRAINT n <definition> [DEFERRABLE ...]"
Statements create_index(const Node& index);
Statements alter_column(const Node& from, const Node& to, const TypeFacts& facts, bool retype);
Statements alter_table(const Node& from, const Node& to);
Statements alter_constraint(const Node& from, const Node& to);
bool table_needs_recreate(const Node& from, const Node& to);
bool column_needs_recreate(const Node& from, const Node& to);
bool constraint_needs_recreate(const Node& from, const Node& to);

}  // namespace mm::schema::render
