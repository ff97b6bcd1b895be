// verify: the live schemas against the state the extension stored after
// the provider's last upgrade, downgrade or stamp (metamigrate.verify),
// plus an interrupted non-transactional revision recorded by this client.
#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/fleet/fleet.hpp"
#include "client/migrate/journal.hpp"
#include "client/server/migration_session.hpp"
#include "client/server/server_api.hpp"

namespace mmc {

namespace {

struct VerifyFindings {
  std::vector<std::string> drift, stale, errors, ddl_events;
  bool clean() const { return drift.empty() && stale.empty() && errors.empty(); }
};

VerifyFindings classify(const PgResult& rows) {
  VerifyFindings findings;
  for (int i = 0; i < rows.rows(); ++i) {
    const std::string kind = rows.text(i, 0), detail = rows.text(i, 1);
    if (kind == "drift")
      findings.drift.push_back(detail);
    else if (kind == "stale")
      findings.stale.push_back(detail);
    else if (kind == "ddl_event")
      findings.ddl_events.push_back(detail);
    else
      findings.errors.push_back(kind + ": " + detail);
  }
  return findings;
}

}  // namespace

int cmd_verify(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Compare the provider's schemas (the manifest's \"schemas\") with the snapshot the extension stored after "
      "the last upgrade, downgrade or stamp, and print each difference: a column added by hand, an index "
      "dropped, a changed default. Out-of-band DDL on managed tables since then is listed with who ran it. "
      "Exit 0 when clean, 1 on drift, a stale state (the version table changed behind metamigrate's back) or "
      "an interrupted non-transactional revision. Read-only; runs as yourself.");
  add_fleet_options(o);
  if (!cl.parse(o,
                "  metamigrate verify\n"
                "  metamigrate verify --json            # {\"clean\": ..., \"drift\": [...], ...}\n"
                "  metamigrate stamp heads              # accept the live schema as the new baseline\n"
                "  metamigrate verify --targets dbs.txt # every database listed (docs/fleet.md)\n"))
    return kExitOk;
  const ProviderDir provider = cl.load_provider();
  if (fleet_requested(cl, provider)) return run_fleet(cl, provider);
  const std::string key = provider.manifest().key();
  const Output& out = cl.out();
  CredentialOptions as_yourself;
  as_yourself.enabled = false;
  MigrationSession session(cl, provider, as_yourself);
  Connection& conn = session.login();

  VerifyFindings findings;
  std::vector<std::string> heads;  // reported with --json (a fleet shows them per target)
  try {
    findings = classify(conn.query(sql::verify(key)));
    if (out.json()) heads = column_values(conn.query(sql::current(key)));
  } catch (ServerError& e) {
    annotate_server_error(e, &provider);
    throw;
  }

  std::optional<UnfinishedRevision> interrupted;
  const InterruptionJournal journal(provider);
  if (!journal.empty()) {
    const std::string uid = conn.query(sql::data_source_uid()).text(0, 0);
    interrupted = journal.find(uid, key);
    if (interrupted) {
      const std::vector<std::string> heads = column_values(conn.query(sql::current(key)));
      if (!interruption_pending(*interrupted, provider.graph(), heads)) interrupted.reset();
    }
  }
  const bool clean = findings.clean() && !interrupted;

  if (out.json()) {
    out.result_json({{"provider", key},
                     {"heads", heads},
                     {"clean", clean},
                     {"drift", findings.drift},
                     {"stale", findings.stale},
                     {"errors", findings.errors},
                     {"ddl_events", findings.ddl_events},
                     {"interrupted", interrupted ? interrupted->to_json() : nlohmann::json()}});
    return clean ? kExitOk : kExitFailed;
  }
  for (const std::string& line : findings.stale) out.result("stale: " + line);
  for (const std::string& line : findings.errors) out.result("error: " + line);
  for (const std::string& line : findings.drift) out.result("drift: " + line);
  for (const std::string& line : findings.ddl_events) out.result("changed by: " + line);
  if (interrupted) out.warning(interrupted->describe());
  if (clean) {
    out.note(key + ": the schema matches the state stored after the last migration" +
             std::string(findings.ddl_events.empty() ? "" : " (out-of-band DDL above left no difference)"));
    return kExitOk;
  }
  std::string summary = key + ": ";
  if (!findings.drift.empty())
    summary += std::to_string(findings.drift.size()) +
               " difference(s) from the state stored after the last migration; " +
               "write a revision for wanted changes (or 'metamigrate stamp' to accept the live schema), undo the rest";
  else if (!findings.stale.empty() || !findings.errors.empty())
    summary += "the stored state cannot vouch for the schema; run 'metamigrate stamp' to take a new baseline";
  else
    summary += "an interrupted revision needs 'metamigrate repair'";
  out.warning(summary);
  return kExitFailed;
}

}  // namespace mmc
