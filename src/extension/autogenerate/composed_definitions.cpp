#include "extension/autogenerate/composed_definitions.hpp"

#include <cstdlib>
#include <vector>

#include "extension/base/boundary.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

std::vector<std::string> list_items(const std::string& list, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = list.find(separator, start);
    if (end == std::string::npos) end = list.size();
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace {

Oid oid_word(const std::string& word) { return static_cast<Oid>(std::strtoul(word.c_str(), nullptr, 10)); }

bool is_temporary_schema(const std::string& schema) { return schema.rfind("pg_temp_", 0) == 0; }

// What the SQL function `deparse` (pg_get_indexdef or pg_get_constraintdef)
// prints for the object `oid`.
std::string deparsed(PGFunction deparse, Oid oid) {
  char* printed =
      pg_guard([&] { return text_to_cstring(DatumGetTextPP(DirectFunctionCall1(deparse, ObjectIdGetDatum(oid)))); });
  std::string definition = printed;
  pg_guard([&] { pfree(printed); });
  return definition;
}

// The columns `attnums` ("2,1"), quoted and joined as
// decompile_column_index_array prints them; empty when one is unknown.
std::string column_list(const std::string& attnums, const TableColumns& columns) {
  std::string list;
  for (const std::string& attnum : list_items(attnums, ',')) {
    auto column = columns.find(attnum);
    if (column == columns.end()) return {};
    if (!list.empty()) list += ", ";
    list += quote_ident(column->second.name);
  }
  return list;
}

// A foreign key's ON UPDATE or ON DELETE action, null for NO ACTION.
const char* action_clause(char action) {
  switch (action) {
    case 'r':
      return "RESTRICT";
    case 'c':
      return "CASCADE";
    case 'n':
      return "SET NULL";
    case 'd':
      return "SET DEFAULT";
    default:
      return nullptr;
  }
}

// The body of a plain key or foreign key as pg_get_constraintdef_worker
// prints it, before the deferrability; empty when it cannot be composed.
std::string constraint_body(const ConstraintFacts& constraint, const TableColumns& columns) {
  const std::string keys = column_list(*constraint.key_columns, columns);
  if (keys.empty()) return {};
  if (constraint.type == 'p') return "PRIMARY KEY (" + keys + ")";
  if (constraint.type == 'u') return "UNIQUE (" + keys + ")";
  if (constraint.type != 'f') return {};
  if (!constraint.references) return {};
  const schema::ForeignKeyTarget& target = *constraint.references;
  // A table in pg_catalog or a temporary schema is visible by the
  // snapshot's search_path, so it prints unqualified there.
  if (target.schema == "pg_catalog" || is_temporary_schema(target.schema)) return {};
  std::string referenced;
  for (const std::string& column : target.columns) {
    if (!referenced.empty()) referenced += ", ";
    referenced += quote_ident(column);
  }
  if (referenced.empty()) return {};
  std::string body =
      "FOREIGN KEY (" + keys + ") REFERENCES " + qualified_name(target.schema, target.table) + "(" + referenced + ")";
  if (constraint.match == 'f') body += " MATCH FULL";
  if (constraint.match == 'p') body += " MATCH PARTIAL";
  if (const char* action = action_clause(constraint.on_update)) body.append(" ON UPDATE ").append(action);
  if (const char* action = action_clause(constraint.on_delete)) body.append(" ON DELETE ").append(action);
  return body;
}

}  // namespace

std::string constraint_definition(const ConstraintFacts& constraint, const TableColumns& columns) {
  std::string definition = constraint_body(constraint, columns);
  if (definition.empty()) return deparsed(pg_get_constraintdef, constraint.oid);
  if (constraint.deferrable) definition += " DEFERRABLE";
  if (constraint.deferred) definition += " INITIALLY DEFERRED";
  if (!constraint.validated) definition += " NOT VALID";
  return definition;
}

std::string IndexDefinitions::of(const IndexFacts& index, const TableColumns& columns) {
  std::string definition = composed(index, columns);
  return definition.empty() ? deparsed(pg_get_indexdef, index.oid) : definition;
}

// What pg_get_indexdef_worker prints for a plain index: every column bare,
// because each is the table's column with the collation it was declared
// with and the operator class GetDefaultOpClass picks for its type.
std::string IndexDefinitions::composed(const IndexFacts& index, const TableColumns& columns) {
  // A temporary schema prints as pg_temp there.
  if (is_temporary_schema(*index.schema)) return {};
  const std::vector<std::string> keys = list_items(*index.key_columns, ' ');
  const std::vector<std::string> classes = list_items(*index.operator_classes, ' ');
  const std::vector<std::string> collations = list_items(*index.collations, ' ');
  if (keys.empty() || classes.size() != keys.size() || collations.size() != keys.size()) return {};
  std::string definition = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  definition += quote_ident(*index.name);
  definition += " ON ";
  definition += qualified_name(*index.schema, *index.table);
  definition += " USING ";
  definition += quote_ident(*index.method);
  definition += " (";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto column = columns.find(keys[i]);
    if (column == columns.end()) return {};  // an expression (0) or a column the scan did not read
    const Oid collation = oid_word(collations[i]);
    if (collation != InvalidOid && collation != column->second.collation) return {};
    if (oid_word(classes[i]) != default_operator_class(column->second.type, index.method_oid)) return {};
    if (i > 0) definition += ", ";
    definition += quote_ident(column->second.name);
  }
  definition += ')';
  return definition;
}

Oid IndexDefinitions::default_operator_class(Oid type, Oid method) {
  auto [it, inserted] = default_operator_classes_.try_emplace({type, method}, InvalidOid);
  if (inserted) it->second = pg_guard([&] { return GetDefaultOpClass(type, method); });
  return it->second;
}

}  // namespace mm::pg
