#include "core/revisions/planner.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace mm {

const char* to_string(Direction d) { return d == Direction::Upgrade ? "upgrade" : "downgrade"; }

Direction parse_direction(const std::string& text) {
  if (text == "upgrade" || text == "up") return Direction::Upgrade;
  if (text == "downgrade" || text == "down") return Direction::Downgrade;
  throw Error(sqlstate::kInvalidParameter, "direction must be \"upgrade\" or \"downgrade\", not \"" + text + "\"");
}

bool parse_relative(const std::string& target, RelativeTarget* out) {
  std::size_t sign = target.find_last_of("+-");
  if (sign == std::string::npos || sign + 1 >= target.size()) return false;
  for (std::size_t i = sign + 1; i < target.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(target[i]))) return false;
  if (target.size() - sign - 1 > 9) return false;  // keeps the count in range
  out->base = target.substr(0, sign);
  long n = std::stol(target.substr(sign + 1));
  out->delta = target[sign] == '+' ? n : -n;
  return true;
}

namespace {
std::pair<std::string, std::string> split_at(const std::string& target) {
  std::size_t at = target.find('@');
  if (at == std::string::npos) return {target, {}};
  return {target.substr(0, at), target.substr(at + 1)};
}
}  // namespace

Planner::Planner(const RevisionGraph& graph, const std::vector<std::string>& current_heads) : graph_(graph) {
  std::vector<std::string> unknown;
  for (const auto& id : current_heads) {
    std::size_t node = graph.find(id);
    if (node == RevisionGraph::npos)
      unknown.push_back(id);
    else
      current_.push_back(node);
  }
  if (!unknown.empty())
    throw Error(sqlstate::kInconsistentState, "version table names revisions that are not uploaded: " + join(unknown),
                {}, "Upload the revision files that produced this database, or stamp it.");
  applied_ = graph.ancestors(current_);
}

