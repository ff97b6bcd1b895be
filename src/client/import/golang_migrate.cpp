// golang-migrate: <version>_<title>.up.sql and <version>_<title>.down.sql.
// The version is an unsigned integer (its history table stores it as a
// bigint, so "000001" and "1" are the same version).
#include <algorithm>
#include <map>
#include <regex>

#include "client/output/errors.hpp"
#include "client/import/importers.hpp"
#include "client/import/util.hpp"

namespace mmc::import {

namespace {

struct Pair {
  std::string raw_version, title, up, down;
};

std::string canonical_number(const std::string& digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

}  // namespace

ImportSet read_golang_migrate(const std::filesystem::path& src) {
  ImportSet set;
  set.tool = "golang-migrate";
  // golang-migrate's own pattern, limited to SQL files.
  static const std::regex name_pattern(R"(^([0-9]+)_(.*)\.(up|down)\.sql$)");
  std::map<std::string, Pair> by_version;  // canonical version -> files
  for (const std::string& name : list_dir(src, src.generic_string())) {
    std::smatch m;
    if (!std::regex_match(name, m, name_pattern)) continue;
    const std::string version = canonical_number(m[1].str());
    if (version.size() > 20)
      throw InputError(shown_path(src, name), 0, "version does not fit an unsigned 64-bit integer");
    Pair& pair = by_version[version];
    std::string& slot = m[3].str() == "up" ? pair.up : pair.down;
    if (!slot.empty())
      throw InputError(shown_path(src, name), 0,
                       "version " + version + " has two " + m[3].str() + " files (also " + shown_path(src, slot) + ")");
    slot = name;
    if (m[3].str() == "up" || pair.title.empty()) {
      pair.raw_version = m[1].str();
      pair.title = m[2].str();
    }
  }
  std::vector<std::string> versions;
  for (const auto& entry : by_version) versions.push_back(entry.first);
  std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) { return compare_versions(a, b) < 0; });
  for (const std::string& version : versions) {
    const Pair& pair = by_version.at(version);
    if (pair.up.empty())
      throw InputError(shown_path(src, pair.down), 0, "down migration without an up migration for version " + version);
    ImportedMigration mig;
    mig.version = version;
    mig.source = shown_path(src, pair.up);
    mig.revision.id = revision_id_for(pair.raw_version, pair.title, mig.source);
    mig.revision.message = message_from_name(pair.title);
    mig.revision.upgrade_sql = tidy_sql(strip_transaction_wrapper(read_source(src / pair.up, mig.source)));
    if (mig.revision.upgrade_sql.empty()) mig.revision.upgrade_sql = note_empty_migration(set, mig.source);
    std::string down;
    if (!pair.down.empty())
      down = tidy_sql(strip_transaction_wrapper(read_source(src / pair.down, shown_path(src, pair.down))));
    mig.revision.downgrade_sql = down.empty() ? note_missing_downgrade(set, mig.source) : down;
    set.migrations.push_back(std::move(mig));
  }
  chain_in_order(set);
  return set;
}

}  // namespace mmc::import
