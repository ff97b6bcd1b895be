#include "client/migrate/live_status.hpp"

#include <cstdlib>

namespace mmc {

namespace {
constexpr auto kShowAfter = std::chrono::milliseconds(1000);
constexpr auto kSampleEvery = std::chrono::milliseconds(1000);
// No handler call for this long: the last call ended and a new one began.
constexpr auto kNewCallGap = std::chrono::milliseconds(1500);
}  // namespace

void LiveStatus::poll() noexcept {
  if (broken_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_poll_ > kNewCallGap) {
    call_started_ = now;
    last_sample_ = {};
    out_.end_live();
  }
  last_poll_ = now;
  if (now - call_started_ < kShowAfter || now - last_sample_ < kSampleEvery) return;
  last_sample_ = now;
  try {
    // One row whatever the view shows: pg_locks and pg_blocking_pids are
    // visible to everyone, the view's columns only where
    // pg_stat_activity shows the session.
    const PgResult row = observer_.query(
        "SELECT p.revision, p.step, p.steps, p.statement, p.statements, p.attempt, "
        "       COALESCE(p.waiting_for, (SELECT pg_catalog.string_agg(l.mode || ' on ' || "
        "            COALESCE(l.relation::pg_catalog.regclass::text, l.locktype), ', ') "
        "          FROM pg_catalog.pg_locks l WHERE l.pid = $1::int AND NOT l.granted)), "
        "       pg_catalog.pg_blocking_pids($1::int)::text, p.index_phase, "
        "       EXTRACT(epoch FROM pg_catalog.now() - p.since) "
        "FROM (SELECT) AS one LEFT JOIN LATERAL "
        "     (SELECT * FROM metamigrate.progress WHERE pid = $1::int LIMIT 1) AS p ON true",
        {std::to_string(pid_)});
    LiveFacts f;
    f.revision = row.text(0, 0);
    f.step = std::atoi(row.text(0, 1).c_str());
    f.steps = std::atoi(row.text(0, 2).c_str());
    f.statement = std::atoi(row.text(0, 3).c_str());
    f.statements = std::atoi(row.text(0, 4).c_str());
    f.attempt = std::atoi(row.text(0, 5).c_str());
    f.waiting_for = row.text(0, 6);
    f.blocked_by = row.text(0, 7);
    if (f.blocked_by == "{}") f.blocked_by.clear();
    f.index_phase = row.text(0, 8);
    f.seconds = row.text(0, 9).empty() ? std::chrono::duration<double>(now - call_started_).count()
                                       : std::atof(row.text(0, 9).c_str());
    out_.live(live_line(f, false), live_line(f, true));
  } catch (...) {
    broken_ = true;  // only a display: never disturb the migration
  }
}

}  // namespace mmc
