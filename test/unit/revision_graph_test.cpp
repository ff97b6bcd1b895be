#include <gtest/gtest.h>

#include "core/error.hpp"
#include "graph_fixtures.hpp"

namespace mm::test {
namespace {

std::string error_of(std::vector<Revision> revs) {
  try {
    RevisionGraph g(std::move(revs));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RevisionGraph, HeadsAndBasesOfDiamond) {
  RevisionGraph g(diamond());
  EXPECT_EQ(g.ids(g.heads()), Ids({"r4"}));
  EXPECT_EQ(g.ids(g.bases()), Ids({"r1"}));
}

TEST(RevisionGraph, DependenciesDoNotMergeBranches) {
  RevisionGraph g({rev("a1"), rev("b1", {}, {"a1"})});
  EXPECT_EQ(g.ids(g.heads()), Ids({"a1", "b1"}));
}

TEST(RevisionGraph, RejectsUnknownParent) {
  EXPECT_NE(error_of({rev("r1"), rev("r2", {"nope"})}).find("unknown down_revision \"nope\""), std::string::npos);
}

TEST(RevisionGraph, RejectsUnknownDependency) {
  EXPECT_NE(error_of({rev("r1"), rev("r2", {"r1"}, {"zz"})}).find("unknown depends_on revision \"zz\""),
            std::string::npos);
}

TEST(RevisionGraph, RejectsSelfParent) {
  EXPECT_NE(error_of({rev("r1", {"r1"})}).find("names itself"), std::string::npos);
}

TEST(RevisionGraph, RejectsCycleAndNamesMembers) {
  std::string msg = error_of({rev("r0"), rev("a", {"c"}), rev("b", {"a"}), rev("c", {"b"})});
  EXPECT_NE(msg.find("cycle through: a, b, c"), std::string::npos) << msg;
}

TEST(RevisionGraph, RejectsCycleThroughDependency) {
  EXPECT_NE(error_of({rev("a", {}, {"b"}), rev("b", {"a"})}).find("cycle"), std::string::npos);
}

TEST(RevisionGraph, RejectsDuplicateId) {
  EXPECT_NE(error_of({rev("r1"), rev("r1")}).find("duplicate revision id"), std::string::npos);
}

TEST(RevisionGraph, RejectsOverlongAndInvalidIds) {
  EXPECT_NE(error_of({rev(std::string(33, 'a'))}).find("33 characters"), std::string::npos);
  EXPECT_EQ(error_of({rev(std::string(32, 'a'))}), "");
  EXPECT_NE(error_of({rev("")}).find("must not be empty"), std::string::npos);
  EXPECT_NE(error_of({rev("has space")}).find("invalid character"), std::string::npos);
  EXPECT_NE(error_of({rev("quo'te")}).find("invalid character"), std::string::npos);
  EXPECT_NE(error_of({rev("head")}).find("reserved"), std::string::npos);
}

TEST(RevisionGraph, RejectsDuplicateBranchLabel) {
  EXPECT_NE(error_of({rev("a", {}, {}, {"x"}), rev("b", {}, {}, {"x"})}).find("branch label \"x\" is used by"),
            std::string::npos);
}

TEST(RevisionGraph, ResolvesUniquePrefixAndListsAmbiguousCandidates) {
  RevisionGraph g({rev("abc1"), rev("abd2", {"abc1"}), rev("xyz", {"abd2"})});
  EXPECT_EQ(g.id(g.resolve_id("x")), "xyz");
  EXPECT_EQ(g.id(g.resolve_id("abc")), "abc1");
  try {
    g.resolve_id("ab");
    FAIL() << "expected ambiguity";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kAmbiguousTarget);
    EXPECT_NE(std::string(e.what()).find("abc1, abd2"), std::string::npos);
  }
  EXPECT_THROW(g.resolve_id("q"), Error);
}

TEST(RevisionGraph, DependencyOrderPutsParentsFirst) {
  RevisionGraph g(diamond());
  NodeSet all(g.size(), 1);
  auto order = g.ids(g.dependency_order(all, {g.find("r4")}));
  EXPECT_EQ(order, Ids({"r1", "r2", "r3a", "r3b", "r4"}));
}

TEST(RevisionGraph, LabelsPropagateToDescendantsAndBranchAncestors) {
  RevisionGraph g(
      {rev("r1"), rev("a1", {"r1"}), rev("a2", {"a1"}, {}, {"feature"}), rev("a3", {"a2"}), rev("b1", {"r1"})});
  NodeSet lab = g.labelled("feature");
  EXPECT_TRUE(lab[g.find("a1")]);
  EXPECT_TRUE(lab[g.find("a2")]);
  EXPECT_TRUE(lab[g.find("a3")]);
  EXPECT_FALSE(lab[g.find("r1")]);  // branch point
  EXPECT_FALSE(lab[g.find("b1")]);
}

}  // namespace
}  // namespace mm::test
