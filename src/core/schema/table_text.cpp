#include "core/schema/table_text.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/schema/json_text.hpp"
#include "core/schema/normalize.hpp"

namespace mm::schema {

namespace {

// What ModelWriter's sort_name gives an object with a name and no schema
// (a table's columns, constraints, indexes, triggers and policies).
std::string child_sort_name(const std::string& name) { return "\x01" + name + "\x01\x01"; }

// Children printed into `out` as a list, sorted as normalize_model_item
// sorts them: stably, by sort name.
template <typename Row, typename Print>
void append_sorted_list(std::string& out, const std::vector<Row>& rows, Print print) {
  std::vector<std::pair<std::string, const Row*>> order;
  order.reserve(rows.size());
  for (const Row& row : rows) order.emplace_back(child_sort_name(row.name), &row);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out += '[';
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i > 0) out += ',';
    print(out, *order[i].second);
  }
  out += ']';
}

const char* json_bool(bool value) { return value ? "true" : "false"; }

// Each printer adds its members in dump()'s order (bytewise by key).

void append_column(std::string& out, const ColumnRow& column) {
  JsonObjectWriter object(out);
  append_json_string(object.member("collation"), column.collation);
  append_json_string(object.member("comment"), column.comment);
  append_json_string(object.member("default"), column.default_value);
  if (column.default_source) append_json_string(object.member("default_source"), column.default_source);  // folded
  append_json_string(object.member("generated"), column.generated);
  append_json_reprinted(object.member("identity"), column.identity);
  append_json_string(object.member("name"), column.name);
  object.member("not_null") += json_bool(column.not_null);
  append_json_string(object.member("type"), column.type);
  object.finish();
}

void append_references(std::string& out, const std::optional<ForeignKeyTarget>& target) {
  if (!target) {
    out += "null";
    return;
  }
  JsonObjectWriter object(out);
  append_json_strings(object.member("columns"), target->columns);
  append_json_string(object.member("schema"), target->schema);
  append_json_string(object.member("table"), target->table);
  object.finish();
}

void append_constraint(std::string& out, const ConstraintRow& constraint) {
  JsonObjectWriter object(out);
  append_json_strings(object.member("columns"), constraint.columns);
  append_json_string(object.member("comment"), constraint.comment);
  object.member("deferrable") += json_bool(constraint.deferrable);
  object.member("deferred") += json_bool(constraint.deferred);
  append_json_string(object.member("definition"), constraint_body(constraint.definition, constraint.deferrable,
                                                                  constraint.deferred, constraint.validated));
  append_json_string(object.member("name"), constraint.name);
  if (constraint.partitions) append_json_reprinted(object.member("partitions"), constraint.partitions);
  append_references(object.member("references"), constraint.references);
  append_json_string(object.member("type"), constraint.type);
  object.member("validated") += json_bool(constraint.validated);
  object.finish();
}

void append_index(std::string& out, const IndexRow& index) {
  JsonObjectWriter object(out);
  append_json_strings(object.member("columns"), index_key_columns(index.definition));
  append_json_string(object.member("comment"), index.comment);
  append_json_reprinted(object.member("include"), index.include);
  append_json_string(object.member("method"), index.method);
  append_json_string(object.member("name"), index.name);
  object.member("nulls_not_distinct") += json_bool(index.nulls_not_distinct);
  append_json_reprinted(object.member("options"), index.options);
  if (index.partitions) append_json_reprinted(object.member("partitions"), index.partitions);
  append_json_string(object.member("predicate"), index.predicate);
  object.member("unique") += json_bool(index.unique);
  object.finish();
}

void append_trigger(std::string& out, const TriggerRow& trigger) {
  JsonObjectWriter object(out);
  append_json_string(object.member("comment"), trigger.comment);
  append_json_string(object.member("definition"), trigger.definition);
  append_json_string(object.member("name"), trigger.name);
  object.finish();
}

void append_policy(std::string& out, const PolicyRow& policy) {
  JsonObjectWriter object(out);
  append_json_string(object.member("command"), policy.command);
  append_json_string(object.member("comment"), policy.comment);
  append_json_string(object.member("name"), policy.name);
  object.member("permissive") += json_bool(policy.permissive);
  append_json_reprinted(object.member("roles"), policy.roles);
  append_json_string(object.member("using"), policy.using_expression);
  append_json_string(object.member("with_check"), policy.with_check);
  object.finish();
}

std::string inherited_columns_text(const std::string& json_text) {
  nlohmann::json columns = nlohmann::json::parse(json_text);
  normalize_inherited_columns(columns);
  return columns.dump();
}

}  // namespace

std::string table_sort_name(const TableRow& table) { return table.schema + '\x01' + table.name + "\x01\x01"; }

std::string table_text(const TableRow& table) {
  std::string out;
  out.reserve(512 + 256 * (table.columns.size() + table.constraints.size() + table.indexes.size()));
  JsonObjectWriter object(out);
  std::vector<std::string> order;  // attnum order, before the columns are sorted by name
  order.reserve(table.columns.size());
  for (const ColumnRow& column : table.columns) order.push_back(column.name);
  append_json_strings(object.member("column_order"), order);
  append_sorted_list(object.member("columns"), table.columns, append_column);
  append_json_string(object.member("comment"), table.comment);
  append_sorted_list(object.member("constraints"), table.constraints, append_constraint);
  // Row-level security, policies and a child's own settings on inherited
  // columns are listed only where they are used.
  if (table.force_row_security) object.member("force_row_security") += "true";
  append_sorted_list(object.member("indexes"), table.indexes, append_index);
  if (table.inherited_columns) object.member("inherited_columns") += inherited_columns_text(*table.inherited_columns);
  append_json_reprinted(object.member("inherits"), table.inherits);
  append_json_string(object.member("kind"), table.kind);
  append_json_string(object.member("name"), table.name);
  append_json_reprinted(object.member("options"), table.options);
  append_json_string(object.member("partition_bound"), table.partition_bound);
  append_json_string(object.member("partition_by"), table.partition_by);
  append_json_reprinted(object.member("partition_of"), table.partition_of);
  if (!table.policies.empty()) append_sorted_list(object.member("policies"), table.policies, append_policy);
  if (table.row_security) object.member("row_security") += "true";
  append_json_string(object.member("schema"), table.schema);
  append_sorted_list(object.member("triggers"), table.triggers, append_trigger);
  object.member("unlogged") += json_bool(table.unlogged);
  object.finish();
  return out;
}

}  // namespace mm::schema
