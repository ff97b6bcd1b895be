#include "core/schema/relevant_subset.hpp"

#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/interrupts.hpp"
#include "core/schema/changes.hpp"
#include "core/schema/json_reader.hpp"
#include "core/schema/model.hpp"
#include "core/schema/model_outline.hpp"

namespace mm::schema {

namespace {

// "table\x01schema\x01name" or "view\x01schema\x01name"; empty for the
// objects that are always kept.
using RelationId = std::string;

RelationId relation_id(const char* section, const std::string& schema, const std::string& name) {
  RelationId id;
  id.reserve(std::strlen(section) + schema.size() + name.size() + 2);  // one allocation, not one per '+'
  id.append(section).append(1, '\x01').append(schema).append(1, '\x01').append(name);
  return id;
}

bool is_table(const RelationId& id) { return id.compare(0, 6, "table\x01") == 0; }

// (schema, index name) as one string, unambiguous whatever the names hold.
void write_index_name(std::string& out, std::string_view schema, std::string_view index) {
  out.assign(std::to_string(schema.size())).append(1, ':').append(schema).append(index);
}

struct Side {
  ModelOutline outline;
  // Looked up, never walked in order: hashed.
  std::unordered_map<RelationId, const OutlinedRelation*> relations;
  std::unordered_map<std::string, RelationId> index_owner;  // write_index_name(schema, index) -> relation

  // False on a duplicate name, which build_catalog reports.
  bool index() {
    relations.reserve(outline.tables.size() + outline.views.size());
    std::string index_name;
    for (const char* section : {"table", "view"}) {
      for (const OutlinedRelation& r : section[0] == 't' ? outline.tables : outline.views) {
        const RelationId id = relation_id(section, r.schema, r.name);
        if (!relations.emplace(id, &r).second) return false;
        for (const std::string& index : r.indexes) {
          write_index_name(index_name, r.schema, index);
          if (!index_owner.emplace(index_name, id).second) return false;
        }
      }
    }
    return true;
  }
};

bool one_of(std::string_view kind, std::initializer_list<std::string_view> kinds) {
  for (const std::string_view k : kinds)
    if (kind == k) return true;
  return false;
}

// The relation an edge's object lives in, interned (a table's edges share
// one), with whether either model has it: an id (empty for the objects
// that are always kept) and that answer, looked up once per relation
// rather than once per edge.
using Owner = const std::pair<const RelationId, bool>*;

struct Edge {
  const OutlinedEdge* source;  // null for the links build_catalog adds itself
  // Keys: in the outline's edges, or in Subset::implicit_keys_.
  std::string_view dependent, referenced;
  Owner dependent_owner, referenced_owner;
  std::size_t dependent_hash = 0, referenced_hash = 0;  // of the keys (Subset::hash_edges)
};

// An edge as a pair of keys; canonical keys hold no newline, so this pair
// is equal exactly when "dependent\nreferenced" is.
using EdgeKeys = std::pair<std::string_view, std::string_view>;
struct EdgeKeysHash {
  std::size_t operator()(const EdgeKeys& keys) const {
    const std::hash<std::string_view> hash;
    return hash(keys.first) * 31 + hash(keys.second);
  }
};

class Subset {
 public:
  Subset(Side& from, Side& to) : from_(from), to_(to) {}

  // False when an edge names a key this cannot place.
  bool read_edges() {
    for (auto [side, other, edges] : {std::tuple{&from_, &to_, &from_edges_}, std::tuple{&to_, &from_, &to_edges_}}) {
      // Both sides often have one list (outline_model shares it): the
      // owners found for `from`'s edges hold for `to`'s, but for indexes,
      // which each side looks up among its own relations first.
      const bool same_list = side == &to_ && to_.outline.dependencies == from_.outline.dependencies;
      auto place = [&, side = side, other = other](const OutlinedKey& key, Owner found) -> std::optional<Owner> {
        if (found && key.kind != "index") return found;
        return owner(key, *side, *other);
      };
      edges->reserve(side->outline.dependencies->size());
      for (const OutlinedEdge& e : *side->outline.dependencies) {
        const Edge* from_edge = same_list ? &from_edges_[edges->size()] : nullptr;
        const auto dependent = place(e.dependent, from_edge ? from_edge->dependent_owner : nullptr),
                   referenced = place(e.referenced, from_edge ? from_edge->referenced_owner : nullptr);
        if (!dependent || !referenced) return false;
        edges->push_back(Edge{&e, e.dependent.key(), e.referenced.key(), *dependent, *referenced});
      }
    }
    add_implicit_links(from_);
    add_implicit_links(to_);
    for (const std::vector<Edge>* edges : {&from_edges_, &to_edges_})
      for (const Edge& e : *edges) {
        // Inheritance and partitions: the family's statements order
        // around each other (inherited_columns.hpp, partition_keys.hpp).
        // (Owners are interned: the same id is the same pointer. The kinds,
        // compared first, as views, rule out most edges cheaply.)
        if (std::string_view(e.source->dependent.kind) == "table" &&
            std::string_view(e.source->referenced.kind) == "table" && e.dependent_owner != e.referenced_owner &&
            is_table(e.dependent_owner->first) && is_table(e.referenced_owner->first)) {
          family_[e.dependent_owner->first].insert(e.referenced_owner->first);
          family_[e.referenced_owner->first].insert(e.dependent_owner->first);
        }
      }
    return true;
  }

