// lint: check revision SQL for statements that fail or risk an outage.
#include <filesystem>

#include "client/cli/commands.hpp"
#include "client/provider/duration.hpp"
#include "client/output/errors.hpp"
#include "client/migrate/lint.hpp"
#include "client/provider/text_file.hpp"

namespace mmc {

namespace fs = std::filesystem;

int cmd_lint(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Check revision SQL for statements that will fail or that risk an outage or data loss (rules: docs/lint.md). "
      "Both sections of every FILE, or of every revision file of the provider. The rules run inside PostgreSQL, "
      "so lint needs a database with the metamigrate extension (it changes nothing there).\n\n"
      "Prints 'file:line: rule: message (severity)'. Exit status 1 when an error is found, or with --strict "
      "any finding; 0 otherwise.",
      "[FILE...]");
  o.add_options()("strict", "exit 1 on warnings too")(
      "lock-timeout",
      "lint as for migrations run with this lock timeout (default: the manifest's \"lock_timeout\"): "
      "missing-lock-timeout is then silent",
      cxxopts::value<std::string>(), "DURATION");
  o.add_options("Arguments")("files", "revision files", cxxopts::value<std::vector<std::string>>());
  o.parse_positional({"files"});
  if (!cl.parse(o,
                "  metamigrate lint\n"
                "  metamigrate lint --strict                 # CI: fail on warnings\n"
                "  metamigrate lint migrations/versions/sdk-examples/0004_index_*.sql --json\n"))
    return kExitOk;
  const std::vector<std::string> paths = cl.positionals("files", 0, 100000);
  const Output& out = cl.out();

  bool lock_timeout_set = false;
  if (const auto v = cl.optional_string("lock-timeout"))
    lock_timeout_set = parse_duration_ms(*v, "--lock-timeout") != "0";
  std::vector<RevisionFile> given;
  std::optional<ProviderDir> provider;
  if (paths.empty()) {
    provider.emplace(cl.load_provider());
    if (!cl.parsed().count("lock-timeout")) lock_timeout_set = !provider->manifest().defaults.lock_timeout_ms.empty();
  } else {
    const fs::path manifest_path = fs::path(cl.globals().provider) / kManifestFileName;
    std::error_code ec;
    if (!cl.parsed().count("lock-timeout") && fs::is_regular_file(manifest_path, ec))
      lock_timeout_set = !load_manifest(manifest_path.string(), display_path(cl.globals().provider, kManifestFileName))
                              .defaults.lock_timeout_ms.empty();
    for (const std::string& path : paths) {
      if (!fs::is_regular_file(path, ec)) throw InputError(path, 0, "no such revision file");
      given.push_back(parse_revision_file(read_text_file(path, path), path, path));
    }
  }
  const std::vector<RevisionFile>& files = provider ? provider->files() : given;

  std::vector<LintSection> sections;
  for (const RevisionFile& file : files) {
    sections.push_back({&file, true});
    sections.push_back({&file, false});
  }
  std::vector<RevisionLintFinding> findings;
  {
    std::unique_ptr<Connection> conn;
    try {
      conn = cl.connect();
    } catch (const OperationError& e) {
      throw OperationError(e.what(),
                           "lint runs inside PostgreSQL (its own parser and catalog): it needs a database "
                           "with the metamigrate extension. " +
                               e.hint());
    }
    findings = lint_sections(*conn, sections, lock_timeout_set);
  }
  const std::size_t errors = count_severity(findings, "error");
  const std::size_t warnings = count_severity(findings, "warning");
  if (out.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const RevisionLintFinding& f : findings) list.push_back(f.to_json());
    out.result_json({{"files", files.size()}, {"errors", errors}, {"warnings", warnings}, {"findings", list}});
  } else {
    for (const RevisionLintFinding& f : findings) out.result(f.text());
    out.note("lint: " + std::to_string(files.size()) + (files.size() == 1 ? " file, " : " files, ") +
             std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") + std::to_string(warnings) +
             (warnings == 1 ? " warning" : " warnings"));
  }
  return errors > 0 || (cl.parsed().count("strict") && warnings > 0) ? kExitFailed : kExitOk;
}

}  // namespace mmc
