#include "core/schema/model.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/interrupts.hpp"

namespace mm::schema {

namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw Error(sqlstate::kInvalidParameter, "malformed schema model: " + what,
              "A model is the jsonb that metamigrate.snapshot() returns.");
}

// (Each looked up once: thousands of objects are read.)
const json& field(const json& object, const char* name) {
  const auto it = object.find(name);  // end() when not an object
  if (it == object.end()) malformed(std::string("missing \"") + name + "\"");
  return *it;
}

std::string text_field(const json& object, const char* name) {
  const json& value = field(object, name);
  if (!value.is_string()) malformed(std::string("\"") + name + "\" must be a string");
  return value.get<std::string>();
}

const json& array_field(const json& object, const char* name) {
  static const json empty = json::array();
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return empty;
  const json& value = *it;
  if (!value.is_array()) malformed(std::string("\"") + name + "\" must be an array");
  return value;
}

// The same, for a model that build_catalog consumes (its objects are
// moved into the nodes rather than copied).
json& mutable_array_field(json& object, const char* name) {
  if (!object.is_object()) malformed(std::string("missing \"") + name + "\"");
  json& value = object[name];
  if (value.is_null()) value = json::array();
  if (!value.is_array()) malformed(std::string("\"") + name + "\" must be an array");
  return value;
}

json without(json&& object, std::initializer_list<const char*> names) {
  for (const char* n : names) object.erase(n);
  return std::move(object);
}

// Objects that live in a relation: columns, constraints, indexes, triggers, policies.
void add_relation_children(Catalog& catalog, const Node& relation, json& object) {
  // Tables list their columns' physical order apart from the (name-sorted)
  // columns; a model without it orders columns as listed.
  std::map<std::string, int> order;
  if (auto it = object.find("column_order"); it != object.end() && it->is_array())
    for (const json& name : *it)
      if (name.is_string()) order.emplace(name.get<std::string>(), static_cast<int>(order.size()));
  int listed = 0;
  for (json& column : mutable_array_field(object, "columns")) {
    const std::string name = text_field(column, "name");
    const auto place = order.find(name);
    const int position = place != order.end() ? place->second : static_cast<int>(order.size()) + listed;
    ++listed;
    const Key key = column_key(relation.schema, relation.name, name);
    if (const auto expression = column.find("default"); expression != column.end() && !expression->is_null()) {
      Node d{key_of({"default", relation.schema, relation.name, name}),
             Kind::Default,
             relation.schema,
             name,
             relation.name,
             key,
             json{{"expression", std::move(*expression)}}};
      if (auto it = column.find("default_source"); it != column.end() && it->is_string())
        d.written = it->get<std::string>();
      catalog.add(std::move(d));
    }
    catalog.add(Node{key, Kind::Column, relation.schema, name, relation.name, relation.key,
                     without(std::move(column), {"default", "default_source"}), position});
  }
  for (json& constraint : mutable_array_field(object, "constraints")) {
    const std::string name = text_field(constraint, "name");
    const Key key = key_of({"constraint", relation.schema, relation.name, name});
    if (constraint.contains("references") && constraint.at("references").is_object()) {
      const json& ref = constraint.at("references");
      catalog.add_dependency(key, relation_key(Kind::Table, text_field(ref, "schema"), text_field(ref, "table")));
    }
    catalog.add(Node{key, Kind::Constraint, relation.schema, name, relation.name, relation.key, std::move(constraint)});
  }
  for (json& index : mutable_array_field(object, "indexes")) {
    const std::string name = text_field(index, "name");
    const Key key = key_of({"index", relation.schema, name});
    catalog.add(Node{key, Kind::Index, relation.schema, name, relation.name, relation.key, std::move(index)});
  }
  for (json& trigger : mutable_array_field(object, "triggers")) {
    const std::string name = text_field(trigger, "name");
    const Key key = key_of({"trigger", relation.schema, relation.name, name});
    catalog.add(Node{key, Kind::Trigger, relation.schema, name, relation.name, relation.key, std::move(trigger)});
  }
  if (object.contains("policies"))  // tables only, and only where there are any
    for (json& policy : mutable_array_field(object, "policies")) {
      const std::string name = text_field(policy, "name");
      const Key key = key_of({"policy", relation.schema, relation.name, name});
      catalog.add(Node{key, Kind::Policy, relation.schema, name, relation.name, relation.key, std::move(policy)});
    }
}

void add_top_level(Catalog& catalog, Node n) {
  if (!n.schema.empty()) catalog.add_dependency(n.key, schema_key(n.schema));
  catalog.add(std::move(n));
}

}  // namespace

