#include "client/migrate/lint.hpp"

#include "client/server/server_api.hpp"

namespace mmc {

std::string RevisionLintFinding::text() const {
  return file + ":" + std::to_string(line) + ": " + rule + ": " + message + " (" + severity + ")";
}

nlohmann::json RevisionLintFinding::to_json() const {
  return {{"file", file},       {"line", line},         {"rule", rule},      {"severity", severity},
          {"message", message}, {"revision", revision}, {"section", section}};
}

std::vector<RevisionLintFinding> lint_sections(const Connection& conn, const std::vector<LintSection>& sections,
                                               bool lock_timeout_set) {
  std::vector<Query> queries;
  std::vector<const LintSection*> sent;
  for (const LintSection& s : sections) {
    const std::string& sql_text = s.upgrade ? s.file->revision.upgrade_sql : s.file->revision.downgrade_sql;
    if (sql_text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    queries.push_back(sql::lint(sql_text, s.file->revision.transactional, lock_timeout_set));
    sent.push_back(&s);
  }
  std::vector<RevisionLintFinding> findings;
  if (queries.empty()) return findings;
  std::vector<PgResult> results;
  try {
    results = conn.pipeline(queries);
  } catch (const ServerError& e) {
    if (e.sqlstate() == "3F000" || e.sqlstate() == "42883")
      throw OperationError(
          "lint runs inside PostgreSQL, and " + conn.describe() + " has no metamigrate extension (" + e.what() + ")",
          "Point --dsn (or METAMIGRATE_DSN, DATABASE_URL, PGHOST...) at a database where "
          "'CREATE EXTENSION metamigrate' was run; any such database will do, lint changes nothing.");
    throw;
  }
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const LintSection& s = *sent[i];
    const PgResult& result = results[i];
    for (int row = 0; row < result.rows(); ++row) {
      RevisionLintFinding f;
      f.file = s.file->path;
      const int sql_line = std::stoi(result.text(row, 2).empty() ? "1" : result.text(row, 2));
      f.line = s.file->file_line(s.upgrade, sql_line);
      f.rule = result.text(row, 0);
      f.severity = result.text(row, 1);
      f.message = result.text(row, 3);
      f.revision = s.file->revision.id;
      f.section = s.upgrade ? "upgrade" : "downgrade";
      findings.push_back(std::move(f));
    }
  }
  return findings;
}

std::size_t count_severity(const std::vector<RevisionLintFinding>& findings, const std::string& severity) {
  std::size_t n = 0;
  for (const RevisionLintFinding& f : findings) n += f.severity == severity;
  return n;
}

}  // namespace mmc
