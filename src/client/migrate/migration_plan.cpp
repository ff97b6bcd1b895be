#include "client/migrate/migration_plan.hpp"

#include "core/error.hpp"
#include "core/protocol.hpp"

namespace mmc {

const char* mode_name(MigrationMode mode) {
  switch (mode) {
    case MigrationMode::OneTransaction:
      return "one transaction";
    case MigrationMode::TransactionPerRevision:
      return "transaction per revision";
    case MigrationMode::InParts:
      return "in parts";
  }
  return "one transaction";
}

std::vector<std::string> MigrationPlan::revisions(const mm::RevisionGraph& graph) const {
  std::vector<std::string> ids;
  for (std::size_t node : nodes) ids.push_back(graph.id(node));
  return ids;
}

std::vector<std::string> MigrationPlan::non_transactional(const mm::RevisionGraph& graph) const {
  std::vector<std::string> ids;
  for (std::size_t node : nodes)
    if (!graph.at(node).transactional) ids.push_back(graph.id(node));
  return ids;
}

MigrationPlan plan_migration(const mm::RevisionGraph& graph, std::vector<std::string> heads_before,
                             const std::vector<std::string>& planned, bool transaction_per_revision) {
  MigrationPlan plan;
  plan.heads_before = std::move(heads_before);
  bool any_non_transactional = false;
  for (const std::string& id : planned) {
    const std::size_t node = graph.find(id);
    if (node == mm::RevisionGraph::npos)
      throw mm::Error(mm::sqlstate::kInternal,
                      "the server planned revision " + id + ", which the local files do not hold");
    plan.nodes.push_back(node);
    const bool transactional = graph.at(node).transactional;
    any_non_transactional = any_non_transactional || !transactional;
    if (plan.parts.empty() || !transactional || !graph.at(plan.parts.back().back()).transactional)
      plan.parts.emplace_back();
    plan.parts.back().push_back(node);
  }
  if (any_non_transactional)
    plan.mode = MigrationMode::InParts;
  else
    plan.mode = transaction_per_revision ? MigrationMode::TransactionPerRevision : MigrationMode::OneTransaction;
  if (plan.mode != MigrationMode::InParts) plan.parts.clear();
  return plan;
}

}  // namespace mmc
