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

// Printed children sorted as normalize_model_item sorts them: stably, by
// sort name.
template <typename Row, typename Print>
std::string sorted_list(const std::vector<Row>& rows, Print print) {
  std::vector<std::pair<std::string, std::string>> items;
  items.reserve(rows.size());
  for (const Row& row : rows) items.emplace_back(child_sort_name(row.name), print(row));
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> texts;
  texts.reserve(items.size());
  for (auto& item : items) texts.push_back(std::move(item.second));
  return json_list(texts);
}

std::string column_text(const ColumnRow& column) {
  JsonObjectText out;
  out.add("name", json_string(column.name));
  out.add("type", json_string(column.type));
  out.add("not_null", json_bool(column.not_null));
  out.add("default", json_string(column.default_value));
  if (column.default_source) out.add("default_source", json_string(column.default_source));  // only folded ones
  out.add("generated", json_string(column.generated));
  out.add("identity", json_reprinted(column.identity));
  out.add("collation", json_string(column.collation));
  out.add("comment", json_string(column.comment));
  return out.finish();
}

std::string constraint_text(const ConstraintRow& constraint) {
  JsonObjectText out;
  out.add("name", json_string(constraint.name));
  out.add("type", json_string(constraint.type));
  out.add("definition", json_string(constraint_body(constraint.definition, constraint.deferrable, constraint.deferred,
                                                    constraint.validated)));
  out.add("columns", json_strings(constraint.columns));
  out.add("references", json_reprinted(constraint.references));
  out.add("deferrable", json_bool(constraint.deferrable));
  out.add("deferred", json_bool(constraint.deferred));
  out.add("validated", json_bool(constraint.validated));
  if (constraint.partitions) out.add("partitions", json_reprinted(constraint.partitions));
  out.add("comment", json_string(constraint.comment));
  return out.finish();
}

std::string index_text(const IndexRow& index) {
  JsonObjectText out;
  out.add("name", json_string(index.name));
  out.add("columns", json_strings(index_key_columns(index.definition)));
  out.add("unique", json_bool(index.unique));
  out.add("method", json_string(index.method));
  out.add("include", json_reprinted(index.include));
  out.add("predicate", json_string(index.predicate));
  out.add("nulls_not_distinct", json_bool(index.nulls_not_distinct));
  out.add("options", json_reprinted(index.options));
  if (index.partitions) out.add("partitions", json_reprinted(index.partitions));
  out.add("comment", json_string(index.comment));
  return out.finish();
}

std::string trigger_text(const TriggerRow& trigger) {
  JsonObjectText out;
  out.add("name", json_string(trigger.name));
  out.add("definition", json_string(trigger.definition));
  out.add("comment", json_string(trigger.comment));
  return out.finish();
}

std::string policy_text(const PolicyRow& policy) {
  JsonObjectText out;
  out.add("name", json_string(policy.name));
  out.add("command", json_string(policy.command));
  out.add("permissive", json_bool(policy.permissive));
  out.add("roles", json_reprinted(policy.roles));
  out.add("using", json_string(policy.using_expression));
  out.add("with_check", json_string(policy.with_check));
  out.add("comment", json_string(policy.comment));
  return out.finish();
}

std::string inherited_columns_text(const std::string& json_text) {
  nlohmann::json columns = nlohmann::json::parse(json_text);
  normalize_inherited_columns(columns);
  return columns.dump();
}

}  // namespace

std::string table_sort_name(const TableRow& table) { return table.schema + '\x01' + table.name + "\x01\x01"; }

std::string table_text(const TableRow& table) {
  JsonObjectText out;
  out.add("schema", json_string(table.schema));
  out.add("name", json_string(table.name));
  out.add("kind", json_string(table.kind));
  out.add("unlogged", json_bool(table.unlogged));
  out.add("partition_by", json_string(table.partition_by));
  out.add("partition_of", json_reprinted(table.partition_of));
  out.add("partition_bound", json_string(table.partition_bound));
  out.add("inherits", json_reprinted(table.inherits));
  out.add("options", json_reprinted(table.options));
  out.add("comment", json_string(table.comment));
  // Row-level security, policies and a child's own settings on inherited
  // columns are listed only where they are used.
  if (table.row_security) out.add("row_security", "true");
  if (table.force_row_security) out.add("force_row_security", "true");
  if (table.inherited_columns) out.add("inherited_columns", inherited_columns_text(*table.inherited_columns));
  std::vector<std::string> order;  // attnum order, before the columns are sorted by name
  order.reserve(table.columns.size());
  for (const ColumnRow& column : table.columns) order.push_back(column.name);
  out.add("column_order", json_strings(order));
  out.add("columns", sorted_list(table.columns, column_text));
  out.add("constraints", sorted_list(table.constraints, constraint_text));
  out.add("indexes", sorted_list(table.indexes, index_text));
  out.add("triggers", sorted_list(table.triggers, trigger_text));
  if (!table.policies.empty()) out.add("policies", sorted_list(table.policies, policy_text));
  return out.finish();
}

}  // namespace mm::schema
