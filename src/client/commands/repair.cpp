// repair: resolve an interrupted non-transactional revision.
#include "client/cli/commands.hpp"
#include "client/provider/duration.hpp"
#include "client/output/errors.hpp"
#include "client/migrate/runner.hpp"
#include "client/server/migration_session.hpp"
#include "client/os/signal_guard.hpp"

namespace mmc {

int cmd_repair(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Resolve a non-transactional revision whose statements were interrupted: statements before the failing one "
      "are committed, the revision is not recorded as applied, and 'upgrade'/'downgrade' refuse to run it again "
      "from its first statement. 'metamigrate current' shows the record. Choose one of --resume, --mark-applied, "
      "--forget.");
  o.add_options()("resume", "run the failed statement and the ones after it, then record the revision")(
      "mark-applied", "record the revision as applied (or reverted) without running SQL: you finished it by hand")(
      "forget",
      "drop the record without touching the database: you undid the committed statements by hand, so the "
      "next upgrade runs the revision from statement 1")(
      "lock-timeout", "with --resume: SET lock_timeout for its statements", cxxopts::value<std::string>(), "DURATION")(
      "statement-timeout", "with --resume: SET statement_timeout for its statements", cxxopts::value<std::string>(),
      "DURATION")("no-wait", "fail at once when another migration of the provider is in progress");
  add_credential_options(o);
  if (!cl.parse(o,
                "  metamigrate current                   # shows what was interrupted and where\n"
                "  metamigrate repair --resume --lock-timeout 5s\n"
                "  metamigrate repair --mark-applied      # after finishing the statements by hand\n"
                "  metamigrate repair --forget            # after undoing the committed statements by hand\n"))
    return kExitOk;
  const int chosen =
      static_cast<int>(cl.parsed().count("resume") + cl.parsed().count("mark-applied") + cl.parsed().count("forget"));
  if (chosen != 1)
    throw UsageError(
        "repair needs exactly one of --resume, --mark-applied, --forget (see 'metamigrate repair --help')");
  MigrationRequest request;
  request.no_wait = cl.parsed().count("no-wait") > 0;
  const ProviderDir provider = cl.load_provider();
  provider.check_uploadable();
  request.lock_timeout_ms = provider.manifest().defaults.lock_timeout_ms;
  request.statement_timeout_ms = provider.manifest().defaults.statement_timeout_ms;
  if (const auto v = cl.optional_string("lock-timeout"))
    request.lock_timeout_ms = parse_duration_ms(*v, "--lock-timeout");
  if (const auto v = cl.optional_string("statement-timeout"))
    request.statement_timeout_ms = parse_duration_ms(*v, "--statement-timeout");
  const CredentialOptions credential = credential_options(cl);

  return run_interruptible([&] {
    MigrationSession session(cl, provider, credential);
    MigrationRunner runner(session.migration(), session.login(), provider, cl.out(),
                           [&session]() -> Connection& { return session.top_level(); });
    const std::optional<UnfinishedRevision> interrupted = runner.interruption();
    const Output& out = cl.out();
    if (!interrupted) {
      if (out.json())
        out.result_json({{"provider", provider.manifest().key()}, {"interrupted", nullptr}, {"action", nullptr}});
      else
        out.result("no interrupted revision of " + provider.manifest().key() +
                   " is recorded for this database; "
                   "nothing to repair");
      return kExitOk;
    }
    if (cl.parsed().count("forget")) {
      runner.forget(*interrupted);
      if (out.json())
        out.result_json(
            {{"provider", provider.manifest().key()}, {"interrupted", interrupted->to_json()}, {"action", "forget"}});
      else
        out.result("forgot the interruption of " + interrupted->revision + " (" + interrupted->direction +
                   "); the next " + interrupted->direction + " runs it from statement 1");
      return kExitOk;
    }
    const bool resume = cl.parsed().count("resume") > 0;
    const MigrationReport report =
        resume ? runner.resume(request, *interrupted) : runner.mark_applied(request, *interrupted);
    if (out.json()) {
      nlohmann::json doc = report.to_json();
      doc["interrupted"] = interrupted->to_json();
      doc["action"] = resume ? "resume" : "mark-applied";
      out.result_json(doc);
      return kExitOk;
    }
    const auto heads = [](const std::vector<std::string>& h) {
      return h.empty() ? std::string("(base)") : mm::join(h);
    };
    out.result(std::string(resume ? "resumed " : "marked ") + interrupted->revision + " (" + interrupted->direction +
               (resume ? "): ran statements " + std::to_string(interrupted->failed_statement) + "-" +
                             std::to_string(interrupted->statements) + " and recorded it"
                       : ") as done without running SQL") +
               "; " + heads(report.from) + " -> " + heads(report.to));
    out.note("run 'metamigrate " + interrupted->direction + "' to continue (it also finalizes the MetaTable catalog)");
    return kExitOk;
  });
}

}  // namespace mmc