  // The links build_catalog adds from the objects themselves, which a
  // model without dependency edges (a stored state) has alone: a table
  // depends on its parents (here) and a foreign key on the table it
  // references (add_foreign_key_links).
  void add_implicit_links(const Side& side) {
    for (const OutlinedRelation& r : side.outline.tables) {
      if (r.parents.empty()) continue;
      const RelationId id = relation_id("table", r.schema, r.name);
      for (const auto& [schema, name] : r.parents) {
        const RelationId parent = relation_id("table", schema, name);
        family_[id].insert(parent);
        family_[parent].insert(id);
      }
    }
  }

  // Only keep_around_changes reads these edges: they are made the first
  // time an object changes (identical models never need them).
  void add_foreign_key_links(const Side& side) {
    for (const OutlinedRelation& r : side.outline.tables) {
      if (r.foreign_keys.empty()) continue;
      const Owner self = intern(relation_id("table", r.schema, r.name));
      for (const OutlinedForeignKey& fk : r.foreign_keys) {
        const Key& dependent = implicit_keys_.emplace_back(key_of({"constraint", r.schema, r.name, fk.name}));
        // relation_key(Kind::Table, fk.schema, fk.table)
        const Key& referenced = implicit_keys_.emplace_back(key_of({kind_name(Kind::Table), fk.schema, fk.table}));
        implicit_edges_.push_back(Edge{nullptr, dependent, referenced, self, intern("table", fk.schema, fk.table)});
      }
    }
  }

  // With `read_models`, it reads the returned round's models, which are
  // then left null.
  ModelSubset run(const SubsetModelReader* read_models) {
    keep_differing_relations();
    keep_differing_edges();
    for (;;) {
      keep_families();
      // The reader is given the dependency lists as text: the models leave them out.
      const bool with_dependencies = !read_models;
      ModelSubset subset{model(from_, from_edges_, with_dependencies),
                         model(to_, to_edges_, with_dependencies),
                         {},
                         {},
                         relation_count(),
                         kept_.size()};
      if (subset.kept == subset.relations) {
        // Nothing is left out that could join: this round is the last, and
        // once read its models can go into the catalogs whole.
        if (!read_models) {
          subset.from_catalog = catalog(subset.from, from_edges_);
          subset.to_catalog = catalog(subset.to, to_edges_);
          return subset;
        }
        (*read_models)(subset.from, subset.to, edge_texts(from_edges_), edge_texts(to_edges_));
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
          (*read_models)(subset.from, subset.to, edge_texts(from_edges_), edge_texts(to_edges_));
          subset.from = subset.to = nullptr;
        }
        return subset;
      }
    }
  }

 private:
  Owner intern(const RelationId& id) {
    auto it = owners_.find(id);
    if (it == owners_.end()) it = owners_.emplace(id, from_.relations.count(id) || to_.relations.count(id)).first;
    return &*it;
  }
  Owner intern(const char* section, const std::string& schema, const std::string& name) {
    // Edges come sorted by their dependent key: a table's follow each
    // other, and most of their keys name that table or the one it refers
    // to, which the last two lookups found.
    for (const RecentOwner& recent : recent_owners_)
      if (recent.owner && std::strcmp(section, recent.section) == 0 && name == recent.name && schema == recent.schema)
        return recent.owner;
    // Built in one reused buffer: most keys name a relation already seen.
    scratch_id_.assign(section).append(1, '\x01').append(schema).append(1, '\x01').append(name);
    RecentOwner& oldest = recent_owners_[next_recent_owner_];
    next_recent_owner_ = (next_recent_owner_ + 1) % recent_owners_.size();
    oldest.section = section;
    oldest.schema = schema;
    oldest.name = name;
    return oldest.owner = intern(scratch_id_);
  }

