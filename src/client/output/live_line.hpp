// The text of the client's live line (migrate/live_status.hpp), from the
// facts of one sample of metamigrate.progress.
#pragma once

#include <string>

namespace mmc {

struct LiveFacts {
  std::string revision;
  int step = 0, steps = 0, statement = 0, statements = 0, attempt = 0;
  std::string waiting_for;  // "AccessExclusiveLock on public.t"
  std::string blocked_by;   // "{123,456}" (pg_blocking_pids)
  std::string index_phase;
  double seconds = 0;  // since the step (or the wait) began
};

// "[2/5] 0003, statement 1 of 2, attempt 2: waiting for AccessExclusiveLock
// on t (blocked by pid 123), 3.1 s"; without the clock when `with_clock`
// is false.
std::string live_line(const LiveFacts& facts, bool with_clock);

}  // namespace mmc
