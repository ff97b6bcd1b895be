#include "extension/autogenerate/index_definitions.hpp"

#include <cstdlib>
#include <vector>

#include "extension/base/boundary.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

namespace {

// "1 3" (an int2vector or oidvector as text) as its words.
std::vector<std::string> words(const std::string& vector_text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < vector_text.size()) {
    std::size_t end = vector_text.find(' ', start);
    if (end == std::string::npos) end = vector_text.size();
    if (end > start) out.push_back(vector_text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Oid oid_word(const std::string& word) { return static_cast<Oid>(std::strtoul(word.c_str(), nullptr, 10)); }

bool is_temporary_schema(const std::string& schema) { return schema.rfind("pg_temp_", 0) == 0; }

}  // namespace

std::string IndexDefinitions::of(const IndexFacts& index, const TableColumns& columns) {
  std::string definition = composed(index, columns);
  if (!definition.empty()) return definition;
  char* deparsed = pg_guard([&] {
    return text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_indexdef, ObjectIdGetDatum(index.oid))));
  });
  definition = deparsed;
  pg_guard([&] { pfree(deparsed); });
  return definition;
}

// What pg_get_indexdef_worker prints for a plain index: every column bare,
// because each is the table's column with the collation it was declared
// with and the operator class GetDefaultOpClass picks for its type.
std::string IndexDefinitions::composed(const IndexFacts& index, const TableColumns& columns) {
  // A temporary schema prints as pg_temp there.
  if (is_temporary_schema(*index.schema)) return {};
  const std::vector<std::string> keys = words(*index.key_columns);
  const std::vector<std::string> classes = words(*index.operator_classes);
  const std::vector<std::string> collations = words(*index.collations);
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
