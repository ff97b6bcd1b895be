// Reading a provider's version table directly, as the caller (the
// database does not need the extension for it).
//
// It is read with COPY ... TO STDOUT under row_security = off, which runs
// nobody's code: COPY of a table is not planned, so no index expression,
// partial-index predicate, statistics expression or CHECK constraint of
// the table is evaluated, and a row-level policy that would apply is an
// error instead of a function call. A plain SELECT would run the code of
// whoever controls the table with the caller's rights at planning time
// (test/security/13_version_table_reads.sh).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/provider/manifest.hpp"

namespace mmc {

// The rows (current heads), sorted; `*exists` says whether the table
// exists. Outside a transaction block only.
std::vector<std::string> read_version_table(const Connection& conn, const Manifest& manifest, bool* exists);

// One round trip, no library loaded by the server: the heads when the
// provider is registered exactly as the manifest says
// (metamigrate.provider_registration) and the caller may read its version
// table. nullopt otherwise, or on any server error (an older extension, a
// missing table, a policy that applies): the caller then asks the
// extension, which reads the table as the owner role.
std::optional<std::vector<std::string>> read_heads_if_registered_as(const Connection& conn, const Manifest& manifest);

}  // namespace mmc
