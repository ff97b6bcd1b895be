#include "client/server/migration_session.hpp"

#include <algorithm>

#include "client/cli/cli.hpp"
#include "client/provider/duration.hpp"
#include "client/output/errors.hpp"
#include "client/server/server_api.hpp"
#include "client/os/signal_guard.hpp"

namespace mmc {

namespace {

constexpr int kMaxTtlSeconds = mm::protocol::kMaxCredentialTtlSeconds;

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

nlohmann::json migration_login_request(const Manifest& manifest, const Connection& login, int ttl_seconds) {
  nlohmann::json request = {{"purpose", "schema_migration"},
                            {"package", manifest.package},
                            {"migration_namespace", manifest.namespace_},
                            {"ttl_seconds", ttl_seconds}};
  // So that the URI points where this client reached the server.
  if (!login.host().empty()) request["host"] = login.host();
  if (!login.port().empty()) request["port"] = login.port();
  return request;
}

MigrationLogin connect_migration_login(nlohmann::json& issued, ConnectTarget base, const std::string& for_user,
                                       const Output& out, const std::string& hint) {
  std::string uri = issued.value("uri", "");
  MigrationLogin login;
  login.role = issued.value("role", "");
  login.expires_at = issued.value("expires_at", "");
  issued = nullptr;
  if (uri.empty() || login.role.empty()) {
    wipe(uri);
    throw OperationError("the server issued no migration credential");
  }
  base.overrides = conninfo_parameters(uri);
  wipe(uri);
  if (base.overrides.empty()) throw OperationError("the server's migration credential is not a valid connection URI");
  base.origin = "temporary migration login";
  base.application_name = "metamigrate for " + for_user;
  try {
    login.connection = std::make_unique<Connection>(base, out);
  } catch (const OperationError& e) {
    for (auto& [keyword, value] : base.overrides) wipe(value);
    if (hint.empty()) throw;
    throw OperationError(e.what(), hint);
  } catch (...) {
    for (auto& [keyword, value] : base.overrides) wipe(value);
    throw;
  }
  for (auto& [keyword, value] : base.overrides) wipe(value);
  SignalGuard::watch(*login.connection);
  return login;
}

bool logs_in_as(const Connection& conn, const std::string& owner_role) {
  return conn.query("SELECT session_user").text(0, 0) == owner_role;
}

MigrationSession::MigrationSession(const CommandLine& cl, const ProviderDir& provider, const CredentialOptions& options,
                                   VersionRow version_row, std::unique_ptr<Connection> user_login)
    : provider_(provider), out_(cl.out()), dsn_(cl.globals().dsn), options_(options), cl_(cl) {
  const Manifest& manifest = provider.manifest();
  const std::string key = manifest.key();
  const Output& out = cl.out();
  login_ = user_login ? std::move(user_login) : cl.connect();
  SignalGuard::watch(*login_);

  std::vector<Query> setup{sql::begin(), sql::register_provider(manifest), sql::provider_registered_now(key),
                           sql::set_provider_schemas(manifest)};
  std::size_t version_at = 0, credential_at = 0;
  if (version_row == VersionRow::Resolve) {
    version_at = setup.size();
    setup.push_back(sql::version_meta_table(key));
  }
  if (options.enabled) {
    credential_at = setup.size();
    setup.push_back(sql::migration_connection(migration_login_request(manifest, *login_, options.ttl_seconds)));
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

  if (!credential_at) return;  // read-only: nothing issued, nothing to reap
  // Opportunistic: expired credentials of anyone are dropped here (the
  // server also does it whenever it issues one).
  try {
    const std::string reaped = login_->query(sql::reap_credentials()).text(0, 0);
    if (reaped != "0") out.detail("server: reap_credentials dropped " + reaped + " expired migration login(s)");
  } catch (const ServerError& e) {
    out.detail(std::string("server: reap_credentials failed (ignored): ") + e.what());
  }

  nlohmann::json issued = json_value(results[credential_at]);
  MigrationLogin login = connect_migration_login(issued, resolve_connect_target(dsn_), login_->user(), out);
  credential_ = std::move(login.connection);
  credential_role_ = login.role;
  credential_expires_at_ = login.expires_at;
  out.detail("server: issued temporary migration login " + credential_role_ + " (member of " + manifest.owner_role +
             ", expires " + credential_expires_at_ + ")");
}

Connection& MigrationSession::observer() {
  if (credential_) return *login_;
  if (!second_login_) {
    second_login_ = cl_.connect();
    SignalGuard::watch(*second_login_);
  }
  return *second_login_;
}

Connection& MigrationSession::top_level() {
  if (credential_) return *credential_;
  if (top_level_) return *top_level_;
  const Manifest& manifest = provider_.manifest();
  if (!login_is_owner_) login_is_owner_ = logs_in_as(*login_, manifest.owner_role);
  if (*login_is_owner_) return *login_;
  // The user's own login may be a superuser's: a statement such as RESET
  // ROLE would hand the rest of the revision its rights.
  out_.detail("server: migration_connection for the statements of non-transactional revisions (they never run as " +
              login_->user() + ", also with --no-temp-credential)");
  nlohmann::json issued;
  try {
    issued = json_value(
        login_->query(sql::migration_connection(migration_login_request(manifest, *login_, options_.ttl_seconds))));
  } catch (ServerError& e) {
    annotate_server_error(e, &provider_);
    e.notes.push_back(
        "Non-transactional revisions always run as a temporary migration login (a member of the owner "
        "role \"" +
        manifest.owner_role + "\" and nothing else), also with --no-temp-credential.");
    throw;
  }
  MigrationLogin login = connect_migration_login(
      issued, resolve_connect_target(dsn_), login_->user(), out_,
      "The statements of non-transactional revisions always run as a temporary migration login (a member of the "
      "owner role only), also with --no-temp-credential: admit the mm_tmp_* roles in pg_hba.conf, or connect as "
      "the owner role \"" +
          manifest.owner_role + "\" itself.");
  top_level_ = std::move(login.connection);
  top_level_role_ = login.role;
  out_.note("note: the statements of non-transactional revisions run as the temporary migration login " + login.role +
            " (member of " + manifest.owner_role + " only, expires " + login.expires_at + "), not as " +
            login_->user());
  return *top_level_;
}

MigrationSession::~MigrationSession() {
  std::vector<std::string> issued;
  if (!credential_role_.empty()) issued.push_back(credential_role_);
  if (!top_level_role_.empty()) issued.push_back(top_level_role_);
  credential_.reset();  // a login with a session is not dropped
  top_level_.reset();
  if (issued.empty() || !login_) return;
  try {
    login_->on_wait(nullptr, 0);  // no Interrupted out of a destructor
    login_->rollback_if_open();
    for (const std::string& role : issued) {
      const bool dropped = login_->query(sql::release_migration_connection(role)).text(0, 0) == "t";
      out_.detail(dropped ? "server: dropped temporary migration login " + role
                          : "server: temporary migration login " + role + " is left to expire (" +
                                "it could not be dropped now)");
    }
  } catch (const std::exception& e) {
    out_.detail(std::string("server: could not drop the temporary migration login (it expires by itself): ") +
                e.what());
  }
}

}  // namespace mmc
