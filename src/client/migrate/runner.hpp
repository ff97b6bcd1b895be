// Online upgrade/downgrade/stamp: uploads the local revisions and lets the
// extension plan and apply them, with the MetaTable lifecycle around the
// migration (reserve before, finalize and the after_register hook after).
//
// Every upgrade or downgrade begins the same way (open): one round trip
// begins the migration's transaction, takes the provider's lock, uploads,
// reserves, and asks the server for the plan. The mode follows from that
// plan (migration_plan.hpp):
// - one transaction (default): migrate, finalize, hook and COMMIT in the
//   second round trip; all or nothing;
// - one transaction per revision (--transaction-per-revision): the lock
//   is kept past COMMIT, the server's *_per_revision procedure commits
//   after each revision, then finalize and hook; a failure keeps whole
//   revisions;
// - in parts, when the plan contains revisions marked `transactional:
//   false`: the client runs those statements itself at top level and
//   records the step (metamigrate.record_step); the transactional runs
//   around them are separate transactions (metamigrate.apply_step per
//   step); finalize and hook after the last part. Those statements run on
//   a session whose login has no rights beyond the owner role (see
//   TopLevelSession), and the client checks after each one that it is
//   still the owner role (top_level.cpp).
// The files: runner.cpp (open, the choice, errors and interrupts),
// modes.cpp (the three modes and stamp), top_level.cpp, repair.cpp,
// report.cpp (the report and progress), journal.hpp (the record of an
// interrupted non-transactional revision).
//
// Under a SignalGuard an interrupt cancels the call running on the server
// (the migration's transaction rolls back; a non-transactional statement
// is cancelled) before the Interrupted exception leaves run().
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/migrate/journal.hpp"
#include "client/migrate/migration_plan.hpp"
#include "client/migrate/report.hpp"
#include "client/migrate/lint.hpp"
#include "client/migrate/lock_report.hpp"
#include "client/migrate/lock_waits.hpp"
#include "client/migrate/live_status.hpp"
#include "client/migrate/meta_tables.hpp"
#include "client/output/output.hpp"
#include "client/provider/provider_dir.hpp"
#include "client/server/server_api.hpp"
#include "core/lock_retry.hpp"
#include "core/revisions/planner.hpp"

namespace mmc {

struct MigrationRequest {
  Operation operation = Operation::Upgrade;
  std::string target = "head";
  bool purge = false;           // stamp --purge
  std::string lock_timeout_ms;  // empty: leave the server's setting
  std::string statement_timeout_ms;
  // Server-side retries of a revision whose lock wait timed out
  // (metamigrate.lock_retries, ..._min, ..._max); empty: leave the server's.
  std::string lock_retries;
  std::string retry_min_ms, retry_max_ms;
  // The lock waits of a concurrent index build (its waits for older
  // snapshots) instead of lock_timeout; empty: lock_timeout.
  std::string index_wait_timeout_ms;
  // With lock retries: report sessions on a revision's tables whose
  // transactions are older than this (metamigrate.old_transaction_age);
  // empty: the server's setting.
  std::string old_transaction_age_ms;
  // Cancel (or, idle in a transaction, terminate) the sessions that keep a
  // revision waiting this long; 0: never (lock_waits.hpp).
  int cancel_blockers_after_ms = 0;
  bool no_wait = false;  // fail at once when another migration of the provider runs
  bool transaction_per_revision = false;
  bool lint = true;          // print lint findings of the revisions about to run
  bool strict_lint = false;  // refuse to run when lint finds anything
};

// Returns the session where the client runs the statements of
// non-transactional revisions: one whose login has no rights beyond the
// provider's owner role (a temporary migration login, or a login that is
// the owner role itself), because those statements run outside the
// server's control and RESET ROLE (or SET SESSION AUTHORIZATION, DISCARD
// ALL, ...) would hand the rest of them the login's rights. Called only
// when such a revision runs; may be `connection` itself.
using TopLevelSession = std::function<Connection&()>;

class MigrationRunner {
 public:
  // `observer` (the user's own login, may be `connection` itself) looks
  // up who holds locks when the migration cannot get one.
  MigrationRunner(Connection& connection, const Connection& observer, const ProviderDir& provider, const Output& out,
                  TopLevelSession top_level);
  ~MigrationRunner();
  MigrationRunner(const MigrationRunner&) = delete;
  MigrationRunner& operator=(const MigrationRunner&) = delete;

  // Throws ServerError (annotated with file:line) or OperationError.
  MigrationReport run(const MigrationRequest& request);

  // The interrupted non-transactional revision recorded for this database
  // and provider, if any (see journal.hpp).
  std::optional<UnfinishedRevision> interruption();
  // repair: run the rest of the interrupted revision and record it / only
  // record it / drop the record. Each checks that the database still
  // needs the step.
  MigrationReport resume(const MigrationRequest& request, const UnfinishedRevision& interrupted);
  MigrationReport mark_applied(const MigrationRequest& request, const UnfinishedRevision& interrupted);
  void forget(const UnfinishedRevision& interrupted);

