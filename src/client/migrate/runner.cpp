#include "client/migrate/runner.hpp"

#include <algorithm>
#include <set>
#include <chrono>

#include "client/migrate/lock_report.hpp"
#include "client/provider/new_revision.hpp"
#include "client/os/signal_guard.hpp"
#include "client/provider/sql_split.hpp"
#include "core/error.hpp"
#include "core/sql_text.hpp"

namespace mmc {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<std::string> string_list(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_array())
    for (const auto& item : value) out.push_back(item.get<std::string>());
  return out;
}

mm::Direction direction_of(Operation op) {
  return op == Operation::Downgrade ? mm::Direction::Downgrade : mm::Direction::Upgrade;
}

// Rolls back the transaction block a multi-round-trip operation opened,
// unless it was committed.
class OpenTransaction {
 public:
  explicit OpenTransaction(const Connection& conn) : conn_(conn) {}
  ~OpenTransaction() { conn_.rollback_if_open(); }
  OpenTransaction(const OpenTransaction&) = delete;
  OpenTransaction& operator=(const OpenTransaction&) = delete;

 private:
  const Connection& conn_;
};

// While a call on `conn` waits for the server: an interrupt (SignalGuard)
// is noticed within its poll interval, and `watcher` (if any) samples the
// lock waits of the session it watches every `sample_ms`.
void watch_session(Connection& conn, LockWatcher* watcher, int sample_ms) {
  if (!watcher) {
    SignalGuard::watch(conn);
    return;
  }
  auto last_sample = std::make_shared<Clock::time_point>(Clock::now());
  conn.on_wait(
      [watcher, sample_ms, last_sample] {
        SignalGuard::throw_if_received();
        if (Clock::now() - *last_sample < std::chrono::milliseconds(sample_ms)) return;
        watcher->sample();
        *last_sample = Clock::now();
      },
      std::min(sample_ms, SignalGuard::kPollIntervalMs));
}

// The first line of a statement, for messages.
std::string statement_excerpt(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ';' || line.back() == ' ' || line.back() == '\r')) line.pop_back();
  if (line.size() > 60) line = line.substr(0, 57) + "...";
  return line;
}

}  // namespace

class MigrationRunner::SessionLock {
 public:
  SessionLock(MigrationRunner& runner, const MigrationRequest& request) : runner_(runner) {
    if (runner.holding_session_lock_) return;  // taken by an outer mode already
    if (!request.no_wait) runner.announce_wait(request);
    std::vector<Query> locking{sql::begin()};
    for (Query& q : runner.settings(request, true)) locking.push_back(std::move(q));
    // try_lock_provider takes the transaction-level lock or fails naming
    // the holder; the session-level lock on the same key is then granted
    // at once (a backend never conflicts with itself) and outlives COMMIT.
    if (request.no_wait) locking.push_back(sql::try_lock_provider(runner.key_));
    locking.push_back(sql::lock_provider(runner.key_));
    locking.push_back(sql::commit());
    runner.conn_.pipeline(locking);
    runner.holding_session_lock_ = owner_ = true;
  }
  ~SessionLock() {
    if (!owner_) return;
    runner_.holding_session_lock_ = false;
    try {
      runner_.conn_.rollback_if_open();
      runner_.conn_.query(sql::unlock_provider(runner_.key_));
    } catch (...) {
      // The lock also ends with the session.
    }
  }
  SessionLock(const SessionLock&) = delete;
  SessionLock& operator=(const SessionLock&) = delete;

 private:
  MigrationRunner& runner_;
  bool owner_ = false;
};

nlohmann::json MigrationReport::to_json() const {
  nlohmann::json steps_json = nlohmann::json::array();
  for (const AppliedStep& s : steps)
    steps_json.push_back({{"revision", s.revision},
                          {"direction", s.direction},
                          {"message", s.message},
                          {"statements", s.statements},
                          {"duration_ms", s.duration_ms},
                          {"transactional", s.transactional}});
  nlohmann::json doc = {{"provider", provider},
                        {"operation", operation},
                        {"target", target},
                        {"mode", mode},
                        {"from", from},
                        {"to", to},
                        {"steps", steps_json},
                        {"transactions", transactions},
                        {"duration_ms", duration_ms}};
  if (!catalog.is_null()) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : catalog.value("tables", nlohmann::json::array()))
      tables.push_back({{"uid", t.value("uid", "")},
                        {"identifier", t.value("identifier", "")},
                        {"schema_name", t.value("schema_name", "")},
                        {"table_name", t.value("table_name", "")},
                        {"status", t.value("status", "")}});
    doc["catalog"] = {{"counts", catalog.value("counts", nlohmann::json::object())}, {"tables", tables}};
  }
  doc["after_register"] = hook.empty() ? nlohmann::json() : nlohmann::json(hook);
  nlohmann::json findings = nlohmann::json::array();
  for (const RevisionLintFinding& f : lint) findings.push_back(f.to_json());
  doc["lint"] = findings;
  doc["executed_by"] = executed_by;
  return doc;
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
      journal_(provider) {
  if (&observer != &connection) watcher_.emplace(observer, connection.backend_pid());
  explaining_ = watcher_ ? &*watcher_ : nullptr;
  watch_session(conn_, nullptr, sample_ms_);
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
  watch_session(conn_, watcher_ ? &*watcher_ : nullptr, sample_ms_);
}

