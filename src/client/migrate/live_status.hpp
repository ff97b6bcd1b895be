// The client's live line while a call waits for the server: the same
// facts other sessions read in metamigrate.progress (step n of N,
// revision, statement, attempt, what it waits for and who blocks it, the
// phase of a concurrent index build), read on the observer connection.
// Where the user's login may not see the migration login's session in
// pg_stat_activity, the line keeps what pg_locks shows everyone: the lock
// it waits for and pg_blocking_pids().
#pragma once

#include <chrono>
#include <string>

#include "client/output/live_line.hpp"
#include "client/output/output.hpp"
#include "client/server/connection.hpp"

namespace mmc {

class LiveStatus {
 public:
  LiveStatus(const Connection& observer, int watched_pid, const Output& out)
      : observer_(observer), pid_(watched_pid), out_(out) {}
  ~LiveStatus() { out_.end_live(); }
  LiveStatus(const LiveStatus&) = delete;
  LiveStatus& operator=(const LiveStatus&) = delete;

  // Called by the wait handler (every poll interval while a call waits):
  // samples once a second, from a second after the call began.
  void poll() noexcept;

 private:
  using Clock = std::chrono::steady_clock;
  const Connection& observer_;
  int pid_;
  const Output& out_;
  Clock::time_point call_started_{};
  Clock::time_point last_poll_{};
  Clock::time_point last_sample_{};
  bool broken_ = false;
};

}  // namespace mmc
