#include "core/schema/relevant_subset.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/schema/changes.hpp"
#include "core/schema/model.hpp"
#include "core/schema/model_outline.hpp"

namespace mm::schema {

namespace {

// "table\x01schema\x01name" or "view\x01schema\x01name"; empty for the
// objects that are always kept.
using RelationId = std::string;

RelationId relation_id(const char* section, const std::string& schema, const std::string& name) {
  return std::string(section) + '\x01' + schema + '\x01' + name;
}

bool is_table(const RelationId& id) { return id.compare(0, 6, "table\x01") == 0; }

struct Side {
  ModelOutline outline;
  std::map<RelationId, const OutlinedRelation*> relations;
  std::map<std::pair<std::string, std::string>, RelationId> index_owner;  // (schema, index) -> relation

  // False on a duplicate name, which build_catalog reports.
  bool index() {
    for (const char* section : {"table", "view"}) {
      for (const OutlinedRelation& r : section[0] == 't' ? outline.tables : outline.views) {
        const RelationId id = relation_id(section, r.schema, r.name);
        if (!relations.emplace(id, &r).second) return false;
        for (const std::string& index : r.indexes)
          if (!index_owner.emplace(std::make_pair(r.schema, index), id).second) return false;
      }
    }
    return true;
  }
};

// The relation whose text holds the object of `key` (its own side's
// indexes first); nothing when the key is of a kind this does not know.
std::optional<RelationId> owner(const std::vector<std::string>& key, const Side& own, const Side& other) {
  static const std::set<std::string> always{"schema", "extension", "type", "sequence", "sequence owner", "function"};
  static const std::set<std::string> in_table{"table", "column", "default", "constraint", "trigger", "policy"};
  if (key.empty()) return std::nullopt;
  const std::string& kind = key[0];
  if (always.count(kind)) return RelationId();
  if (key.size() < 3) return std::nullopt;
  if (in_table.count(kind)) return relation_id("table", key[1], key[2]);
  if (kind == "view" || kind == "materialized view") return relation_id("view", key[1], key[2]);
  if (kind == "index")
    for (const Side* side : {&own, &other})
      if (auto it = side->index_owner.find({key[1], key[2]}); it != side->index_owner.end()) return it->second;
  return std::nullopt;
}

struct Edge {
  const OutlinedEdge* source;  // null for the links build_catalog adds itself
  Key dependent, referenced;
  RelationId dependent_owner, referenced_owner;
};

class Subset {
 public:
  Subset(Side& from, Side& to) : from_(from), to_(to) {}

  // False when an edge names a key this cannot place.
  bool read_edges() {
    for (auto [side, other, edges] : {std::tuple{&from_, &to_, &from_edges_}, std::tuple{&to_, &from_, &to_edges_}}) {
      edges->reserve(side->outline.dependencies.size());
      for (const OutlinedEdge& e : side->outline.dependencies) {
        const auto dependent = owner(e.dependent, *side, *other), referenced = owner(e.referenced, *side, *other);
        if (!dependent || !referenced) return false;
        edges->push_back(Edge{&e, key_of(e.dependent), key_of(e.referenced), *dependent, *referenced});
      }
    }
    add_implicit_links(from_);
    add_implicit_links(to_);
    for (const std::vector<Edge>* edges : {&from_edges_, &to_edges_, &implicit_edges_})
      for (const Edge& e : *edges) {
        by_referenced_[e.referenced].push_back(&e);
        by_dependent_[e.dependent].push_back(&e);
        if (e.source == nullptr) continue;
        // Inheritance and partitions: the family's statements order
        // around each other (inherited_columns.hpp, partition_keys.hpp).
        if (is_table(e.dependent_owner) && is_table(e.referenced_owner) && e.dependent_owner != e.referenced_owner &&
            e.source->dependent.front() == "table" && e.source->referenced.front() == "table") {
          family_[e.dependent_owner].insert(e.referenced_owner);
          family_[e.referenced_owner].insert(e.dependent_owner);
        }
      }
    return true;
  }

