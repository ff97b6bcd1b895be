// diesel: migrations/<timestamp>_<name>/up.sql (+ down.sql, optional
// metadata.toml). Diesel's version is the part before the first '_'
// without its dashes: "2024-01-01-120000_x" is version 20240101120000.
#include <algorithm>
#include <regex>

#include "client/output/errors.hpp"
#include "client/import/importers.hpp"
#include "client/import/util.hpp"

namespace mmc::import {

namespace fs = std::filesystem;

namespace {

// metadata.toml: only `run_in_transaction = true|false` changes how the
// SQL runs; other keys are reported as unsupported.
bool read_run_in_transaction(const fs::path& file, const std::string& shown) {
  static const std::regex setting(R"(^\s*run_in_transaction\s*=\s*(true|false)\s*(#.*)?$)");
  return read_transaction_setting(file, shown, setting,
                                  "unsupported metadata (only run_in_transaction = true|false is understood)");
}

}  // namespace

ImportSet read_diesel(const fs::path& src) {
  ImportSet set;
  set.tool = "diesel";
  static const std::regex name_pattern(R"(^([0-9][0-9-]*)_(.*)$)");
  for (const std::string& name : list_dir(src, src.generic_string())) {
    std::smatch m;
    std::error_code ec;
    if (!std::regex_match(name, m, name_pattern) || !fs::is_directory(src / name, ec)) continue;
    const std::string up_shown = shown_path(src, fs::path(name) / "up.sql");
    if (!fs::exists(src / name / "up.sql", ec))
      throw InputError(up_shown, 0, "missing (a diesel migration needs up.sql)");
    ImportedMigration mig;
    mig.version = m[1].str();
    mig.version.erase(std::remove(mig.version.begin(), mig.version.end(), '-'), mig.version.end());
    mig.source = up_shown;
    mig.create_date = date_from_timestamp(m[1].str());
    mig.revision.id = revision_id_for(mig.version, m[2].str(), up_shown);
    mig.revision.message = message_from_name(m[2].str());
    mig.revision.upgrade_sql = tidy_sql(read_source(src / name / "up.sql", up_shown));
    if (mig.revision.upgrade_sql.empty()) mig.revision.upgrade_sql = note_empty_migration(set, up_shown);
    const fs::path down = src / name / "down.sql";
    std::string down_sql;
    if (fs::exists(down, ec)) down_sql = tidy_sql(read_source(down, shown_path(src, fs::path(name) / "down.sql")));
    mig.revision.downgrade_sql = down_sql.empty() ? note_missing_downgrade(set, up_shown) : down_sql;
    const fs::path metadata = src / name / "metadata.toml";
    if (fs::exists(metadata, ec))
      mig.revision.transactional = read_run_in_transaction(metadata, shown_path(src, fs::path(name) / "metadata.toml"));
    set.migrations.push_back(std::move(mig));
  }
  // Diesel runs pending migrations ordered by version.
  std::stable_sort(set.migrations.begin(), set.migrations.end(),
                   [](const auto& a, const auto& b) { return compare_versions(a.version, b.version) < 0; });
  chain_in_order(set);
  return set;
}

}  // namespace mmc::import
