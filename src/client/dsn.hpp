// Which database to connect to, and how to name it without its secret.
#pragma once

#include <string>

namespace mmc {

struct ConnectTarget {
  std::string conninfo;  // URI or key=value conninfo; empty = libpq defaults
  std::string origin;    // "--dsn", "METAMIGRATE_DSN", "DATABASE_URL" or "libpq defaults"
};

// --dsn, else METAMIGRATE_DSN, else DATABASE_URL, else libpq's own defaults
// (PGHOST, PGPORT, service files, .pgpass keep working in every case).
ConnectTarget resolve_connect_target(const std::string& dsn_option);

// The connection string with any password replaced by "***", for echoing.
// Returns a placeholder rather than risk printing a secret.
std::string mask_dsn(const std::string& conninfo);

// The password written in `conninfo`, if any (to scrub it from messages).
std::string password_of(const std::string& conninfo);

// `text` with every occurrence of `secret` replaced by "***".
std::string scrub(std::string text, const std::string& secret);

}  // namespace mmc