namespace {

// A string as nlohmann::json::dump() writes it (UTF-8 kept, control
// characters escaped with lowercase hex), so that key_of and make_key agree.
void append_json_string(Key& out, std::string_view text) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  // Names rarely need escaping: copy each run of plain characters at once.
  std::size_t plain = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[byte >> 4]);
        out.push_back(hex[byte & 15]);
    }
  }
  out.append(text, plain, std::string_view::npos);
  out.push_back('"');
}

// The key array of `parts`, each read as text by `text`.
template <typename Parts, typename Text>
Key write_key(const Parts& parts, Text text) {
  Key out;
  std::size_t length = 2;
  for (const auto& part : parts) length += text(part).size() + 3;
  out.reserve(length);  // escapes aside, the whole key
  out.push_back('[');
  for (const auto& part : parts) {
    if (out.size() > 1) out.push_back(',');
    append_json_string(out, text(part));
  }
  out.push_back(']');
  return out;
}

}  // namespace

Key key_of(std::initializer_list<std::string_view> parts) {
  return write_key(parts, [](std::string_view part) { return part; });
}

Key key_of(const std::vector<std::string>& parts) {
  return write_key(parts, [](const std::string& part) -> std::string_view { return part; });
}

Key make_key(const json& parts) {
  if (parts.is_array() && std::all_of(parts.begin(), parts.end(), [](const json& p) { return p.is_string(); }))
    return write_key(parts, [](const json& part) -> std::string_view { return part.get_ref<const std::string&>(); });
  return parts.dump();
}

Key schema_key(const std::string& schema) { return key_of({"schema", schema}); }

Key column_key(const std::string& schema, const std::string& table, const std::string& column) {
  return key_of({"column", schema, table, column});
}

Key relation_key(Kind kind, const std::string& schema, const std::string& name) {
  return key_of({kind_name(kind), schema, name});
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::Schema:
      return "schema";
    case Kind::Extension:
      return "extension";
    case Kind::Type:
      return "type";
    case Kind::Sequence:
      return "sequence";
    case Kind::SequenceOwner:
      return "sequence owner";
    case Kind::Table:
      return "table";
    case Kind::Column:
      return "column";
    case Kind::Default:
      return "default";
    case Kind::Constraint:
      return "constraint";
    case Kind::Index:
      return "index";
    case Kind::View:
      return "view";
    case Kind::MaterializedView:
      return "materialized view";
    case Kind::Function:
      return "function";
    case Kind::Trigger:
      return "trigger";
    case Kind::Policy:
      return "policy";
  }
  return "?";
}

int kind_rank(Kind kind) {
  // Tables come before functions so a SQL-language function whose body
  // reads a table (a dependency PostgreSQL does not record) finds it;
  // functions that tables or views do depend on move ahead through edges.
  switch (kind) {
    case Kind::Schema:
      return 0;
    case Kind::Extension:
      return 1;
    case Kind::Type:
      return 2;
    case Kind::Sequence:
      return 3;
    case Kind::Table:
      return 4;
    case Kind::Column:
      return 5;
    case Kind::Default:
      return 6;
    case Kind::SequenceOwner:
      return 7;
    case Kind::Constraint:
      return 8;
    case Kind::Index:
      return 9;
    case Kind::View:
      return 10;
    case Kind::MaterializedView:
      return 11;
    case Kind::Function:
      return 12;
    case Kind::Trigger:
      return 13;
    case Kind::Policy:
      return 14;
  }
  return 99;
}

bool KeyRefs::contains(std::string_view key) const {
  const int* it = std::lower_bound(numbers_.begin(), numbers_.end(), key,
                                   [&](int number, std::string_view wanted) { return *keys_[number] < wanted; });
  return it != numbers_.end() && *keys_[*it] == key;
}

const Node* Catalog::find(std::string_view key) const {
  const int number = number_of_.find(key);
  return number == KeyIndex::kNone || static_cast<std::size_t>(number) >= nodes_by_number_.size()
             ? nullptr
             : nodes_by_number_[number];
}

Numbers Catalog::Adjacency::of(int number) const {
  if (static_cast<std::size_t>(number) + 1 >= start.size()) return {};  // not sealed, or added since
  return {numbers.data() + start[number], numbers.data() + start[number + 1]};
}

KeyRefs Catalog::dependencies(std::string_view key) const {
  const int number = number_of_.find(key);
  return number == KeyIndex::kNone ? KeyRefs() : KeyRefs(dependencies_.of(number), keys_.data());
}

KeyRefs Catalog::dependents(std::string_view key) const {
  const int number = number_of_.find(key);
  return number == KeyIndex::kNone ? KeyRefs() : KeyRefs(dependents_.of(number), keys_.data());
}