  // The relation whose text holds the object of `key` (its own side's
  // indexes first); nothing when the key is of a kind this does not know.
  std::optional<Owner> owner(const OutlinedKey& key, const Side& own, const Side& other) {
    if (key.parts == 0) return std::nullopt;
    const std::string_view kind = key.kind;
    if (one_of(kind, {"schema", "extension", "type", "sequence", "sequence owner", "function"}))
      return intern(RelationId());
    if (key.parts < 3) return std::nullopt;
    if (one_of(kind, {"table", "column", "default", "constraint", "trigger", "policy"}))
      return intern("table", key.schema, key.name);
    if (kind == "view" || kind == "materialized view") return intern("view", key.schema, key.name);
    if (kind == "index") {
      write_index_name(scratch_id_, key.schema, key.name);
      for (const Side* side : {&own, &other})
        if (auto it = side->index_owner.find(scratch_id_); it != side->index_owner.end()) return intern(it->second);
    }
    return std::nullopt;
  }

  void keep(Owner owner) {
    // Owners are interned: one kept before is found by address (most
    // edges keep the owners of the edges before them).
    if (!owner->first.empty() && owner->second && kept_owners_.insert(owner).second) kept_.insert(owner->first);
  }
  // An edge stays in the subset unless it reaches a relation left out (one
  // that neither model has is not left out).
  // Remembered per owner while kept_ does not grow: every edge asks twice,
  // and a few thousand owners stand behind them.
  bool in_subset(Owner owner) const {
    if (in_subset_as_of_ != kept_.size()) {
      in_subset_.clear();
      in_subset_as_of_ = kept_.size();
    }
    const auto [it, added] = in_subset_.try_emplace(owner, false);
    if (added) it->second = owner->first.empty() || !owner->second || kept_.count(owner->first);
    return it->second;
  }

  // The hashes of the edges' keys, for keep_around_changes: computed the
  // first time an object changes (identical models never need them).
  void hash_edges() {
    if (edges_hashed_) return;
    edges_hashed_ = true;
    add_foreign_key_links(from_);
    add_foreign_key_links(to_);
    const std::hash<std::string_view> hash;
    for (std::vector<Edge>* edges : {&from_edges_, &to_edges_, &implicit_edges_})
      for (Edge& e : *edges) {
        e.dependent_hash = hash(e.dependent);
        e.referenced_hash = hash(e.referenced);
      }
  }

  std::size_t relation_count() const {
    std::size_t count = from_.relations.size();
    for (const auto& [id, relation] : to_.relations) count += from_.relations.count(id) ? 0 : 1;
    return count;
  }

  void keep_differing_relations() {
    for (const auto& [id, relation] : from_.relations) {
      auto it = to_.relations.find(id);
      if (it == to_.relations.end() || !same_text(it->second->text, relation->text)) kept_.insert(id);
    }
    for (const auto& [id, relation] : to_.relations)
      if (!from_.relations.count(id)) kept_.insert(id);
  }

