// Sqitch: sqitch.plan lists the changes in order; deploy/<change>.sql,
// revert/<change>.sql and verify/<change>.sql hold their scripts. A
// change's [requires] become depends_on; conflicts (!x) are reported and
// ignored; tags (@x) mark points in the plan and need no revision.
#include <regex>
#include <set>

#include "client/output/errors.hpp"
#include "client/import/importers.hpp"
#include "client/import/util.hpp"

namespace mmc::import {

namespace fs = std::filesystem;

namespace {

struct PlanChange {
  std::string name;
  std::vector<std::string> requires_;
  std::string planned_at;
  std::string note;
  int line = 0;
};

struct Plan {
  std::string project;
  std::vector<PlanChange> changes;
  std::vector<std::string> notes;  // conflicts ignored
};

Plan parse_plan(const std::string& text, const std::string& shown) {
  // name [deps] planned_at planner <email> # note
  static const std::regex change(
      R"(^\+?([^\s\[@#:%+-][^\s\[@#:]*)\s*(?:\[([^\]]*)\])?\s*(\S+)\s+([^<#]*?)\s*(<[^>]*>)?\s*(?:#\s?(.*))?$)");
  static const std::regex pragma(R"(^%\s*([A-Za-z_-]+)\s*=\s*(.*?)\s*$)");
  Plan plan;
  std::set<std::string> seen;
  const std::vector<std::string> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const std::string l = trim(lines[i]);
    std::smatch m;
    if (l.empty() || l[0] == '#' || l[0] == '@') continue;  // blank, comment, tag
    if (l[0] == '%') {
      if (std::regex_match(l, m, pragma) && m[1].str() == "project") plan.project = m[2].str();
      continue;
    }
    if (l[0] == '-') throw InputError(shown, line, "revert entries ('-change') in the plan are not supported");
    if (!std::regex_match(l, m, change)) throw InputError(shown, line, "cannot read this plan line");
    PlanChange c;
    c.name = m[1].str();
    c.planned_at = m[3].str();
    c.note = trim(m[6].str());
    c.line = line;
    if (!seen.insert(c.name).second)
      throw InputError(
          shown, line,
          "change \"" + c.name + "\" is reworked (planned twice); reworked Sqitch changes are not supported");
    std::string deps = m[2].str();
    static const std::regex word(R"(\S+)");
    for (std::sregex_iterator it(deps.begin(), deps.end(), word), end; it != end; ++it) {
      const std::string dep = it->str();
      if (dep[0] == '!') {
        plan.notes.push_back(shown + ":" + std::to_string(line) + ": conflict " + dep + " of " + c.name + " ignored");
        continue;
      }
      if (dep.find(':') != std::string::npos || dep.find('@') != std::string::npos)
        throw InputError(shown, line,
                         "requirement \"" + dep +
                             "\" names another project or a tagged version; only changes of "
                             "this plan can become depends_on");
      if (!seen.count(dep))
        throw InputError(shown, line,
                         "\"" + c.name + "\" requires \"" + dep + "\", which the plan does not list before it");
      c.requires_.push_back(dep);
    }
    plan.changes.push_back(std::move(c));
  }
  return plan;
}

// Verify scripts are kept as comments: running them would need their
// own transaction (they often end in ROLLBACK).
std::string verify_comment(const std::string& sql, const std::string& shown) {
  std::string out = "\n-- Sqitch verify script " + shown + " (kept for reference, not run):\n";
  for (const std::string& line : split_lines(sql)) out += "--   " + line + "\n";
  return out;
}

}  // namespace

ImportSet read_sqitch(const fs::path& src) {
  ImportSet set;
  set.tool = "sqitch";
  list_dir(src, src.generic_string());
  const std::string plan_shown = shown_path(src, "sqitch.plan");
  std::error_code ec;
  if (!fs::exists(src / "sqitch.plan", ec)) throw InputError(plan_shown, 0, "no sqitch.plan in the source directory");
  const Plan plan = parse_plan(read_source(src / "sqitch.plan", plan_shown), plan_shown);
  set.project = plan.project;
  set.warnings = plan.notes;
  for (const PlanChange& change : plan.changes) {
    const fs::path deploy = fs::path("deploy") / (change.name + ".sql");
    const fs::path revert = fs::path("revert") / (change.name + ".sql");
    const fs::path verify = fs::path("verify") / (change.name + ".sql");
    ImportedMigration mig;
    mig.version = change.name;
    mig.source = shown_path(src, deploy);
    mig.create_date = change.planned_at;
    if (!fs::exists(src / deploy, ec))
      throw InputError(plan_shown, change.line, "change \"" + change.name + "\" has no deploy script " + mig.source);
    mig.revision.id = revision_id_for(change.name, "", plan_shown + ":" + std::to_string(change.line));
    mig.revision.message = change.note.empty() ? message_from_name(change.name) : change.note;
    mig.revision.upgrade_sql = tidy_sql(strip_transaction_wrapper(read_source(src / deploy, mig.source)));
    if (fs::exists(src / verify, ec)) {
      const std::string shown = shown_path(src, verify);
      mig.revision.upgrade_sql += verify_comment(tidy_sql(read_source(src / verify, shown)), shown);
    }
    std::string down;
    if (fs::exists(src / revert, ec))
      down = tidy_sql(strip_transaction_wrapper(read_source(src / revert, shown_path(src, revert))));
    mig.revision.downgrade_sql = down.empty() ? note_missing_downgrade(set, mig.source) : down;
    set.migrations.push_back(std::move(mig));
  }
  chain_in_order(set);
  // Requirements name changes; the ids may differ (characters outside
  // the id charset), so they are mapped through the imported set.
  for (std::size_t i = 0; i < plan.changes.size(); ++i)
    for (const std::string& dep : plan.changes[i].requires_)
      set.migrations[i].revision.depends_on.push_back(set.find_version(dep)->revision.id);
  return set;
}

}  // namespace mmc::import
