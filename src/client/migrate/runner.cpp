#include "client/migrate/runner.hpp"

#include <algorithm>
#include <set>

#include "client/migrate/runner_support.hpp"
#include "client/os/signal_guard.hpp"
#include "core/error.hpp"
#include "core/lock_retry.hpp"
#include "core/sql_text.hpp"

namespace mmc {

std::vector<std::string> string_list(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_array())
    for (const auto& item : value) out.push_back(item.get<std::string>());
  return out;
}

// While a call on `conn` waits for the server: an interrupt (SignalGuard)
// is noticed within its poll interval, `watcher` (if any) samples the
// lock waits of the session it watches every `sample_ms`, and `live` (if
// any) keeps the live line.
void watch_session(Connection& conn, LockWatcher* watcher, LiveStatus* live, int sample_ms) {
  if (!watcher && !live) {
    SignalGuard::watch(conn);
    return;
  }
  auto last_sample = std::make_shared<Clock::time_point>(Clock::now());
  conn.on_wait(
      [watcher, live, sample_ms, last_sample] {
        SignalGuard::throw_if_received();
        if (live) live->poll();
        if (!watcher || Clock::now() - *last_sample < std::chrono::milliseconds(sample_ms)) return;
        watcher->sample();
        *last_sample = Clock::now();
      },
      std::min(sample_ms, SignalGuard::kPollIntervalMs));
}

MigrationRunner::MigrationRunner(Connection& connection, const Connection& observer, const ProviderDir& provider,
                                 const Output& out, TopLevelSession top_level)
    : conn_(connection),
      observer_(observer),
      top_level_(std::move(top_level)),
      provider_(provider),
      out_(out),
      key_(provider.manifest().key()),
      lifecycle_(provider.manifest()),
      journal_(provider),
      lock_waits_(observer, &observer != &connection, out) {
  if (&observer != &connection) {
    watcher_.emplace(observer, connection.backend_pid());
    if (out.wants_live()) live_.emplace(observer, connection.backend_pid(), out);
  }
  explaining_ = watcher_ ? &*watcher_ : nullptr;
  watch_session(conn_, nullptr, live_ ? &*live_ : nullptr, sample_ms_);
  conn_.on_notice([this](const PGresult* notice) { on_server_notice(notice); });
}

MigrationRunner::~MigrationRunner() {
  // The handlers refer to this runner's watchers: back to the plain interrupt watch.
  conn_.on_notice(nullptr);
  SignalGuard::watch(conn_);
  if (top_level_conn_) SignalGuard::watch(*top_level_conn_);
}

void MigrationRunner::watch_locks(const MigrationRequest& request) {
  sample_ms_ = 250;
  if (!request.lock_timeout_ms.empty() && request.lock_timeout_ms != "0")
    sample_ms_ = std::max(20, std::min(sample_ms_, std::stoi(request.lock_timeout_ms) / 3));
  watch_session(conn_, watcher_ ? &*watcher_ : nullptr, live_ ? &*live_ : nullptr, sample_ms_);
}

void MigrationRunner::explain(ServerError& error) const {
  if (error.sqlstate() == mm::sqlstate::kLockNotAvailable) {
    // After its last attempt the server names the blockers itself.
    if (std::optional<mm::LockWaitReport> wait = mm::parse_lock_wait_json(error.detail())) {
      error.set_detail("");
      lock_waits_.complete(wait->blockers);
      error.notes.push_back("revision " + wait->revision + " could not get its locks in " +
                            std::to_string(wait->attempts) + " attempts; nothing of it is applied");
      for (const mm::LockBlocker& b : wait->blockers) error.notes.push_back("blocked by " + mm::describe_blocker(b));
      if (wait->blockers.empty())
        error.notes.push_back("no session holds a lock on its tables any more: run the command again");
      else
        error.notes.push_back("to end it: SELECT pg_terminate_backend(" + std::to_string(wait->blockers[0].pid) +
                              "); or wait for it and run the command again");
      return;
    }
  }
  if (explaining_ &&
      (error.sqlstate() == mm::sqlstate::kLockNotAvailable || error.sqlstate() == mm::sqlstate::kQueryCanceled) &&
      explaining_->explain(error))
    return;
  explain_lock_error(observer_, provider_, error);
}