KeyRefs Catalog::dependencies_of(int number) const { return KeyRefs(dependencies_.of(number), keys_.data()); }

KeyRefs Catalog::dependents_of(int number) const { return KeyRefs(dependents_.of(number), keys_.data()); }

int Catalog::parent_number(int number) const {
  return static_cast<std::size_t>(number) < parent_numbers_.size() ? parent_numbers_[number] : KeyIndex::kNone;
}

void Catalog::add(Node node) {
  if (node.kind == Kind::Schema) schemas_.insert(node.name);
  nodes_.push_back(std::move(node));
}

void Catalog::add_dependency(Key from, Key to) {
  if (from == to) return;
  const Key& dependent = added_keys_.emplace_back(std::move(from));
  edges_.emplace_back(dependent, added_keys_.emplace_back(std::move(to)));
}

void Catalog::add_dependency_view(std::string_view from, std::string_view to) {
  if (from != to) edges_.emplace_back(from, to);
}

void Catalog::seal() {
  // The nodes in key order: numbers 0 to nodes_.size() - 1.
  keys_.clear();
  nodes_by_number_.clear();
  keys_.reserve(nodes_.size());
  nodes_by_number_.reserve(nodes_.size());
  number_of_.reserve(nodes_.size());
  for (const Node& node : nodes_) nodes_by_number_.push_back(&node);
  std::sort(nodes_by_number_.begin(), nodes_by_number_.end(),
            [](const Node* a, const Node* b) { return a->key < b->key; });
  for (const Node* node : nodes_by_number_) {
    if (!keys_.empty() && *keys_.back() == node->key) malformed("duplicate object " + node->key);
    number_of_.emplace(node->key, static_cast<int>(keys_.size()));
    keys_.push_back(&node->key);
  }
  // Each edge as numbers: first every node's on its parent (containment),
  // then those added, their dependents given a number when they are no node.
  std::vector<std::pair<int, int>> edges;  // (dependent, referenced)
  edges.reserve(edges_.size() + keys_.size());
  parent_numbers_.assign(keys_.size(), KeyIndex::kNone);
  for (std::size_t number = 0; number < keys_.size(); ++number) {
    const Node& node = *nodes_by_number_[number];
    if (node.parent.empty()) continue;
    parent_numbers_[number] = number_of_.find(node.parent);
    if (parent_numbers_[number] != KeyIndex::kNone && node.parent != node.key)
      edges.emplace_back(static_cast<int>(number), parent_numbers_[number]);
  }
  for (const auto& [from, to] : edges_) {
    const int referenced = number_of_.find(to);
    if (referenced == KeyIndex::kNone || static_cast<std::size_t>(referenced) >= nodes_by_number_.size()) continue;
    int dependent = number_of_.find(from);
    if (dependent == KeyIndex::kNone) {
      const Key& loose = loose_keys_.emplace_back(from);
      dependent = number_of_.emplace(loose, static_cast<int>(keys_.size()));
      keys_.push_back(&loose);
    }
    edges.emplace_back(dependent, referenced);
  }
  edges_.clear();
  edges_.shrink_to_fit();
  added_keys_.clear();
  build(dependencies_, edges);
  for (auto& [dependent, referenced] : edges) std::swap(dependent, referenced);
  build(dependents_, edges);
}

void Catalog::build(Adjacency& adjacency, std::vector<std::pair<int, int>>& edges) {
  const std::size_t count = keys_.size();
  adjacency.start.assign(count + 1, 0);
  for (const auto& [owner, other] : edges) ++adjacency.start[owner + 1];
  for (std::size_t i = 0; i < count; ++i) adjacency.start[i + 1] += adjacency.start[i];
  adjacency.numbers.resize(edges.size());
  std::vector<int> next(adjacency.start.begin(), adjacency.start.end() - 1);
  for (const auto& [owner, other] : edges) adjacency.numbers[next[owner]++] = other;
  // Each list by key (nodes' numbers are in key order; a loose key's is
  // not), without repeats; the lists are then packed together again.
  const int node_count = static_cast<int>(nodes_.size());
  auto by_key = [&](int a, int b) { return a < node_count && b < node_count ? a < b : *keys_[a] < *keys_[b]; };
  int packed = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto first = adjacency.numbers.begin() + adjacency.start[i];
    const auto last = adjacency.numbers.begin() + adjacency.start[i + 1];
    std::sort(first, last, by_key);
    const auto unique_end = std::unique(first, last);
    const auto destination = adjacency.numbers.begin() + packed;
    if (destination != first) std::move(first, unique_end, destination);
    adjacency.start[i] = packed;
    packed += static_cast<int>(unique_end - first);
  }
  adjacency.start[count] = packed;
  adjacency.numbers.resize(packed);
}

