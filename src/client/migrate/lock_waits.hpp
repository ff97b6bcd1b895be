// What the client does with the lock waits of a migration (lock retries,
// core/lock_retry.hpp): says them as notes, keeps them for the steps of
// the --json result, and with --cancel-blockers-after signals the sessions
// that keep a revision waiting.
//
// Queries run on the observer, the user's own login: the user's rights
// decide what it sees of the blockers and whom it may signal
// (pg_cancel_backend and pg_terminate_backend check them in the server).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/migrate/report.hpp"
#include "client/output/output.hpp"
#include "client/server/connection.hpp"
#include "core/lock_retry.hpp"

namespace mmc {

class LockWaitLog {
 public:
  // `separate`: the observer is not the migration's connection (which is
  // busy while the server retries, so nothing can be asked on it).
  LockWaitLog(const Connection& observer, bool separate, const Output& out)
      : observer_(observer), separate_(separate), out_(out) {}

  // --cancel-blockers-after (0: never). Throws OperationError when the
  // observer may not signal other roles' sessions (pg_signal_backend) or is
  // the migration's connection itself.
  void cancel_blockers_after(int ms);

  // A failed attempt of `what` ("revision 0003", a non-transactional
  // revision's statement), retried after wait.wait_ms.
  // `budget`: the setting that ran out (lock_timeout, --index-wait-timeout).
  void retrying(mm::LockWaitReport wait, const std::string& what, const std::string& budget = "lock_timeout");
  // Sessions with old transactions on a revision's tables, before its first attempt.
  void old_transactions(mm::LockWaitReport report);
  // Adds what was seen for `step.revision` to the step (attempts, lock
  // waits, old transactions, signals); `server` is the step's entry in the
  // server's result, which has them when no notice was read.
  void fill(AppliedStep& step, const nlohmann::json& server = nullptr);

  // The server sees the blockers with the migration login's rights; the
  // observer may see more of them (user, state, query).
  void complete(std::vector<mm::LockBlocker>& blockers) const;

 private:
  struct Seen {
    int attempts = 0;
    nlohmann::json waits = nlohmann::json::array();
    nlohmann::json old = nlohmann::json::array();
  };
  const Connection& observer_;
  bool separate_;
  const Output& out_;
  int cancel_after_ms_ = 0;
  std::map<std::string, std::vector<int>> signalled_;  // revision -> pids signalled
  std::map<std::string, Seen> seen_;                   // revision -> what was seen

  // Signals what blockers_to_signal() chose; returns what became of each.
  nlohmann::json signal(const std::string& revision, const mm::LockWaitReport& wait);
};

}  // namespace mmc
