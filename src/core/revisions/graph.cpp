#include "core/revisions/graph.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace mm {

RevisionGraph::RevisionGraph(std::vector<Revision> revisions) : revisions_(std::move(revisions)) {
  const std::size_t n = revisions_.size();
  index_.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& rev = revisions_[i];
    validate_revision_id(rev.id);
    if (!index_.emplace(rev.id, i).second)
      throw Error(sqlstate::kInvalidGraph, "duplicate revision id \"" + rev.id + "\"");
  }
  parents_.resize(n);
  deps_.resize(n);
  children_.resize(n);
  dependents_.resize(n);
  auto resolve_edge = [&](const Revision& rev, const std::string& target, const char* kind) {
    auto it = index_.find(target);
    if (it == index_.end())
      throw Error(sqlstate::kInvalidGraph, "revision \"" + rev.id + "\" names unknown " + kind + " \"" + target + "\"",
                  {}, "Upload the missing revision too, or fix the revision's header.");
    if (it->second == index_.at(rev.id))
      throw Error(sqlstate::kInvalidGraph, "revision \"" + rev.id + "\" names itself as its " + kind);
    return it->second;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const auto& rev = revisions_[i];
    for (const auto& p : rev.down_revisions) {
      std::size_t j = resolve_edge(rev, p, "down_revision");
      if (std::find(parents_[i].begin(), parents_[i].end(), j) != parents_[i].end())
        throw Error(sqlstate::kInvalidGraph, "revision \"" + rev.id + "\" lists down_revision \"" + p + "\" twice");
      parents_[i].push_back(j);
      children_[j].push_back(i);
    }
    for (const auto& d : rev.depends_on) {
      std::size_t j = resolve_edge(rev, d, "depends_on revision");
      if (std::find(deps_[i].begin(), deps_[i].end(), j) != deps_[i].end()) continue;
      deps_[i].push_back(j);
      dependents_[j].push_back(i);
    }
    for (const auto& label : rev.branch_labels) {
      validate_revision_id(label, "branch label");
      if (index_.count(label))
        throw Error(sqlstate::kInvalidGraph,
                    "branch label \"" + label + "\" of revision \"" + rev.id + "\" is also a revision id");
      auto [it, inserted] = label_owner_.emplace(label, i);
      if (!inserted && it->second != i)
        throw Error(sqlstate::kInvalidGraph, "branch label \"" + label + "\" is used by revisions \"" +
                                                 revisions_[it->second].id + "\" and \"" + rev.id + "\"");
    }
  }
  check_acyclic();
}

void RevisionGraph::check_acyclic() const {
  // Kahn's algorithm over parent+dependency edges; leftovers sit on cycles.
  const std::size_t n = size();
  std::vector<std::size_t> pending(n);
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i) {
    pending[i] = parents_[i].size() + deps_[i].size();
    if (pending[i] == 0) ready.push_back(i);
  }
  std::size_t done = 0;
  while (!ready.empty()) {
    std::size_t node = ready.back();
    ready.pop_back();
    ++done;
    for (const auto* edges : {&children_[node], &dependents_[node]})
      for (std::size_t next : *edges)
        if (--pending[next] == 0) ready.push_back(next);
  }
  if (done == n) return;
  std::vector<std::string> cyclic;
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i] != 0) cyclic.push_back(revisions_[i].id);
  std::sort(cyclic.begin(), cyclic.end());
  throw Error(sqlstate::kInvalidGraph, "revision graph has a cycle through: " + join(cyclic), {},
              "Each revision's down_revision and depends_on must point to older revisions.");
}

std::size_t RevisionGraph::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? npos : it->second;
}

std::size_t RevisionGraph::resolve_id(const std::string& id_or_prefix) const {
  std::size_t exact = find(id_or_prefix);
  if (exact != npos) return exact;
  std::vector<std::string> matches;
  std::size_t match = npos;
  if (!id_or_prefix.empty()) {
    for (std::size_t i = 0; i < size(); ++i)
      if (revisions_[i].id.compare(0, id_or_prefix.size(), id_or_prefix) == 0) {
        matches.push_back(revisions_[i].id);
        match = i;
      }
  }
  if (matches.size() == 1) return match;
  if (matches.empty()) throw Error(sqlstate::kUndefinedObject, "no revision matches \"" + id_or_prefix + "\"");
  std::sort(matches.begin(), matches.end());
  throw Error(sqlstate::kAmbiguousTarget,
              "revision prefix \"" + id_or_prefix + "\" is ambiguous; candidates: " + join(matches), {},
              "Give more characters of the revision id.");
}

