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
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/key_index.hpp"

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

// Numbers of a catalog's nodes or keys (Catalog::dependencies_of).
class Numbers {
 public:
  Numbers() = default;
  Numbers(const int* begin, const int* end) : begin_(begin), end_(end) {}
  const int* begin() const { return begin_; }
  const int* end() const { return end_; }
  bool empty() const { return begin_ == end_; }

 private:
  const int* begin_ = nullptr;
  const int* end_ = nullptr;
};

// The keys at the other end of one node's edges, in key order.
class KeyRefs {
 public:
  class iterator {
   public:
    iterator(const int* at, const Key* const* keys) : at_(at), keys_(keys) {}
    const Key& operator*() const { return *keys_[*at_]; }
    int number() const { return *at_; }  // the key's number in its catalog
    iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return at_ != other.at_; }

   private:
    const int* at_;
    const Key* const* keys_;
  };

  KeyRefs() = default;
  // The keys of `numbers`, each the key of that number in `keys`.
  KeyRefs(Numbers numbers, const Key* const* keys) : numbers_(numbers), keys_(keys) {}
  iterator begin() const { return iterator(numbers_.begin(), keys_); }
  iterator end() const { return iterator(numbers_.end(), keys_); }
  bool empty() const { return numbers_.empty(); }
  bool contains(std::string_view key) const;
  Numbers numbers() const { return numbers_; }

 private:
  Numbers numbers_;
  const Key* const* keys_ = nullptr;
};

class Catalog {
 public:
  Catalog() = default;
  // Its index points into its own nodes and keys: moved, never copied.
  Catalog(Catalog&&) = default;
  Catalog& operator=(Catalog&&) = default;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // The nodes in key order, once sealed (node i is numbered i).
  const std::vector<const Node*>& ordered_nodes() const { return nodes_by_number_; }
  std::size_t size() const { return nodes_.size(); }
  // Lookups by key (find, dependencies, dependents) once sealed.
  const Node* find(std::string_view key) const;
  // Keys this node depends on (model dependencies plus containment), only
  // keys that exist in this catalog.
  KeyRefs dependencies(std::string_view key) const;
  KeyRefs dependents(std::string_view key) const;
  // Once sealed, the nodes are numbered from 0 in key order (the order of
  // ordered_nodes()), and the edges' dependents that are no node after them. By
  // number, without a lookup: what dependencies() and dependents() give,
  // and the node's parent (KeyIndex::kNone when it has none here).
  KeyRefs dependencies_of(int number) const;
  KeyRefs dependents_of(int number) const;
  int parent_number(int number) const;
  // Schema names present in the model.
  const std::set<std::string>& schemas() const { return schemas_; }

  void add(Node node);
  void add_dependency(Key from, Key to);
  // The same, for texts that live until seal() (no copy of them).
  void add_dependency_view(std::string_view from, std::string_view to);
  // Adds the containment edges (each node depends on its parent), drops
  // edges to keys that are not in the catalog (objects outside the
  // compared schemas) and fills the reverse index.
  void seal();

 private:
  // Per number, what dependencies() and dependents() give: the numbers of
  // the keys at the other end, all in one array.
  struct Adjacency {
    std::vector<int> start;    // per number, where its list begins (and one more: the end)
    std::vector<int> numbers;  // the lists, each sorted by key
    Numbers of(int number) const;
  };
  void build(Adjacency& adjacency, std::vector<std::pair<int, int>>& edges);

  // In the order added (a deque does not move them); seal() orders them by
  // key. Inserting into a tree keyed by the long keys cost more than
  // sorting them once, and freeing the tree's nodes more again.
  std::deque<Node> nodes_;
  // Every key's number, hashed: lookups by key were most of the planner's
  // string comparisons. Keys are nodes_' own or loose_keys_.
  KeyIndex number_of_;
  // By number: the keys of the nodes (in key order once sealed), then
  // those of the edges' dependents that are no node; and the nodes.
  std::vector<const Key*> keys_;
  std::vector<const Node*> nodes_by_number_;
  std::deque<Key> loose_keys_;  // their keys (a deque does not move them)
  // Added until seal(): views of the callers' texts or of added_keys_.
  std::vector<std::pair<std::string_view, std::string_view>> edges_;
  std::deque<Key> added_keys_;
  Adjacency dependencies_, dependents_;
  std::vector<int> parent_numbers_;  // per node number
  std::set<std::string> schemas_;
};

// Validates the model's format and flattens it. Throws mm::Error (22023) on
// a malformed model.
Catalog build_catalog(json model);
// The same, with more dependency edges given as keys (each what make_key
// gives for its key array): relevant_subset has them as keys already, and
// copying its model's dependency list as JSON cost as much as its tables.
// The keys are read before it returns (not copied unless needed).
Catalog build_catalog(json model, const std::vector<std::pair<std::string_view, std::string_view>>& dependencies);

// Keys of the objects the diff addresses, shared by snapshot and diff.
Key schema_key(const std::string& schema);
Key relation_key(Kind kind, const std::string& schema, const std::string& name);
Key column_key(const std::string& schema, const std::string& table, const std::string& column);

}  // namespace mm::schema
