// Bounded lock_timeout retries of one revision inside the server
// (core/lock_retry.hpp): with metamigrate.lock_retries > 0, each attempt
// runs in a subtransaction; a lock timeout rolls back that attempt only,
// sends a NOTICE naming the blockers, waits with jittered exponential
// backoff (interruptible: statement_timeout and cancel still apply) and
// tries again. The last failure keeps its SQLSTATE 55P03, message and
// CONTEXT; its DETAIL becomes the JSON report of the blockers. Before the
// first attempt, sessions on the revision's tables whose transactions are
// older than metamigrate.old_transaction_age are reported (a NOTICE).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/lock_retry.hpp"

namespace mm::pg {

// Settings: metamigrate.lock_retries, metamigrate.lock_retry_min,
// metamigrate.lock_retry_max, metamigrate.old_transaction_age (defined in
// _PG_init).
extern int lock_retries_setting;
extern int lock_retry_min_setting;
extern int lock_retry_max_setting;
extern int old_transaction_age_setting;

// What the retries of one revision saw, for its step in the result.
struct LockRetryOutcome {
  int statements = 0;
  int attempts = 1;
  std::vector<LockWaitReport> waits;          // one per failed attempt
  std::vector<LockBlocker> old_transactions;  // seen before the first attempt
};

// Runs `attempt` (one revision's statements; returns their count) under
// those settings. `sql` is the revision's SQL, to find its tables.
LockRetryOutcome run_with_lock_retries(const std::string& revision, const std::string& sql,
                                       const std::function<int()>& attempt);

}  // namespace mm::pg
