// dbmate: db/migrations/<version>_<name>.sql, each holding
// "-- migrate:up" and (optionally) "-- migrate:down" blocks; an option
// "transaction:false" on a marker runs that block outside a transaction.
#include <algorithm>
#include <regex>

#include "client/output/errors.hpp"
#include "client/import/importers.hpp"
#include "client/import/util.hpp"

namespace mmc::import {

namespace {

struct Blocks {
  std::string up, down;
  bool has_up = false, has_down = false;
  bool transactional = true;
};

Blocks parse_dbmate_file(const std::string& text, const std::string& shown) {
  static const std::regex marker(R"(^--\s*migrate:(\w+)(.*)$)");
  static const std::regex option(R"(^\s*(\w+)\s*:\s*(\S+)\s*$)");
  Blocks blocks;
  std::string* current = nullptr;
  const std::vector<std::string> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    std::smatch m;
    if (std::regex_match(lines[i], m, marker)) {
      const std::string kind = m[1].str();
      if (kind != "up" && kind != "down")
        throw InputError(shown, line, "unknown dbmate marker \"-- migrate:" + kind + "\" (expected up or down)");
      bool& seen = kind == "up" ? blocks.has_up : blocks.has_down;
      if (seen) throw InputError(shown, line, "\"-- migrate:" + kind + "\" appears twice");
      if (kind == "down" && !blocks.has_up)
        throw InputError(shown, line, "\"-- migrate:down\" before \"-- migrate:up\"");
      seen = true;
      current = kind == "up" ? &blocks.up : &blocks.down;
      // Options: "transaction:false" (dbmate's only one that changes how SQL runs).
      std::string rest = m[2].str();
      std::smatch o;
      static const std::regex word(R"(\S+)");
      for (auto it = std::sregex_iterator(rest.begin(), rest.end(), word); it != std::sregex_iterator(); ++it) {
        const std::string token = it->str();
        if (!std::regex_match(token, o, option))
          throw InputError(shown, line, "cannot read dbmate option \"" + token + "\" (expected name:value)");
        if (o[1].str() == "transaction") {
          if (o[2].str() == "false")
            blocks.transactional = false;
          else if (o[2].str() != "true")
            throw InputError(shown, line, "transaction must be true or false, not \"" + o[2].str() + "\"");
        } else {
          throw InputError(shown, line, "unsupported dbmate option \"" + o[1].str() + "\" (supported: transaction)");
        }
      }
      continue;
    }
    if (!current) {
      if (!trim(lines[i]).empty() && trim(lines[i]).compare(0, 2, "--") != 0)
        throw InputError(shown, line, "SQL before \"-- migrate:up\"");
      continue;
    }
    *current += lines[i] + "\n";
  }
  if (!blocks.has_up) throw InputError(shown, 0, "no \"-- migrate:up\" block (dbmate requires one)");
  return blocks;
}

}  // namespace

ImportSet read_dbmate(const std::filesystem::path& src) {
  ImportSet set;
  set.tool = "dbmate";
  // dbmate's own rule: a migration file name starts with digits and '_'.
  static const std::regex name_pattern(R"(^(\d+)_(.*)\.sql$)");
  for (const std::string& name : list_dir(src, src.generic_string())) {
    std::smatch m;
    if (!std::regex_match(name, m, name_pattern)) continue;
    const std::string shown = shown_path(src, name);
    const Blocks blocks = parse_dbmate_file(read_source(src / name, shown), shown);
    ImportedMigration mig;
    mig.version = m[1].str();
    mig.source = shown;
    mig.create_date = date_from_timestamp(mig.version);
    mig.revision.id = revision_id_for(mig.version, m[2].str(), shown);
    mig.revision.message = message_from_name(m[2].str());
    mig.revision.upgrade_sql = tidy_sql(blocks.up);
    mig.revision.transactional = blocks.transactional;
    if (mig.revision.upgrade_sql.empty()) mig.revision.upgrade_sql = note_empty_migration(set, shown);
    mig.revision.downgrade_sql =
        blocks.has_down && !tidy_sql(blocks.down).empty() ? tidy_sql(blocks.down) : note_missing_downgrade(set, shown);
    set.migrations.push_back(std::move(mig));
  }
  // dbmate applies in version order (numeric strings of equal length
  // sort alike; compare_versions handles unequal lengths).
  std::stable_sort(set.migrations.begin(), set.migrations.end(),
                   [](const auto& a, const auto& b) { return compare_versions(a.version, b.version) < 0; });
  chain_in_order(set);
  return set;
}

}  // namespace mmc::import
