#include "client/schema_session.hpp"

#include <algorithm>

#include "client/cli.hpp"
#include "client/duration.hpp"
#include "client/errors.hpp"
#include "client/server_api.hpp"

namespace mmc {

namespace {

constexpr int kMaxTtlSeconds = 3600;

// Overwrites a string that held a secret before it is released.
void wipe(std::string& secret) {
  std::fill(secret.begin(), secret.end(), '\0');
  secret.clear();
}

}  // namespace

void add_credential_options(cxxopts::Options& options) {
  options.add_options("Credential")(
      "no-temp-credential",
      "run as yourself instead of a temporary migration login issued by the server (metamigrate.migration_connection)")(
      "credential-ttl", "lifetime of the temporary login (default 15min, at most 1h); it is dropped once expired",
      cxxopts::value<std::string>(), "DURATION");
}

CredentialOptions credential_options(const CommandLine& cl) {
  CredentialOptions options;
  options.enabled = !cl.parsed().count("no-temp-credential");
  if (const auto ttl = cl.optional_string("credential-ttl")) {
    if (!options.enabled) throw UsageError("--credential-ttl does not combine with --no-temp-credential");
    const long long ms = std::stoll(parse_duration_ms(*ttl, "--credential-ttl"));
    if (ms < 1000 || ms > kMaxTtlSeconds * 1000LL)
      throw UsageError("--credential-ttl \"" + *ttl + "\" must be between 1s and 1h");
    options.ttl_seconds = static_cast<int>(ms / 1000);
  }
  return options;
}

SchemaSession::SchemaSession(const CommandLine& cl, const ProviderDir& provider, const CredentialOptions& options,
                             VersionRow version_row) {
  const Manifest& manifest = provider.manifest();
  const std::string key = manifest.key();
  const Output& out = cl.out();
  login_ = cl.connect();

  std::vector<Query> setup{sql::begin(), sql::register_provider(manifest), sql::provider_registered_now(key),
                           sql::set_provider_schemas(manifest)};
  std::size_t version_at = 0, credential_at = 0;
  if (version_row == VersionRow::Resolve) {
    version_at = setup.size();
    setup.push_back(sql::version_meta_table(key));
  }
  if (options.enabled) {
    credential_at = setup.size();
    nlohmann::json request = {{"purpose", "schema_migration"},
                              {"package", manifest.package},
                              {"migration_namespace", manifest.namespace_},
                              {"ttl_seconds", options.ttl_seconds}};
    // So that the URI points where this client reached the server.
    if (!login_->host().empty()) request["host"] = login_->host();
    if (!login_->port().empty()) request["port"] = login_->port();
    setup.push_back(sql::migration_connection(request));
  }
  setup.push_back(sql::commit());
  out.detail("server: metamigrate.register_provider, set_provider_schemas" +
             std::string(version_row == VersionRow::Resolve ? ", version_meta_table" : "") +
             (options.enabled ? ", migration_connection" : "") + " in one transaction");
  std::vector<PgResult> results;
  try {
    results = login_->pipeline(setup);
  } catch (ServerError& e) {
    annotate_server_error(e, &provider);
    if (e.sqlstate() == "42501" && options.enabled)
      e.notes.push_back("Issuing a temporary migration credential needs membership in the owner role \"" +
                        manifest.owner_role + "\", like every schema command.");
    throw;
  }
  registered_now_ = results[2].text(0, 0) == "t";
  if (registered_now_) out.note("registered provider " + key + " (owner role " + manifest.owner_role + ")");
  if (version_at) version_meta_table_ = json_value(results[version_at]);

  // Opportunistic: expired credentials of anyone are dropped here (the
  // server also does it whenever it issues one).
  try {
    const std::string reaped = login_->query(sql::reap_credentials()).text(0, 0);
    if (reaped != "0") out.detail("server: reap_credentials dropped " + reaped + " expired migration login(s)");
  } catch (const ServerError& e) {
    out.detail(std::string("server: reap_credentials failed (ignored): ") + e.what());
  }

  if (!credential_at) return;
  nlohmann::json issued = json_value(results[credential_at]);
  std::string uri = issued.value("uri", "");
  credential_role_ = issued.value("role", "");
  credential_expires_at_ = issued.value("expires_at", "");
  if (uri.empty() || credential_role_.empty()) throw OperationError("the server issued no migration credential");
  ConnectTarget target = resolve_connect_target(cl.globals().dsn);
  target.overrides = conninfo_parameters(uri);
  wipe(uri);
  issued = nullptr;
  if (target.overrides.empty()) throw OperationError("the server's migration credential is not a valid connection URI");
  target.origin = "temporary migration login";
  target.application_name = "metamigrate for " + login_->user();
  out.detail("server: issued temporary migration login " + credential_role_ + " (member of " + manifest.owner_role +
             ", expires " + credential_expires_at_ + ")");
  try {
    credential_ = std::make_unique<Connection>(target, out);
  } catch (...) {
    for (auto& [keyword, value] : target.overrides) wipe(value);
    throw;
  }
  for (auto& [keyword, value] : target.overrides) wipe(value);
}

SchemaSession::~SchemaSession() = default;

}  // namespace mmc
