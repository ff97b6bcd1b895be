// Path planning through the revision graph with Alembic's semantics.
//
// The state of a provider is the set of applied revisions, which is always
// the ancestor closure of the heads recorded in the version table. An
// upgrade adds the ancestor closure of the target; a downgrade removes
// every applied descendant of the target. After each step the version
// table holds exactly the heads of the applied set, so branches give
// several rows and a merge collapses them, as Alembic's HeadMaintainer does.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/graph.hpp"

namespace mm {

enum class Direction { Upgrade, Downgrade };
const char* to_string(Direction d);
Direction parse_direction(const std::string& text);  // "upgrade"/"up", "downgrade"/"down"

struct PlanStep {
  std::size_t node;
  Direction direction;
  // Version-table rows this step deletes and inserts (revision ids).
  std::vector<std::string> delete_rows;
  std::vector<std::string> insert_rows;
};

struct Plan {
  std::vector<std::string> heads_before;  // sorted
  std::vector<std::string> heads_after;   // sorted
  std::vector<PlanStep> steps;
};

class Planner {
 public:
  // `current_heads` are the rows of the version table; unknown ids throw.
  Planner(const RevisionGraph& graph, const std::vector<std::string>& current_heads);

  Plan upgrade(const std::string& target) const;
  Plan downgrade(const std::string& target) const;
  // Moves the version table to `target` without steps. With `purge` the
  // current rows are ignored (as Alembic's `stamp --purge`).
  Plan stamp(const std::string& target, bool purge = false) const;
  // Exactly one step for revision `id` (which the client ran itself, as
  // for non-transactional revisions); throws unless it is legal now.
  Plan single_step(const std::string& id, Direction direction) const;

  const NodeSet& applied() const { return applied_; }
  std::vector<std::string> heads_of(const NodeSet& applied) const;

 private:
  const RevisionGraph& graph_;
  std::vector<std::size_t> current_;  // version-table heads
  NodeSet applied_;

  // Revisions an upgrade to `target` must make applied (closure roots).
  std::vector<std::size_t> resolve_upgrade_target(const std::string& target,
                                                  const std::vector<std::size_t>& heads) const;
  // Revisions a downgrade to `target` must remove from `applied`.
  NodeSet resolve_downgrade_removal(const std::string& target, const NodeSet& applied,
                                    const std::vector<std::size_t>& heads) const;
  // Walks `steps` revisions down along down_revision from `from`; returns
  // npos when the walk steps below a base (that is, to "base").
  std::size_t walk_down(std::size_t from, long steps, const std::string& target, std::size_t* base) const;
  std::size_t walk_up(std::size_t from, long steps, const std::string& target) const;
  std::size_t single_current_head(const std::string& target, const std::vector<std::size_t>& heads) const;

  std::vector<std::size_t> covering_counts(const NodeSet& applied) const;
  Plan build_upgrade(const NodeSet& applied, const std::vector<std::size_t>& targets) const;
  Plan build_downgrade(const NodeSet& applied, const NodeSet& removal) const;
};

// Syntax of a target, independent of any graph.
struct RelativeTarget {
  std::string base;  // empty: relative to the current heads
  long delta = 0;    // signed
};
// Returns true when `target` has the form [REV]+N or [REV]-N.
bool parse_relative(const std::string& target, RelativeTarget* out);

}  // namespace mm
