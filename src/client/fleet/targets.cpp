#include "client/fleet/targets.hpp"

#include <libpq-fe.h>

#include <filesystem>
#include <map>
#include <regex>

#include "client/server/connection.hpp"
#include "client/server/dsn.hpp"
#include "client/output/errors.hpp"
#include "client/provider/text_file.hpp"

namespace mmc {

namespace {

std::string trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t\r\f\v");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\f\v") - first + 1);
}

// Why libpq refuses `conninfo` ("" when it parses). libpq quotes
// fragments of the string, which may be a password: those are elided.
std::string conninfo_problem(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (parsed) {
    PQconninfoFree(parsed);
    return {};
  }
  std::string reason = error ? error : "out of memory";
  if (error) PQfreemem(error);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  return std::regex_replace(reason, std::regex("\"[^\"]*\""), "\"...\"");
}

}  // namespace

std::string target_label(const std::string& conninfo) {
  const std::string masked = mask_dsn(conninfo);
  if (masked != "(connection string hidden)") return masked;
  std::string label;
  for (const auto& [keyword, value] : conninfo_parameters(conninfo))
    if (keyword != "password") label += (label.empty() ? "" : " ") + keyword + "=" + value;
  return label.empty() ? masked : label;
}

std::vector<FleetTarget> read_targets_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path, 0,
                     ec && ec != std::errc::no_such_file_or_directory
                         ? "cannot read the targets file: " + ec.message()
                         : "targets file not found (or not a regular file)");
  const std::string text = read_text_file(path, path, kMaxManifestBytes);
  std::vector<FleetTarget> targets;
  std::map<std::string, int> seen;  // connection string -> line
  int line = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line;
    const std::string entry = trim(text.substr(start, end - start));
    start = end + 1;
    if (entry.empty() || entry[0] == '#') continue;
    const std::string problem = conninfo_problem(entry);
    if (!problem.empty()) throw InputError(path, line, "not a connection string (URI or key=value): " + problem);
    const auto [it, inserted] = seen.emplace(entry, line);
    if (!inserted)
      throw InputError(path, line,
                       "the same target as line " + std::to_string(it->second) +
                           " (a database is "
                           "migrated once per run)");
    targets.push_back({entry, target_label(entry), path + ":" + std::to_string(line)});
  }
  if (targets.empty()) throw InputError(path, 0, "no targets (one connection string per line, '#' comments)");
  return targets;
}

std::vector<FleetTarget> query_targets(const Connection& conn, const std::string& sql) {
  const PgResult result = conn.query(sql);
  if (PQnfields(result.get()) < 1) throw UsageError("--targets-query returns no column (connection strings expected)");
  std::vector<FleetTarget> targets;
  std::map<std::string, int> seen;
  for (int row = 0; row < result.rows(); ++row) {
    const std::string where = "--targets-query row " + std::to_string(row + 1);
    const std::optional<std::string> value = result.value(row, 0);
    if (!value || trim(*value).empty()) throw UsageError(where + " is NULL or empty, not a connection string");
    const std::string entry = trim(*value);
    const std::string problem = conninfo_problem(entry);
    if (!problem.empty()) throw UsageError(where + " is not a connection string: " + problem);
    const auto [it, inserted] = seen.emplace(entry, row + 1);
    if (!inserted) throw UsageError(where + " repeats row " + std::to_string(it->second));
    targets.push_back({entry, target_label(entry), where});
  }
  return targets;
}

}  // namespace mmc