std::vector<std::string> Planner::heads_of(const NodeSet& applied) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < graph_.size(); ++i) {
    if (!applied[i]) continue;
    bool covered = false;
    for (const auto* edges : {&graph_.children(i), &graph_.dependents(i)})
      for (std::size_t c : *edges) covered = covered || applied[c];
    if (!covered) out.push_back(graph_.id(i));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t Planner::single_current_head(const std::string& target, const std::vector<std::size_t>& heads) const {
  if (heads.size() > 1) {
    std::vector<std::string> ids = graph_.ids(heads);
    std::sort(ids.begin(), ids.end());
    throw Error(sqlstate::kAmbiguousTarget,
                "relative target \"" + target + "\" is ambiguous: the database has several heads: " + join(ids), {},
                "Use REV+N or REV-N with one of these heads.");
  }
  return heads.empty() ? RevisionGraph::npos : heads[0];
}

std::size_t Planner::walk_up(std::size_t from, long steps, const std::string& target) const {
  std::size_t node = from;
  for (long taken = 0; taken < steps; ++taken) {
    std::vector<std::size_t> next;
    if (node == RevisionGraph::npos) {
      next = graph_.bases();
    } else {
      next = graph_.children(node);
    }
    if (next.empty())
      throw Error(sqlstate::kInvalidTarget, "relative target \"" + target + "\" goes past the head: only " +
                                                std::to_string(taken) + " revision(s) above " +
                                                (node == RevisionGraph::npos ? "base" : graph_.id(node)));
    if (next.size() > 1) {
      std::vector<std::string> ids = graph_.ids(next);
      std::sort(ids.begin(), ids.end());
      throw Error(sqlstate::kAmbiguousTarget,
                  "relative target \"" + target + "\" is ambiguous at " +
                      (node == RevisionGraph::npos ? std::string("base") : graph_.id(node)) + ": it branches into " +
                      join(ids),
                  {}, "Name the branch revision explicitly.");
    }
    node = next[0];
  }
  return node;
}

std::size_t Planner::walk_down(std::size_t from, long steps, const std::string& target, std::size_t* base) const {
  std::size_t node = from;
  for (long taken = 0; taken < steps; ++taken) {
    if (node == RevisionGraph::npos)
      throw Error(sqlstate::kInvalidTarget, "relative target \"" + target + "\" goes below base");
    const auto& ps = graph_.parents(node);
    if (ps.empty()) {
      *base = node;  // one step below a root is "base" of that branch
      node = RevisionGraph::npos;
      continue;
    }
    if (ps.size() > 1) {
      std::vector<std::string> ids = graph_.ids(ps);
      std::sort(ids.begin(), ids.end());
      throw Error(sqlstate::kAmbiguousTarget,
                  "relative target \"" + target + "\" is ambiguous at merge " + graph_.id(node) +
                      ", which has down revisions " + join(ids),
                  {}, "Name the revision to go to explicitly.");
    }
    node = ps[0];
  }
  return node;
}

std::vector<std::size_t> Planner::resolve_upgrade_target(const std::string& target,
                                                         const std::vector<std::size_t>& heads) const {
  if (target == "base") return {};
  if (target == "heads") return graph_.heads();
  if (target == "head") {
    auto hs = graph_.heads();
    if (hs.size() > 1)
      throw Error(sqlstate::kAmbiguousTarget,
                  "target \"head\" is ambiguous: the revision graph has several heads: " + join(graph_.ids(hs)), {},
                  "Use \"heads\", a label@head, a revision id, or merge the branches.");
    return hs;
  }
  std::size_t exact = graph_.find(target);
  if (exact != RevisionGraph::npos) return {exact};
  auto [name, suffix] = split_at(target);
  if (!suffix.empty() || target.find('@') != std::string::npos) {
    if (!graph_.has_label(name)) throw Error(sqlstate::kUndefinedObject, "unknown branch label \"" + name + "\"");
    if (suffix == "head") {
      NodeSet lab = graph_.labelled(name);
      std::vector<std::size_t> out;
      for (std::size_t h : graph_.heads())
        if (lab[h]) out.push_back(h);
      if (out.size() != 1)
        throw Error(sqlstate::kAmbiguousTarget, "branch \"" + name + "\" has several heads: " + join(graph_.ids(out)));
      return out;
    }
    if (suffix == "base")
      throw Error(sqlstate::kInvalidTarget, "\"" + target + "\" is a downgrade target", {},
                  "Use \"" + name + "@head\" to upgrade a branch.");
    throw Error(sqlstate::kInvalidParameter, "invalid target \"" + target + "\"", {},
                "After '@' use \"head\" or \"base\".");
  }
  RelativeTarget rel;
  if (parse_relative(target, &rel)) {
    if (rel.base.empty()) {
      if (rel.delta < 0) throw Error(sqlstate::kInvalidTarget, "\"" + target + "\" is a downgrade target");
      const std::size_t node = walk_up(single_current_head(target, heads), rel.delta, target);
      // "+0" with nothing applied stays at base: no revision to reach.
      if (node == RevisionGraph::npos) return {};
      return {node};
    }
    std::size_t from = graph_.resolve_id(rel.base);
    if (rel.delta >= 0) return {walk_up(from, rel.delta, target)};
    std::size_t base_node = RevisionGraph::npos;
    std::size_t node = walk_down(from, -rel.delta, target, &base_node);
    if (node == RevisionGraph::npos) return {};
    return {node};
  }
  return {graph_.resolve_id(target)};
}

NodeSet Planner::resolve_downgrade_removal(const std::string& target, const NodeSet& applied,
                                           const std::vector<std::size_t>& heads) const {
  NodeSet removal(graph_.size(), 0);
  auto remove_above = [&](std::size_t keep) {
    // What revises `keep` (its children) and everything applied on top of
    // them. A revision that only depends_on `keep` stays, as in Alembic:
    // `keep` remains applied, which is all it needs.
    if (!applied[keep])
      throw Error(sqlstate::kInvalidTarget, "cannot downgrade to \"" + graph_.id(keep) + "\": it is not applied", {},
                  "Current heads: " + join(heads_of(applied)));
    NodeSet desc = graph_.descendants(graph_.children(keep));
    for (std::size_t i = 0; i < graph_.size(); ++i) removal[i] = desc[i] && applied[i];
  };
  auto remove_from = [&](const std::vector<std::size_t>& roots) {
    NodeSet desc = graph_.descendants(roots);
    for (std::size_t i = 0; i < graph_.size(); ++i) removal[i] = desc[i] && applied[i];
  };
  if (target == "base") {
    removal = applied;
    return removal;
  }
  if (target == "heads") throw Error(sqlstate::kInvalidTarget, "\"heads\" is not a downgrade target");
  if (target == "head") {
    auto hs = graph_.heads();
    if (hs.size() != 1)
      throw Error(sqlstate::kAmbiguousTarget, "target \"head\" is ambiguous: heads are " + join(graph_.ids(hs)));
    remove_above(hs[0]);
    return removal;
  }
  std::size_t exact = graph_.find(target);
  if (exact != RevisionGraph::npos) {
    remove_above(exact);
    return removal;
  }
  auto [name, suffix] = split_at(target);
  if (target.find('@') != std::string::npos) {
    if (!graph_.has_label(name)) throw Error(sqlstate::kUndefinedObject, "unknown branch label \"" + name + "\"");
    NodeSet lab = graph_.labelled(name);
    if (suffix == "base") {
      // Alembic resolves the base of the label's whole lineage: the roots
      // below the labelled revisions, and removes everything above them
      // (for a branch that starts at a branch point, the shared trunk too).
      std::vector<std::size_t> members;
      for (std::size_t i = 0; i < graph_.size(); ++i)
        if (lab[i]) members.push_back(i);
      const NodeSet lineage = graph_.ancestors(members);
      std::vector<std::size_t> roots;
      for (std::size_t i = 0; i < graph_.size(); ++i)
        if (lineage[i] && graph_.parents(i).empty()) roots.push_back(i);
      remove_from(roots);
      return removal;
    }
    if (suffix == "head") {
      std::vector<std::size_t> out;
      for (std::size_t h : graph_.heads())
        if (lab[h]) out.push_back(h);
      if (out.size() != 1)
        throw Error(sqlstate::kAmbiguousTarget, "branch \"" + name + "\" has several heads: " + join(graph_.ids(out)));
      remove_above(out[0]);
      return removal;
    }
    throw Error(sqlstate::kInvalidParameter, "invalid target \"" + target + "\"", {},
                "After '@' use \"head\" or \"base\".");
  }
  RelativeTarget rel;
  if (parse_relative(target, &rel)) {
    if (rel.delta > 0) throw Error(sqlstate::kInvalidTarget, "\"" + target + "\" is an upgrade target");
    std::size_t from = rel.base.empty() ? single_current_head(target, heads) : graph_.resolve_id(rel.base);
    if (from == RevisionGraph::npos)
      throw Error(sqlstate::kInvalidTarget, "relative target \"" + target + "\" goes below base: nothing is applied");
    if (rel.delta == 0) return removal;
    // -N removes the revision N-1 steps below `from` and everything above
    // it. Like Alembic, a step down from a merge is ambiguous: the parent
    // to go to must be named (that un-merges).
    std::size_t base_node = RevisionGraph::npos;
    std::size_t lowest = walk_down(from, -rel.delta - 1, target, &base_node);
    if (lowest == RevisionGraph::npos)
      throw Error(sqlstate::kInvalidTarget, "relative target \"" + target + "\" goes below base");
    if (graph_.parents(lowest).size() > 1) {
      std::vector<std::string> ids = graph_.ids(graph_.parents(lowest));
      std::sort(ids.begin(), ids.end());
      throw Error(sqlstate::kAmbiguousTarget,
                  "relative target \"" + target + "\" is ambiguous at merge " + graph_.id(lowest) +
                      ", which has down revisions " + join(ids),
                  {},
                  "Name the parent to go back to, e.g. downgrade " + ids[0] + " (that un-merges: " + join(ids) +
                      " become heads again).");
    }
    if (!applied[lowest])
      throw Error(sqlstate::kInvalidTarget,
                  "cannot downgrade " + target + ": " + graph_.id(lowest) + " is not applied");
    remove_from({lowest});
    return removal;
  }
  remove_above(graph_.resolve_id(target));
  return removal;
}

// A node is a version-table row while it is applied and nothing applied
// sits on top of it: count, per node, the applied children and dependents.
std::vector<std::size_t> Planner::covering_counts(const NodeSet& applied) const {
  std::vector<std::size_t> covering(graph_.size(), 0);
  for (std::size_t i = 0; i < graph_.size(); ++i)
    if (applied[i])
      for (const auto* edges : {&graph_.parents(i), &graph_.dependencies(i)})
        for (std::size_t p : *edges) ++covering[p];
  return covering;
}

Plan Planner::build_upgrade(const NodeSet& applied, const std::vector<std::size_t>& targets) const {
  Plan plan;
  plan.heads_before = heads_of(applied);
  NodeSet want = graph_.ancestors(targets);
  NodeSet add(graph_.size(), 0);
  for (std::size_t i = 0; i < graph_.size(); ++i) add[i] = want[i] && !applied[i];
  NodeSet state = applied;
  std::vector<std::size_t> covering = covering_counts(state);
  for (std::size_t node : graph_.dependency_order(add, targets)) {
    PlanStep step{node, Direction::Upgrade, {}, {graph_.id(node)}};
    for (const auto* edges : {&graph_.parents(node), &graph_.dependencies(node)})
      for (std::size_t p : *edges) {
        if (covering[p]++ == 0) step.delete_rows.push_back(graph_.id(p));
      }
    std::sort(step.delete_rows.begin(), step.delete_rows.end());
    step.delete_rows.erase(std::unique(step.delete_rows.begin(), step.delete_rows.end()), step.delete_rows.end());
    state[node] = 1;
    plan.steps.push_back(std::move(step));
  }
  plan.heads_after = heads_of(state);
  return plan;
}

Plan Planner::build_downgrade(const NodeSet& applied, const NodeSet& removal) const {
  Plan plan;
  plan.heads_before = heads_of(applied);
  NodeSet state = applied;
  std::vector<std::size_t> covering = covering_counts(state);
  std::vector<std::size_t> order = graph_.dependency_order(removal, current_);
  std::reverse(order.begin(), order.end());
  for (std::size_t node : order) {
    PlanStep step{node, Direction::Downgrade, {graph_.id(node)}, {}};
    state[node] = 0;
    for (const auto* edges : {&graph_.parents(node), &graph_.dependencies(node)})
      for (std::size_t p : *edges)
        if (--covering[p] == 0 && state[p]) step.insert_rows.push_back(graph_.id(p));
    std::sort(step.insert_rows.begin(), step.insert_rows.end());
    step.insert_rows.erase(std::unique(step.insert_rows.begin(), step.insert_rows.end()), step.insert_rows.end());
    plan.steps.push_back(std::move(step));
  }
  plan.heads_after = heads_of(state);
  return plan;
}

Plan Planner::upgrade(const std::string& target) const {
  auto heads_now = current_;
  return build_upgrade(applied_, resolve_upgrade_target(target, heads_now));
}

Plan Planner::downgrade(const std::string& target) const {
  return build_downgrade(applied_, resolve_downgrade_removal(target, applied_, current_));
}

Plan Planner::stamp(const std::string& target, bool purge) const {
  const std::vector<std::size_t> start_heads = purge ? std::vector<std::size_t>{} : current_;
  Plan plan;
  plan.heads_before = heads_of(applied_);
  if (target == "base") return plan;  // heads_after empty: every row goes

  RelativeTarget rel;
  const bool relative = graph_.find(target) == RevisionGraph::npos && parse_relative(target, &rel);
  const bool at_base = target.size() > 5 && target.compare(target.size() - 5, 5, "@base") == 0;
  std::vector<std::size_t> dests;
  if (!at_base && !(relative && rel.base.empty() && rel.delta < 0)) dests = resolve_upgrade_target(target, start_heads);
  if (dests.empty()) {
    // Targets that only make sense downwards (-N, label@base, REV-N below
    // base): trim the applied set as a downgrade would.
    NodeSet state = purge ? NodeSet(graph_.size(), 0) : applied_;
    NodeSet removal = resolve_downgrade_removal(target, state, start_heads);
    for (std::size_t i = 0; i < removal.size(); ++i)
      if (removal[i]) state[i] = 0;
    plan.heads_after = heads_of(state);
    return plan;
  }
  // Alembic's rule (_stamp_revs): each destination replaces the current
  // heads on its lineage (descendants first, else ancestors); with none
  // on its lineage it starts a new branch row. Other heads stay.
  std::vector<std::size_t> rows = start_heads;
  for (std::size_t dest : dests) {
    if (std::find(start_heads.begin(), start_heads.end(), dest) != start_heads.end()) continue;
    const NodeSet above = graph_.descendants({dest});
    const NodeSet below = graph_.ancestors({dest});
    std::vector<std::size_t> replaced;
    for (std::size_t h : start_heads)
      if (above[h]) replaced.push_back(h);
    if (replaced.empty())
      for (std::size_t h : start_heads)
        if (below[h]) replaced.push_back(h);
    rows.erase(
        std::remove_if(rows.begin(), rows.end(),
                       [&](std::size_t r) { return std::find(replaced.begin(), replaced.end(), r) != replaced.end(); }),
        rows.end());
    if (std::find(rows.begin(), rows.end(), dest) == rows.end()) rows.push_back(dest);
  }
  plan.heads_after = graph_.ids(rows);
  std::sort(plan.heads_after.begin(), plan.heads_after.end());
  return plan;
}

Plan Planner::single_step(const std::string& id, Direction direction) const {
  const std::size_t node = graph_.find(id);
  if (node == RevisionGraph::npos) throw Error(sqlstate::kUndefinedObject, "revision \"" + id + "\" is not uploaded");
  if (direction == Direction::Upgrade) {
    if (applied_[node]) throw Error(sqlstate::kInvalidTarget, "revision \"" + id + "\" is already applied");
    std::vector<std::string> missing;
    for (const auto* edges : {&graph_.parents(node), &graph_.dependencies(node)})
      for (std::size_t p : *edges)
        if (!applied_[p]) missing.push_back(graph_.id(p));
    if (!missing.empty())
      throw Error(sqlstate::kInvalidTarget, "revision \"" + id + "\" cannot be applied before " + join(missing));
    return build_upgrade(applied_, {node});
  }
  if (!applied_[node]) throw Error(sqlstate::kInvalidTarget, "revision \"" + id + "\" is not applied");
  std::vector<std::string> above;
  for (const auto* edges : {&graph_.children(node), &graph_.dependents(node)})
    for (std::size_t c : *edges)
      if (applied_[c]) above.push_back(graph_.id(c));
  if (!above.empty())
    throw Error(sqlstate::kInvalidTarget,
                "revision \"" + id + "\" cannot be reverted while " + join(above) + " are applied");
  NodeSet removal(graph_.size(), 0);
  removal[node] = 1;
  return build_downgrade(applied_, removal);
}

}  // namespace mm
