// upgrade, downgrade, stamp: online through the extension, or offline as a
// psql script with --sql.
#include <tuple>

#include "client/cli/commands.hpp"
#include "client/provider/duration.hpp"
#include "client/output/errors.hpp"
#include "client/fleet/fleet.hpp"
#include "client/provider/graph_select.hpp"
#include "client/migrate/runner.hpp"
#include "client/migrate/meta_tables.hpp"
#include "client/migrate/offline_script.hpp"
#include "client/server/migration_session.hpp"
#include "client/os/signal_guard.hpp"
#include "client/server/version_table.hpp"
#include "core/error.hpp"

namespace mmc {

namespace {

struct FromAndTo {
  std::optional<std::string> from;
  std::string to;
};

FromAndTo split_range(const std::string& target) {
  const std::size_t colon = target.find(':');
  if (colon == std::string::npos) return {std::nullopt, target};
  FromAndTo out{target.substr(0, colon), target.substr(colon + 1)};
  if (out.to.empty()) throw UsageError("\"" + target + "\": the target after ':' is missing");
  if (out.from->empty()) out.from = "base";
  return out;
}

int print_offline_script(CommandLine& cl, const ProviderDir& provider, mm::Direction direction,
                         const std::string& target_argument, const MigrationRequest& request) {
  if (cl.out().json()) throw UsageError("--sql prints a SQL script; it does not combine with --json");
  const FromAndTo range = split_range(target_argument);
  const mm::RevisionGraph& graph = provider.graph();
  OfflineScriptOptions options;
  options.direction = direction;
  options.target = range.to;
  options.set_role = !cl.parsed().count("no-owner");
  options.lock_timeout_ms = request.lock_timeout_ms;
  options.statement_timeout_ms = request.statement_timeout_ms;
  std::vector<std::string> from_heads;
  if (range.from) {
    from_heads = graph.ids(resolve_revisions(graph, *range.from));
    options.version_table_exists = !from_heads.empty();
    options.from_description = "given as " + *range.from;
  } else {
    const auto conn = cl.connect();
    from_heads = read_version_table(*conn, provider.manifest(), &options.version_table_exists);
    options.from_description = "read from " + conn->describe();
  }
  const mm::Planner planner(graph, from_heads);
  const mm::Plan plan = direction == mm::Direction::Upgrade ? planner.upgrade(range.to) : planner.downgrade(range.to);
  cl.out().raw(render_offline_script(provider, plan, options));
  return kExitOk;
}

void print_catalog(const Output& out, const MigrationReport& report) {
  if (report.catalog.is_null()) return;
  const bool any = !report.catalog.value("tables", nlohmann::json::array()).empty() ||
                   report.catalog.value("counts", nlohmann::json::object()).value("retired", 0) > 0;
  if (any) out.result("  catalog: " + describe_catalog(report.catalog));
  if (!report.hook.empty()) out.result("  after_register: " + report.hook + "(jsonb) called");
}

void print_report(const Output& out, const MigrationReport& report) {
  if (out.json()) {
    out.result_json(report.to_json());
    return;
  }
  const auto heads = [](const std::vector<std::string>& h) { return h.empty() ? std::string("(base)") : mm::join(h); };
  if (report.steps.empty() && report.from == report.to) {
    out.result(report.provider + ": already at " + heads(report.to) + "; nothing to " + report.operation);
    print_catalog(out, report);
    return;
  }
  if (report.operation == "stamp") {
    out.result("stamp " + report.provider + ": " + heads(report.from) + " -> " + heads(report.to) + " (no SQL run)");
    return;
  }
  out.result(report.operation + " " + report.provider + ": " + heads(report.from) + " -> " + heads(report.to) + " (" +
             std::to_string(report.steps.size()) + (report.steps.size() == 1 ? " revision" : " revisions") +
             (report.transactions > 1 ? ", " + std::to_string(report.transactions) + " transactions" : "") + ", " +
             format_duration_ms(report.duration_ms) + ")");
  for (const AppliedStep& s : report.steps)
    out.result("  " + s.direction + " " + s.revision + (s.message.empty() ? "" : " " + s.message) + "  (" +
               std::to_string(s.statements) + (s.statements == 1 ? " statement, " : " statements, ") +
               format_duration_ms(s.duration_ms) + (s.transactional ? "" : ", outside a transaction") + ")");
  print_catalog(out, report);
}

int run_migration_command(CommandLine& cl, Operation op) {
  const bool stamp = op == Operation::Stamp;
  const std::string verb = operation_name(op);
  std::string summary =
      stamp ? "Set the version table to TARGET without running any revision SQL (the local revisions are uploaded "
              "first)."
            : std::string("Upload the local revisions and ") + verb + " the database to TARGET" +
                  (op == Operation::Upgrade ? " (default head)" : "") +
                  "; with --sql print the script instead.\n\nOnline, by default in ONE transaction: reserve the "
                  "manifest's managed tables (metatables), apply the revisions, finalize the tables (a declared "
                  "table that no revision created fails with MM010 and nothing is applied), then call the "
                  "after_register hook. The revisions about to run are linted first (findings on stderr; "
                  "--strict-lint refuses). Revisions marked 'transactional: false' are run by the client outside a "
                  "transaction; the parts around them then run as separate transactions (so does "
                  "--transaction-per-revision), with finalize after the last part.";
  summary +=
      "\n\nTARGET: head, heads, base, a revision id or unique prefix, label@head, label@base, +N, -N, REV+N, REV-N";
  if (!stamp)
    summary +=
        "; with --sql also FROM:TO, FROM being base or revision ids (without FROM the database's version "
        "table is read).";
  summary +=
      "\n\nRuns as a temporary migration login the server issues (never printed) unless --no-temp-credential; "
      "the statements of non-transactional revisions always do. Ctrl-C or SIGTERM cancels the statement "
      "running on the server before the client exits.\n";
  cxxopts::Options o = cl.options(summary, stamp ? "TARGET" : op == Operation::Upgrade ? "[TARGET]" : "TARGET");
  o.add_options("Arguments")(
      "target", "head, heads, base, an id or prefix, label@head, +N/-N, REV+N/REV-N; with --sql also FROM:TO",
      cxxopts::value<std::vector<std::string>>());
  o.add_options()("no-wait",
                  "fail at once (exit 1, naming the other session) when another migration of the "
                  "provider is in progress, instead of waiting for it");
  add_credential_options(o);
  add_fleet_options(o);
  if (stamp) {
    o.add_options()("purge", "ignore (and replace) the rows the version table has now");
  } else {
    o.add_options()("sql",
                    "print a psql script for [FROM:]TO instead of running it (FROM defaults to the "
                    "database's version table)")("no-owner", "with --sql: no SET ROLE to the owner role in the script")(
        "lock-timeout", "give up when a lock is not granted within DURATION (SET LOCAL lock_timeout)",
        cxxopts::value<std::string>(),
        "DURATION")("lock-retries",
                    "when a revision's lock wait times out, roll back that revision's attempt and try again up to N "
                    "more times, in the server (needs --lock-timeout; manifest default: \"lock_retries\")",
                    cxxopts::value<std::string>(), "N")(
        "retry-backoff",
        "wait between attempts from MIN, doubling up to MAX, with jitter (default 1s:60s; manifest: \"retry_backoff\")",
        cxxopts::value<std::string>(),
        "MIN:MAX")("old-transaction-age",
                   "with --lock-retries: before a revision's first attempt, name the sessions on its tables whose "
                   "transactions are older than DURATION (default 10s; 0: off; manifest: \"old_transaction_age\")",
                   cxxopts::value<std::string>(), "DURATION")(
        "cancel-blockers-after",
        "with --lock-retries: once a revision has waited DURATION, cancel the queries that hold its locks and "
        "terminate sessions idle in a transaction that do (off by default; needs pg_signal_backend; manifest: "
        "\"cancel_blockers_after\")",
        cxxopts::value<std::string>(), "DURATION")(
        "index-wait-timeout",
        "for CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY (run by the client): how long they may wait "
        "for older transactions and locks, instead of --lock-timeout (manifest: \"index_wait_timeout\")",
        cxxopts::value<std::string>(),
        "DURATION")("statement-timeout", "abort a statement running longer than DURATION (SET LOCAL statement_timeout)",
                    cxxopts::value<std::string>(), "DURATION")(
        "strict-lint",
        "refuse to run (exit 1, nothing applied) when lint finds anything in the revisions about to run")(
        "no-lint", "do not lint the revisions about to run")(
        "transaction-per-revision",
        "commit after every revision (server procedure): a failure keeps the revisions before it (manifest default: "
        "\"transaction_per_revision\")")("one-transaction",
                                         "all revisions in one transaction even if the manifest sets "
                                         "\"transaction_per_revision\"");
  }
  o.parse_positional({"target"});
  const std::string examples =
      op == Operation::Upgrade
          ? "  metamigrate upgrade\n"
            "  metamigrate upgrade +1 --lock-timeout 5s --statement-timeout 10min\n"
            "  metamigrate upgrade --lock-timeout 2s --lock-retries 5 --retry-backoff 1s:30s   # busy tables\n"
            "  metamigrate upgrade --lock-timeout 2s --lock-retries 10 --cancel-blockers-after 2min   # and end "
            "blockers\n"
            "  metamigrate upgrade --no-wait --strict-lint          # CI: fail fast, refuse risky SQL\n"
            "  metamigrate upgrade --transaction-per-revision       # long chains: commit after each revision\n"
            "  metamigrate upgrade --sql base:head > upgrade.sql   # offline, for psql\n"
            "  metamigrate upgrade --sql head                      # from the database's version table\n"
            "  metamigrate upgrade --targets dbs.txt --jobs 8      # every database listed (docs/fleet.md)\n"
      : op == Operation::Downgrade
          ? "  metamigrate downgrade -1\n"
            "  metamigrate downgrade base                          # retires the catalog rows of dropped tables\n"
            "  metamigrate downgrade --sql 3f2a:-1 > downgrade.sql\n"
            "  metamigrate downgrade -1 --targets dbs.txt --fail-fast\n"
          : "  metamigrate stamp head\n"
            "  metamigrate stamp 3f2a --purge\n"
            "  metamigrate stamp head --targets-query \"SELECT dsn FROM tenants\"\n";
  if (!cl.parse(o, examples)) return kExitOk;
  const std::vector<std::string> targets = cl.positionals("target", op == Operation::Upgrade ? 0 : 1, 1);

  MigrationRequest request;
  std::string cancel_blockers_after;  // ms, as parsed
  request.operation = op;
  request.target = targets.empty() ? "head" : targets[0];
  request.purge = stamp && cl.parsed().count("purge");
  request.no_wait = cl.parsed().count("no-wait") > 0;
  const CredentialOptions credential = credential_options(cl);
  if (!stamp) {
    if (const auto v = cl.optional_string("lock-timeout"))
      request.lock_timeout_ms = parse_duration_ms(*v, "--lock-timeout");
    if (const auto v = cl.optional_string("statement-timeout"))
      request.statement_timeout_ms = parse_duration_ms(*v, "--statement-timeout");
    if (const auto v = cl.optional_string("lock-retries")) request.lock_retries = parse_retries(*v, "--lock-retries");
    if (const auto v = cl.optional_string("old-transaction-age"))
      request.old_transaction_age_ms = parse_duration_ms(*v, "--old-transaction-age");
    if (const auto v = cl.optional_string("cancel-blockers-after"))
      cancel_blockers_after = parse_duration_ms(*v, "--cancel-blockers-after");
    if (const auto v = cl.optional_string("index-wait-timeout"))
      request.index_wait_timeout_ms = parse_duration_ms(*v, "--index-wait-timeout");
    if (const auto v = cl.optional_string("retry-backoff"))
      std::tie(request.retry_min_ms, request.retry_max_ms) = parse_backoff_ms(*v, "--retry-backoff");
    if (cl.parsed().count("no-owner") && !cl.parsed().count("sql"))
      throw UsageError("--no-owner only applies with --sql");
    request.strict_lint = cl.parsed().count("strict-lint") > 0;
    request.lint = !cl.parsed().count("no-lint");
    if (request.strict_lint && !request.lint) throw UsageError("--strict-lint and --no-lint exclude each other");
    if (cl.parsed().count("transaction-per-revision") && cl.parsed().count("one-transaction"))
      throw UsageError("--transaction-per-revision and --one-transaction exclude each other");
    if (cl.parsed().count("sql") && (cl.parsed().count("transaction-per-revision") || request.no_wait))
      throw UsageError(std::string(cl.parsed().count("no-wait") ? "--no-wait" : "--transaction-per-revision") +
                       " does not apply to --sql scripts");
  }
  const ProviderDir provider = cl.load_provider();
  provider.check_uploadable();
  if (!stamp) {
    // Manifest defaults, unless given on the command line.
    const MigrationDefaults& defaults = provider.manifest().defaults;
    if (!cl.parsed().count("lock-timeout")) request.lock_timeout_ms = defaults.lock_timeout_ms;
    if (!cl.parsed().count("statement-timeout")) request.statement_timeout_ms = defaults.statement_timeout_ms;
    if (!cl.parsed().count("lock-retries")) request.lock_retries = defaults.lock_retries;
    if (!cl.parsed().count("index-wait-timeout")) request.index_wait_timeout_ms = defaults.index_wait_timeout_ms;
    if (!cl.parsed().count("old-transaction-age")) request.old_transaction_age_ms = defaults.old_transaction_age_ms;
    if (!cl.parsed().count("cancel-blockers-after")) cancel_blockers_after = defaults.cancel_blockers_after_ms;
    request.cancel_blockers_after_ms = cancel_blockers_after.empty() ? 0 : std::stoi(cancel_blockers_after);
    const bool retrying = !request.lock_retries.empty() && request.lock_retries != "0";
    if (request.cancel_blockers_after_ms > 0 && !retrying)
      throw UsageError(std::string(cl.parsed().count("cancel-blockers-after")
                                       ? "--cancel-blockers-after"
                                       : "the manifest's \"cancel_blockers_after\"") +
                       " needs lock retries (--lock-retries N): blockers are cancelled between attempts");
    if (!cl.parsed().count("retry-backoff")) {
      request.retry_min_ms = defaults.retry_min_ms;
      request.retry_max_ms = defaults.retry_max_ms;
    }
    if (!request.lock_retries.empty() && request.lock_retries != "0" &&
        (request.lock_timeout_ms.empty() || request.lock_timeout_ms == "0"))
      throw UsageError(
          std::string(cl.parsed().count("lock-retries") ? "--lock-retries" : "the manifest's \"lock_retries\"") +
          " needs a lock timeout (--lock-timeout or the manifest's \"lock_timeout\"): without one a "
          "lock wait never times out, so there is nothing to retry");
    request.transaction_per_revision = cl.parsed().count("transaction-per-revision") ||
                                       (defaults.transaction_per_revision && !cl.parsed().count("one-transaction"));
  }
  if (fleet_requested(cl, provider)) {
    if (!stamp && cl.parsed().count("sql"))
      throw UsageError("--sql prints one script: give one database (and --tenant SCHEMA for tenant schemas)");
    return run_fleet(cl, provider);
  }
  if (!stamp && cl.parsed().count("sql"))
    return print_offline_script(cl, provider,
                                op == Operation::Upgrade ? mm::Direction::Upgrade : mm::Direction::Downgrade,
                                request.target, request);
  if (request.target.find(':') != std::string::npos)
    throw UsageError("FROM:TO targets are only for --sql; the database knows where it is");

  // An interrupt (Ctrl-C, SIGTERM, SIGHUP) cancels what runs on the server
  // before the client ends (exit status 128 + signal).
  return run_interruptible([&] {
    MigrationSession session(cl, provider, credential);
    // Cancelling blockers and the live line ask while the migration's
    // connection is busy: they need a connection of their own.
    const bool second = request.cancel_blockers_after_ms > 0 || cl.out().wants_live();
    MigrationRunner runner(session.migration(), second ? session.observer() : session.login(), provider, cl.out(),
                           [&session]() -> Connection& { return session.top_level(); });
    print_report(cl.out(), runner.run(request));
    return kExitOk;
  });
}

}  // namespace

int cmd_upgrade(CommandLine& cl) { return run_migration_command(cl, Operation::Upgrade); }
int cmd_downgrade(CommandLine& cl) { return run_migration_command(cl, Operation::Downgrade); }
int cmd_stamp(CommandLine& cl) { return run_migration_command(cl, Operation::Stamp); }

}  // namespace mmc
