#include "core/schema_model.hpp"

#include "core/error.hpp"

namespace mm::schema {

namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw Error(sqlstate::kInvalidParameter, "malformed schema model: " + what,
              "A model is the jsonb that metamigrate.snapshot() returns.");
}

const json& field(const json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) malformed(std::string("missing \"") + name + "\"");
  return object.at(name);
}

std::string text_field(const json& object, const char* name) {
  const json& value = field(object, name);
  if (!value.is_string()) malformed(std::string("\"") + name + "\" must be a string");
  return value.get<std::string>();
}

const json& array_field(const json& object, const char* name) {
  static const json empty = json::array();
  if (!object.contains(name) || object.at(name).is_null()) return empty;
  const json& value = object.at(name);
  if (!value.is_array()) malformed(std::string("\"") + name + "\" must be an array");
  return value;
}

json without(json object, std::initializer_list<const char*> names) {
  for (const char* n : names) object.erase(n);
  return object;
}

// Objects that live in a relation: columns, constraints, indexes, triggers.
void add_relation_children(Catalog& catalog, const Node& relation, const json& object) {
  for (const json& column : array_field(object, "columns")) {
    Node n{column_key(relation.schema, relation.name, text_field(column, "name")),
           Kind::Column,
           relation.schema,
           text_field(column, "name"),
           relation.name,
           relation.key,
           without(column, {"default"})};
    if (column.contains("default") && !column.at("default").is_null()) {
      Node d{make_key({"default", relation.schema, relation.name, n.name}),
             Kind::Default,
             relation.schema,
             n.name,
             relation.name,
             n.key,
             json{{"expression", column.at("default")}}};
      catalog.add(d);
      catalog.add_dependency(d.key, n.key);
    }
    catalog.add_dependency(n.key, relation.key);
    catalog.add(std::move(n));
  }
  for (const json& constraint : array_field(object, "constraints")) {
    const std::string name = text_field(constraint, "name");
    Node n{make_key({"constraint", relation.schema, relation.name, name}),
           Kind::Constraint,
           relation.schema,
           name,
           relation.name,
           relation.key,
           constraint};
    catalog.add_dependency(n.key, relation.key);
    if (constraint.contains("references") && constraint.at("references").is_object()) {
      const json& ref = constraint.at("references");
      catalog.add_dependency(n.key, relation_key(Kind::Table, text_field(ref, "schema"), text_field(ref, "table")));
    }
    catalog.add(std::move(n));
  }
  for (const json& index : array_field(object, "indexes")) {
    const std::string name = text_field(index, "name");
    Node n{make_key({"index", relation.schema, name}), Kind::Index, relation.schema, name, relation.name,
           relation.key, index};
    catalog.add_dependency(n.key, relation.key);
    catalog.add(std::move(n));
  }
  for (const json& trigger : array_field(object, "triggers")) {
    const std::string name = text_field(trigger, "name");
    Node n{make_key({"trigger", relation.schema, relation.name, name}),
           Kind::Trigger,
           relation.schema,
           name,
           relation.name,
           relation.key,
           trigger};
    catalog.add_dependency(n.key, relation.key);
    catalog.add(std::move(n));
  }
}

void add_top_level(Catalog& catalog, Node n) {
  if (!n.schema.empty()) catalog.add_dependency(n.key, schema_key(n.schema));
  catalog.add(std::move(n));
}

}  // namespace

Key make_key(const json& parts) { return parts.dump(); }

Key schema_key(const std::string& schema) { return make_key({"schema", schema}); }

Key column_key(const std::string& schema, const std::string& table, const std::string& column) {
  return make_key({"column", schema, table, column});
}

Key relation_key(Kind kind, const std::string& schema, const std::string& name) {
  return make_key({kind_name(kind), schema, name});
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::Schema: return "schema";
    case Kind::Extension: return "extension";
    case Kind::Type: return "type";
    case Kind::Sequence: return "sequence";
    case Kind::SequenceOwner: return "sequence owner";
    case Kind::Table: return "table";
    case Kind::Column: return "column";
    case Kind::Default: return "default";
    case Kind::Constraint: return "constraint";
    case Kind::Index: return "index";
    case Kind::View: return "view";
    case Kind::MaterializedView: return "materialized view";
    case Kind::Function: return "function";
    case Kind::Trigger: return "trigger";
  }
  return "?";
}

int kind_rank(Kind kind) {
  // Tables come before functions so a SQL-language function whose body
  // reads a table (a dependency PostgreSQL does not record) finds it;
  // functions that tables or views do depend on move ahead through edges.
  switch (kind) {
    case Kind::Schema: return 0;
    case Kind::Extension: return 1;
    case Kind::Type: return 2;
    case Kind::Sequence: return 3;
    case Kind::Table: return 4;
    case Kind::Column: return 5;
    case Kind::Default: return 6;
    case Kind::SequenceOwner: return 7;
    case Kind::Constraint: return 8;
    case Kind::Index: return 9;
    case Kind::View: return 10;
    case Kind::MaterializedView: return 11;
    case Kind::Function: return 12;
    case Kind::Trigger: return 13;
  }
  return 99;
}

