// Lock-aware execution: how a revision that cannot get a lock within
// lock_timeout is retried inside the server, and the JSON both sides read
// about the sessions that blocked it.
//
// Each attempt of a revision runs in a subtransaction; a lock timeout
// (55P03) rolls back only that attempt (releasing every lock it took), the
// server waits backoff_ms() and tries again, up to `retries` more times.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mm {

struct LockRetryPolicy {
  int retries = 0;     // attempts after the first; 0: no retry (and no subtransaction)
  int min_ms = 1000;   // the first wait
  int max_ms = 60000;  // no wait is longer
};

// The wait after failed attempt `attempt` (1-based): exponential from
// min_ms, capped at max_ms, with "equal jitter" (a uniform draw in the
// upper half), so that migrators that failed together do not retry
// together. `unit_random` is in [0, 1).
int backoff_ms(const LockRetryPolicy& policy, int attempt, double unit_random);

// A session that held or waited for a lock on a table the revision names.
struct LockBlocker {
  int pid = 0;
  std::string user;
  std::string application;
  std::string state;
  double xact_age_s = 0;  // age of its transaction (0 outside one)
  std::string query;
  std::string lock_mode;  // e.g. AccessShareLock
  std::string relation;
  bool granted = true;  // false: it waits too (queued ahead)
};

// The NOTICE between attempts (message kLockRetryNotice, this detail) and
// the DETAIL of the final 55P03.
struct LockWaitReport {
  std::string revision;
  int attempt = 0;    // the attempt that failed, 1-based
  int attempts = 0;   // 1 + retries
  int wait_ms = 0;    // before the next attempt (0 after the last)
  int waited_ms = 0;  // since the revision's first attempt began
  // In the old-transactions notice: the age that makes a transaction old
  // (metamigrate.old_transaction_age). Its blockers are those the server
  // saw that old, and those whose age it may not see (pg_stat_activity
  // hides other roles' sessions): the client keeps those it sees that old.
  int old_age_ms = 0;
  std::vector<LockBlocker> blockers;
};

inline constexpr const char* kLockRetryNotice = "metamigrate lock retry";
// Before a revision's first attempt (with lock retries): the sessions whose
// transactions are older than metamigrate.old_transaction_age and that
// hold or wait for locks on its tables. Its detail is a LockWaitReport
// with attempt 0.
inline constexpr const char* kOldTransactionsNotice = "metamigrate old transactions";

std::string lock_wait_json(const LockWaitReport& report);
nlohmann::json lock_wait_document(const LockWaitReport& report);
nlohmann::json blocker_document(const LockBlocker& blocker);
std::optional<LockWaitReport> parse_lock_wait_json(const std::string& text);
std::optional<LockWaitReport> read_lock_wait(const nlohmann::json& doc);

// The blockers whose transactions began at least `age_ms` ago.
std::vector<LockBlocker> older_than(const std::vector<LockBlocker>& blockers, int age_ms);
// Those, and the blockers whose age is hidden (no state: pg_stat_activity
// shows other roles' sessions only to the privileged).
std::vector<LockBlocker> maybe_older_than(const std::vector<LockBlocker>& blockers, int age_ms);

// --cancel-blockers-after: what to send to whom once a revision has waited
// `after_ms` (counting the wait before the next attempt). Only sessions
// that hold a lock are signalled (those queued behind them get theirs when
// they end), each once: a query is cancelled; a session idle in a
// transaction has no query to cancel, so it is terminated.
struct BlockerSignal {
  int pid = 0;
  bool terminate = false;  // pg_terminate_backend, else pg_cancel_backend
};
std::vector<BlockerSignal> blockers_to_signal(const LockWaitReport& report, int after_ms);
// One line per blocker, for people: "pid 123 (user u, application a,
// idle in transaction, transaction 12.3 s old) holds AccessShareLock on t: <query>".
std::string describe_blocker(const LockBlocker& blocker);

}  // namespace mm
