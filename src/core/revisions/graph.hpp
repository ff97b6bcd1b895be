// The validated revision graph of one provider, indexed for fast planning.
//
// Edges follow Alembic: `down_revisions` are the versioned parents (they
// decide heads and branches), `depends_on` are extra ordering constraints
// that never merge branches. Nodes are addressed by dense indices.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/revisions/revision.hpp"

namespace mm {

using NodeSet = std::vector<char>;  // membership flags indexed by node

class RevisionGraph {
 public:
  // Validates ids, edges, cycles and branch labels; throws mm::Error.
  explicit RevisionGraph(std::vector<Revision> revisions);

  std::size_t size() const { return revisions_.size(); }
  const Revision& at(std::size_t node) const { return revisions_[node]; }
  const std::string& id(std::size_t node) const { return revisions_[node].id; }

  // Index of an exact id, or npos.
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t find(const std::string& id) const;
  // Exact id, else a unique prefix; throws listing candidates when ambiguous.
  std::size_t resolve_id(const std::string& id_or_prefix) const;

  const std::vector<std::size_t>& parents(std::size_t node) const { return parents_[node]; }
  const std::vector<std::size_t>& dependencies(std::size_t node) const { return deps_[node]; }
  const std::vector<std::size_t>& children(std::size_t node) const { return children_[node]; }
  const std::vector<std::size_t>& dependents(std::size_t node) const { return dependents_[node]; }

  // Revisions that are no other revision's down_revision, sorted by id.
  std::vector<std::size_t> heads() const;
  // Revisions without down_revision, sorted by id.
  std::vector<std::size_t> bases() const;

  // Every node reachable downwards (parents and dependencies), inclusive.
  NodeSet ancestors(const std::vector<std::size_t>& from) const;
  // Every node reachable upwards (children and dependents), inclusive.
  NodeSet descendants(const std::vector<std::size_t>& from) const;

  // Nodes of `subset` ordered so every parent/dependency precedes its
  // dependents. Traversal starts at `roots_first` (in order) then the rest
  // of the subset by index, visiting parents before dependencies, so one
  // branch is completed before the next as Alembic does.
  std::vector<std::size_t> dependency_order(const NodeSet& subset, const std::vector<std::size_t>& roots_first) const;

  // Revisions carrying branch label `label` (declared on them, their
  // descendants, and their own ancestors up to the branch point).
  NodeSet labelled(const std::string& label) const;
  bool has_label(const std::string& label) const { return label_owner_.count(label) != 0; }

  std::vector<std::string> ids(const std::vector<std::size_t>& nodes) const;

 private:
  std::vector<Revision> revisions_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unordered_map<std::string, std::size_t> label_owner_;
  std::vector<std::vector<std::size_t>> parents_, deps_, children_, dependents_;

  void check_acyclic() const;
};

}  // namespace mm
