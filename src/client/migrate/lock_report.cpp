#include "client/migrate/lock_report.hpp"

#include <regex>

#include "client/provider/sql_split.hpp"
#include "client/server/server_api.hpp"
#include "core/protocol.hpp"
#include "core/provider_busy.hpp"
#include "core/revision_context.hpp"

namespace mmc {

namespace {

std::string or_unknown(const std::string& value) { return value.empty() ? "(not visible to you)" : value; }

// "mm_tmp_..." roles are temporary migration logins: say whose.
std::string who(const Connection& observer, const std::string& user) {
  if (user.rfind("mm_tmp_", 0) != 0) return user;
  try {
    const PgResult issued =
        observer.query("SELECT issued_to::text FROM metamigrate.credential WHERE role_name = $1::name", {user});
    if (issued.rows() > 0) return user + " (temporary migration login issued to " + issued.text(0, 0) + ")";
  } catch (const ServerError&) {
  }
  return user;
}

void explain_provider_lock(const Connection& observer, ServerError& error) {
  const std::optional<mm::ProviderBusy> busy = mm::parse_provider_busy_detail(error.detail());
  if (!busy) return;
  error.set_detail("");  // the notes say it in words
  if (!busy->holder) {
    error.notes.push_back(
        "the other migration finished in the meantime or is not visible to you; run the command again.");
    return;
  }
  const mm::ProviderLockHolder& h = *busy->holder;
  const std::string pid = std::to_string(h.pid);
  std::string user = h.user, since = h.since, application = h.application, state, from;
  try {
    const PgResult now = observer.query(
        "SELECT usename::text, COALESCE(xact_start, backend_start)::text, COALESCE(application_name, ''), "
        "COALESCE(state, ''), COALESCE(client_addr::text, 'local') FROM pg_catalog.pg_stat_activity WHERE pid = "
        "$1::int",
        {pid});
    if (now.rows() == 0) {
      error.notes.push_back("pid " + pid + " has finished in the meantime; run the command again.");
      return;
    }
    user = who(observer, now.text(0, 0));
    since = now.text(0, 1);
    application = now.text(0, 2);
    state = now.text(0, 3);
    from = now.text(0, 4);
  } catch (const std::exception&) {
    // What the server said when it refused is enough.
  }
  error.notes.push_back("held by pid " + pid + ", user " + user + ", since " + or_unknown(since) +
                        (application.empty() ? "" : ", application \"" + application + "\"") +
                        (state.empty() ? "" : ", " + state) + (from.empty() ? "" : ", from " + from));
}

void explain_lock_timeout(const Connection& observer, const ProviderDir& provider, ServerError& error) {
  const std::string statement = failing_statement(provider, error);
  if (statement.empty()) return;
  const PgResult holders = observer.query(sql::lock_holders(statement));
  if (holders.rows() == 0) {
    error.notes.push_back(
        "could not tell which session blocked it: nobody holds a lock on the tables the failing "
        "statement names any more; run the command again (or with a longer --lock-timeout)");
    return;
  }
  for (int row = 0; row < holders.rows(); ++row) {
    std::string query = holders.text(row, 6);
    for (char& c : query)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (query.size() > 120) query = query.substr(0, 117) + "...";
    error.notes.push_back("blocked by: " + holders.text(row, 3) + " on " + holders.text(row, 0) + " held by pid " +
                          holders.text(row, 1) + ", user " + who(observer, holders.text(row, 2)) + ", " +
                          or_unknown(holders.text(row, 4)) + ", transaction since " + or_unknown(holders.text(row, 5)) +
                          (query.empty() ? "" : ": " + query));
  }
  error.notes.push_back("to end it: SELECT pg_terminate_backend(" + holders.text(0, 1) +
                        "); or wait for it and run the command again");
}

}  // namespace

void LockWatcher::sample() noexcept {
  if (broken_) return;
  try {
    const PgResult rows = observer_.query(
        "SELECT (SELECT pg_catalog.string_agg(DISTINCT CASE WHEN l.relation IS NOT NULL "
        "          THEN l.relation::pg_catalog.regclass::text ELSE l.locktype END, ', ') "
        "          FROM pg_catalog.pg_locks l WHERE l.pid = $1::int AND NOT l.granted), "
        "       b.pid::text, COALESCE(a.usename::text, ''), COALESCE(a.state, ''), COALESCE(a.xact_start::text, ''), "
        "       COALESCE(a.query, ''), "
        "       (SELECT pg_catalog.string_agg(h.mode || ' on ' || h.relation::pg_catalog.regclass::text, ', ') "
        "          FROM pg_catalog.pg_locks h WHERE h.pid = b.pid AND h.granted AND h.relation IN "
        "               (SELECT w.relation FROM pg_catalog.pg_locks w WHERE w.pid = $1::int AND NOT w.granted)), "
        "       COALESCE(a.application_name, ''), "
        "       COALESCE(EXTRACT(epoch FROM pg_catalog.now() - a.xact_start), 0)::text, "
        "       (SELECT h.mode || ' ' || h.relation::pg_catalog.regclass::text FROM pg_catalog.pg_locks h "
        "          WHERE h.pid = b.pid AND h.granted AND h.relation IN "
        "               (SELECT w.relation FROM pg_catalog.pg_locks w WHERE w.pid = $1::int AND NOT w.granted) "
        "          LIMIT 1), "
        "       EXISTS (SELECT FROM pg_catalog.pg_locks h WHERE h.pid = b.pid AND h.granted) "
        "FROM pg_catalog.unnest(pg_catalog.pg_blocking_pids($1::int)) AS b(pid) "
        "LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = b.pid ORDER BY b.pid",
        {std::to_string(pid_)});
    std::vector<std::string> blockers;
    std::vector<mm::LockBlocker> structured;
    for (int row = 0; row < rows.rows(); ++row) {
      mm::LockBlocker b;
      b.pid = std::atoi(rows.text(row, 1).c_str());
      b.user = rows.text(row, 2);
      b.state = rows.text(row, 3);
      b.query = rows.text(row, 5);
      b.application = rows.text(row, 7);
      b.xact_age_s = std::atof(rows.text(row, 8).c_str());
      const std::string held = rows.text(row, 9);  // "mode relation"
      const std::size_t space = held.find(' ');
      b.lock_mode = held.substr(0, space);
      if (space != std::string::npos) b.relation = held.substr(space + 1);
      b.granted = rows.text(row, 10) == "t";
      structured.push_back(std::move(b));
      std::string query = rows.text(row, 5);
      for (char& c : query)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
      if (query.size() > 120) query = query.substr(0, 117) + "...";
      const std::string holds = rows.text(row, 6);
      blockers.push_back((holds.empty() ? std::string("queued ahead or holding a conflicting lock") : holds) +
                         ": pid " + rows.text(row, 1) + ", user " + who(observer_, rows.text(row, 2)) + ", " +
                         or_unknown(rows.text(row, 3)) + ", transaction since " + or_unknown(rows.text(row, 4)) +
                         (query.empty() ? "" : ": " + query));
    }
    if (blockers.empty()) {
      // Not waiting for a lock (any more): forget an earlier wait.
      waiting_for_.clear();
      blockers_.clear();
      structured_.clear();
      return;
    }
    waiting_for_ = rows.text(0, 0);
    blockers_ = std::move(blockers);
    structured_ = std::move(structured);
    first_blocker_pid_ = rows.text(0, 1);
  } catch (...) {
    broken_ = true;  // only a diagnostic: never disturb the migration
  }
}

bool LockWatcher::explain(ServerError& error) const {
  if (blockers_.empty()) return false;
  error.notes.push_back("it was waiting for a lock on " + (waiting_for_.empty() ? std::string("?") : waiting_for_) +
                        " (pg_blocking_pids):");
  for (const std::string& blocker : blockers_) error.notes.push_back("blocked by: " + blocker);
  error.notes.push_back("to end it: SELECT pg_terminate_backend(" + first_blocker_pid_ +
                        "); or wait for it and run the command again");
  return true;
}

std::string failing_statement(const ProviderDir& provider, const ServerError& error) {
  const std::string context = error.context();
  // PostgreSQL's own CONTEXT for a statement run inside a function (SPI,
  // PL/pgSQL): the innermost statement that waited, when there is one.
  static const std::regex quoted(R"re(SQL statement "([\s\S]*?)"\n(?:PL/pgSQL|metamigrate provider|SQL statement))re");
  std::smatch match;
  if (std::regex_search(context, match, quoted)) return match[1].str();
  const std::optional<mm::protocol::RevisionContext> where = mm::protocol::find_revision_context(context);
  if (!where || where->statement == 0) return {};
  const RevisionFile* file = provider.find_file(where->revision);
  if (!file) return {};
  const std::string& section =
      where->direction == "upgrade" ? file->revision.upgrade_sql : file->revision.downgrade_sql;
  const std::vector<SqlStatement> statements = split_sql(section);
  const std::size_t n = static_cast<std::size_t>(where->statement);
  if (n == 0 || n > statements.size()) return {};
  return statements[n - 1].text;
}

void explain_lock_error(const Connection& observer, const ProviderDir& provider, ServerError& error) noexcept {
  try {
    if (error.sqlstate() == mm::sqlstate::kProviderBusy)
      explain_provider_lock(observer, error);
    else if (error.sqlstate() == mm::sqlstate::kLockNotAvailable)
      explain_lock_timeout(observer, provider, error);
  } catch (const std::exception& e) {
    error.notes.push_back(std::string("could not look up who holds the lock: ") + e.what());
  }
}

}  // namespace mmc
