#include "client/migrate/lock_waits.hpp"

#include <algorithm>
#include <cstdio>

#include "client/output/errors.hpp"

namespace mmc {

void LockWaitLog::cancel_blockers_after(int ms) {
  cancel_after_ms_ = ms;
  if (ms <= 0) return;
  if (!separate_)
    throw OperationError("--cancel-blockers-after needs a second connection of your login, and there is none");
  if (observer_.query("SELECT pg_catalog.pg_has_role('pg_signal_backend', 'USAGE')").text(0, 0) != "t")
    throw OperationError("--cancel-blockers-after: your login may not cancel other roles' sessions",
                         "It needs the privileges of pg_signal_backend: GRANT pg_signal_backend TO " +
                             observer_.query("SELECT current_user").text(0, 0) + ";");
}

void LockWaitLog::complete(std::vector<mm::LockBlocker>& blockers) const {
  if (!separate_ || blockers.empty()) return;
  try {
    std::string pids = "{";
    for (const mm::LockBlocker& b : blockers) pids += std::to_string(b.pid) + ",";
    pids.back() = '}';
    const PgResult seen = observer_.query(
        "SELECT pid::text, COALESCE(usename::text, ''), COALESCE(application_name, ''), COALESCE(state, ''), "
        "COALESCE(EXTRACT(epoch FROM now() - xact_start), 0)::text, COALESCE(query, '') "
        "FROM pg_catalog.pg_stat_activity WHERE pid = ANY ($1::int[])",
        {pids});
    for (int row = 0; row < seen.rows(); ++row)
      for (mm::LockBlocker& b : blockers) {
        if (std::to_string(b.pid) != seen.text(row, 0)) continue;
        if (b.user.empty()) b.user = seen.text(row, 1);
        if (b.application.empty()) b.application = seen.text(row, 2);
        if (b.state.empty()) b.state = seen.text(row, 3);
        if (b.xact_age_s == 0) b.xact_age_s = std::atof(seen.text(row, 4).c_str());
        if (b.query.empty() || b.query == "<insufficient privilege>") b.query = seen.text(row, 5);
      }
  } catch (...) {
    // Only a better description.
  }
}

void LockWaitLog::retrying(mm::LockWaitReport wait, const std::string& what, const std::string& budget) {
  complete(wait.blockers);
  std::string line = "note: " + what + " could not get a lock within " + budget + " (attempt " +
                     std::to_string(wait.attempt) + " of " + std::to_string(wait.attempts) + "); retrying in " +
                     std::to_string(wait.wait_ms) + " ms";
  if (wait.blockers.empty()) line += " (no session holds a lock on its tables any more)";
  out_.note(line);
  for (const mm::LockBlocker& b : wait.blockers) out_.note("  blocked by " + mm::describe_blocker(b));
  nlohmann::json doc = mm::lock_wait_document(wait);
  doc.erase("revision");
  doc["signalled"] = signal(wait.revision, wait);
  Seen& seen = seen_[wait.revision];
  seen.attempts = std::max(seen.attempts, wait.attempt + 1);
  seen.waits.push_back(std::move(doc));
}

void LockWaitLog::old_transactions(mm::LockWaitReport report) {
  complete(report.blockers);
  report.blockers = mm::older_than(report.blockers, report.old_age_ms);
  if (report.blockers.empty()) return;
  out_.note("note: before revision " + report.revision + ": " + std::to_string(report.blockers.size()) +
            (report.blockers.size() == 1 ? " session" : " sessions") +
            " with an old transaction on its tables (metamigrate.old_transaction_age); it may wait for them");
  for (const mm::LockBlocker& b : report.blockers) out_.note("  " + mm::describe_blocker(b));
  nlohmann::json& old = seen_[report.revision].old;
  for (const mm::LockBlocker& b : report.blockers) old.push_back(mm::blocker_document(b));
}

nlohmann::json LockWaitLog::signal(const std::string& revision, const mm::LockWaitReport& wait) {
  nlohmann::json out = nlohmann::json::array();
  std::vector<int>& done = signalled_[revision];
  for (const mm::BlockerSignal& s : mm::blockers_to_signal(wait, cancel_after_ms_)) {
    if (std::find(done.begin(), done.end(), s.pid) != done.end()) continue;  // each once
    done.push_back(s.pid);
    const std::string action = s.terminate ? "terminate" : "cancel";
    nlohmann::json result = {{"pid", s.pid}, {"action", action}};
    try {
      const bool sent = observer_
                            .query(s.terminate ? "SELECT pg_catalog.pg_terminate_backend($1::int)"
                                               : "SELECT pg_catalog.pg_cancel_backend($1::int)",
                                   {std::to_string(s.pid)})
                            .text(0, 0) == "t";
      result["ok"] = sent;
      const std::string whom = s.terminate ? "pid " + std::to_string(s.pid) + " (idle in a transaction)"
                                           : "the query of pid " + std::to_string(s.pid);
      const std::string after = " after " + std::to_string((wait.waited_ms + wait.wait_ms) / 1000) +
                                " s of waiting (--cancel-blockers-after)";
      if (sent)
        out_.note("note: " + std::string(s.terminate ? "terminated " : "cancelled ") + whom + after);
      else
        out_.warning("could not " + action + " " + whom + after + ": it is gone, or not a PostgreSQL session");
    } catch (const ServerError& e) {
      result["ok"] = false;
      result["error"] = e.what();
      out_.warning("could not " + action + " pid " + std::to_string(s.pid) + ": " + e.what());
    }
    out.push_back(std::move(result));
  }
  return out;
}

void LockWaitLog::fill(AppliedStep& step, const nlohmann::json& server) {
  const auto found = seen_.find(step.revision);
  if (found != seen_.end()) {
    step.attempts = std::max(step.attempts, found->second.attempts);
    step.lock_waits = std::move(found->second.waits);
    step.old_transactions = std::move(found->second.old);
    seen_.erase(found);
  }
  if (!server.is_object()) return;
  step.attempts = std::max(step.attempts, server.value("attempts", 1));
  // No notice read (an older client path, or notices lost): the server's account.
  if (step.lock_waits.empty() && server.contains("lock_waits")) step.lock_waits = server["lock_waits"];
  if (step.old_transactions.empty() && server.contains("old_transactions"))
    step.old_transactions = server["old_transactions"];
}

}  // namespace mmc
