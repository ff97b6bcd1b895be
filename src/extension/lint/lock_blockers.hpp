// The sessions that hold or wait for locks on the tables a piece of SQL
// names (as PostgreSQL's parser sees them): who blocks a migration.
#pragma once

#include "core/lock_retry.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

// Relations `sql` names, sorted, without duplicates.
std::vector<std::string> relations_named_by(SpiSession& spi, const std::string& sql);

// Other sessions with a lock (granted or waited for) on those relations.
std::vector<LockBlocker> lock_blockers(SpiSession& spi, const std::string& sql);

}  // namespace mm::pg