 private:
  Connection& conn_;
  const Connection& observer_;
  TopLevelSession top_level_;
  const ProviderDir& provider_;
  const Output& out_;
  std::string key_;
  MetaTableLifecycle lifecycle_;
  std::size_t progress_index_ = 0;
  std::size_t progress_total_ = 0;
  bool server_reported_progress_ = false;
  bool progress_on_ = false;  // metamigrate.progress was asked for
  InterruptionJournal journal_;
  LockWaitLog lock_waits_;
  std::optional<LockWatcher> watcher_;            // when the observer is another connection
  std::optional<LockWatcher> top_level_watcher_;  // when non-transactional statements run on another session
  std::optional<LiveStatus> live_;                // the live line (a terminal, or -v), with a separate observer
  std::optional<LiveStatus> top_level_live_;
  Connection* top_level_conn_ = nullptr;     // that session, once used
  const LockWatcher* explaining_ = nullptr;  // the watcher of the session whose call failed last
  int sample_ms_ = 250;                      // how often a watcher samples lock waits
  bool top_level_reported_ = false;          // apply_top_level said what became of its statement
  std::string data_source_uid_;
  std::vector<RevisionLintFinding> lint_findings_;

  const std::string& data_source_uid();
  // While calls run: samples lock waits (the interval fits the lock
  // timeout) and notices interrupts (SignalGuard).
  void watch_locks(const MigrationRequest& request);
  // After an interrupt: settles what still runs on the server (cancels
  // it) and says what became of it.
  void report_interrupt();
  // Runs `operation`; a ServerError leaving it gets its file:line and the
  // sessions that blocked it, an interrupt cancels what still runs.
  MigrationReport reporting_errors(const std::function<MigrationReport()>& operation);
  // Names the sessions that blocked a lock wait (55P03, 57014) or hold
  // the provider's lock.
  void explain(ServerError& error) const;
  // Refuses an upgrade/downgrade while an interruption is unresolved
  // (forgets records the database has resolved meanwhile).
  void check_interruption(const MigrationRequest& request);
  // Whether the interrupted step is still to do against `heads`.
  bool still_pending(const UnfinishedRevision& interrupted, const std::vector<std::string>& heads) const;
  // Lints the sections the plan will run; prints the findings; throws
  // with --strict-lint when there are any.
  void lint_plan(const MigrationRequest& request, const std::vector<std::string>& revisions);
  MigrationReport finish_interrupted(const MigrationRequest& request, const UnfinishedRevision& interrupted,
                                     bool run_rest);
  MigrationReport finish_interrupted_step(const MigrationRequest& request, const UnfinishedRevision& interrupted,
                                          bool run_rest);
  // Notes naming INVALID indexes in the provider's schemas.
  void note_invalid_indexes(ServerError& error) const;
  // Top-level statements (top_level.cpp): one statement, retried like the
  // server retries revisions when its lock wait times out; a concurrent
  // index build that fails or is cancelled leaves no INVALID index.
  void run_top_level_statement(Connection& session, const MigrationRequest& request, const std::string& revision,
                               const std::string& text, const std::string& name, bool index_build,
                               const std::set<std::string>& invalid_before);
  std::set<std::string> invalid_indexes(const Connection& session) const;
  // Drops the INVALID indexes that are not in `before`; says so in `notes`
  // (or as a note when null).
  void drop_invalid_indexes(const Connection& session, const std::set<std::string>& before,
                            std::vector<std::string>* notes) const;

  // Round trip 1 of an upgrade, downgrade or repair: BEGIN, the provider's
  // lock (at once with --no-wait), the settings, upload, reserve, the
  // heads and (with `with_plan`) the server's plan. Leaves the transaction
  // open: the caller commits it or an OpenTransaction rolls it back.
  MigrationPlan open(const MigrationRequest& request, bool with_plan);
  // Keeps the provider's lock (a session-level advisory lock on the key
  // the extension uses) past the COMMIT of the transaction open() began,
  // for modes that commit more than once; released when it ends.
  class ProviderLock;
  // Says who holds the provider's lock before waiting for it.
  void announce_wait(const MigrationRequest& request) const;

  MigrationReport run_stamp(const MigrationRequest& request);
  MigrationReport run_in_one_transaction(const MigrationRequest& request, const MigrationPlan& plan);
  MigrationReport run_per_revision(const MigrationRequest& request, const MigrationPlan& plan);
  MigrationReport run_in_parts(const MigrationRequest& request, const MigrationPlan& plan);

  MigrationReport new_report(const MigrationRequest& request, const char* mode) const;
  // lock_timeout, statement_timeout and (with `retries`, for revisions the
  // server runs) the lock retry settings.
  std::vector<Query> settings(const MigrationRequest& request, bool local, bool retries = true) const;
  // Finalize (and the hook) in a transaction of their own.
  void finalize_in_own_transaction(const MigrationRequest& request, MigrationReport& report);
  void take_finalized(const PgResult& result, MigrationReport& report) const;

  // One transaction applying exactly `run` with metamigrate.apply_step.
  nlohmann::json apply_run(const MigrationRequest& request, const std::vector<std::size_t>& run,
                           mm::Direction direction, MigrationReport& report);
  // Runs a non-transactional revision's statements at top level, then
  // records the step; returns record_step's result.
  // `first` (0-based) skips statements that already ran (repair --resume).
  nlohmann::json apply_top_level(const MigrationRequest& request, std::size_t node, mm::Direction direction,
                                 AppliedStep* step, std::size_t first = 0);

  void report_progress(const AppliedStep& step);
  // Live progress from the server: with the setting metamigrate.progress
  // on, the extension sends a NOTICE "metamigrate progress" after each
  // step, its detail a JSON object {step, of, revision, duration_ms}.
  // Returns the settings query to send (if any).
  std::vector<Query> progress_settings(bool local);
  // Every NOTICE of the migration connection: progress, lock retries
  // (both JSON details the client reads), the rest printed.
  void on_server_notice(const PGresult* notice);
  void add_steps(MigrationReport& report, const nlohmann::json& server_result);
};

}  // namespace mmc
