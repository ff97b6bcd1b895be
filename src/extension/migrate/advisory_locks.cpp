#include "extension/migrate/advisory_locks.hpp"

#include "extension/base/boundary.hpp"

namespace mm::pg {

namespace {

// hashtext() of the name, as SQL computes it (so pg_locks can be matched
// with hashtext($1)).
LOCKTAG lock_tag(uint32 lock_class, const std::string& name) {
  const char* text = name.c_str();
  const int32 hash = pg_guard([&] {
    return DatumGetInt32(DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, CStringGetTextDatum(text)));
  });
  LOCKTAG tag;
  SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, lock_class, static_cast<uint32>(hash), kLockSpace);
  return tag;
}

}  // namespace

bool take_lock(uint32 lock_class, const std::string& name, LockDuration duration, bool wait) {
  const LOCKTAG tag = lock_tag(lock_class, name);
  const bool session = duration == LockDuration::Session;
  const LockAcquireResult result = pg_guard([&] { return LockAcquire(&tag, ExclusiveLock, session, !wait); });
  return result != LOCKACQUIRE_NOT_AVAIL;
}

bool release_session_lock(uint32 lock_class, const std::string& name) {
  const LOCKTAG tag = lock_tag(lock_class, name);
  return pg_guard([&] { return LockRelease(&tag, ExclusiveLock, true); });
}

std::string lock_row_condition(uint32 lock_class, int n) {
  return "l.locktype = 'advisory' AND l.classid OPERATOR(pg_catalog.=) " + std::to_string(lock_class) +
         "::pg_catalog.oid AND l.objid OPERATOR(pg_catalog.=) pg_catalog.hashtext($" + std::to_string(n) +
         ")::pg_catalog.oid AND l.objsubid OPERATOR(pg_catalog.=) " + std::to_string(kLockSpace);
}

}  // namespace mm::pg
