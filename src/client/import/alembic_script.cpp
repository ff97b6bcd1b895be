#include "client/import/alembic_script.hpp"

#include <regex>

#include "client/output/errors.hpp"
#include "client/import/util.hpp"
#include "client/provider/sql_split.hpp"

namespace mmc::import {

namespace fs = std::filesystem;

namespace {

// Python literal: None, a string, or a tuple/list of strings.
std::vector<std::string> python_strings(const std::string& value, const std::string& shown, int line,
                                        const std::string& key) {
  const std::string v = trim(value);
  if (v == "None" || v == "()" || v == "[]") return {};
  static const std::regex string_literal(R"__((?:[rRuU]?)'([^'\\]*)'|(?:[rRuU]?)"([^"\\]*)")__");
  static const std::regex whole(R"__(^[\(\[]?\s*((?:[rRuU]?'[^'\\]*'|[rRuU]?"[^"\\]*")\s*,?\s*)*[\)\]]?$)__");
  if (!std::regex_match(v, whole))
    throw InputError(shown, line, key + " must be None, a string or a tuple/list of strings (got: " + v + ")");
  std::vector<std::string> out;
  for (std::sregex_iterator it(v.begin(), v.end(), string_literal), end; it != end; ++it)
    out.push_back((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  return out;
}

}  // namespace

bool parse_alembic_revision_file(const std::string& text, const std::string& shown, ImportedMigration& out) {
  // Module-level assignments, optionally annotated (newer templates write
  // `down_revision: Union[str, None] = 'x'`).
  static const std::regex assignment(
      R"(^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=]*)?=\s*(.*?)\s*(#.*)?$)");
  const std::vector<std::string> lines = split_lines(text);
  std::map<std::string, std::pair<std::string, int>> values;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, assignment)) continue;
    std::string value = m[2].str();
    const int line = static_cast<int>(i) + 1;
    // A tuple may continue over several lines.
    const auto open = [](const std::string& s) {
      int depth = 0;
      for (char c : s) depth += (c == '(' || c == '[') - (c == ')' || c == ']');
      return depth;
    };
    while (open(value) > 0 && i + 1 < lines.size()) value += " " + trim(lines[++i]);
    if (values.count(m[1].str())) throw InputError(shown, line, m[1].str() + " is assigned twice");
    values[m[1].str()] = {value, line};
  }
  if (!values.count("revision")) return false;
  const auto get = [&](const std::string& key) {
    auto it = values.find(key);
    if (it == values.end()) return std::vector<std::string>{};
    return python_strings(it->second.first, shown, it->second.second, key);
  };
  const std::vector<std::string> revision = get("revision");
  if (revision.size() != 1) throw InputError(shown, values["revision"].second, "revision must be one string");
  if (!values.count("down_revision"))
    throw InputError(shown, values["revision"].second, "no down_revision (None for a first revision)");
  out.version = revision[0];
  out.source = shown;
  out.revision.id = revision[0];
  out.revision.down_revisions = get("down_revision");
  out.revision.branch_labels = get("branch_labels");
  out.revision.depends_on = get("depends_on");
  // Message: the docstring's first line, as `alembic history` shows it.
  static const std::regex docstring(R"__(^\s*(?:[rRuU]?)("""|''')\s*(.*?)\s*(?:\1.*)?$)__");
  for (const std::string& line : lines) {
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    std::smatch m;
    if (std::regex_match(line, m, docstring)) out.revision.message = m[2].str();
    break;
  }
  static const std::regex create_date(R"(^Create Date:\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}).*$)");
  for (const std::string& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, create_date)) {
      out.create_date = m[1].str() + "T" + m[2].str();
      break;
    }
  }
  return true;
}

fs::path alembic_versions_dir(const fs::path& src) {
  std::error_code ec;
  if (fs::is_directory(src / "versions", ec)) return src / "versions";
  if (fs::is_regular_file(src / "alembic.ini", ec)) {
    static const std::regex location(R"(^\s*script_location\s*=\s*(.*?)\s*$)");
    for (const std::string& line : split_lines(read_source(src / "alembic.ini", shown_path(src, "alembic.ini")))) {
      std::smatch m;
      if (!std::regex_match(line, m, location)) continue;
      std::string where = std::regex_replace(m[1].str(), std::regex(R"(%\(here\)s)"), src.string());
      fs::path dir = fs::path(where).is_absolute() ? fs::path(where) : src / where;
      if (fs::is_directory(dir / "versions", ec)) return dir / "versions";
    }
  }
  return src;
}

std::map<std::string, std::string> split_offline_output(const std::string& output, bool upgrade,
                                                        const std::string& version_table) {
  static const std::regex marker(R"(^-- Running (upgrade|downgrade) (.*?) ?-> ?(.*)$)");
  std::map<std::string, std::string> sections;
  std::string* current = nullptr;
  for (const std::string& line : split_lines(output)) {
    std::smatch m;
    if (std::regex_match(line, m, marker)) {
      // upgrade "A, B -> C" runs C; downgrade "C -> A, B" reverts C.
      current = &sections[trim(upgrade ? m[3].str() : m[2].str())];
      continue;
    }
    if (current) *current += line + "\n";
  }
  for (auto& [id, sql] : sections) {
    // Drop the version-table bookkeeping and the empty statements left by
    // op.execute("...;") (Alembic adds its own ';').
    const std::vector<SqlStatement> statements = split_sql(sql);
    for (auto it = statements.rbegin(); it != statements.rend(); ++it) {
      const bool bookkeeping = it->text.find(version_table) != std::string::npos;
      if (bookkeeping || trim(it->text) == ";") sql.erase(it->offset, it->text.size());
    }
    sql = std::regex_replace(sql, std::regex(R"(\n{3,})"), "\n\n");
    sql = tidy_sql(sql);
  }
  return sections;
}

}  // namespace mmc::import
