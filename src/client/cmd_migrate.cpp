// upgrade, downgrade, stamp: online through the extension, or offline as a
// psql script with --sql.
#include "client/commands.hpp"
#include "client/duration.hpp"
#include "client/errors.hpp"
#include "client/graph_select.hpp"
#include "client/migration_runner.hpp"
#include "client/offline_script.hpp"
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

// Version-table rows of the database, read directly so the database does
// not need the extension.
std::vector<std::string> read_version_table(const Connection& conn, const Manifest& m, bool* exists) {
  const std::string table = quote_identifier(m.version_table.schema) + "." + quote_identifier(m.version_table.name);
  *exists = conn.query("SELECT pg_catalog.to_regclass($1) IS NOT NULL", {table}).text(0, 0) == "t";
  std::vector<std::string> rows;
  if (!*exists) return rows;
  const PgResult result =
      conn.query("SELECT " + quote_identifier(m.version_table.column) + "::text FROM " + table + " ORDER BY 1");
  for (int row = 0; row < result.rows(); ++row) rows.push_back(result.text(row, 0));
  return rows;
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

void print_report(const Output& out, const MigrationReport& report) {
  if (out.json()) {
    out.result_json(report.to_json());
    return;
  }
  const auto heads = [](const std::vector<std::string>& h) { return h.empty() ? std::string("(base)") : mm::join(h); };
  if (report.steps.empty() && report.from == report.to) {
    out.result(report.provider + ": already at " + heads(report.to) + "; nothing to " + report.operation);
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
}

int run_migration_command(CommandLine& cl, Operation op) {
  const bool stamp = op == Operation::Stamp;
  const std::string verb = operation_name(op);
  std::string summary =
      stamp ? "Set the version table to TARGET without running any revision SQL."
      : op == Operation::Upgrade
          ? "Upload the local revisions and upgrade the database to TARGET (default head) in one transaction; "
            "with --sql print the script instead."
          : "Upload the local revisions and downgrade the database to TARGET in one transaction; with --sql print "
            "the script instead.";
  summary += "\n\nTARGET: head, heads, base, a revision id or unique prefix, label@head, label@base, +N, -N, REV+N, REV-N";
  if (!stamp)
    summary += "; with --sql also FROM:TO, FROM being base or revision ids (without FROM the database's version "
               "table is read).\nRevisions marked 'transactional: false' are run by the client outside a "
               "transaction; the parts around them then run as separate transactions.";
  cxxopts::Options o = cl.options(summary, stamp ? "TARGET" : op == Operation::Upgrade ? "[TARGET]" : "TARGET");
  o.add_options("Arguments")("target",
                  "head, heads, base, an id or prefix, label@head, +N/-N, REV+N/REV-N; with --sql also FROM:TO",
                  cxxopts::value<std::vector<std::string>>());
  if (stamp) {
    o.add_options()("purge", "ignore (and replace) the rows the version table has now");
  } else {
    o.add_options()("sql", "print a psql script for [FROM:]TO instead of running it (FROM defaults to the "
                           "database's version table)")(
        "no-owner", "with --sql: no SET ROLE to the owner role in the script")(
        "lock-timeout", "give up when a lock is not granted within DURATION (SET LOCAL lock_timeout)",
        cxxopts::value<std::string>(), "DURATION")(
        "statement-timeout", "abort a statement running longer than DURATION (SET LOCAL statement_timeout)",
        cxxopts::value<std::string>(), "DURATION");
  }
  o.parse_positional({"target"});
  const std::string examples =
      op == Operation::Upgrade
          ? "  metamigrate upgrade\n"
            "  metamigrate upgrade +1 --lock-timeout 5s --statement-timeout 10min\n"
            "  metamigrate upgrade --sql base:head > upgrade.sql   # offline, for psql\n"
            "  metamigrate upgrade --sql head                      # from the database's version table\n"
      : op == Operation::Downgrade
          ? "  metamigrate downgrade -1\n"
            "  metamigrate downgrade base\n"
            "  metamigrate downgrade --sql 3f2a:-1 > downgrade.sql\n"
          : "  metamigrate stamp head\n"
            "  metamigrate stamp 3f2a --purge\n";
  if (!cl.parse(o, examples)) return kExitOk;
  const std::vector<std::string> targets = cl.positionals("target", op == Operation::Upgrade ? 0 : 1, 1);

  MigrationRequest request;
  request.operation = op;
  request.target = targets.empty() ? "head" : targets[0];
  request.purge = stamp && cl.parsed().count("purge");
  if (!stamp) {
    if (const auto v = cl.optional_string("lock-timeout")) request.lock_timeout_ms = parse_duration_ms(*v, "--lock-timeout");
    if (const auto v = cl.optional_string("statement-timeout"))
      request.statement_timeout_ms = parse_duration_ms(*v, "--statement-timeout");
    if (cl.parsed().count("no-owner") && !cl.parsed().count("sql")) throw UsageError("--no-owner only applies with --sql");
  }
  const ProviderDir provider = cl.load_provider();
  if (!stamp && cl.parsed().count("sql"))
    return print_offline_script(cl, provider,
                                op == Operation::Upgrade ? mm::Direction::Upgrade : mm::Direction::Downgrade,
                                request.target, request);
  if (request.target.find(':') != std::string::npos)
    throw UsageError("FROM:TO targets are only for --sql; the database knows where it is");

  const auto conn = cl.connect();
  MigrationRunner runner(*conn, provider, cl.out());
  print_report(cl.out(), runner.run(request));
  return kExitOk;
}

}  // namespace

int cmd_upgrade(CommandLine& cl) { return run_migration_command(cl, Operation::Upgrade); }
int cmd_downgrade(CommandLine& cl) { return run_migration_command(cl, Operation::Downgrade); }
int cmd_stamp(CommandLine& cl) { return run_migration_command(cl, Operation::Stamp); }

}  // namespace mmc
