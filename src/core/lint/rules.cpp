#include "core/lint/rules.hpp"

#include <set>

namespace mm {

namespace {

struct TypeSpelling {
  std::string base;
  std::vector<long> mods;  // numbers in parentheses
};

TypeSpelling split_type(const std::string& spelled) {
  TypeSpelling t;
  std::size_t open = spelled.find('(');
  t.base = spelled.substr(0, open);
  while (!t.base.empty() && t.base.back() == ' ') t.base.pop_back();
  if (open == std::string::npos) return t;
  std::string inside = spelled.substr(open + 1, spelled.find(')', open) - open - 1);
  std::size_t pos = 0;
  while (pos < inside.size()) {
    std::size_t comma = inside.find(',', pos);
    try {
      t.mods.push_back(std::stol(inside.substr(pos, comma - pos)));
    } catch (...) {
      return TypeSpelling{spelled, {}};
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return t;
}

class Linter {
 public:
  explicit Linter(const LintOptions& options) : options_(options) {}

  std::vector<LintFinding> run(const std::vector<StatementFacts>& statements) {
    for (std::size_t i = 0; i < statements.size(); ++i) check(statements, i);
    return std::move(findings_);
  }

 private:
  const LintOptions& options_;
  std::vector<LintFinding> findings_;
  std::set<std::string> created_tables_;
  std::set<std::string> validated_not_null_;  // table.column with a validated CHECK (col IS NOT NULL)
  std::vector<std::pair<std::string, std::string>> pending_not_null_checks_;  // constraint name -> table.column
  bool lock_timeout_set_ = false;
  bool lock_timeout_reported_ = false;

  void add(const StatementFacts& s, const char* rule, const char* severity, std::string message) {
    findings_.push_back({rule, severity, s.line, std::move(message)});
  }

  bool is_new(const std::string& table) const { return created_tables_.count(table) != 0; }

  // Statements that take an ACCESS EXCLUSIVE (or SHARE) lock on a table
  // that already exists should run with a lock_timeout.
  void needs_lock_timeout(const StatementFacts& s, const std::string& table) {
    if (options_.lock_timeout_set || lock_timeout_set_ || lock_timeout_reported_ || is_new(table)) return;
    lock_timeout_reported_ = true;
    add(s, "missing-lock-timeout", "warning",
        "statement locks existing table " + table +
            " without a lock_timeout: a long-running query can make it queue, blocking all traffic behind it; "
            "start the revision with SET LOCAL lock_timeout = '2s' (or run with --lock-timeout)");
  }

  void check(const std::vector<StatementFacts>& all, std::size_t index) {
    const StatementFacts& s = all[index];
    switch (s.kind) {
      case StatementKind::CreateTable:
        created_tables_.insert(s.relation);
        break;
      case StatementKind::CreateIndex:
        if (s.concurrent && options_.transactional)
          add(s, "concurrently-in-transaction", "error",
              "CREATE INDEX CONCURRENTLY cannot run inside a transaction; mark the revision \"transactional: false\"");
        if (!s.concurrent && !is_new(s.relation)) {
          add(s, "require-concurrent-index", "warning",
              "CREATE INDEX on existing table " + s.relation +
                  " blocks writes while it builds; use CREATE INDEX CONCURRENTLY in a non-transactional revision");
          needs_lock_timeout(s, s.relation);
        }
        break;
      case StatementKind::ConcurrentMaintenance:
        if (options_.transactional)
          add(s, "concurrently-in-transaction", "error",
              "CONCURRENTLY operations cannot run inside a transaction; mark the revision \"transactional: false\"");
        break;
      case StatementKind::AlterTable:
        check_alter(s);
        break;
      case StatementKind::DropTable:
        for (const auto& table : s.relations) {
          if (is_new(table)) continue;
          add(s, "data-loss", "warning",
              "DROP TABLE " + table + " deletes its data; make sure nothing still uses it and it is backed up");
          needs_lock_timeout(s, table);
        }
        break;
      case StatementKind::Truncate:
        for (const auto& table : s.relations) {
          add(s, "data-loss", "warning", "TRUNCATE " + table + " deletes every row");
          needs_lock_timeout(s, table);
        }
        break;
      case StatementKind::RenameTable:
        if (!is_new(s.old_name))
          add(s, "rename-breaks-code", "warning",
              "renaming table " + s.old_name + " to " + s.new_name +
                  " breaks application code still using the old name; add the new name, migrate readers, then drop");
        needs_lock_timeout(s, s.old_name);
        break;
      case StatementKind::RenameColumn:
        if (!is_new(s.relation))
          add(s, "rename-breaks-code", "warning",
              "renaming column " + s.relation + "." + s.old_name + " to " + s.new_name +
                  " breaks application code still using the old name; add a new column and backfill instead");
        needs_lock_timeout(s, s.relation);
        break;
      case StatementKind::AlterEnumAddValue:
        check_enum_value(s, all, index);
        break;
      case StatementKind::SetVariable:
        if (s.variable == "lock_timeout") lock_timeout_set_ = true;
        break;
      case StatementKind::Vacuum:
        add(s, "vacuum-in-revision", "error",
            "VACUUM cannot run inside a transaction or a function; schedule it outside the migration");
        break;
      case StatementKind::TransactionControl:
        add(s, "transaction-control", "error",
            "BEGIN/COMMIT/ROLLBACK inside a revision break all-or-nothing migrations; metamigrate manages the "
            "transaction (use \"transactional: false\" for statements that need none)");
        break;
      case StatementKind::Other:
        break;
    }
  }

  void check_alter(const StatementFacts& s) {
    const bool existing = !is_new(s.relation);
    bool locks = false;
    for (const AlterAction& a : s.actions) {
      const std::string column = s.relation + "." + a.name;
      switch (a.kind) {
        case AlterAction::Kind::AddColumn:
          if (existing && a.has_default && a.default_volatile)
            add(s, "volatile-default", "warning",
                "ADD COLUMN " + a.name + " with a volatile default rewrites table " + s.relation +
                    " under an exclusive lock; add the column without default, then backfill in batches");
          locks = true;
          break;
        case AlterAction::Kind::AlterColumnType:
          if (existing && !is_safe_type_widening(a.old_type, a.new_type))
            add(s, "table-rewrite-type-change", "warning",
                "changing " + column + " " + (a.old_type.empty() ? std::string() : "from " + a.old_type + " ") + "to " +
                    a.new_type + " rewrites the table under an exclusive lock; add a new column, backfill, and swap");
          locks = true;
          break;
        case AlterAction::Kind::SetNotNull:
          if (existing && !a.catalog_has_validated_not_null_check && !validated_not_null_.count(column))
            add(s, "set-not-null-scan", "warning",
                "SET NOT NULL on " + column + " scans the whole table under an exclusive lock; first add CHECK (" +
                    a.name + " IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it, then SET NOT NULL");
          locks = true;
          break;
        case AlterAction::Kind::AddForeignKey:
        case AlterAction::Kind::AddCheck:
          if (!a.not_null_check_column.empty()) {
            const std::string checked = s.relation + "." + a.not_null_check_column;
            if (a.not_valid)
              pending_not_null_checks_.push_back({a.name, checked});
            else
              validated_not_null_.insert(checked);
          }
          if (existing && !a.not_valid)
            add(s, "constraint-without-not-valid", "warning",
                std::string(a.kind == AlterAction::Kind::AddForeignKey ? "FOREIGN KEY" : "CHECK") + " constraint " +
                    (a.name.empty() ? std::string() : a.name + " ") + "on existing table " + s.relation +
                    " is validated under a lock that blocks writes; add it NOT VALID, then VALIDATE CONSTRAINT "
                    "in a later statement");
          locks = true;
          break;
        case AlterAction::Kind::AddUniqueOrPrimaryKey:
          if (existing && !a.uses_existing_index)
            add(s, "require-concurrent-index", "warning",
                "adding a UNIQUE or PRIMARY KEY constraint to existing table " + s.relation +
                    " builds its index while blocking writes; CREATE UNIQUE INDEX CONCURRENTLY first, then "
                    "ADD CONSTRAINT ... USING INDEX");
          locks = true;
          break;
        case AlterAction::Kind::ValidateConstraint:
          for (const auto& [name, checked] : pending_not_null_checks_)
            if (name == a.name) validated_not_null_.insert(checked);
          break;  // takes only a SHARE UPDATE EXCLUSIVE lock
        case AlterAction::Kind::DropColumn:
          if (existing)
            add(s, "data-loss", "warning",
                "DROP COLUMN " + column + " deletes its data; stop using it in code first, and back it up");
          locks = true;
          break;
        case AlterAction::Kind::Other:
          locks = true;
          break;
      }
    }
    if (locks) needs_lock_timeout(s, s.relation);
  }

  void check_enum_value(const StatementFacts& s, const std::vector<StatementFacts>& all, std::size_t index) {
    if (!options_.transactional) return;
    for (std::size_t j = index + 1; j < all.size(); ++j)
      for (const auto& literal : all[j].string_literals)
        if (literal == s.enum_value) {
          add(s, "enum-add-value-in-transaction", "error",
              "the new value '" + s.enum_value + "' of " + s.enum_type + " is used at line " +
                  std::to_string(all[j].line) +
                  " in the same transaction, which PostgreSQL refuses (unsafe use of new value); "
                  "add the value in its own non-transactional revision");
          return;
        }
    add(s, "enum-add-value-in-transaction", "warning",
        "ALTER TYPE " + s.enum_type + " ADD VALUE '" + s.enum_value +
            "' cannot be used until the transaction commits, so later revisions of the same upgrade cannot use it; "
            "put it in a non-transactional revision");
  }
};

}  // namespace

bool is_safe_type_widening(const std::string& from, const std::string& to) {
  if (from.empty()) return false;  // unknown current type: assume the worst
  if (from == to) return true;
  const TypeSpelling a = split_type(from);
  const TypeSpelling b = split_type(to);
  const bool from_varchar = a.base == "character varying";
  if (from_varchar && (b.base == "text" || (b.base == "character varying" && b.mods.empty()))) return true;
  if (from_varchar && b.base == "character varying" && a.mods.size() == 1 && b.mods.size() == 1)
    return b.mods[0] >= a.mods[0];
  if (a.base == "text" && b.base == "character varying" && b.mods.empty()) return true;
  if (a.base == "numeric" && b.base == "numeric") {
    if (b.mods.empty()) return true;
    if (a.mods.size() == 2 && b.mods.size() == 2) return b.mods[1] == a.mods[1] && b.mods[0] >= a.mods[0];
    return false;
  }
  if (a.base == "bit varying" && b.base == "bit varying")
    return b.mods.empty() || (a.mods.size() == 1 && b.mods.size() == 1 && b.mods[0] >= a.mods[0]);
  if (a.base == "cidr" && b.base == "inet") return true;
  return false;
}

std::vector<LintFinding> run_lint_rules(const std::vector<StatementFacts>& statements, const LintOptions& options) {
  for (const auto& s : statements)
    if (!s.syntax_error.empty()) return {{"syntax-error", "error", s.line, s.syntax_error}};
  return Linter(options).run(statements);
}

}  // namespace mm
