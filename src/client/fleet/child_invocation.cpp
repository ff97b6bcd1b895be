#include "client/fleet/child_invocation.hpp"

#include <cstring>
#include <set>

#include "client/server/dsn.hpp"

extern char** environ;

namespace mmc {

namespace {

// Options the child must not see (fleet options, the connection, the
// output mode), by whether they take a value.
const std::set<std::string> kDroppedWithValue{"--targets", "--targets-query", "--jobs",
                                              "--dsn",     "--provider",      "--tenant"};
const std::set<std::string> kDroppedFlags{"--fail-fast", "--json", "-q", "--quiet", "-v", "--verbose"};

std::vector<std::string> strings_of(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_array())
    for (const auto& item : value)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const std::size_t first = text.find_first_not_of("\n ");
  return first == std::string::npos ? std::string() : text.substr(first);
}

// What a --json document that reports a failure without stderr says
// (verify on drift: {"clean": false, "drift": [...], ...}; check: "differences").
std::string failure_in_document(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("clean") || doc["clean"] != false) return {};
  std::string text;
  for (const char* key : {"drift", "stale", "errors", "differences"}) {
    const std::vector<std::string> items = strings_of(doc.value(key, nlohmann::json::array()));
    if (items.empty()) continue;
    text += (text.empty() ? "" : "; ") + std::string(key) + ": " + items.front() +
            (items.size() > 1 ? " (+" + std::to_string(items.size() - 1) + " more)" : "");
  }
  if (text.empty() && doc.contains("interrupted") && !doc["interrupted"].is_null())
    text = "an interrupted non-transactional revision needs 'metamigrate repair'";
  return text.empty() ? "not clean" : text;
}

}  // namespace

std::vector<std::string> child_arguments(const CommandLine& cl, const std::optional<std::string>& tenant) {
  std::vector<std::string> argv{"metamigrate", "--provider", cl.globals().provider};
  if (cl.globals().verbose) argv.push_back("-v");
  argv.push_back(cl.command());
  const std::vector<std::string>& args = cl.args();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      argv.insert(argv.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    const std::string name = arg.substr(0, arg.find('='));
    if (kDroppedFlags.count(arg)) continue;
    if (kDroppedWithValue.count(name)) {
      if (name == arg) ++i;  // "--jobs 4" rather than "--jobs=4"
      continue;
    }
    argv.push_back(arg);
  }
  argv.push_back("--json");
  if (tenant) {
    argv.push_back("--tenant");
    argv.push_back(*tenant);
  }
  return argv;
}

std::vector<std::string> child_environment(const std::string& conninfo) {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    if (std::strncmp(*entry, "METAMIGRATE_DSN=", 16) == 0 || std::strncmp(*entry, "DATABASE_URL=", 13) == 0) continue;
    env.emplace_back(*entry);
  }
  if (!conninfo.empty()) env.push_back("METAMIGRATE_DSN=" + conninfo);
  return env;
}

void read_child_outcome(const ChildResult& child, const std::string& secret, UnitResult& unit) {
  const std::string out = scrub(child.out, secret), err = trimmed(scrub(child.err, secret));
  unit.result = nlohmann::json::parse(out, nullptr, false);
  if (unit.result.is_discarded()) unit.result = nullptr;
  const nlohmann::json& doc = unit.result;
  if (doc.is_object()) {
    if (doc.contains("from") || doc.contains("to")) {
      unit.from = strings_of(doc.value("from", nlohmann::json::array()));
      unit.to = strings_of(doc.value("to", nlohmann::json::array()));
    } else if (doc.contains("heads")) {
      unit.from = unit.to = strings_of(doc["heads"]);
    }
  }
  unit.changed = unit.from != unit.to;
  if (child.exit_code == 0 && child.failure.empty()) {
    unit.status = UnitStatus::Ok;
    return;
  }
  unit.status = UnitStatus::Failed;
  if (!child.failure.empty()) {
    unit.error = child.failure;
    return;
  }
  unit.error = failure_in_document(doc);
  if (!unit.error.empty() && unit.error != "not clean") return;
  if (!err.empty()) {
    // Notes and warnings may come first; the error starts at "metamigrate:".
    const std::size_t at = err.find("\nmetamigrate:");
    unit.error = err.rfind("metamigrate:", 0) == 0 || at == std::string::npos ? err : err.substr(at + 1);
    return;
  }
  unit.error = (unit.error.empty() ? "" : unit.error + "; ") + "exit status " + std::to_string(child.exit_code);
}

}  // namespace mmc
