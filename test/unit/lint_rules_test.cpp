#include <gtest/gtest.h>

#include "core/lint/rules.hpp"

namespace mm {
namespace {

StatementFacts statement(StatementKind kind, std::string relation, int line = 1) {
  StatementFacts s;
  s.kind = kind;
  s.relation = std::move(relation);
  s.line = line;
  return s;
}

std::vector<std::string> rules(const std::vector<StatementFacts>& facts, LintOptions options = {}) {
  options.lock_timeout_set = true;
  std::vector<std::string> out;
  for (const auto& f : run_lint_rules(facts, options)) out.push_back(f.rule + "@" + std::to_string(f.line));
  return out;
}

TEST(LintRules, SafeWidenings) {
  EXPECT_TRUE(is_safe_type_widening("character varying(20)", "character varying(40)"));
  EXPECT_TRUE(is_safe_type_widening("character varying(20)", "text"));
  EXPECT_TRUE(is_safe_type_widening("character varying(20)", "character varying"));
  EXPECT_TRUE(is_safe_type_widening("numeric(10,2)", "numeric(12,2)"));
  EXPECT_TRUE(is_safe_type_widening("numeric(10,2)", "numeric"));
  EXPECT_TRUE(is_safe_type_widening("cidr", "inet"));
  EXPECT_FALSE(is_safe_type_widening("character varying(40)", "character varying(20)"));
  EXPECT_FALSE(is_safe_type_widening("numeric(10,2)", "numeric(12,4)"));
  EXPECT_FALSE(is_safe_type_widening("integer", "bigint"));
  EXPECT_FALSE(is_safe_type_widening("text", "integer"));
  EXPECT_FALSE(is_safe_type_widening("", "text"));  // unknown current type
}

TEST(LintRules, NewTablesAreNotFlagged) {
  StatementFacts index = statement(StatementKind::CreateIndex, "t", 2);
  EXPECT_EQ(rules({index}), std::vector<std::string>{"require-concurrent-index@2"});
  EXPECT_TRUE(rules({statement(StatementKind::CreateTable, "t"), index}).empty());
}

TEST(LintRules, ValidatedCheckMakesSetNotNullSafe) {
  StatementFacts add = statement(StatementKind::AlterTable, "t", 1);
  AlterAction check;
  check.kind = AlterAction::Kind::AddCheck;
  check.name = "nn";
  check.not_valid = true;
  check.not_null_check_column = "c";
  add.actions = {check};
  StatementFacts validate = statement(StatementKind::AlterTable, "t", 2);
  AlterAction v;
  v.kind = AlterAction::Kind::ValidateConstraint;
  v.name = "nn";
  validate.actions = {v};
  StatementFacts set = statement(StatementKind::AlterTable, "t", 3);
  AlterAction nn;
  nn.kind = AlterAction::Kind::SetNotNull;
  nn.name = "c";
  set.actions = {nn};
  EXPECT_TRUE(rules({add, validate, set}).empty());
  EXPECT_EQ(rules({add, set}), std::vector<std::string>{"set-not-null-scan@3"});
}

TEST(LintRules, EnumValueUsedInSameTransactionIsAnError) {
  StatementFacts add = statement(StatementKind::AlterEnumAddValue, "", 1);
  add.enum_type = "mood";
  add.enum_value = "sad";
  StatementFacts use = statement(StatementKind::Other, "", 2);
  use.string_literals = {"sad"};
  auto findings = run_lint_rules({add, use}, LintOptions{});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, "error");
  LintOptions outside;
  outside.transactional = false;
  EXPECT_TRUE(run_lint_rules({add, use}, outside).empty());
}

TEST(LintRules, LockTimeoutReportedOnceUntilSet) {
  LintOptions options;  // lock_timeout_set = false
  StatementFacts alter = statement(StatementKind::AlterTable, "t", 1);
  alter.actions = {AlterAction{}};
  StatementFacts alter2 = alter;
  alter2.line = 2;
  EXPECT_EQ(run_lint_rules({alter, alter2}, options).size(), 1u);
  StatementFacts set = statement(StatementKind::SetVariable, "", 1);
  set.variable = "lock_timeout";
  alter.line = 2;
  EXPECT_TRUE(run_lint_rules({set, alter}, options).empty());
}

TEST(LintRules, SyntaxErrorIsTheOnlyFinding) {
  StatementFacts bad;
  bad.line = 4;
  bad.syntax_error = "syntax error at or near \"(\"";
  auto findings = run_lint_rules({statement(StatementKind::Vacuum, ""), bad}, LintOptions{});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "syntax-error");
  EXPECT_EQ(findings[0].line, 4);
}

}  // namespace
}  // namespace mm