  void keep_differing_edges() {
    // The same list, written the same way, has the same edges.
    if (same_text(from_.outline.dependencies_text, to_.outline.dependencies_text)) return;
    auto texts = [](const std::vector<Edge>& edges) {
      std::unordered_set<EdgeKeys, EdgeKeysHash> out;
      out.reserve(edges.size());
      for (const Edge& e : edges) out.emplace(e.dependent, e.referenced);
      return out;
    };
    const auto from_texts = texts(from_edges_), to_texts = texts(to_edges_);
    for (auto [edges, other] : {std::pair{&from_edges_, &to_texts}, std::pair{&to_edges_, &from_texts}})
      for (const Edge& e : *edges)
        if (!other->count({e.dependent, e.referenced})) {
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
  // One pass over the edges, comparing the hashes of their keys with the
  // changed keys' ones (an index of the edges by key cost more to build
  // than the few changes of a comparison need).
  void keep_around_changes(const Changes& changes) {
    const std::hash<std::string_view> hash;
    std::unordered_set<std::string_view> changed;
    // A few bits of the changed keys' hashes: most edges fail here, before
    // any lookup.
    std::vector<bool> may_have_changed(4096);
    auto may_be_changed = [&](std::size_t key_hash) { return may_have_changed[key_hash % may_have_changed.size()]; };
    for (const auto& [key, change] : changes) {
      if (change.action == Action::Keep) continue;
      changed.insert(key);
      may_have_changed[hash(key) % may_have_changed.size()] = true;
    }
    if (changed.empty()) return;
    hash_edges();
    for (const std::vector<Edge>* edges : {&from_edges_, &to_edges_, &implicit_edges_})
      for (const Edge& e : *edges) {
        if (may_be_changed(e.referenced_hash) && changed.count(e.referenced)) keep(e.dependent_owner);
        if (may_be_changed(e.dependent_hash) && changed.count(e.dependent)) keep(e.referenced_owner);
      }
  }

  nlohmann::json model(const Side& side, const std::vector<Edge>& edges, bool with_dependencies) const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [member, text] : side.outline.members) {
      if (member == "tables" || member == "views") {
        const bool tables = member == "tables";
        nlohmann::json& list = out[member] = nlohmann::json::array();
        for (const OutlinedRelation& r : tables ? side.outline.tables : side.outline.views)
          if (!kept_.empty() && kept_.count(relation_id(tables ? "table" : "view", r.schema, r.name))) {
            check_for_interrupts();
            list.push_back(parse_json_text(r.text));
          }
      } else {
        out[member] = parse_json_text(text);
      }
    }
    if (!with_dependencies) return out;
    nlohmann::json& dependencies = out["dependencies"] = nlohmann::json::array();
    for (const Edge& e : edges)
      if (in_subset(e.dependent_owner) && in_subset(e.referenced_owner)) dependencies.push_back(edge_json(e));
    return out;
  }

  static nlohmann::json edge_json(const Edge& e) {
    return nlohmann::json::array({key_parts_of(e.source->dependent.text), key_parts_of(e.source->referenced.text)});
  }

  // The subset model's dependency list as model_differences reads it:
  // each edge's text is its canonical keys joined, which is what dump()
  // writes for it when both are ASCII (dump() checks other text is UTF-8).
  EdgeTexts edge_texts(const std::vector<Edge>& edges) const {
    auto ascii = [](std::string_view key) {
      for (const char c : key)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
      return true;
    };
    EdgeTexts out;
    out.reserve(edges.size());
    for (const Edge& e : edges) {
      if (!in_subset(e.dependent_owner) || !in_subset(e.referenced_owner)) continue;
      if (!ascii(e.dependent) || !ascii(e.referenced)) {
        out.push_back(edge_json(e).dump());
        continue;
      }
      std::string& text = out.emplace_back();
      text.reserve(e.dependent.size() + e.referenced.size() + 3);
      text.append(1, '[').append(e.dependent).append(1, ',').append(e.referenced).append(1, ']');
    }
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
    std::vector<std::pair<std::string_view, std::string_view>> dependencies;  // views of the edges' keys
    dependencies.reserve(edges.size());
    for (const Edge& e : edges)
      if (in_subset(e.dependent_owner) && in_subset(e.referenced_owner))
        dependencies.emplace_back(e.dependent, e.referenced);
    return build_catalog(std::move(objects), dependencies);
  }

  Side& from_;
  Side& to_;
  std::vector<Edge> from_edges_, to_edges_;
  std::vector<Edge> implicit_edges_;             // not in the models' dependency lists (source is null)
  std::deque<Key> implicit_keys_;                // their keys (a deque does not move them)
  std::unordered_map<RelationId, bool> owners_;  // interned Owners
  RelationId scratch_id_;
  // The last relations intern(section, schema, name) gave, by their parts.
  struct RecentOwner {
    Owner owner = nullptr;
    const char* section = nullptr;
    std::string schema, name;
  };
  std::array<RecentOwner, 2> recent_owners_;
  std::size_t next_recent_owner_ = 0;
  bool edges_hashed_ = false;
  std::map<RelationId, std::set<RelationId>> family_;
  std::set<RelationId> kept_;              // only grows
  std::unordered_set<Owner> kept_owners_;  // those keep() added to kept_
  mutable std::unordered_map<Owner, bool> in_subset_;
  mutable std::size_t in_subset_as_of_ = 0;  // kept_'s size when in_subset_ was filled
};

}  // namespace

namespace {

std::optional<ModelSubset> subset_of(std::string_view from_text, std::string_view to_text,
                                     const SubsetModelReader* read_models) {
  std::optional<ModelOutline> from_outline = outline_model(from_text);
  if (!from_outline) return std::nullopt;
  // What `to` writes as `from` does is not read twice.
  std::optional<ModelOutline> to_outline = outline_model(to_text, &*from_outline);
  if (!to_outline) return std::nullopt;
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