void MigrationRunner::report_interrupt() {
  std::vector<Connection*> sessions{&conn_};
  if (top_level_conn_ && top_level_conn_ != &conn_) sessions.push_back(top_level_conn_);
  for (Connection* session : sessions) {
    const std::string pid = std::to_string(session->backend_pid());
    Connection::CancelOutcome outcome = session->cancel_running_query();
    if (outcome == Connection::CancelOutcome::Idle) outcome = session->last_cancel();
    if (session == top_level_conn_ && top_level_reported_) continue;
    switch (outcome) {
      case Connection::CancelOutcome::Idle:
        break;
      case Connection::CancelOutcome::Cancelled:
        out_.note("note: cancelled the call running on the server (backend pid " + pid +
                  "); what it had not committed is rolled back");
        break;
      case Connection::CancelOutcome::Finished:
        out_.note("note: the call running on the server (backend pid " + pid +
                  ") ended before the cancel reached it; 'metamigrate current' shows what is committed");
        break;
      case Connection::CancelOutcome::Abandoned:
        out_.warning("the server did not confirm the cancel of the call running in backend pid " + pid +
                     "; it may still be running: SELECT pg_cancel_backend(" + pid + ");");
        break;
    }
  }
}

MigrationReport MigrationRunner::reporting_errors(const std::function<MigrationReport()>& operation) {
  try {
    return operation();
  } catch (ServerError& e) {
    annotate_server_error(e, &provider_);
    explain(e);
    throw;
  } catch (const Interrupted&) {
    report_interrupt();
    throw;
  }
}

MigrationReport MigrationRunner::run(const MigrationRequest& request) {
  const auto started = Clock::now();
  watch_locks(request);
  // Refused before anything is uploaded when the user may not signal.
  lock_waits_.cancel_blockers_after(request.cancel_blockers_after_ms);
  MigrationReport report = reporting_errors([&] {
    if (request.operation == Operation::Stamp) return run_stamp(request);
    check_interruption(request);
    OpenTransaction transaction(conn_);
    const MigrationPlan plan = open(request, true);
    if (request.lint) lint_plan(request, plan.revisions(provider_.graph()));
    switch (plan.mode) {
      case MigrationMode::TransactionPerRevision:
        return run_per_revision(request, plan);
      case MigrationMode::InParts:
        return run_in_parts(request, plan);
      case MigrationMode::OneTransaction:
        break;
    }
    return run_in_one_transaction(request, plan);
  });
  report.target = request.target;
  report.lint = lint_findings_;
  report.executed_by = conn_.user();
  report.duration_ms = ms_since(started);
  return report;
}

MigrationPlan MigrationRunner::open(const MigrationRequest& request, bool with_plan) {
  std::vector<Query> queries{sql::begin()};
  // With --no-wait the lock comes first and fails at once naming the
  // holder; otherwise upload_revisions waits for it (under lock_timeout).
  if (request.no_wait) queries.push_back(sql::try_lock_provider(key_));
  for (Query& q : settings(request, true)) queries.push_back(std::move(q));
  for (Query& q : progress_settings(true)) queries.push_back(std::move(q));
  queries.push_back(sql::upload_revisions(provider_));
  std::size_t reserve_at = 0;
  if (lifecycle_.has_tables()) {
    reserve_at = queries.size();
    queries.push_back(lifecycle_.reserve());
  }
  const std::size_t heads_at = queries.size();
  queries.push_back(sql::current(key_));
  if (with_plan) queries.push_back(sql::plan(key_, mm::to_string(direction_of(request.operation)), request.target));
  announce_wait(request);
  out_.detail("server: upload_revisions (" + std::to_string(provider_.files().size()) + " revisions)" +
              (reserve_at ? ", reserve (" + std::to_string(provider_.manifest().metatables.size()) + " tables)" : "") +
              (with_plan ? ", plan('" + request.target + "')" : "") + " in the migration's transaction");
  std::vector<PgResult> opened = conn_.pipeline(queries);
  if (reserve_at) lifecycle_.reserved(json_value(opened[reserve_at]));
  if (!conn_.in_transaction())
    throw OperationError("the migration transaction ended unexpectedly; nothing was applied");
  std::vector<std::string> heads = column_values(opened[heads_at]);
  if (!with_plan) return plan_migration(provider_.graph(), std::move(heads), {}, false);
  try {
    MigrationPlan plan = plan_migration(provider_.graph(), std::move(heads), column_values(opened[heads_at + 1]),
                                        request.transaction_per_revision);
    progress_total_ = plan.nodes.size();
    return plan;
  } catch (const mm::Error& e) {
    throw ServerError(e.sqlstate(), e.what(), e.detail(), e.hint(), "planning " + key_ + " on the client");
  }
}

