// The statements of a non-transactional revision, run by the client at
// top level on a session whose login has nothing beyond the owner role,
// with the journal written before each statement (journal.hpp).
#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include "client/migrate/runner.hpp"
#include "client/migrate/runner_support.hpp"
#include "client/os/signal_guard.hpp"
#include "client/provider/new_revision.hpp"
#include "client/provider/sql_split.hpp"
#include "core/lock_retry.hpp"
#include "core/revision_context.hpp"
#include "core/sql_text.hpp"

namespace mmc {

namespace {

// The first line of a statement, for messages.
std::string statement_excerpt(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ';' || line.back() == ' ' || line.back() == '\r')) line.pop_back();
  if (line.size() > 60) line = line.substr(0, 57) + "...";
  return line;
}

}  // namespace

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
    if (top_level_conn_ != &session) {
      top_level_watcher_.emplace(observer_, session.backend_pid());
      top_level_live_.reset();
      if (live_) top_level_live_.emplace(observer_, session.backend_pid(), out_);
    }
    watch_session(session, &*top_level_watcher_, top_level_live_ ? &*top_level_live_ : nullptr, sample_ms_);
    explaining_ = &*top_level_watcher_;
  }
  top_level_conn_ = &session;
  out_.detail("client: running " + std::to_string(statements.size() - std::min(first, statements.size())) +
              " statement(s) of " + file.revision.id + " outside a transaction, as role " + m.owner_role + " (login " +
              session.user() + ")");

  // The same environment the server gives revision SQL: the owner role
  // (objects it creates belong to it) and the provider's search_path.
  std::vector<Query> setup{sql::set_config("search_path", quote_identifier(m.version_table.schema), false),
                           sql::set_config("role", m.owner_role, false),
                           // metamigrate.progress shows the session by this name
                           sql::set_config("application_name", "metamigrate revision " + file.revision.id, false)};
  for (Query& q : settings(request, false, false)) setup.push_back(std::move(q));
  session.pipeline(setup);
  auto restore = [&] {
    try {
      session.run_statement(
          "RESET ROLE; RESET search_path; RESET lock_timeout; RESET statement_timeout; RESET application_name");
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
    const bool index_build = builds_index_concurrently(statement.text);
    const std::set<std::string> invalid_before = index_build ? invalid_indexes(session) : std::set<std::string>();
    try {
      run_top_level_statement(session, request, file.revision.id, statement.text, statement_name(i), index_build,
                              invalid_before);
    } catch (const Interrupted& stop) {
      // Cancel the statement on the server and wait for its end, so what
      // the journal says is what happened.
      const std::string pid = std::to_string(session.backend_pid());
      const Connection::CancelOutcome outcome = session.cancel_running_query();
      top_level_reported_ = true;
      if (outcome == Connection::CancelOutcome::Cancelled) {
        if (index_build) drop_invalid_indexes(session, invalid_before, nullptr);
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
      e.set_context(mm::protocol::format_revision_context(
                        {key_, file.revision.id, step->direction, static_cast<int>(i + 1), sql_line}) +
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
  lock_waits_.fill(*step);
  restore();
  explaining_ = watcher_ ? &*watcher_ : nullptr;
  nlohmann::json recorded =
      json_value(conn_.query(sql::record_step(key_, file.revision.id, step->direction, step->duration_ms)));
  journal_.clear(database_uid, key_, out_);
  return recorded;
}

std::set<std::string> MigrationRunner::invalid_indexes(const Connection& session) const {
  std::vector<std::string> schemas = provider_.manifest().schemas;
  schemas.push_back(provider_.manifest().version_table.schema);
  const PgResult invalid = session.query(
      "SELECT i.indexrelid::pg_catalog.regclass::text FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
      "WHERE NOT i.indisvalid AND n.nspname OPERATOR(pg_catalog.=) ANY "
      "(SELECT pg_catalog.jsonb_array_elements_text($1::pg_catalog.jsonb))",
      {nlohmann::json(schemas).dump()});
  std::set<std::string> names;
  for (int row = 0; row < invalid.rows(); ++row) names.insert(invalid.text(row, 0));
  return names;
}

void MigrationRunner::drop_invalid_indexes(const Connection& session, const std::set<std::string>& before,
                                           std::vector<std::string>* notes) const {
  try {
    for (const std::string& index : invalid_indexes(session)) {
      if (before.count(index)) continue;  // not this build's
      try {
        // The name comes from regclass output: quoted where it must be.
        session.run_statement("DROP INDEX CONCURRENTLY IF EXISTS " + index);
        const std::string said = "dropped the INVALID index " + index + " the failed build left behind";
        if (notes)
          notes->push_back(said);
        else
          out_.note("note: " + said);
      } catch (const ServerError& e) {
        out_.warning("could not drop the INVALID index " + index + " the failed build left (" + e.what() +
                     "): DROP INDEX CONCURRENTLY " + index + ";");
      }
    }
  } catch (const std::exception&) {
    // note_invalid_indexes still names what is left.
  }
}

void MigrationRunner::run_top_level_statement(Connection& session, const MigrationRequest& request,
                                              const std::string& revision, const std::string& text,
                                              const std::string& name, bool index_build,
                                              const std::set<std::string>& invalid_before) {
  mm::LockRetryPolicy policy;
  policy.retries = request.lock_retries.empty() ? 0 : std::stoi(request.lock_retries);
  if (!request.retry_min_ms.empty()) policy.min_ms = std::stoi(request.retry_min_ms);
  if (!request.retry_max_ms.empty()) policy.max_ms = std::stoi(request.retry_max_ms);
  // A concurrent build's waits for older transactions are lock waits: they
  // get their own budget (--index-wait-timeout), as its lock does not
  // queue the application's reads and writes.
  const bool own_budget = index_build && !request.index_wait_timeout_ms.empty();
  auto restore_lock_timeout = [&] {
    if (request.lock_timeout_ms.empty())
      session.run_statement("RESET lock_timeout");
    else
      session.query(sql::set_config("lock_timeout", request.lock_timeout_ms, false));
  };
  std::mt19937 random(std::random_device{}());
  const auto first_started = Clock::now();
  for (int attempt = 1;; ++attempt) {
    try {
      if (own_budget) session.query(sql::set_config("lock_timeout", request.index_wait_timeout_ms, false));
      session.run_statement(text);
      if (own_budget) restore_lock_timeout();
      return;
    } catch (ServerError& e) {
      if (own_budget) {
        try {
          restore_lock_timeout();
        } catch (...) {
          // restore() resets it when the statement's error is reported.
        }
      }
      if (index_build) drop_invalid_indexes(session, invalid_before, &e.notes);
      if (e.sqlstate() != mm::sqlstate::kLockNotAvailable || attempt > policy.retries) throw;
      mm::LockWaitReport wait;
      wait.revision = revision;
      wait.attempt = attempt;
      wait.attempts = policy.retries + 1;
      wait.wait_ms = mm::backoff_ms(policy, attempt, std::uniform_real_distribution<double>(0.0, 1.0)(random));
      wait.waited_ms = static_cast<int>(ms_since(first_started));
      // Who blocked it, as the watcher last saw it wait (pg_blocking_pids).
      if (top_level_watcher_ && &session == top_level_conn_) wait.blockers = top_level_watcher_->blockers();
      lock_waits_.retrying(wait, name, own_budget ? "--index-wait-timeout" : "lock_timeout");
      const auto until = Clock::now() + std::chrono::milliseconds(wait.wait_ms);
      while (Clock::now() < until) {
        SignalGuard::throw_if_received();
        std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(20), until - Clock::now()));
      }
    }
  }
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

}  // namespace mmc
