// current: the heads recorded in the database's version table.
#include <algorithm>
#include <future>
#include <optional>

#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/fleet/fleet.hpp"
#include "client/provider/graph_select.hpp"
#include "client/migrate/journal.hpp"
#include "client/server/migration_session.hpp"
#include "client/server/server_api.hpp"
#include "client/server/version_table.hpp"
#include "client/os/signal_guard.hpp"

namespace mmc {

int cmd_current(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Show the revisions recorded in the database, marked (head) when they are heads of the local files. "
      "Registers the provider on first use and resolves the catalog row of its version table only (never the "
      "managed tables). Read-only: it runs on your own connection and issues no temporary login "
      "(--no-temp-credential and --credential-ttl are accepted and change nothing).");
  add_credential_options(o);
  add_fleet_options(o);
  if (!cl.parse(o,
                "  metamigrate current\n"
                "  metamigrate --dsn postgresql://app@db.example.com/app current --json\n"
                "  metamigrate current --targets dbs.txt --json  # every database listed (docs/fleet.md)\n"))
    return kExitOk;
  CredentialOptions credential = credential_options(cl);
  credential.enabled = false;  // read-only: a login would cost a CREATE ROLE and a second connection
  const ProviderDir manifest_only = cl.load_provider(ProviderDir::Contents::ManifestOnly);
  if (fleet_requested(cl, manifest_only)) return run_fleet(cl, manifest_only);
  const std::string key = manifest_only.manifest().key();
  const Output& out = cl.out();

  // The revision headers are read while the server answers: with
  // thousands of revision files each takes about as long as the other.
  std::future<ProviderDir> reading =
      std::async(std::launch::async, [&cl] { return cl.read_provider(ProviderDir::Contents::HeadersOnly); });
  std::unique_ptr<Connection> login;
  std::optional<MigrationSession> session;
  std::optional<std::vector<std::string>> heads;
  nlohmann::json version_row;
  try {
    login = cl.connect();
    SignalGuard::watch(*login);
    // The version table's catalog row only when it is printed.
    const bool wants_version_row = out.json() || out.verbose();
    // Registered as the manifest says (every use after the first): read
    // as the caller in plain SQL, so that a new backend loads no library
    // (loading it was most of the server's time for `current`).
    if (!wants_version_row) heads = read_heads_if_registered_as(*login, manifest_only.manifest());
    if (!heads) {
      try {
        // Otherwise one read by the extension, as the owner role, and no
        // registration call, so nothing is written.
        const nlohmann::json state = json_value(login->query(sql::provider_state(key, wants_version_row)));
        if (registered_as(state, manifest_only.manifest(), wants_version_row)) {
          heads = state["heads"].get<std::vector<std::string>>();
          version_row = state["version_meta_table"];
          out.detail("server: metamigrate.provider_state (registered as the manifest says)");
        }
      } catch (const ServerError&) {
        // Not registered, or not as the manifest says: the registration
        // calls below register it or report what is wrong.
      }
    }
    if (!heads) {
      session.emplace(cl, manifest_only, credential, MigrationSession::VersionRow::Resolve, std::move(login));
      heads = column_values(session->migration().query(sql::current(key)));
      version_row = session->version_meta_table();
    }
  } catch (...) {
    // A broken revision file is reported before a server error, as when
    // the files were read first.
    ProviderDir provider = reading.get();
    try {
      throw;
    } catch (ServerError& e) {
      annotate_server_error(e, &provider);
      throw;
    }
  }
  const ProviderDir provider = reading.get();
  cl.report_load(provider);
  const mm::RevisionGraph& graph = provider.graph();
  Connection* conn = session ? &session->migration() : login.get();

  // An interrupted non-transactional revision recorded by this client.
  const InterruptionJournal journal(provider);
  std::optional<UnfinishedRevision> interrupted;
  if (!journal.empty()) {
    const std::string uid = conn->query(sql::data_source_uid()).text(0, 0);
    interrupted = journal.find(uid, key);
    if (interrupted && !interruption_pending(*interrupted, graph, *heads)) {
      out.note("note: the interrupted revision " + interrupted->revision + " recorded in " + journal.path() +
               " has been resolved in the database meanwhile; forgetting the record");
      journal.clear(uid, key, out);
      interrupted.reset();
    }
  }

  const std::vector<std::string> local_heads = graph.ids(graph.heads());
  nlohmann::json revisions = nlohmann::json::array();
  for (const std::string& id : *heads) {
    const std::size_t node = graph.find(id);
    const bool known = node != mm::RevisionGraph::npos;
    const bool head = known && is_head(graph, node);
    revisions.push_back({{"revision", id},
                         {"is_head", head},
                         {"in_local_files", known},
                         {"message", known ? graph.at(node).message : ""}});
    std::string line = id;
    if (head) line += " (head)";
    if (!known) line += " (not in the local revision files)";
    if (known && !graph.at(node).message.empty()) line += ", " + graph.at(node).message;
    out.result(line);
  }
  std::vector<std::string> sorted_heads = *heads, sorted_local = local_heads;
  std::sort(sorted_heads.begin(), sorted_heads.end());
  std::sort(sorted_local.begin(), sorted_local.end());
  const bool up_to_date = sorted_heads == sorted_local;
  if (out.json()) {
    out.result_json({{"provider", key},
                     {"heads", *heads},
                     {"revisions", revisions},
                     {"local_heads", local_heads},
                     {"up_to_date", up_to_date},
                     {"database", conn->describe()},
                     {"version_meta_table", version_row},
                     {"interrupted", interrupted ? interrupted->to_json() : nlohmann::json()}});
    return kExitOk;
  }
  if (out.verbose() && version_row.is_object())
    out.detail("provider " + key + " in " + conn->describe() + "; version table catalog row " +
               version_row.value("uid", "?") + " (" + version_row.value("status", "?") + ")");
  if (interrupted) out.warning(interrupted->describe());
  if (heads->empty())
    out.note("no revision of " + key + " is applied in this database yet");
  else if (!up_to_date)
    out.note("local head(s): " + (local_heads.empty() ? std::string("none") : mm::join(local_heads)) +
             "; run 'metamigrate upgrade' to apply what is missing");
  return kExitOk;
}

}  // namespace mmc