MigrationReport MigrationRunner::new_report(const MigrationRequest& request, const char* mode) const {
  MigrationReport report;
  report.provider = key_;
  report.operation = operation_name(request.operation);
  report.target = request.target;
  report.mode = mode;
  return report;
}

std::vector<Query> MigrationRunner::settings(const MigrationRequest& request, bool local, bool retries) const {
  std::vector<Query> queries;
  if (!request.lock_timeout_ms.empty())
    queries.push_back(sql::set_config("lock_timeout", request.lock_timeout_ms, local));
  if (!request.statement_timeout_ms.empty())
    queries.push_back(sql::set_config("statement_timeout", request.statement_timeout_ms, local));
  if (!retries) return queries;  // the client runs those statements itself
  if (!request.lock_retries.empty())
    queries.push_back(sql::set_config("metamigrate.lock_retries", request.lock_retries, local));
  if (!request.retry_min_ms.empty())
    queries.push_back(sql::set_config("metamigrate.lock_retry_min", request.retry_min_ms, local));
  if (!request.retry_max_ms.empty())
    queries.push_back(sql::set_config("metamigrate.lock_retry_max", request.retry_max_ms, local));
  if (!request.old_transaction_age_ms.empty())
    queries.push_back(sql::set_config("metamigrate.old_transaction_age", request.old_transaction_age_ms, local));
  return queries;
}

void MigrationRunner::announce_wait(const MigrationRequest& request) const {
  if (request.no_wait || out_.quiet()) return;
  try {
    const PgResult holder = observer_.query(sql::provider_lock_holder(key_));
    if (holder.rows() == 0) return;
    out_.note("another migration of provider " + key_ + " is in progress (pid " + holder.text(0, 0) + ", user " +
              holder.text(0, 1) + ", since " + holder.text(0, 2) +
              (holder.text(0, 3).empty() ? "" : ", application " + holder.text(0, 3)) +
              "); waiting for it to finish (--no-wait fails instead)");
  } catch (const ServerError&) {
    // Only a courtesy; the lock itself decides.
  }
}

const std::string& MigrationRunner::data_source_uid() {
  if (data_source_uid_.empty()) data_source_uid_ = conn_.query(sql::data_source_uid()).text(0, 0);
  return data_source_uid_;
}

void MigrationRunner::lint_plan(const MigrationRequest& request, const std::vector<std::string>& revisions) {
  std::vector<LintSection> sections;
  for (const std::string& id : revisions)
    if (const RevisionFile* file = provider_.find_file(id))
      sections.push_back({file, request.operation == Operation::Upgrade});
  if (sections.empty()) return;
  const bool lock_timeout_set = !request.lock_timeout_ms.empty() && request.lock_timeout_ms != "0";
  out_.detail("server: lint of " + std::to_string(sections.size()) + " revision(s) about to run");
  lint_findings_ = lint_sections(conn_, sections, lock_timeout_set);
  if (!out_.json()) {
    // Imported revisions ran under their old tool wherever the history is
    // deployed: their findings are history, summed up in one line (all of
    // them count for --strict-lint and --json).
    std::size_t historical = 0;
    std::set<std::string> historical_revisions, tools;
    for (const RevisionLintFinding& f : lint_findings_) {
      const RevisionFile* file = provider_.find_file(f.revision);
      if (file && !file->imported_from.empty()) {
        ++historical;
        historical_revisions.insert(file->revision.id);
        tools.insert(file->imported_from);
        continue;
      }
      out_.message("lint: " + f.text());
    }
    if (historical)
      out_.message("lint: " + std::to_string(historical) + " finding(s) in " +
                   std::to_string(historical_revisions.size()) + " imported revision(s) not shown (they ran under " +
                   mm::join(std::vector<std::string>(tools.begin(), tools.end())) +
                   " before; 'metamigrate lint' lists them)");
  }
  if (request.strict_lint && !lint_findings_.empty())
    throw OperationError(std::string("refusing to ") + operation_name(request.operation) + " " + key_ +
                             ": lint found " + std::to_string(lint_findings_.size()) +
                             (lint_findings_.size() == 1 ? " problem" : " problems") +
                             " in the revisions it would run (--strict-lint); nothing was applied",
                         "Fix them (docs/lint.md has the safe alternatives), or run without --strict-lint.");
}

}  // namespace mmc
