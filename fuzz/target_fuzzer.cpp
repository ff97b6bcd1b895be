// Fuzzes target resolution: the strings users type after upgrade,
// downgrade, stamp and the graph commands (head, heads, base, ids and
// prefixes, label@head, label@base, +N, -N, REV+N, REV-N), against fixed
// graphs with branches, merges, labels and depends_on, from any applied
// state. Input: graph, applied heads (bit mask), operation, then the target.
// mm::Error (and UsageError from the client's selectors) is the expected
// refusal; a returned plan must be executable step by step and end in the
// heads it announces.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "client/output/errors.hpp"
#include "client/provider/graph_select.hpp"
#include "core/error.hpp"
#include "core/revisions/planner.hpp"
#include "fuzz_check.hpp"

namespace {

using fuzz::check;
using mm::Revision;

Revision rev(std::string id, std::vector<std::string> down = {}, std::vector<std::string> depends = {},
             std::vector<std::string> labels = {}) {
  Revision r;
  r.id = std::move(id);
  r.down_revisions = std::move(down);
  r.depends_on = std::move(depends);
  r.branch_labels = std::move(labels);
  return r;
}

std::vector<mm::RevisionGraph> make_graphs() {
  std::vector<mm::RevisionGraph> graphs;
  // The reference diamond: r1 -> r2 -> {r3a, r3b} -> r4.
  graphs.emplace_back(std::vector<Revision>{rev("r1"), rev("r2", {"r1"}), rev("r3a", {"r2"}), rev("r3b", {"r2"}),
                                            rev("r4", {"r3a", "r3b"})});
  // Labels, depends_on across branches, several roots, ids that are
  // prefixes of each other and contain '.', '-' (target syntax nearby).
  graphs.emplace_back(std::vector<Revision>{rev("1a", {}, {}, {"core"}), rev("1ab", {"1a"}), rev("2", {"1ab"}),
                                            rev("2.x", {"2"}, {}, {"feature"}), rev("2-y", {"2"}),
                                            rev("m3", {"2.x", "2-y"}), rev("e1", {}, {"1ab"}, {"ext"}),
                                            rev("e2", {"e1"}, {"2-y"}), rev("solo")});
  // A straight line with a label on the root.
  graphs.emplace_back(
      std::vector<Revision>{rev("a", {}, {}, {"lin"}), rev("b", {"a"}), rev("c", {"b"}), rev("d", {"c"})});
  // No revisions at all.
  graphs.emplace_back(std::vector<Revision>{});
  return graphs;
}

// Replays `plan` on `applied` and the version-table rows; every step must be
// legal at its turn and the rows must end as the plan says. Returns the
// applied set after the plan.
mm::NodeSet check_plan(const mm::RevisionGraph& g, const mm::Planner& planner, const mm::Plan& plan) {
  check(plan.heads_before == planner.heads_of(planner.applied()), "heads_before differ from the applied state");
  mm::NodeSet state = planner.applied();
  std::set<std::string> rows(plan.heads_before.begin(), plan.heads_before.end());
  for (const auto& step : plan.steps) {
    check(step.node < g.size(), "step names no revision");
    const std::string& id = g.id(step.node);
    if (step.direction == mm::Direction::Upgrade) {
      check(!state[step.node], "upgrade step of an applied revision " + id);
      for (const auto* edges : {&g.parents(step.node), &g.dependencies(step.node)})
        for (std::size_t p : *edges) check(state[p], "upgrade of " + id + " before " + g.id(p));
      state[step.node] = 1;
    } else {
      check(state[step.node], "downgrade step of an unapplied revision " + id);
      for (const auto* edges : {&g.children(step.node), &g.dependents(step.node)})
        for (std::size_t c : *edges) check(!state[c], "downgrade of " + id + " while " + g.id(c) + " is applied");
      state[step.node] = 0;
    }
    for (const auto& row : step.delete_rows) check(rows.erase(row) == 1, "step deletes a missing row " + row);
    for (const auto& row : step.insert_rows) check(rows.insert(row).second, "step inserts an existing row " + row);
  }
  const std::vector<std::string> final_rows(rows.begin(), rows.end());
  check(final_rows == plan.heads_after, "rows after the steps differ from heads_after");
  check(plan.heads_after == planner.heads_of(state), "heads_after differ from the final applied state");
  return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<mm::RevisionGraph> graphs = make_graphs();
  if (size < 4) return 0;
  const mm::RevisionGraph& g = graphs[data[0] % graphs.size()];
  const unsigned mask = data[1] | (data[2] << 8u);
  const unsigned op = data[3] % 8;
  const std::string target(reinterpret_cast<const char*>(data + 4), size - 4);

  std::vector<std::string> heads;
  for (std::size_t i = 0; i < g.size() && i < 16; ++i)
    if (mask & (1u << i)) heads.push_back(g.id(i));
  const mm::Planner planner(g, heads);
  try {
    switch (op) {
      case 0: {
        const mm::NodeSet after = check_plan(g, planner, planner.upgrade(target));
        const std::size_t exact = g.find(target);
        check(exact == mm::RevisionGraph::npos || after[exact], "upgrade to " + target + " leaves it unapplied");
        break;
      }
      case 1: {
        const mm::Plan plan = planner.downgrade(target);
        const mm::NodeSet after = check_plan(g, planner, plan);
        for (const auto& step : plan.steps)
          check(step.direction == mm::Direction::Downgrade, "upgrade step in a downgrade");
        // Downgrading to a revision keeps it, reverts what revises it (its
        // children) and everything on top of those, and nothing else: as in
        // Alembic, a revision that only depends_on the target stays.
        const std::size_t exact = g.find(target);
        if (exact != mm::RevisionGraph::npos) {
          const mm::NodeSet above = g.descendants(g.children(exact));
          check(after[exact], "downgrade to " + target + " reverted it");
          for (std::size_t i = 0; i < g.size(); ++i) {
            check(!above[i] || !after[i], "downgrade to " + target + " keeps " + g.id(i));
            check(above[i] || after[i] == planner.applied()[i], "downgrade to " + target + " reverts " + g.id(i));
          }
        }
        break;
      }
      case 2:
      case 3: {
        const mm::Plan plan = planner.stamp(target, op == 3);
        check(plan.steps.empty(), "stamp has steps");
        std::set<std::string> unique(plan.heads_after.begin(), plan.heads_after.end());
        check(unique.size() == plan.heads_after.size(), "stamp repeats a row");
        for (const auto& h : plan.heads_after)
          check(g.find(h) != mm::RevisionGraph::npos, "stamp row " + h + " unknown");
        break;
      }
      case 4:
      case 5: {
        const mm::Plan plan = planner.single_step(target, op == 4 ? mm::Direction::Upgrade : mm::Direction::Downgrade);
        check_plan(g, planner, plan);
        check(plan.steps.size() == 1 && g.id(plan.steps[0].node) == target, "single step is not that revision");
        break;
      }
      case 6: {
        for (std::size_t node : mmc::resolve_revisions(g, target)) check(node < g.size(), "selector names no revision");
        break;
      }
      case 7: {
        mm::RelativeTarget rel;
        if (mm::parse_relative(target, &rel)) {
          const std::string digits = std::to_string(rel.delta < 0 ? -rel.delta : rel.delta);
          check(target.size() > rel.base.size() && target.compare(0, rel.base.size(), rel.base) == 0 &&
                    (target[rel.base.size()] == '+' || target[rel.base.size()] == '-'),
                "parse_relative split " + target + " wrongly");
          check(std::stol(target.substr(rel.base.size() + 1)) == (rel.delta < 0 ? -rel.delta : rel.delta),
                "parse_relative count of " + target + " is " + digits);
        }
        mm::parse_direction(target);
        break;
      }
    }
  } catch (const mm::Error& e) {
    check(e.sqlstate() != nullptr && std::string(e.sqlstate()).size() == 5, "mm::Error without a SQLSTATE");
  } catch (const mmc::UsageError&) {
    check(op == 6, "UsageError outside the client's selectors");
  }
  return 0;
}
