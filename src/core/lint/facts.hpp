// What the linter knows about each statement of a revision. The PostgreSQL
// glue fills these from the raw parse tree (never from regexes) plus a few
// catalog facts; the rules in lint_rules.hpp only read them.
#pragma once

#include <string>
#include <vector>

namespace mm {

enum class StatementKind {
  Other,
  CreateTable,
  CreateIndex,
  AlterTable,
  DropTable,
  Truncate,
  RenameTable,
  RenameColumn,
  AlterEnumAddValue,
  SetVariable,
  Vacuum,
  TransactionControl,
  ConcurrentMaintenance,  // REINDEX CONCURRENTLY, DROP INDEX CONCURRENTLY
};

struct AlterAction {
  enum class Kind {
    Other,
    AddColumn,
    AlterColumnType,
    SetNotNull,
    AddForeignKey,
    AddCheck,
    AddUniqueOrPrimaryKey,
    ValidateConstraint,
    DropColumn,
  };
  Kind kind = Kind::Other;
  std::string name;  // column, or constraint for constraint actions

  // AddColumn
  bool has_default = false;
  bool default_volatile = false;
  // AlterColumnType: format_type() spellings; old_type empty when unknown
  std::string old_type;
  std::string new_type;
  // AddCheck / AddForeignKey
  bool not_valid = false;
  std::string not_null_check_column;  // CHECK (col IS NOT NULL)
  bool uses_existing_index = false;   // ADD PRIMARY KEY/UNIQUE USING INDEX
  // SetNotNull
  bool catalog_has_validated_not_null_check = false;
};

struct StatementFacts {
  int line = 1;
  StatementKind kind = StatementKind::Other;
  std::string relation;                // table the statement works on (name as written, unqualified)
  std::vector<std::string> relations;  // DROP TABLE / TRUNCATE lists
  bool concurrent = false;             // CREATE INDEX CONCURRENTLY
  std::vector<AlterAction> actions;    // ALTER TABLE sub-commands
  std::string variable;                // SET/RESET name, lower case
  std::string enum_type;               // ALTER TYPE ... ADD VALUE
  std::string enum_value;
  std::string old_name, new_name;            // renames
  std::vector<std::string> string_literals;  // string constants, from the scanner
  std::string syntax_error;                  // set when the SQL does not parse
};

struct LintOptions {
  bool transactional = true;      // the revision runs inside a transaction
  bool lock_timeout_set = false;  // the migration sets lock_timeout itself (client flag)
};

struct LintFinding {
  std::string rule;
  std::string severity;  // "error" (will fail), "warning" (risky), "info"
  int line;
  std::string message;
};

}  // namespace mm
