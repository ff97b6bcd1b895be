// The connections of the schema commands (current, upgrade, downgrade,
// stamp). The client connects as the user, registers the provider, and
// (unless --no-temp-credential) asks the server for a temporary migration
// credential (metamigrate.migration_connection: a LOGIN role that is a
// member of the owner role and expires), then connects a second time with
// it; migration SQL runs on that second connection. The credential's URI
// holds a random password: it lives only in memory, is never printed and
// is scrubbed from connection errors.
#pragma once

#include "client/options_parser.hpp"
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "client/connection.hpp"
#include "client/provider_dir.hpp"

namespace mmc {

class CommandLine;

struct CredentialOptions {
  bool enabled = true;
  int ttl_seconds = 900;  // the server allows 1..3600
};

// --no-temp-credential and --credential-ttl for a command's parser.
void add_credential_options(cxxopts::Options& options);
CredentialOptions credential_options(const CommandLine& cl);

class SchemaSession {
 public:
  enum class VersionRow { Skip, Resolve };

  // Connects as the user, registers the provider (idempotent), resolves
  // the version table's catalog row when asked, removes expired
  // credentials (metamigrate.reap_credentials) and, if enabled, issues a
  // credential and connects with it. Throws ServerError (annotated) or
  // OperationError.
  SchemaSession(const CommandLine& cl, const ProviderDir& provider, const CredentialOptions& options,
                VersionRow version_row = VersionRow::Skip);
  ~SchemaSession();
  SchemaSession(const SchemaSession&) = delete;
  SchemaSession& operator=(const SchemaSession&) = delete;

  // Where migration SQL runs: the credential's connection, or the user's.
  Connection& migration() { return credential_ ? *credential_ : *login_; }
  Connection& login() { return *login_; }
  // The temporary role ("" without a credential) and when it expires.
  const std::string& credential_role() const { return credential_role_; }
  const std::string& credential_expires_at() const { return credential_expires_at_; }
  bool registered_now() const { return registered_now_; }
  // metamigrate.version_meta_table's row (null unless resolved).
  const nlohmann::json& version_meta_table() const { return version_meta_table_; }

 private:
  std::unique_ptr<Connection> login_;
  std::unique_ptr<Connection> credential_;
  std::string credential_role_;
  std::string credential_expires_at_;
  bool registered_now_ = false;
  nlohmann::json version_meta_table_;
};

}  // namespace mmc