std::vector<std::size_t> RevisionGraph::heads() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < size(); ++i)
    if (children_[i].empty()) out.push_back(i);
  std::sort(out.begin(), out.end(), [&](auto a, auto b) { return id(a) < id(b); });
  return out;
}

std::vector<std::size_t> RevisionGraph::bases() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < size(); ++i)
    if (parents_[i].empty()) out.push_back(i);
  std::sort(out.begin(), out.end(), [&](auto a, auto b) { return id(a) < id(b); });
  return out;
}

namespace {
// Every node reachable from `from` (inclusive) through two edge lists.
NodeSet closure(std::size_t size, const std::vector<std::size_t>& from,
                const std::vector<std::vector<std::size_t>>& first,
                const std::vector<std::vector<std::size_t>>& second) {
  NodeSet seen(size, 0);
  std::vector<std::size_t> stack(from.begin(), from.end());
  while (!stack.empty()) {
    std::size_t node = stack.back();
    stack.pop_back();
    if (seen[node]) continue;
    seen[node] = 1;
    for (std::size_t next : first[node]) stack.push_back(next);
    for (std::size_t next : second[node]) stack.push_back(next);
  }
  return seen;
}
}  // namespace

NodeSet RevisionGraph::ancestors(const std::vector<std::size_t>& from) const {
  return closure(size(), from, parents_, deps_);
}

NodeSet RevisionGraph::descendants(const std::vector<std::size_t>& from) const {
  return closure(size(), from, children_, dependents_);
}

std::vector<std::size_t> RevisionGraph::dependency_order(const NodeSet& subset,
                                                         const std::vector<std::size_t>& roots_first) const {
  // Iterative post-order DFS: a node is emitted once all its in-subset
  // parents and dependencies have been emitted.
  std::vector<std::size_t> order;
  std::vector<char> state(size(), 0);  // 0 new, 1 on stack, 2 emitted
  struct Frame {
    std::size_t node;
    std::size_t next_edge;
  };
  std::vector<Frame> stack;
  auto visit = [&](std::size_t start) {
    if (!subset[start] || state[start]) return;
    stack.push_back({start, 0});
    state[start] = 1;
    while (!stack.empty()) {
      Frame& f = stack.back();
      const auto& ps = parents_[f.node];
      const auto& ds = deps_[f.node];
      if (f.next_edge < ps.size() + ds.size()) {
        std::size_t next = f.next_edge < ps.size() ? ps[f.next_edge] : ds[f.next_edge - ps.size()];
        ++f.next_edge;
        if (subset[next] && state[next] == 0) {
          state[next] = 1;
          stack.push_back({next, 0});
        }
        continue;
      }
      state[f.node] = 2;
      order.push_back(f.node);
      stack.pop_back();
    }
  };
  for (std::size_t r : roots_first) visit(r);
  for (std::size_t i = 0; i < size(); ++i) visit(i);
  return order;
}

NodeSet RevisionGraph::labelled(const std::string& label) const {
  NodeSet out(size(), 0);
  auto it = label_owner_.find(label);
  if (it == label_owner_.end()) return out;
  // Descendants along versioned edges only: dependencies do not carry labels.
  std::vector<std::size_t> stack{it->second};
  while (!stack.empty()) {
    std::size_t node = stack.back();
    stack.pop_back();
    if (out[node]) continue;
    out[node] = 1;
    for (std::size_t c : children_[node]) stack.push_back(c);
  }
  // Ancestors down to the branch point (a node with several children) or a merge.
  std::size_t node = it->second;
  while (parents_[node].size() == 1) {
    std::size_t parent = parents_[node][0];
    if (children_[parent].size() > 1) break;
    out[parent] = 1;
    node = parent;
  }
  return out;
}

std::vector<std::string> RevisionGraph::ids(const std::vector<std::size_t>& nodes) const {
  std::vector<std::string> out;
  out.reserve(nodes.size());
  for (std::size_t n : nodes) out.push_back(id(n));
  return out;
}

}  // namespace mm