namespace {

// The model's objects, consumed, and its own dependency list: all but
// seal().
Catalog flatten(json& model) {
  if (!model.is_object()) malformed("not a JSON object");
  if (!model.contains("format") || model.at("format") != kModelFormat)
    malformed(std::string("\"format\" must be \"") + kModelFormat + "\"");
  Catalog catalog;
  for (json& s : mutable_array_field(model, "schemas")) {
    const std::string name = text_field(s, "name");
    catalog.add(Node{schema_key(name), Kind::Schema, "", name, "", "", std::move(s)});
  }
  for (json& e : mutable_array_field(model, "extensions")) {
    const std::string name = text_field(e, "name");
    // An extension does not depend on the schema node: it may live in a
    // schema outside the compared ones, and CREATE EXTENSION runs first.
    catalog.add(Node{key_of({"extension", name}), Kind::Extension, "", name, "", "", std::move(e)});
  }
  for (json& t : mutable_array_field(model, "types")) {
    const std::string schema = text_field(t, "schema"), name = text_field(t, "name");
    add_top_level(catalog, Node{key_of({"type", schema, name}), Kind::Type, schema, name, "", "", std::move(t)});
  }
  for (json& s : mutable_array_field(model, "sequences")) {
    const std::string schema = text_field(s, "schema"), name = text_field(s, "name");
    Node n{relation_key(Kind::Sequence, schema, name), Kind::Sequence, schema, name, "", "", json()};
    if (s.contains("owned_by") && s.at("owned_by").is_object()) {
      json& owner = s.at("owned_by");
      Node o{key_of({"sequence owner", n.schema, n.name}), Kind::SequenceOwner, n.schema, n.name, "", n.key, json()};
      catalog.add_dependency(
          o.key, column_key(text_field(owner, "schema"), text_field(owner, "table"), text_field(owner, "column")));
      o.spec = std::move(owner);
      catalog.add(std::move(o));
    }
    n.spec = without(std::move(s), {"owned_by"});
    add_top_level(catalog, std::move(n));
  }
  for (json& t : mutable_array_field(model, "tables")) {
    const std::string schema = text_field(t, "schema"), name = text_field(t, "name");
    Node n{relation_key(Kind::Table, schema, name), Kind::Table, schema, name, "", "", json()};
    if (t.contains("partition_of") && t.at("partition_of").is_object())
      catalog.add_dependency(n.key, relation_key(Kind::Table, text_field(t.at("partition_of"), "schema"),
                                                 text_field(t.at("partition_of"), "name")));
    for (const json& parent : array_field(t, "inherits"))
      catalog.add_dependency(n.key,
                             relation_key(Kind::Table, text_field(parent, "schema"), text_field(parent, "name")));
    check_for_interrupts();
    add_relation_children(catalog, n, t);
    n.spec = without(std::move(t), {"columns", "column_order", "constraints", "indexes", "triggers", "policies"});
    add_top_level(catalog, std::move(n));
  }
  for (json& v : mutable_array_field(model, "views")) {
    const bool materialized = v.value("materialized", false);
    const Kind kind = materialized ? Kind::MaterializedView : Kind::View;
    const std::string schema = text_field(v, "schema"), name = text_field(v, "name");
    Node n{relation_key(kind, schema, name), kind, schema, name, "", "", json()};
    check_for_interrupts();
    add_relation_children(catalog, n, v);
    n.spec = without(std::move(v), {"indexes"});
    add_top_level(catalog, std::move(n));
  }
  for (json& f : mutable_array_field(model, "functions")) {
    const std::string schema = text_field(f, "schema"), name = text_field(f, "name");
    add_top_level(catalog, Node{key_of({"function", schema, name, text_field(f, "identity_arguments")}), Kind::Function,
                                schema, name, "", "", std::move(f)});
  }
  for (const json& edge : array_field(model, "dependencies")) {
    if (!edge.is_array() || edge.size() != 2 || !edge[0].is_array() || !edge[1].is_array())
      malformed("each dependency must be [dependent key, referenced key]");
    catalog.add_dependency(make_key(edge[0]), make_key(edge[1]));
  }
  return catalog;
}

}  // namespace

Catalog build_catalog(json model) {
  Catalog catalog = flatten(model);
  catalog.seal();
  return catalog;
}

Catalog build_catalog(json model, const std::vector<std::pair<std::string_view, std::string_view>>& dependencies) {
  Catalog catalog = flatten(model);
  for (const auto& [dependent, referenced] : dependencies) catalog.add_dependency_view(dependent, referenced);
  catalog.seal();
  return catalog;
}

}  // namespace mm::schema