const Node* Catalog::find(const Key& key) const {
  auto it = nodes_.find(key);
  return it == nodes_.end() ? nullptr : &it->second;
}

const std::set<Key>& Catalog::dependencies(const Key& key) const {
  static const std::set<Key> none;
  auto it = deps_.find(key);
  return it == deps_.end() ? none : it->second;
}

const std::set<Key>& Catalog::dependents(const Key& key) const {
  static const std::set<Key> none;
  auto it = dependents_.find(key);
  return it == dependents_.end() ? none : it->second;
}

void Catalog::add(Node node) {
  if (node.kind == Kind::Schema) schemas_.insert(node.name);
  Key key = node.key;
  if (!nodes_.emplace(key, std::move(node)).second) malformed("duplicate object " + key);
}

void Catalog::add_dependency(const Key& from, const Key& to) {
  if (from != to) deps_[from].insert(to);
}

void Catalog::seal() {
  for (auto& [from, targets] : deps_) {
    for (auto it = targets.begin(); it != targets.end();) it = nodes_.count(*it) ? std::next(it) : targets.erase(it);
    for (const Key& to : targets) dependents_[to].insert(from);
  }
}

Catalog build_catalog(const json& model) {
  if (!model.is_object()) malformed("not a JSON object");
  if (!model.contains("format") || model.at("format") != kModelFormat)
    malformed(std::string("\"format\" must be \"") + kModelFormat + "\"");
  Catalog catalog;
  for (const json& s : array_field(model, "schemas")) {
    const std::string name = text_field(s, "name");
    catalog.add(Node{schema_key(name), Kind::Schema, "", name, "", "", s});
  }
  for (const json& e : array_field(model, "extensions")) {
    const std::string name = text_field(e, "name");
    // An extension does not depend on the schema node: it may live in a
    // schema outside the compared ones, and CREATE EXTENSION runs first.
    catalog.add(Node{make_key({"extension", name}), Kind::Extension, "", name, "", "", e});
  }
  for (const json& t : array_field(model, "types")) {
    add_top_level(catalog, Node{make_key({"type", text_field(t, "schema"), text_field(t, "name")}), Kind::Type,
                                text_field(t, "schema"), text_field(t, "name"), "", "", t});
  }
  for (const json& s : array_field(model, "sequences")) {
    Node n{relation_key(Kind::Sequence, text_field(s, "schema"), text_field(s, "name")), Kind::Sequence,
           text_field(s, "schema"), text_field(s, "name"), "", "", without(s, {"owned_by"})};
    if (s.contains("owned_by") && s.at("owned_by").is_object()) {
      const json& owner = s.at("owned_by");
      Node o{make_key({"sequence owner", n.schema, n.name}), Kind::SequenceOwner, n.schema, n.name, "", n.key, owner};
      catalog.add_dependency(o.key, n.key);
      catalog.add_dependency(
          o.key, column_key(text_field(owner, "schema"), text_field(owner, "table"), text_field(owner, "column")));
      catalog.add(std::move(o));
    }
    add_top_level(catalog, std::move(n));
  }
  for (const json& t : array_field(model, "tables")) {
    Node n{relation_key(Kind::Table, text_field(t, "schema"), text_field(t, "name")), Kind::Table,
           text_field(t, "schema"), text_field(t, "name"), "", "",
           without(t, {"columns", "constraints", "indexes", "triggers"})};
    if (t.contains("partition_of") && t.at("partition_of").is_object())
      catalog.add_dependency(n.key, relation_key(Kind::Table, text_field(t.at("partition_of"), "schema"),
                                                 text_field(t.at("partition_of"), "name")));
    for (const json& parent : array_field(t, "inherits"))
      catalog.add_dependency(n.key,
                             relation_key(Kind::Table, text_field(parent, "schema"), text_field(parent, "name")));
    add_relation_children(catalog, n, t);
    add_top_level(catalog, std::move(n));
  }
  for (const json& v : array_field(model, "views")) {
    const bool materialized = v.value("materialized", false);
    Node n{relation_key(materialized ? Kind::MaterializedView : Kind::View, text_field(v, "schema"),
                        text_field(v, "name")),
           materialized ? Kind::MaterializedView : Kind::View,
           text_field(v, "schema"),
           text_field(v, "name"),
           "",
           "",
           without(v, {"indexes"})};
    add_relation_children(catalog, n, v);
    add_top_level(catalog, std::move(n));
  }
  for (const json& f : array_field(model, "functions")) {
    add_top_level(catalog, Node{make_key({"function", text_field(f, "schema"), text_field(f, "name"),
                                          text_field(f, "identity_arguments")}),
                                Kind::Function, text_field(f, "schema"), text_field(f, "name"), "", "", f});
  }
  for (const json& edge : array_field(model, "dependencies")) {
    if (!edge.is_array() || edge.size() != 2 || !edge[0].is_array() || !edge[1].is_array())
      malformed("each dependency must be [dependent key, referenced key]");
    catalog.add_dependency(make_key(edge[0]), make_key(edge[1]));
  }
  catalog.seal();
  return catalog;
}

}  // namespace mm::schema
