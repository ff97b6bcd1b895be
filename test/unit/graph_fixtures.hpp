// Small helpers to build revision graphs in tests.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/planner.hpp"

namespace mm::test {

inline Revision rev(std::string id, std::vector<std::string> down = {}, std::vector<std::string> depends = {},
                    std::vector<std::string> labels = {}) {
  Revision r;
  r.id = std::move(id);
  r.down_revisions = std::move(down);
  r.depends_on = std::move(depends);
  r.branch_labels = std::move(labels);
  r.upgrade_sql = "-- up " + r.id;
  r.downgrade_sql = "-- down " + r.id;
  return r;
}

// r1 -> r2 -> {r3a, r3b} -> r4 (merge): the reference scenario.
inline std::vector<Revision> diamond() {
  return {rev("r1"), rev("r2", {"r1"}), rev("r3a", {"r2"}), rev("r3b", {"r2"}), rev("r4", {"r3a", "r3b"})};
}

inline std::vector<std::string> step_ids(const RevisionGraph& g, const Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(g.id(s.node));
  return out;
}

using Ids = std::vector<std::string>;

}  // namespace mm::test
