// Reading a provider's version table directly (the database does not need
// the extension for it).
#pragma once

#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/provider/manifest.hpp"

namespace mmc {

// The rows (current heads), sorted; `*exists` says whether the table exists.
std::vector<std::string> read_version_table(const Connection& conn, const Manifest& manifest, bool* exists);

}  // namespace mmc
