#include "core/schema/partition_keys.hpp"

#include <set>

#include "core/schema/sql.hpp"

namespace mm::schema {

using render::ddl;
using render::flag;
using render::present;
using render::rename_constraint;
using render::rename_index;
using render::text;
using render::texts;

namespace {

bool is_key(const Node& n) {
  if (n.kind != Kind::Constraint) return false;
  const std::string type = text(n.spec, "type");
  return type == "primary key" || type == "unique";
}

json comparable(const Node& n) {
  json spec = without_partition_names(n.spec);
  spec.erase("name");
  spec.erase("comment");
  return spec;
}

// A plain unique btree index on exactly the key's columns, which
// ADD CONSTRAINT ... USING INDEX can make that key.
bool index_can_become(const Node& index, const Node& key) {
  const json& i = index.spec;
  if (!flag(i, "unique") || text(i, "method") != "btree" || present(i, "predicate") || flag(i, "nulls_not_distinct") ||
      !texts(i, "include").empty() || !texts(i, "options").empty())
    return false;
  std::vector<std::string> columns;
  for (const std::string& c : texts(key.spec, "columns")) columns.push_back(quote_ident(c));
  const std::string keyword = text(key.spec, "type") == "primary key" ? "PRIMARY KEY" : "UNIQUE";
  return texts(i, "columns") == columns && text(key.spec, "definition") == keyword + " (" + join(columns, ", ") + ")" &&
         !flag(key.spec, "deferrable");
}

bool matches(const Node& child, const Node& parent) {
  if (parent.kind == Kind::Index) return child.kind == Kind::Index && comparable(child) == comparable(parent);
  if (child.kind == Kind::Constraint) return is_key(child) && comparable(child) == comparable(parent);
  return child.kind == Kind::Index && index_can_become(child, parent);
}

bool stays(const Changes& changes, const Key& key) {
  const auto it = changes.find(key);
  if (it == changes.end()) return false;
  const Action a = it->second.action;
  return a == Action::Keep || a == Action::Alter;
}

}  // namespace

json without_partition_names(json spec) {
  spec.erase("partitions");
  return spec;
}

void detect_attachments(const Catalog& from, Changes& changes) {
  // The partitions' own indexes and keys the diff drops, by table.
  std::map<Key, std::vector<std::string_view>> dropped_on;
  for (const auto& [key, c] : changes)
    if (c.action == Action::Drop && (c.from->kind == Kind::Index || is_key(*c.from)))
      dropped_on[c.from->parent].push_back(key);
  if (dropped_on.empty()) return;  // nothing a created parent could take over
  for (auto& [parent_key, created] : changes) {
    if (created.action != Action::Create) continue;
    const Node& parent = *created.to;
    if ((parent.kind != Kind::Index && !is_key(parent)) || !parent.spec.contains("partitions")) continue;
    if (!stays(changes, parent.parent)) continue;
    for (const json& entry : parent.spec.at("partitions")) {
      const Key partition = relation_key(Kind::Table, text(entry, "schema"), text(entry, "table"));
      if (!stays(changes, partition)) continue;
      const auto candidates = dropped_on.find(partition);
      if (candidates == dropped_on.end()) continue;
      for (const std::string_view child_key : candidates->second) {
        Change& child = changes.at(child_key);
        if (child.action != Action::Drop || !matches(*child.from, parent)) continue;
        // The name it takes must be free: nothing else in the source holds it.
        const std::string name = text(entry, "name");
        if (name != child.from->name &&
            (from.find(key_of({"index", child.from->schema, name})) ||
             from.find(key_of({"constraint", child.from->schema, child.from->relation, name}))))
          continue;
        child.action = Action::Attached;
        child.attached_to = parent_key;
        child.attached_as = name;
        break;
      }
    }
  }
}

Statements attach_statements(const Node& child, const Node& parent, const std::string& attached_as) {
  if (child.kind == Kind::Index && parent.kind == Kind::Constraint)
    return {ddl("ALTER TABLE " + render::relation_name(child) + " ADD CONSTRAINT " + quote_ident(attached_as) + " " +
                (text(parent.spec, "type") == "primary key" ? "PRIMARY KEY" : "UNIQUE") + " USING INDEX " +
                quote_ident(child.name))};
  if (child.name == attached_as) return {};
  if (child.kind == Kind::Index) return {rename_index(child.schema, child.name, attached_as)};
  return {rename_constraint(child.schema, child.relation, child.name, attached_as)};
}

Statements partition_renames(const Node& from, const Node& to) {
  Statements out;
  if (!from.spec.contains("partitions") || !to.spec.contains("partitions")) return out;
  for (const json& before : from.spec.at("partitions"))
    for (const json& after : to.spec.at("partitions")) {
      if (text(before, "schema") != text(after, "schema") || text(before, "table") != text(after, "table")) continue;
      if (text(before, "name") == text(after, "name")) continue;
      out.push_back(to.kind == Kind::Index
                        ? rename_index(text(before, "schema"), text(before, "name"), text(after, "name"))
                        : rename_constraint(text(after, "schema"), text(after, "table"), text(before, "name"),
                                            text(after, "name")));
    }
  return out;
}

}  // namespace mm::schema
