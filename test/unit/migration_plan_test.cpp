// The client's choice of mode follows from the plan, not from the files.
#include "client/migrate/migration_plan.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "graph_fixtures.hpp"

using mm::test::Ids;
using mm::test::rev;

namespace {

mm::RevisionGraph chain_with_non_transactional(const std::vector<std::string>& non_transactional) {
  std::vector<mm::Revision> revisions{rev("a"), rev("b", {"a"}), rev("c", {"b"}), rev("d", {"c"}), rev("e", {"d"})};
  for (mm::Revision& r : revisions)
    for (const std::string& id : non_transactional)
      if (r.id == id) r.transactional = false;
  return mm::RevisionGraph(std::move(revisions));
}

Ids part_ids(const mm::RevisionGraph& graph, const std::vector<std::size_t>& part) {
  Ids ids;
  for (std::size_t node : part) ids.push_back(graph.id(node));
  return ids;
}

}  // namespace

TEST(MigrationPlan, AllTransactionalRunsInOneTransaction) {
  const mm::RevisionGraph graph = chain_with_non_transactional({});
  const mmc::MigrationPlan plan = mmc::plan_migration(graph, {"a"}, {"b", "c"}, false);
  EXPECT_EQ(plan.mode, mmc::MigrationMode::OneTransaction);
  EXPECT_EQ(plan.revisions(graph), (Ids{"b", "c"}));
  EXPECT_EQ(plan.heads_before, (Ids{"a"}));
  EXPECT_TRUE(plan.parts.empty());
  EXPECT_STREQ(mmc::mode_name(plan.mode), "one transaction");
}

TEST(MigrationPlan, PerRevisionWhenAskedAndNothingIsNonTransactional) {
  const mm::RevisionGraph graph = chain_with_non_transactional({});
  EXPECT_EQ(mmc::plan_migration(graph, {}, {"a", "b"}, true).mode, mmc::MigrationMode::TransactionPerRevision);
}

// The files hold a non-transactional revision the plan does not run: the
// usual modes, with no extra transactions (this was decided from the files
// before, and cost a second upload).
TEST(MigrationPlan, ANonTransactionalFileOutsideThePlanDoesNotChooseTheMode) {
  const mm::RevisionGraph graph = chain_with_non_transactional({"e"});
  EXPECT_EQ(mmc::plan_migration(graph, {"a"}, {"b", "c", "d"}, false).mode, mmc::MigrationMode::OneTransaction);
  EXPECT_EQ(mmc::plan_migration(graph, {"a"}, {"b"}, true).mode, mmc::MigrationMode::TransactionPerRevision);
}

TEST(MigrationPlan, ANonTransactionalRevisionInThePlanSplitsItIntoParts) {
  const mm::RevisionGraph graph = chain_with_non_transactional({"c", "d"});
  for (bool per_revision : {false, true}) {
    const mmc::MigrationPlan plan = mmc::plan_migration(graph, {}, {"a", "b", "c", "d", "e"}, per_revision);
    EXPECT_EQ(plan.mode, mmc::MigrationMode::InParts);
    ASSERT_EQ(plan.parts.size(), 4u);
    EXPECT_EQ(part_ids(graph, plan.parts[0]), (Ids{"a", "b"}));
    EXPECT_EQ(part_ids(graph, plan.parts[1]), (Ids{"c"}));
    EXPECT_EQ(part_ids(graph, plan.parts[2]), (Ids{"d"}));
    EXPECT_EQ(part_ids(graph, plan.parts[3]), (Ids{"e"}));
    EXPECT_EQ(plan.non_transactional(graph), (Ids{"c", "d"}));
  }
}

TEST(MigrationPlan, AnEmptyPlanIsOneTransaction) {
  const mm::RevisionGraph graph = chain_with_non_transactional({"a"});
  const mmc::MigrationPlan plan = mmc::plan_migration(graph, {"e"}, {}, false);
  EXPECT_EQ(plan.mode, mmc::MigrationMode::OneTransaction);
  EXPECT_TRUE(plan.nodes.empty());
}

TEST(MigrationPlan, ARevisionTheLocalGraphLacksIsAnError) {
  const mm::RevisionGraph graph = chain_with_non_transactional({});
  EXPECT_THROW(mmc::plan_migration(graph, {}, {"a", "zz"}, false), mm::Error);
}
