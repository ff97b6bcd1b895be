// The databases of a fleet: one connection string per line of a file
// (--targets) or per row of a query (--targets-query). A connection string
// is a secret (it may hold a password): only its masked label is shown.
#pragma once

#include <string>
#include <vector>

namespace mmc {

class Connection;

struct FleetTarget {
  std::string conninfo;  // never printed
  std::string label;     // the connection string with any password masked
  std::string origin;    // "FILE:LINE" or "--targets-query row N"
};

// The connection string with its password masked; when masking cannot be
// trusted, its parameters other than the password instead.
std::string target_label(const std::string& conninfo);

// One target per non-blank line; lines whose first non-blank character is
// '#' are comments. Throws InputError naming FILE:LINE for a line that is
// not a connection string or repeats an earlier one, and for a file
// without any target.
std::vector<FleetTarget> read_targets_file(const std::string& path);

// The first column of `sql` run on `conn`, one target per row. Throws
// UsageError for a NULL, empty, invalid or repeated value (naming the row,
// never the value).
std::vector<FleetTarget> query_targets(const Connection& conn, const std::string& sql);

}  // namespace mmc