  // The links build_catalog adds from the objects themselves, which a
  // model without dependency edges (a stored state) has alone: a foreign
  // key depends on the table it references, a table on its parents.
  void add_implicit_links(const Side& side) {
    for (const OutlinedRelation& r : side.outline.tables) {
      const RelationId id = relation_id("table", r.schema, r.name);
      for (const auto& [schema, name] : r.parents) {
        const RelationId parent = relation_id("table", schema, name);
        family_[id].insert(parent);
        family_[parent].insert(id);
      }
      for (const OutlinedForeignKey& fk : r.foreign_keys)
        implicit_edges_.push_back(Edge{nullptr, key_of({"constraint", r.schema, r.name, fk.name}),
                                       relation_key(Kind::Table, fk.schema, fk.table), id,
                                       relation_id("table", fk.schema, fk.table)});
    }
  }

  // With `read_models`, it reads the returned round's models, which are
  // then left null.
  ModelSubset run(const SubsetModelReader* read_models) {
    keep_differing_relations();
    keep_differing_edges();
    for (;;) {
      keep_families();
      ModelSubset subset{model(from_, from_edges_), model(to_, to_edges_), {}, {}, relation_count(), kept_.size()};
      if (subset.kept == subset.relations) {
        // Nothing is left out that could join: this round is the last, and
        // once read its models can go into the catalogs whole.
        if (!read_models) {
          subset.from_catalog = catalog(subset.from, from_edges_);
          subset.to_catalog = catalog(subset.to, to_edges_);
          return subset;
        }
        (*read_models)(subset.from, subset.to);
        subset.from_catalog = catalog(std::exchange(subset.from, nullptr), from_edges_);
        subset.to_catalog = catalog(std::exchange(subset.to, nullptr), to_edges_);
        return subset;
      }
      subset.from_catalog = catalog(subset.from, from_edges_);
      subset.to_catalog = catalog(subset.to, to_edges_);
      keep_around_changes(compute_changes(subset.from_catalog, subset.to_catalog));
      keep_around_changes(compute_changes(subset.to_catalog, subset.from_catalog));
      if (kept_.size() == subset.kept) {
        if (read_models) {
          (*read_models)(subset.from, subset.to);
          subset.from = subset.to = nullptr;
        }
        return subset;
      }
    }
  }

 private:
  void keep(const RelationId& id) {
    if (!id.empty() && (from_.relations.count(id) || to_.relations.count(id))) kept_.insert(id);
  }
  // An edge stays in the subset unless it reaches a relation left out (one
  // that neither model has is not left out).
  bool in_subset(const RelationId& id) const {
    return id.empty() || kept_.count(id) || (!from_.relations.count(id) && !to_.relations.count(id));
  }

  std::size_t relation_count() const {
    std::size_t count = from_.relations.size();
    for (const auto& [id, relation] : to_.relations) count += from_.relations.count(id) ? 0 : 1;
    return count;
  }

  void keep_differing_relations() {
    for (const auto& [id, relation] : from_.relations) {
      auto it = to_.relations.find(id);
      if (it == to_.relations.end() || it->second->text != relation->text) kept_.insert(id);
    }
    for (const auto& [id, relation] : to_.relations)
      if (!from_.relations.count(id)) kept_.insert(id);
  }

  void keep_differing_edges() {
    auto texts = [](const std::vector<Edge>& edges) {
      std::unordered_set<std::string> out;
      for (const Edge& e : edges) out.insert(e.dependent + '\n' + e.referenced);
      return out;
    };
    const auto from_texts = texts(from_edges_), to_texts = texts(to_edges_);
    for (auto [edges, other] : {std::pair{&from_edges_, &to_texts}, std::pair{&to_edges_, &from_texts}})
      for (const Edge& e : *edges)
        if (!other->count(e.dependent + '\n' + e.referenced)) {
          keep(e.dependent_owner);
          keep(e.referenced_owner);
        }
  }

  void keep_families() {
    std::vector<RelationId> work(kept_.begin(), kept_.end());
    while (!work.empty()) {
      const RelationId id = std::move(work.back());
      work.pop_back();
      auto it = family_.find(id);
      if (it == family_.end()) continue;
      for (const RelationId& relative : it->second)
        if (kept_.insert(relative).second) work.push_back(relative);
    }
  }

