// check: does the database match the desired schema? (CI gate)
#include <algorithm>

#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/fleet/fleet.hpp"
#include "client/autogenerate/comparison.hpp"
#include "client/os/signal_guard.hpp"
#include "core/revisions/revision.hpp"

namespace mmc {

namespace {

std::string indented(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    out += (line.empty() ? "" : "  " + line) + "\n";
    start = end + 1;
  }
  return out;
}

// A database behind (or beside) the local head usually explains a diff.
void note_heads(const Output& out, const ProviderDir& provider, const SchemaComparison& comparison) {
  if (!comparison.database_heads()) return;
  std::vector<std::string> local = provider.graph().ids(provider.graph().heads());
  std::vector<std::string> database = *comparison.database_heads();
  std::sort(local.begin(), local.end());
  if (local == database) return;
  out.note("note: the database is at " + (database.empty() ? std::string("base") : mm::join(database)) +
           ", the local head is " + (local.empty() ? std::string("base") : mm::join(local)));
}

}  // namespace

int cmd_check(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Compare the desired schema (the manifest's schema_files, loaded into a scratch database the client creates "
      "and drops, or into --dev-url) with the database, restricted to the manifest's \"schemas\". Exit status 0 "
      "when they are equal, 1 when they differ: each difference is printed with the statements that would fix it "
      "(what 'revision --autogenerate' would write). With --from-revisions the local revisions, replayed in a "
      "scratch database, stand in for the database.");
  add_comparison_options(o);
  add_fleet_options(o);
  if (!cl.parse(o,
                "  metamigrate check                       # CI: fail when the database and schema/*.sql differ\n"
                "  metamigrate check --from-revisions      # do the revision files build the desired schema?\n"
                "  metamigrate check --json\n"
                "  metamigrate check --dev-url postgresql://localhost/empty_dev\n"
                "  metamigrate check --targets dbs.txt     # every database listed (docs/fleet.md)\n"))
    return kExitOk;
  const ComparisonOptions options = comparison_options(cl);
  const ProviderDir provider = cl.load_provider();
  if (fleet_requested(cl, provider)) return run_fleet(cl, provider);
  const Output& out = cl.out();
  return run_interruptible([&] {
    SchemaComparison comparison(cl, provider, options);
    const SchemaDiff& diff = comparison.diff();
    const bool clean = diff.empty() && comparison.differences().empty();
    if (out.json()) {
      nlohmann::json doc = diff.to_json();
      doc["provider"] = provider.manifest().key();
      doc["clean"] = clean;
      doc["baseline"] = comparison.baseline_description();
      doc["schemas"] = provider.manifest().schemas;
      nlohmann::json files = nlohmann::json::array();
      for (const SchemaFile& f : comparison.files()) files.push_back(f.display);
      doc["schema_files"] = files;
      doc["differences"] = comparison.differences();
      if (comparison.database_heads()) {
        doc["database_heads"] = *comparison.database_heads();
        doc["heads"] = *comparison.database_heads();  // what a fleet reports per target
      }
      out.result_json(doc);
    } else {
      const std::string what = provider.manifest().key() + ": " + comparison.baseline_description();
      const std::string scope = " (" + describe_schema_files(comparison.files()) +
                                "; schemas: " + mm::join(provider.manifest().schemas) + ")";
      if (clean) {
        out.result("check " + what + " matches the desired schema" + scope);
      } else {
        out.result("check " + what + " differs from the desired schema" + scope);
        out.result("differences:");
        for (const std::string& d : comparison.differences()) out.result("  " + d);
        out.result("statements that would bring it to the desired schema:");
        std::string fix = indented(render_section(diff.upgrade, diff.upgrade_data_loss));
        if (!fix.empty()) fix.pop_back();  // result() ends the line
        out.result(fix);
        out.note("to write them as a revision: metamigrate revision --autogenerate -m MESSAGE");
      }
    }
    if (!out.json())
      for (const std::string& m : column_order_messages(diff.column_order)) out.note("column order: " + m);
    note_heads(out, provider, comparison);
    return clean ? kExitOk : kExitFailed;
  });
}

}  // namespace mmc
