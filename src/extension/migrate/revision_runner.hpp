// Runs one revision's SQL inside the server: split into statements with
// PostgreSQL's own parser, each executed through SPI as the provider's
// owner role under a fixed search_path. Errors keep their SQLSTATE and
// message and gain a context line naming provider, revision, direction,
// statement number and line.
#pragma once

#include "extension/migrate/catalog.hpp"

namespace mm::pg {

struct RevisionRun {
  const Provider* provider;
  std::string revision;
  const char* direction;  // "upgrade" / "downgrade"
  std::string sql;
};

// Returns the number of statements executed.
int run_revision_sql(const RevisionRun& run);

}  // namespace mm::pg
