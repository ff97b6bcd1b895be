// Flyway: V<version>__<description>.sql (versioned), U<version>__<description>.sql
// (undo, optional), R__<description>.sql (repeatable: not supported).
// The location is scanned recursively like Flyway does; '_' in a version
// is a '.' ("V1_1__x" is version 1.1), '_' in a description a space.
#include <algorithm>
#include <map>
#include <regex>

#include "client/output/errors.hpp"
#include "client/import/importers.hpp"
#include "client/import/util.hpp"

namespace mmc::import {

namespace fs = std::filesystem;

namespace {

struct Script {
  fs::path relative;
  std::string description;
};

// V1__x.sql.conf: only executeInTransaction changes how the SQL runs.
bool read_execute_in_transaction(const fs::path& file, const std::string& shown) {
  static const std::regex setting(R"(^\s*executeInTransaction\s*=\s*(true|false)\s*$)");
  return read_transaction_setting(file, shown, setting,
                                  "unsupported script configuration (only executeInTransaction is understood)");
}

std::vector<fs::path> sql_files(const fs::path& src) {
  list_dir(src, src.generic_string());  // a clear error for a missing directory
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(src, ec), end; it != end; it.increment(ec)) {
    if (ec) throw InputError(src.generic_string(), 0, "cannot read the directory: " + ec.message());
    if (it->is_regular_file(ec) && it->path().extension() == ".sql") files.push_back(fs::relative(it->path(), src));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ImportSet read_flyway(const fs::path& src) {
  ImportSet set;
  set.tool = "flyway";
  static const std::regex pattern(R"(^([VUR])([0-9][0-9._]*)?__(.+)\.sql$)");
  std::map<std::string, Script> versioned, undo;  // key: version with '.' separators
  std::map<std::string, std::string> version_text;
  for (const fs::path& relative : sql_files(src)) {
    const std::string shown = shown_path(src, relative);
    std::smatch m;
    const std::string name = relative.filename().string();
    if (!std::regex_match(name, m, pattern)) continue;
    const std::string kind = m[1].str();
    if (kind == "R")
      throw InputError(shown, 0,
                       "repeatable Flyway migrations (R__) are not supported: Flyway re-runs them whenever they "
                       "change, which an ordered revision graph cannot express; nothing was written (turn it into a "
                       "versioned V<version>__ script, or keep it outside the import)");
    if (!m[2].matched) throw InputError(shown, 0, "a versioned script needs a version (V<version>__<description>.sql)");
    std::string version = m[2].str();
    std::replace(version.begin(), version.end(), '_', '.');
    auto& scripts = kind == "V" ? versioned : undo;
    for (const auto& [other, script] : scripts)
      if (compare_versions(other, version) == 0)
        throw InputError(shown, 0,
                         "version " + version + " appears twice (also " + shown_path(src, script.relative) + ")");
    std::string description = m[3].str();
    std::replace(description.begin(), description.end(), '_', ' ');
    scripts[version] = Script{relative, description};
  }
  for (const auto& [version, script] : undo) {
    const bool has_versioned = std::any_of(versioned.begin(), versioned.end(),
                                           [&](const auto& v) { return compare_versions(v.first, version) == 0; });
    if (!has_versioned)
      throw InputError(shown_path(src, script.relative), 0,
                       "undo script for version " + version + " without a V script");
  }
  std::vector<std::string> order;
  for (const auto& entry : versioned) order.push_back(entry.first);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return compare_versions(a, b) < 0; });
  for (const std::string& version : order) {
    const Script& script = versioned.at(version);
    ImportedMigration mig;
    mig.version = version;
    mig.source = shown_path(src, script.relative);
    mig.revision.id = revision_id_for("V" + version, script.description, mig.source);
    mig.revision.message = trim(script.description);
    mig.revision.upgrade_sql = tidy_sql(read_source(src / script.relative, mig.source));
    if (mig.revision.upgrade_sql.empty()) mig.revision.upgrade_sql = note_empty_migration(set, mig.source);
    std::string down;
    for (const auto& [undo_version, undo_script] : undo)
      if (compare_versions(undo_version, version) == 0)
        down = tidy_sql(read_source(src / undo_script.relative, shown_path(src, undo_script.relative)));
    mig.revision.downgrade_sql = down.empty() ? note_missing_downgrade(set, mig.source) : down;
    fs::path conf = src / script.relative;
    conf += ".conf";
    std::error_code ec;
    if (fs::exists(conf, ec)) mig.revision.transactional = read_execute_in_transaction(conf, mig.source + ".conf");
    set.migrations.push_back(std::move(mig));
  }
  chain_in_order(set);
  return set;
}

}  // namespace mmc::import
