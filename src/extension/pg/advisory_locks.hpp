// The advisory lock classes (first key of the two-key form) metamigrate
// takes, spelled as SQL literals. Each is four letters read as an int4, so
// other applications' locks are unlikely to collide with them.
#pragma once

namespace mm::pg {

// One provider's migrations ("mmom"), keyed by hashtext(provider key);
// the client names its holder from pg_locks (src/client/server_api.cpp).
inline constexpr const char* kMigrationLockClass = "1835888493";
// Registering a provider ("mmrg"), keyed by its version table: distinct
// from the migration lock so registering never queues behind a migration.
inline constexpr const char* kRegistrationLockClass = "1835889255";
// Reaping one expired credential ("mmrp"), keyed by its role name.
inline constexpr const char* kReapLockClass = "1835889264";

}  // namespace mm::pg
