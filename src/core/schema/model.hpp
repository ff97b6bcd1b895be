// The schema model (the JSON that metamigrate.snapshot() returns and
// metamigrate.diff() compares; docs/autogenerate.md describes it) flattened
// into a catalog of nodes: one per object that can be created, altered or
// dropped on its own, each with a stable key and the keys it depends on.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mm::schema {

using nlohmann::json;

inline constexpr const char* kModelFormat = "metamigrate.schema/1";

// Canonical text of a key array such as ["table","public","t"].
using Key = std::string;
Key make_key(const json& parts);
// The same key from its parts, without building a JSON array first.
Key key_of(std::initializer_list<std::string_view> parts);
Key key_of(const std::vector<std::string>& parts);

enum class Kind {
  Schema,
  Extension,
  Type,  // enum, domain or composite type
  Sequence,
  SequenceOwner,  // ALTER SEQUENCE ... OWNED BY, kept apart to break the column <-> sequence cycle
  Table,
  Column,
  Default,  // a column default (generated expressions belong to their column)
  Constraint,
  Index,
  View,
  MaterializedView,
  Function,
  Trigger,
  Policy,  // a row-level security policy
};
const char* kind_name(Kind kind);
// Creation order between otherwise independent objects (drops run in reverse).
int kind_rank(Kind kind);

struct Node {
  Node() = default;
  Node(Key key_, Kind kind_, std::string schema_, std::string name_, std::string relation_, Key parent_, json spec_,
       int position_ = 0)
      : key(std::move(key_)),
        kind(kind_),
        schema(std::move(schema_)),
        name(std::move(name_)),
        relation(std::move(relation_)),
        parent(std::move(parent_)),
        spec(std::move(spec_)),
        position(position_) {}

  Key key;
  Kind kind = Kind::Schema;
  std::string schema;
  std::string name;      // the object's own name (column name for columns and defaults)
  std::string relation;  // owning table or view of columns, defaults, constraints, indexes, triggers
  Key parent;            // key of the owning object, empty for top-level objects
  json spec;             // the model object without its children
  // Columns: place in the table's column_order (0-based). Not part of the
  // spec, so a different order is never a change to the column.
  int position = 0;
  // Defaults: the expression as written, when `spec.expression` is its
  // folded form (DEFAULT 0 on numeric is folded to '0'::numeric). Not
  // compared; DDL uses it so the catalog stores what the schema file's
  // own statement stores.
  std::string written;
};

// The keys at the other end of one node's edges, in key order.
class KeyRefs {
 public:
  class iterator {
   public:
    explicit iterator(const Key* const* at) : at_(at) {}
    const Key& operator*() const { return **at_; }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return at_ != other.at_; }

   private:
    const Key* const* at_;
  };

  KeyRefs() = default;
  explicit KeyRefs(const std::vector<const Key*>& keys) : begin_(keys.data()), end_(keys.data() + keys.size()) {}
  iterator begin() const { return iterator(begin_); }
  iterator end() const { return iterator(end_); }
  bool empty() const { return begin_ == end_; }
  bool contains(const Key& key) const;

 private:
  const Key* const* begin_ = nullptr;
  const Key* const* end_ = nullptr;
};

class Catalog {
 public:
  Catalog() = default;
  // Its index points into its own nodes and keys: moved, never copied.
  Catalog(Catalog&&) = default;
  Catalog& operator=(Catalog&&) = default;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::map<Key, Node>& nodes() const { return nodes_; }
  const Node* find(const Key& key) const;
  // Keys this node depends on (model dependencies plus containment), only
  // keys that exist in this catalog.
  KeyRefs dependencies(const Key& key) const;
  KeyRefs dependents(const Key& key) const;
  // Schema names present in the model.
  const std::set<std::string>& schemas() const { return schemas_; }

  void add(Node node);
  void add_dependency(Key from, Key to);
  // Drops edges to keys that are not in the catalog (objects outside the
  // compared schemas) and fills the reverse index.
  void seal();

 private:
  // Per key (a node's, or an edge's dependent that is no node), hashed:
  // lookups by key were most of the planner's string comparisons.
  struct Links {
    const Key* key = nullptr;                          // the one copy every edge points at
    const Node* node = nullptr;                        // null for a loose dependent
    std::vector<const Key*> dependencies, dependents;  // sorted by key, once sealed
  };
  Links& links_of(const Key& key);

  std::map<Key, Node> nodes_;
  std::unordered_map<std::string_view, Links> links_;  // views of nodes_' keys and loose_keys_
  std::deque<Key> loose_keys_;                         // dependents that are no node (a deque does not move them)
  std::vector<std::pair<Key, Key>> edges_;             // added until seal()
  std::set<std::string> schemas_;
};

// Validates the model's format and flattens it. Throws mm::Error (22023) on
// a malformed model.
Catalog build_catalog(json model);
// The same, with more dependency edges given as keys (each what make_key
// gives for its key array): relevant_subset has them as keys already, and
// copying its model's dependency list as JSON cost as much as its tables.
Catalog build_catalog(json model, std::vector<std::pair<Key, Key>> dependencies);

// Keys of the objects the diff addresses, shared by snapshot and diff.
Key schema_key(const std::string& schema);
Key relation_key(Kind kind, const std::string& schema, const std::string& name);
Key column_key(const std::string& schema, const std::string& table, const std::string& column);

}  // namespace mm::schema
