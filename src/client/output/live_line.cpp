#include "client/output/live_line.hpp"

#include <cstdio>

namespace mmc {

std::string live_line(const LiveFacts& f, bool with_clock) {
  std::string line;
  if (f.steps > 0) line += "[" + std::to_string(f.step) + "/" + std::to_string(f.steps) + "] ";
  line += f.revision.empty() ? std::string("the server") : f.revision;
  if (f.statements > 0) line += ", statement " + std::to_string(f.statement) + " of " + std::to_string(f.statements);
  if (f.attempt > 1) line += ", attempt " + std::to_string(f.attempt);
  if (!f.waiting_for.empty()) {
    line += ": waiting for " + f.waiting_for;
    std::string pids = f.blocked_by;
    if (pids.size() >= 2 && pids.front() == '{') pids = pids.substr(1, pids.size() - 2);
    if (!pids.empty())
      line += " (blocked by pid" + std::string(pids.find(',') == std::string::npos ? " " : "s ") + pids + ")";
  } else if (!f.index_phase.empty()) {
    line += ": " + f.index_phase;
  } else {
    line += ": running";
  }
  if (with_clock) {
    char clock[32];
    std::snprintf(clock, sizeof clock, ", %.1f s", f.seconds);
    line += clock;
  }
  return line;
}

}  // namespace mmc
