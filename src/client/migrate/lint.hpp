// Lint of revision SQL. The rules run inside PostgreSQL
// (metamigrate.lint, with PostgreSQL's own parser; docs/lint.md); the
// client sends each section and turns the lines the server reports (they
// count from the start of the SQL it was given) into file lines.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/provider/revision_file.hpp"

namespace mmc {

struct RevisionLintFinding {
  std::string file;  // as shown in messages
  int line = 0;      // line in the file
  std::string rule;
  std::string severity;  // "error" or "warning"
  std::string message;
  std::string revision;
  std::string section;  // "upgrade" or "downgrade"

  // "file:line: rule: message (severity)"
  std::string text() const;
  nlohmann::json to_json() const;
};

struct LintSection {
  const RevisionFile* file;
  bool upgrade;
};

// Lints the sections in one round trip (empty sections are skipped).
// `lock_timeout_set`: the migration runs with a lock_timeout
// (--lock-timeout or the manifest's), so missing-lock-timeout is silent.
// Throws OperationError with a clear message when the database lacks the
// extension, ServerError otherwise.
std::vector<RevisionLintFinding> lint_sections(const Connection& conn, const std::vector<LintSection>& sections,
                                               bool lock_timeout_set);

std::size_t count_severity(const std::vector<RevisionLintFinding>& findings, const std::string& severity);

}  // namespace mmc
