// Explaining a migration's lock errors:
// - MM006, another migration holds the provider (--no-wait): who
//   holds the provider's lock, and to whom a temporary login was issued;
// - 55P03, a lock wait that ran out (--lock-timeout): which table the failing
//   statement needed and which sessions hold locks on it
//   (metamigrate.lock_holders).
// The queries run on the observer connection (the user's own login): a
// temporary migration login sees no details of other sessions in
// pg_stat_activity, the user often does (pg_read_all_stats, superuser).
#pragma once

#include "client/server/connection.hpp"
#include "client/provider/provider_dir.hpp"
#include "core/lock_retry.hpp"

namespace mmc {

// Watches a session while it waits for the server: when it waits for a
// lock, remembers the sessions blocking it (pg_blocking_pids) with what
// they hold, so that a lock timeout (55P03) or statement timeout (57014)
// that ends the wait can name them. Samples run on the observer, a
// different connection.
class LockWatcher {
 public:
  LockWatcher(const Connection& observer, int watched_pid) : observer_(observer), pid_(watched_pid) {}
  void sample() noexcept;
  // Adds the blockers of the last sample to `error`; false when the
  // session was not seen waiting for a lock.
  bool explain(ServerError& error) const;
  // The blockers of the last sample, for a lock wait report.
  const std::vector<mm::LockBlocker>& blockers() const { return structured_; }

 private:
  const Connection& observer_;
  int pid_;
  std::string waiting_for_;
  std::vector<std::string> blockers_;
  std::string first_blocker_pid_;
  std::vector<mm::LockBlocker> structured_;
  bool broken_ = false;
};

// Adds notes to an MM006 or 55P03 error; never throws.
void explain_lock_error(const Connection& observer, const ProviderDir& provider, ServerError& error) noexcept;

// The statement a server error's context points at: the text PostgreSQL
// quotes (SQL statement "..."), else statement N of the revision section
// named by "revision R (upgrade|downgrade), statement N". Empty if unknown.
std::string failing_statement(const ProviderDir& provider, const ServerError& error);

}  // namespace mmc
