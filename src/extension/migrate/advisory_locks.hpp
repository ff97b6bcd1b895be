// The locks metamigrate takes to serialize its own work. They are
// advisory locks in a key space no SQL function reaches: the fourth key
// is kLockSpace, where pg_advisory_lock() always sets 1 or 2, so no other
// session can take (and hold forever) a provider's lock; only the
// extension's functions, after their privilege checks, do.
#pragma once

#include <string>

#include "core/protocol.hpp"
#include "extension/base/postgres.hpp"

namespace mm::pg {

// Lock classes and key space: core/protocol.hpp (the client reads pg_locks
// with them). The migration lock is keyed by the provider key; the
// registration lock by the qualified version table, distinct so that
// registering never queues behind a migration.
using protocol::kLockSpace;
using protocol::kMigrationLockClass;
using protocol::kRegistrationLockClass;

enum class LockDuration { Transaction, Session };

// Takes the lock; with wait=false returns false at once when another
// session holds it. Waiting obeys lock_timeout and deadlock detection.
bool take_lock(uint32 lock_class, const std::string& name, LockDuration duration, bool wait);
// Releases a session-level lock; false when this session did not hold it.
bool release_session_lock(uint32 lock_class, const std::string& name);

// SQL condition on pg_catalog.pg_locks alias `l` for the lock of class
// lock_class on the name in parameter $n.
std::string lock_row_condition(uint32 lock_class, int n);

}  // namespace mm::pg
