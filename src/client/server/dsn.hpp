// Which database to connect to, and how to name it without its secret.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mmc {

struct ConnectTarget {
  std::string conninfo;  // URI or key=value conninfo; empty = libpq defaults
  std::string origin;    // "--dsn", "METAMIGRATE_DSN", "DATABASE_URL" or "libpq defaults"
  // Parameters that replace those of `conninfo` (a temporary migration
  // credential's user, password, host, port, dbname); the rest of
  // `conninfo` (sslmode, ...) still applies. Values are secret-aware: a
  // "password" here is never shown.
  std::vector<std::pair<std::string, std::string>> overrides;
  std::string application_name = "metamigrate";  // fallback_application_name
};

// --dsn, else METAMIGRATE_DSN, else DATABASE_URL, else libpq's own defaults
// (PGHOST, PGPORT, service files, .pgpass keep working in every case).
ConnectTarget resolve_connect_target(const std::string& dsn_option);

// The connection string with any password replaced by "***", for echoing.
// Returns a placeholder rather than risk printing a secret.
std::string mask_dsn(const std::string& conninfo);

// The password written in `conninfo`, if any (to scrub it from messages).
std::string password_of(const std::string& conninfo);

// The parameters of a connection URI or conninfo that are set, as
// keyword/value pairs (empty when it cannot be parsed).
std::vector<std::pair<std::string, std::string>> conninfo_parameters(const std::string& conninfo);

// Whether `conninfo` spells a password (URI user:password@ or ?password=,
// conninfo password=), also when libpq cannot parse the rest.
bool holds_password(const std::string& conninfo);

// The one warning line for a password given on the command line (in
// `option`), which every local user can read in the process list; points
// to ~/.pgpass and, when not empty, `variable` (where the connection
// string may go instead). Never contains the password.
std::string password_on_command_line_warning(const std::string& option, const std::string& variable);

// `text` with every occurrence of `secret` replaced by "***".
std::string scrub(std::string text, const std::string& secret);

}  // namespace mmc
