// The connections of the schema commands (current, upgrade, downgrade,
// stamp). The client connects as the user, registers the provider, and
// (unless --no-temp-credential) asks the server for a temporary migration
// credential (metamigrate.migration_connection: a LOGIN role that is a
// member of the owner role and expires), then connects a second time with
// it; migration SQL runs on that second connection. The credential's URI
// holds a random password: it lives only in memory, is never printed and
// is scrubbed from connection errors.
#pragma once

#include "client/cli/options_parser.hpp"
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "client/server/connection.hpp"
#include "core/protocol.hpp"
#include "client/provider/provider_dir.hpp"

namespace mmc {

class CommandLine;

struct CredentialOptions {
  bool enabled = true;
  int ttl_seconds = mm::protocol::kDefaultCredentialTtlSeconds;  // the server allows 1..kMaxCredentialTtlSeconds
};

// --no-temp-credential and --credential-ttl for a command's parser.
void add_credential_options(cxxopts::Options& options);
CredentialOptions credential_options(const CommandLine& cl);

// A temporary migration login the server issued
// (metamigrate.migration_connection): a LOGIN role that is a member of the
// owner role and nothing else, and the connection made with it.
struct MigrationLogin {
  std::unique_ptr<Connection> connection;
  std::string role;
  std::string expires_at;
};

// The request for metamigrate.migration_connection: a credential for the
// provider of `manifest`, whose URI points where `login` reached the server.
nlohmann::json migration_login_request(const Manifest& manifest, const Connection& login, int ttl_seconds);
// Connects with `issued` (migration_connection's result; the URI with its
// password is wiped, also on failure), keeping the other settings of `base`
// (sslmode, ...). `for_user` names the requesting login in
// application_name; `hint` replaces the connection failure's hint when set.
MigrationLogin connect_migration_login(nlohmann::json& issued, ConnectTarget base, const std::string& for_user,
                                       const Output& out, const std::string& hint = {});
// Whether `conn` logged in as `owner_role` itself (session_user): then it
// has no rights beyond the owner role.
bool logs_in_as(const Connection& conn, const std::string& owner_role);

class MigrationSession {
 public:
  enum class VersionRow { Skip, Resolve };

  // Connects as the user, registers the provider (idempotent), resolves
  // the version table's catalog row when asked, removes expired
  // credentials (metamigrate.reap_credentials) and, if enabled, issues a
  // credential and connects with it. Throws ServerError (annotated) or
  // OperationError. `login`: the user's connection when already made.
  MigrationSession(const CommandLine& cl, const ProviderDir& provider, const CredentialOptions& options,
                   VersionRow version_row = VersionRow::Skip, std::unique_ptr<Connection> login = nullptr);
  // Closes the temporary logins' connections and has the server drop
  // those logins (also on errors and interrupts): expiry is only the
  // backstop for a client that died.
  ~MigrationSession();
  MigrationSession(const MigrationSession&) = delete;
  MigrationSession& operator=(const MigrationSession&) = delete;

  // Where migration SQL runs: the credential's connection, or the user's.
  Connection& migration() { return credential_ ? *credential_ : *login_; }
  Connection& login() { return *login_; }
  // A connection of the user's own login that is not migration(): the
  // login when a credential runs the migration, else a second connection
  // of the login, made on the first call.
  Connection& observer();
  // Where the statements of non-transactional revisions run (the client
  // runs them itself, so the server cannot hold them to the owner role):
  // always a session whose login has no rights beyond the owner role. The
  // credential's connection; with --no-temp-credential a temporary login
  // issued now (once), unless the user logs in as the owner role itself.
  Connection& top_level();
  // The temporary role ("" without a credential) and when it expires.
  const std::string& credential_role() const { return credential_role_; }
  const std::string& credential_expires_at() const { return credential_expires_at_; }
  bool registered_now() const { return registered_now_; }
  // metamigrate.version_meta_table's row (null unless resolved).
  const nlohmann::json& version_meta_table() const { return version_meta_table_; }

 private:
  const ProviderDir& provider_;
  const Output& out_;
  std::string dsn_;
  CredentialOptions options_;
  const CommandLine& cl_;
  std::unique_ptr<Connection> login_;
  std::unique_ptr<Connection> second_login_;  // observer() without a credential
  std::unique_ptr<Connection> credential_;
  std::unique_ptr<Connection> top_level_;  // issued for non-transactional revisions (--no-temp-credential)
  std::string top_level_role_;
  std::optional<bool> login_is_owner_;
  std::string credential_role_;
  std::string credential_expires_at_;
  bool registered_now_ = false;
  nlohmann::json version_meta_table_;
};

}  // namespace mmc