void MigrationRunner::explain(ServerError& error) const {
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

MigrationReport MigrationRunner::run(const MigrationRequest& request) {
  const auto started = Clock::now();
  MigrationReport report;
  watch_locks(request);
  try {
    if (request.operation != Operation::Stamp) check_interruption(request);
    if (request.operation == Operation::Stamp)
      report = run_stamp(request);
    else if (provider_.has_non_transactional())
      report = run_in_parts(request);
    else if (request.transaction_per_revision)
      report = run_per_revision(request);
    else
      report = run_in_one_transaction(request);
  } catch (ServerError& e) {
    annotate_server_error(e, &provider_);
    explain(e);
    throw;
  } catch (const Interrupted&) {
    report_interrupt();
    throw;
  }
  report.target = request.target;
  report.lint = lint_findings_;
  report.executed_by = conn_.user();
  report.duration_ms = ms_since(started);
  return report;
}

MigrationReport MigrationRunner::new_report(const MigrationRequest& request, const char* mode) const {
  MigrationReport report;
  report.provider = key_;
  report.operation = operation_name(request.operation);
  report.target = request.target;
  report.mode = mode;
  return report;
}

std::vector<Query> MigrationRunner::settings(const MigrationRequest& request, bool local) const {
  std::vector<Query> queries;
  if (!request.lock_timeout_ms.empty())
    queries.push_back(sql::set_config("lock_timeout", request.lock_timeout_ms, local));
  if (!request.statement_timeout_ms.empty())
    queries.push_back(sql::set_config("statement_timeout", request.statement_timeout_ms, local));
  return queries;
}

void MigrationRunner::announce_wait(const MigrationRequest& request) const {
  if (holding_session_lock_ || request.no_wait || out_.quiet()) return;
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

MigrationReport MigrationRunner::run_stamp(const MigrationRequest& request) {
  // One round trip: upload and stamp in one transaction.
  std::vector<Query> queries{sql::begin()};
  if (request.no_wait) queries.push_back(sql::try_lock_provider(key_));
  queries.push_back(sql::upload_revisions(provider_));
  const std::size_t call = queries.size();
  queries.push_back(sql::migrate(request.operation, key_, request.target, request.purge));
  queries.push_back(sql::commit());
  announce_wait(request);
  out_.detail("server: upload_revisions (" + std::to_string(provider_.files().size()) + " revisions), stamp('" +
              request.target + "') in one transaction");
  const nlohmann::json result = json_value(conn_.pipeline(queries)[call]);
  MigrationReport report = new_report(request, "one transaction");
  report.from = string_list(result.value("from", nlohmann::json::array()));
  report.to = string_list(result.value("to", nlohmann::json::array()));
  report.transactions = 1;
  return report;
}

MigrationReport MigrationRunner::run_in_one_transaction(const MigrationRequest& request) {
  // Round trip 1 opens the transaction: lock (with --no-wait), upload, reserve.
  std::vector<Query> queries{sql::begin()};
  if (request.no_wait) queries.push_back(sql::try_lock_provider(key_));
  for (Query& q : settings(request, true)) queries.push_back(std::move(q));
  for (Query& q : progress_settings(true)) queries.push_back(std::move(q));
  queries.push_back(sql::upload_revisions(provider_));
  std::size_t reserve_at = 0;
  if (lifecycle_.has_tables()) {
    reserve_at = queries.size();
    queries.push_back(lifecycle_.reserve());
  }
  std::size_t plan_at = 0;
  if (request.lint) {
    plan_at = queries.size();
    queries.push_back(sql::plan(key_, mm::to_string(direction_of(request.operation)), request.target));
  }
  announce_wait(request);
  out_.detail("server: upload_revisions (" + std::to_string(provider_.files().size()) + " revisions)" +
              (reserve_at ? ", reserve (" + std::to_string(provider_.manifest().metatables.size()) + " tables)" : "") +
              ", then " + operation_name(request.operation) + "('" + request.target + "'), finalize" +
              (lifecycle_.hook().empty() ? "" : ", " + lifecycle_.hook()) + ", all in one transaction");
  std::vector<PgResult> opened = conn_.pipeline(queries);
  OpenTransaction transaction(conn_);
  if (reserve_at) lifecycle_.reserved(json_value(opened[reserve_at]));
  if (plan_at) lint_plan(request, column_values(opened[plan_at]));
  if (!conn_.in_transaction())
    throw OperationError("the migration transaction ended unexpectedly; nothing was applied");

  // Round trip 2: migrate, finalize (+ hook), commit.
  std::vector<PgResult> results =
      conn_.pipeline({sql::migrate(request.operation, key_, request.target),
                      lifecycle_.finalize(operation_name(request.operation)), sql::commit()});
  const nlohmann::json result = json_value(results[0]);
  MigrationReport report = new_report(request, "one transaction");
  report.from = string_list(result.value("from", nlohmann::json::array()));
  report.to = string_list(result.value("to", nlohmann::json::array()));
  report.transactions = 1;
  progress_total_ = result.value("steps", nlohmann::json::array()).size();
  add_steps(report, result);
  take_finalized(results[1], report);
  return report;
}

void MigrationRunner::take_finalized(const PgResult& result, MigrationReport& report) const {
  report.catalog = json_value(result);
  report.hook = lifecycle_.hook();
}

std::vector<std::string> MigrationRunner::prepare_in_own_transaction(const MigrationRequest& request) {
  std::vector<Query> queries{sql::begin()};
  for (Query& q : settings(request, true)) queries.push_back(std::move(q));
  queries.push_back(sql::upload_revisions(provider_));
  std::size_t reserve_at = 0;
  if (lifecycle_.has_tables()) {
    reserve_at = queries.size();
    queries.push_back(lifecycle_.reserve());
  }
  queries.push_back(sql::commit());
  queries.push_back(sql::current(key_));
  out_.detail("server: upload_revisions" + std::string(reserve_at ? ", reserve" : "") + " in one transaction");
  std::vector<PgResult> results = conn_.pipeline(queries);
  if (reserve_at) lifecycle_.reserved(json_value(results[reserve_at]));
  return column_values(results.back());
}

void MigrationRunner::finalize_in_own_transaction(const MigrationRequest& request, MigrationReport& report) {
  out_.detail("server: finalize" + (lifecycle_.hook().empty() ? std::string() : ", " + lifecycle_.hook()) +
              " in one transaction");
  std::vector<PgResult> results;
  try {
    results = conn_.pipeline({sql::begin(), lifecycle_.finalize(operation_name(request.operation)), sql::commit()});
  } catch (ServerError& e) {
    std::vector<std::string> applied;
    for (const AppliedStep& step : report.steps) applied.push_back(step.revision);
    e.notes.push_back("The " + report.operation + " itself (" + report.mode + ") is committed (" +
                      (applied.empty() ? std::string("no revision to apply") : mm::join(applied)) +
                      "); only the catalog step failed and was rolled back" +
                      (lifecycle_.hook().empty() ? "" : ", and the after_register hook did not run") +
                      ". Fix the cause and run the command again: it finalizes then.");
    throw;
  }
  take_finalized(results[1], report);
  ++report.transactions;
}

MigrationReport MigrationRunner::run_per_revision(const MigrationRequest& request) {
  SessionLock lock(*this, request);
  const std::vector<std::string> heads = prepare_in_own_transaction(request);
  if (request.lint) {
    // The server's graph is the local one (the upload pruned it), so the
    // local planner says what the procedure will run; a target it
    // rejects is left for the server to report.
    try {
      mm::Planner planner(provider_.graph(), heads);
      const mm::Plan plan =
          request.operation == Operation::Upgrade ? planner.upgrade(request.target) : planner.downgrade(request.target);
      std::vector<std::string> revisions;
      for (const mm::PlanStep& step : plan.steps) revisions.push_back(provider_.graph().id(step.node));
      lint_plan(request, revisions);
    } catch (const mm::Error&) {
    }
  }
  MigrationReport report = new_report(request, "transaction per revision");

  // The procedure commits between revisions, so it runs outside any
  // transaction block: the settings are the session's for its duration.
  std::vector<Query> session = settings(request, false);
  for (Query& q : progress_settings(false)) session.push_back(std::move(q));
  if (!session.empty()) conn_.pipeline(session);
  auto reset = [&] {
    try {
      conn_.run_statement("RESET lock_timeout; RESET statement_timeout; RESET metamigrate.progress");
    } catch (...) {
      // Reported by the caller's error already; the session ends soon.
    }
  };
  out_.detail(std::string("server: CALL metamigrate.") + operation_name(request.operation) + "_per_revision('" +
              request.target + "'), committing after every revision");
  const std::vector<std::string> before = column_values(conn_.query(sql::current(key_)));
  nlohmann::json result;
  try {
    result = json_value(conn_.query(sql::migrate_per_revision(request.operation, key_, request.target)));
  } catch (ServerError& e) {
    reset();
    try {
      const std::vector<std::string> now = column_values(conn_.query(sql::current(key_)));
      if (now != before)
        e.notes.push_back(
            "The revisions before the failing one are committed (one transaction per revision): the "
            "version table now holds " +
            (now.empty() ? std::string("no revision") : mm::join(now)) +
            ". Managed tables they created stay reserved until the next successful " +
            operation_name(request.operation) + " finalizes them.");
      else
        e.notes.push_back("Nothing was committed: the version table still holds " +
                          (now.empty() ? std::string("no revision") : mm::join(now)) + ".");
    } catch (...) {
      // The connection may be gone; the error itself says enough.
    }
    throw;
  }
  reset();
  report.from = string_list(result.value("from", nlohmann::json::array()));
  report.to = string_list(result.value("to", nlohmann::json::array()));
  progress_total_ = result.value("steps", nlohmann::json::array()).size();
  add_steps(report, result);
  report.transactions = 1 + static_cast<int>(report.steps.size());
  finalize_in_own_transaction(request, report);
  return report;
}

void MigrationRunner::add_steps(MigrationReport& report, const nlohmann::json& server_result) {
  for (const auto& s : server_result.value("steps", nlohmann::json::array())) {
    AppliedStep step;
    step.revision = s.value("revision", "");
    step.direction = s.value("direction", "");
    step.statements = s.value("statements", 0);
    step.duration_ms = s.value("duration_ms", 0.0);
    if (const RevisionFile* file = provider_.find_file(step.revision)) step.message = file->revision.message;
    report_progress(step);
    report.steps.push_back(std::move(step));
  }
}

std::vector<Query> MigrationRunner::progress_settings(bool local) {
  if (!out_.wants_progress(static_cast<std::size_t>(-1))) return {};
  conn_.on_notice([this](const PGresult* notice) {
    const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(notice, PG_DIAG_MESSAGE_DETAIL);
    if (!message || std::string(message) != mm::protocol::kProgressNotice || !detail) return conn_.print_notice(notice);
    const nlohmann::json step = nlohmann::json::parse(detail, nullptr, false);
    if (!step.is_object()) return;
    const std::size_t total = step.value("of", std::size_t{0});
    const std::string revision = step.value("revision", "");
    const RevisionFile* file = provider_.find_file(revision);
    if (out_.wants_progress(total))
      out_.progress(step.value("step", std::size_t{0}), total, revision, file ? file->revision.message : "",
                    step.value("duration_ms", 0.0));
    server_reported_progress_ = true;
  });
  return {sql::set_config("metamigrate.progress", "on", local)};
}

void MigrationRunner::report_progress(const AppliedStep& step) {
  ++progress_index_;
  if (server_reported_progress_) return;  // already shown live
  if (out_.wants_progress(progress_total_))
    out_.progress(progress_index_, progress_total_, step.revision, step.message, step.duration_ms);
}

MigrationReport MigrationRunner::run_in_parts(const MigrationRequest& request) {
  const mm::RevisionGraph& graph = provider_.graph();
  const mm::Direction direction = direction_of(request.operation);

  // Hold the provider's lock for the whole operation: the parts are
  // separate transactions, and no other migrator may slip in between.
  SessionLock lock(*this, request);
  std::vector<std::string> heads = prepare_in_own_transaction(request);

  mm::Plan plan;
  try {
    mm::Planner planner(graph, heads);
    plan = direction == mm::Direction::Upgrade ? planner.upgrade(request.target) : planner.downgrade(request.target);
  } catch (const mm::Error& e) {
    throw ServerError(e.sqlstate(), e.what(), e.detail(), e.hint(), "planning " + key_ + " on the client");
  }

  // Consecutive transactional steps form one run; each non-transactional
  // step is a part of its own.
  std::vector<std::vector<std::size_t>> parts;
  std::vector<std::string> top_level;
  for (const mm::PlanStep& step : plan.steps) {
    const bool transactional = graph.at(step.node).transactional;
    if (!transactional) top_level.push_back(graph.id(step.node));
    if (parts.empty() || !transactional || !graph.at(parts.back().back()).transactional) parts.emplace_back();
    parts.back().push_back(step.node);
  }
  // Nothing special on this path: the usual modes (the lock stays ours).
  if (top_level.empty())
    return request.transaction_per_revision ? run_per_revision(request) : run_in_one_transaction(request);
  if (request.lint) {
    std::vector<std::string> revisions;
    for (const mm::PlanStep& step : plan.steps) revisions.push_back(graph.id(step.node));
    lint_plan(request, revisions);
  }

  MigrationReport report = new_report(request, "in parts");
  report.from = plan.heads_before;
  progress_total_ = plan.steps.size();
  out_.note("note: " + mm::join(top_level) + (top_level.size() == 1 ? " is" : " are") + " non-transactional: this " +
            report.operation + " runs in " + std::to_string(parts.size()) +
            " parts, each committed on its own (transactional runs in their own transaction, " +
            "non-transactional statements outside any); a failure stops at that part and keeps the parts before it");

  for (const std::vector<std::size_t>& part : parts) {
    if (graph.at(part.front()).transactional) {
      const nlohmann::json last = apply_run(request, part, direction, report);
      heads = string_list(last.value("to", nlohmann::json::array()));
    } else {
      AppliedStep step;
      const nlohmann::json recorded = apply_top_level(request, part.front(), direction, &step);
      heads = string_list(recorded.value("to", nlohmann::json::array()));
      report_progress(step);
      report.steps.push_back(std::move(step));
      ++report.transactions;
    }
  }
  report.to = heads;
  finalize_in_own_transaction(request, report);
  return report;
}

nlohmann::json MigrationRunner::apply_run(const MigrationRequest& request, const std::vector<std::size_t>& run,
                                          mm::Direction direction, MigrationReport& report) {
  // One apply_step per planned revision: the server checks that each is
  // legal against the version table at that moment, so the run takes
  // exactly the planned steps, also downgrades on branched graphs.
  const mm::RevisionGraph& graph = provider_.graph();
  std::vector<Query> queries{sql::begin()};
  for (Query& q : settings(request, true)) queries.push_back(std::move(q));
  const std::size_t first_call = queries.size();
  for (std::size_t node : run) queries.push_back(sql::apply_step(key_, graph.id(node), mm::to_string(direction)));
  queries.push_back(sql::commit());
  out_.detail(std::string("server: apply_step ") + mm::join(graph.ids(run)) + " (" + mm::to_string(direction) +
              ") in one transaction");
  std::vector<PgResult> results = conn_.pipeline(queries);
  nlohmann::json last;
  for (std::size_t i = 0; i < run.size(); ++i) {
    last = json_value(results[first_call + i]);
    add_steps(report, last);
  }
  ++report.transactions;
  return last;
}

nlohmann::json MigrationRunner::apply_top_level(const MigrationRequest& request, std::size_t node,
                                                mm::Direction direction, AppliedStep* step, std::size_t first) {
  const RevisionFile& file = provider_.file_of(node);
  const bool upgrade = direction == mm::Direction::Upgrade;
  const std::string& sql_text = upgrade ? file.revision.upgrade_sql : file.revision.downgrade_sql;
  const std::vector<SqlStatement> statements = split_sql(sql_text);
  const Manifest& m = provider_.manifest();
  step->revision = file.revision.id;
  step->direction = mm::to_string(direction);
  step->message = file.revision.message;
  step->transactional = false;
  const std::string database_uid = data_source_uid();

  // The server cannot hold these statements to the owner role, so they run
  // on a session whose login has nothing beyond it (a temporary migration
  // login, whoever runs the command), and each is checked afterwards.
  Connection& session = top_level_();
  if (&session != &conn_) {
    // Its lock waits are sampled too (the observer is idle meanwhile).
    if (top_level_conn_ != &session) top_level_watcher_.emplace(observer_, session.backend_pid());
    watch_session(session, &*top_level_watcher_, sample_ms_);
    explaining_ = &*top_level_watcher_;
  }
  top_level_conn_ = &session;
  out_.detail("client: running " + std::to_string(statements.size() - std::min(first, statements.size())) +
              " statement(s) of " + file.revision.id + " outside a transaction, as role " + m.owner_role + " (login " +
              session.user() + ")");

  // The same environment the server gives revision SQL: the owner role
  // (objects it creates belong to it) and the provider's search_path.
  std::vector<Query> setup{sql::set_config("search_path", quote_identifier(m.version_table.schema), false),
                           sql::set_config("role", m.owner_role, false)};
  for (Query& q : settings(request, false)) setup.push_back(std::move(q));
  session.pipeline(setup);
  auto restore = [&] {
    try {
      session.run_statement("RESET ROLE; RESET search_path; RESET lock_timeout; RESET statement_timeout");
    } catch (...) {
      // Reported by the caller's error already; the session ends soon.
    }
  };
  // The journal entry of this revision, rewritten before every statement.
  UnfinishedRevision interrupted;
  interrupted.data_source_uid = database_uid;
  interrupted.database = conn_.describe();
  interrupted.provider = key_;
  interrupted.revision = file.revision.id;
  interrupted.direction = step->direction;
  interrupted.statements = static_cast<int>(statements.size());
  auto statement_name = [&](std::size_t i) {
    return "statement " + std::to_string(i + 1) + " (" + statement_excerpt(statements[i].text) + ") of revision " +
           file.revision.id;
  };
  // Statement i+1 did not complete (or, `ran`, it completed and the client
  // stopped after it): statements 1-i are committed. Records that in the
  // journal (forgets the revision when nothing of it ran) and says so.
  auto record_stop = [&](std::size_t i, const std::string& sqlstate, const std::string& error, bool ran,
                         std::vector<std::string>* notes) {
    interrupted.failed_statement = static_cast<int>(i + 1);
    interrupted.sqlstate = sqlstate;
    interrupted.error = error;
    interrupted.state = "failed";
    if (i == 0 && !ran) {
      if (notes) notes->push_back("Nothing of revision " + file.revision.id + " ran; it is not recorded as applied.");
      journal_.clear(database_uid, key_, out_);
      return;
    }
    journal_.record(interrupted, out_);
    if (!notes) return;
    const std::string before = i == 0 ? std::string("No statement before it ran")
                                      : "Statements 1-" + std::to_string(i) + " of revision " + file.revision.id +
                                            " ran and are committed (non-transactional)";
    notes->push_back(before + "; statement " + std::to_string(i + 1) +
                     (ran ? " ran (what it did is committed) and the client stopped after it," : " failed") +
                     " and the revision is not recorded as applied. Recorded in " + journal_.path() +
                     ": 'metamigrate current' shows it and 'metamigrate " + step->direction +
                     "' refuses to run the revision again from statement 1.");
    notes->push_back("Resolve it with 'metamigrate repair --resume' (runs statements " + std::to_string(i + 1) + "-" +
                     std::to_string(statements.size()) +
                     " and records the revision), 'metamigrate repair --mark-applied' (you finished it by hand) "
                     "or 'metamigrate repair --forget' (you undid statements 1-" +
                     std::to_string(ran ? i + 1 : i) + " by hand).");
  };
  const auto started = Clock::now();
  for (std::size_t i = first; i < statements.size(); ++i) {
    const SqlStatement& statement = statements[i];
    if (SignalGuard::received()) {
      // Between statements: statement i+1 never started.
      if (i > 0) record_stop(i, "57014", "not run: the client was interrupted before it", false, nullptr);
      top_level_reported_ = true;
      restore();
      out_.note("note: interrupted before " + statement_name(i) + " started" +
                (i > 0 ? "; statements 1-" + std::to_string(i) + " ran and are committed ('metamigrate repair')"
                       : std::string()));
      SignalGuard::throw_if_received();
    }
    interrupted.failed_statement = static_cast<int>(i + 1);
    interrupted.location = file.path + ":" + std::to_string(file.file_line(upgrade, statement.line));
    interrupted.state = "running";
    interrupted.sqlstate.clear();
    interrupted.error.clear();
    interrupted.at = utc_timestamp();
    journal_.record(interrupted, out_);
    std::optional<ServerError> error;
    bool role_changed = false;
    try {
      session.run_statement(statement.text);
    } catch (const Interrupted& stop) {
      // Cancel the statement on the server and wait for its end, so what
      // the journal says is what happened.
      const std::string pid = std::to_string(session.backend_pid());
      const Connection::CancelOutcome outcome = session.cancel_running_query();
      top_level_reported_ = true;
      if (outcome == Connection::CancelOutcome::Cancelled) {
        record_stop(i, "57014", std::string("canceled: the client was ") + stop.what(), false, nullptr);
        restore();
        out_.note("note: cancelled " + statement_name(i) + " on the server (backend pid " + pid + ")" +
                  (i > 0 ? "; statements 1-" + std::to_string(i) + " ran and are committed ('metamigrate repair')"
                         : "; nothing of the revision ran"));
      } else if (outcome == Connection::CancelOutcome::Abandoned) {
        out_.warning("the server did not confirm the cancel of " + statement_name(i) + " (backend pid " + pid +
                     "); it may still be running: SELECT pg_cancel_backend(" + pid +
                     "); then see 'metamigrate current'");
      } else {
        out_.note("note: " + statement_name(i) + " completed before the cancel reached it (recorded in " +
                  journal_.path() + " as running: see 'metamigrate current' and 'metamigrate repair')");
      }
      throw;
    } catch (const ServerError& server_error) {
      error = server_error;
    } catch (const OperationError& failure) {
      // The connection is gone: the statement may or may not have run.
      throw OperationError(std::string(failure.what()) + " while statement " + std::to_string(i + 1) + " of " +
                               file.revision.id + " (non-transactional) ran",
                           "It may or may not have completed. 'metamigrate current' shows the record in " +
                               journal_.path() + "; resolve it with 'metamigrate repair'.");
    }
    if (!error) {
      // A statement may leave the owner role (RESET ROLE, SET ROLE, SET
      // SESSION AUTHORIZATION, DISCARD ALL, a DO block EXECUTEing one):
      // nothing after it may run.
      // (No cast or operator: their names would resolve through a
      // search_path the statement may have changed.)
      const std::string now_role = session.query("SELECT current_user").text(0, 0);
      if (now_role != m.owner_role) {
        role_changed = true;
        error.emplace("42501",
                      statement_name(i) + " changed the role: the session runs as \"" + now_role +
                          "\" after it, not as the owner role \"" + m.owner_role + "\"; nothing after it ran",
                      "Revision SQL runs as the provider's owner role and must not change it.",
                      "Remove SET ROLE, RESET ROLE, SET SESSION AUTHORIZATION, RESET ALL and DISCARD ALL (also "
                      "in EXECUTEd SQL) from the revision.",
                      "");
      }
    }
    if (error) {
      ServerError e = *error;
      restore();
      const std::size_t offset = byte_offset_of_character(statement.text, e.statement_position());
      const int sql_line = statement.line + mm::line_at(statement.text, offset) - 1;
      e.set_context("metamigrate provider " + key_ + ", revision " + file.revision.id + " (" + step->direction +
                    "), statement " + std::to_string(i + 1) + ", line " + std::to_string(sql_line) +
                    " (run by the client outside a transaction)");
      e.location = file.path + ":" + std::to_string(file.file_line(upgrade, sql_line));
      // What the next run must know: recorded in the journal, and said now.
      interrupted.location = e.location;
      record_stop(i, e.sqlstate(), e.what(), role_changed, &e.notes);
      note_invalid_indexes(e);
      throw e;
    }
  }
  step->duration_ms = ms_since(started);
  step->statements = static_cast<int>(statements.size() - std::min(first, statements.size()));
  restore();
  explaining_ = watcher_ ? &*watcher_ : nullptr;
  nlohmann::json recorded =
      json_value(conn_.query(sql::record_step(key_, file.revision.id, step->direction, step->duration_ms)));
  journal_.clear(database_uid, key_, out_);
  return recorded;
}

void MigrationRunner::note_invalid_indexes(ServerError& error) const {
  // A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind.
  try {
    std::string schemas = "{";
    for (const std::string& schema : provider_.manifest().schemas) schemas += quote_identifier(schema) + ",";
    schemas += quote_identifier(provider_.manifest().version_table.schema) + "}";
    const PgResult invalid = conn_.query(
        "SELECT i.indexrelid::pg_catalog.regclass::text FROM pg_catalog.pg_index i "
        "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT i.indisvalid AND n.nspname = ANY ($1::text[]) ORDER BY 1",
        {schemas});
    for (int row = 0; row < invalid.rows(); ++row)
      error.notes.push_back("index " + invalid.text(row, 0) +
                            " is INVALID (left by a failed CREATE INDEX CONCURRENTLY): drop it with DROP INDEX "
                            "CONCURRENTLY " +
                            invalid.text(row, 0) + " before running the statement again");
  } catch (...) {
    // Only advice.
  }
}

const std::string& MigrationRunner::data_source_uid() {
  if (data_source_uid_.empty()) data_source_uid_ = conn_.query(sql::data_source_uid()).text(0, 0);
  return data_source_uid_;
}

bool MigrationRunner::still_pending(const UnfinishedRevision& interrupted,
                                    const std::vector<std::string>& heads) const {
  return interruption_pending(interrupted, provider_.graph(), heads);
}

std::optional<UnfinishedRevision> MigrationRunner::interruption() {
  if (journal_.empty()) return std::nullopt;
  return journal_.find(data_source_uid(), key_);
}

void MigrationRunner::check_interruption(const MigrationRequest& request) {
  const std::optional<UnfinishedRevision> interrupted = interruption();
  if (!interrupted) return;
  const std::vector<std::string> heads = column_values(conn_.query(sql::current(key_)));
  if (!still_pending(*interrupted, heads)) {
    out_.note("note: the interrupted revision " + interrupted->revision + " recorded in " + journal_.path() +
              " has been resolved in the database meanwhile; forgetting the record");
    journal_.clear(data_source_uid(), key_, out_);
    return;
  }
  throw OperationError(
      std::string("refusing to ") + operation_name(request.operation) + " " + key_ + ": " + interrupted->describe(),
      "Running it again would repeat statements 1-" + std::to_string(interrupted->failed_statement - 1) + " of " +
          interrupted->revision + ", which are committed already.");
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

MigrationReport MigrationRunner::resume(const MigrationRequest& request, const UnfinishedRevision& interrupted) {
  return finish_interrupted(request, interrupted, true);
}

MigrationReport MigrationRunner::mark_applied(const MigrationRequest& request, const UnfinishedRevision& interrupted) {
  return finish_interrupted(request, interrupted, false);
}

MigrationReport MigrationRunner::finish_interrupted(const MigrationRequest& request,
                                                    const UnfinishedRevision& interrupted, bool run_rest) {
  try {
    return finish_interrupted_step(request, interrupted, run_rest);
  } catch (ServerError& e) {
    annotate_server_error(e, &provider_);
    explain(e);
    throw;
  } catch (const Interrupted&) {
    report_interrupt();
    throw;
  }
}

MigrationReport MigrationRunner::finish_interrupted_step(const MigrationRequest& request,
                                                         const UnfinishedRevision& interrupted, bool run_rest) {
  const auto started = Clock::now();
  watch_locks(request);
  SessionLock lock(*this, request);
  const std::vector<std::string> heads = prepare_in_own_transaction(request);
  const mm::RevisionGraph& graph = provider_.graph();
  const std::size_t node = graph.find(interrupted.revision);
  if (node == mm::RevisionGraph::npos)
    throw OperationError("revision " + interrupted.revision + " of the record is no longer in the local files",
                         "Restore its file, or run 'metamigrate repair --forget' after cleaning up by hand.");
  if (!still_pending(interrupted, heads)) {
    journal_.clear(data_source_uid(), key_, out_);
    throw OperationError("revision " + interrupted.revision + " is already " +
                         (interrupted.direction == "upgrade" ? "applied" : "reverted") +
                         " in the database; the record is dropped and there is nothing to repair");
  }
  const mm::Direction direction =
      interrupted.direction == "upgrade" ? mm::Direction::Upgrade : mm::Direction::Downgrade;
  MigrationReport report = new_report(request, "repair");
  report.operation = run_rest ? "repair --resume" : "repair --mark-applied";
  report.from = heads;
  AppliedStep step;
  nlohmann::json recorded;
  if (run_rest) {
    recorded = apply_top_level(request, node, direction, &step,
                               static_cast<std::size_t>(std::max(0, interrupted.failed_statement - 1)));
  } else {
    step.revision = interrupted.revision;
    step.direction = interrupted.direction;
    step.message = graph.at(node).message;
    step.transactional = false;
    recorded = json_value(conn_.query(sql::record_step(key_, interrupted.revision, interrupted.direction, 0.0)));
    journal_.clear(data_source_uid(), key_, out_);
  }
  report.to = string_list(recorded.value("to", nlohmann::json::array()));
  report.steps.push_back(step);
  report.transactions = 1;
  report.executed_by = conn_.user();
  report.duration_ms = ms_since(started);
  return report;
}

void MigrationRunner::forget(const UnfinishedRevision& interrupted) {
  journal_.clear(interrupted.data_source_uid, interrupted.provider, out_);
}

}  // namespace mmc