  // Whatever depends on a changing object may have to be rebuilt with it,
  // and what it depends on may be looked up while planning it.
  void keep_around_changes(const Changes& changes) {
    for (const auto& [key, change] : changes) {
      if (change.action == Action::Keep) continue;
      if (auto it = by_referenced_.find(key); it != by_referenced_.end())
        for (const Edge* e : it->second) keep(e->dependent_owner);
      if (auto it = by_dependent_.find(key); it != by_dependent_.end())
        for (const Edge* e : it->second) keep(e->referenced_owner);
    }
  }

  nlohmann::json model(const Side& side, const std::vector<Edge>& edges) const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [member, text] : side.outline.members) {
      if (member == "tables" || member == "views") {
        const bool tables = member == "tables";
        nlohmann::json& list = out[member] = nlohmann::json::array();
        for (const OutlinedRelation& r : tables ? side.outline.tables : side.outline.views)
          if (kept_.count(relation_id(tables ? "table" : "view", r.schema, r.name)))
            list.push_back(nlohmann::json::parse(r.text));
      } else {
        out[member] = nlohmann::json::parse(text);
      }
    }
    nlohmann::json& dependencies = out["dependencies"] = nlohmann::json::array();
    for (const Edge& e : edges)
      if (in_subset(e.dependent_owner) && in_subset(e.referenced_owner))
        dependencies.push_back(nlohmann::json::array({e.source->dependent, e.source->referenced}));
    return out;
  }

  // The catalog of a subset model: a copy of its objects, and its edges as
  // the keys read_edges made (make_key of its dependency list gives the
  // same), so that list is not copied as well.
  Catalog catalog(const nlohmann::json& subset_model, const std::vector<Edge>& edges) const {
    nlohmann::json objects = nlohmann::json::object();
    for (const auto& [member, value] : subset_model.items())
      if (member != "dependencies") objects[member] = value;
    return catalog(std::move(objects), edges);
  }
  // The same, consuming the model.
  Catalog catalog(nlohmann::json&& subset_model, const std::vector<Edge>& edges) const {
    nlohmann::json objects = std::move(subset_model);
    objects.erase("dependencies");
    std::vector<std::pair<Key, Key>> dependencies;
    dependencies.reserve(edges.size());
    for (const Edge& e : edges)
      if (in_subset(e.dependent_owner) && in_subset(e.referenced_owner))
        dependencies.emplace_back(e.dependent, e.referenced);
    return build_catalog(std::move(objects), dependencies);
  }

  Side& from_;
  Side& to_;
  std::vector<Edge> from_edges_, to_edges_;
  std::vector<Edge> implicit_edges_;  // not in the models' dependency lists (source is null)
  std::unordered_map<Key, std::vector<const Edge*>> by_referenced_, by_dependent_;
  std::map<RelationId, std::set<RelationId>> family_;
  std::set<RelationId> kept_;
};

}  // namespace

namespace {

std::optional<ModelSubset> subset_of(std::string_view from_text, std::string_view to_text,
                                     const SubsetModelReader* read_models) {
  std::optional<ModelOutline> from_outline = outline_model(from_text), to_outline = outline_model(to_text);
  if (!from_outline || !to_outline) return std::nullopt;
  Side from{std::move(*from_outline), {}, {}}, to{std::move(*to_outline), {}, {}};
  if (!from.index() || !to.index()) return std::nullopt;
  Subset subset(from, to);
  if (!subset.read_edges()) return std::nullopt;
  try {
    return subset.run(read_models);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a value the outline skipped is not JSON: the whole parse reports it
  }
}

}  // namespace

std::optional<ModelSubset> relevant_subset(std::string_view from_text, std::string_view to_text) {
  return subset_of(from_text, to_text, nullptr);
}

std::optional<ModelSubset> relevant_subset(std::string_view from_text, std::string_view to_text,
                                           const SubsetModelReader& read_models) {
  return subset_of(from_text, to_text, &read_models);
}

}  // namespace mm::schema
