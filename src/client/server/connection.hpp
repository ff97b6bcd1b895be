// A libpq connection with the few ways the client talks to the server:
// one parameterized query, a pipeline of queries in one round trip, and a
// plain statement (revision SQL run at top level).
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/server/dsn.hpp"
#include "client/output/errors.hpp"

namespace mmc {

class Output;

using Param = std::optional<std::string>;  // nullopt = SQL NULL

struct Query {
  std::string sql;
  std::vector<Param> params;
};

class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  std::optional<std::string> value(int row, int column) const;
  std::string text(int row, int column) const { return value(row, column).value_or(""); }
  const PGresult* get() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// An error reported by the server, with every field libpq gives us.
class ServerError : public OperationError {
 public:
  explicit ServerError(const PGresult* result);
  ServerError(std::string sqlstate, const std::string& message, std::string detail, std::string hint,
              std::string context);

  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }
  // For a DETAIL the client has read and says in words (MM006's JSON).
  void set_detail(std::string detail) { detail_ = std::move(detail); }
  const std::string& server_hint() const { return server_hint_; }
  const std::string& context() const { return context_; }
  int statement_position() const { return position_; }  // 1-based characters, 0 if none
  void set_context(std::string context) { context_ = std::move(context); }

  // "file:line" of the revision statement involved, when the client knows it.
  std::string location;
  // Extra lines the client adds (what was and was not applied).
  std::vector<std::string> notes;
  // The server refused an input file (changed applied revision, missing
  // owner role...): shown as one line "file:line: message [SQLSTATE]".
  bool input_refusal = false;

 private:
  std::string sqlstate_, detail_, server_hint_, context_;
  int position_ = 0;
};

class Connection {
 public:
  Connection(const ConnectTarget& target, const Output& out);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One query with parameters; throws ServerError.
  PgResult query(const std::string& sql, const std::vector<Param>& params = {}) const;
  PgResult query(const Query& q) const { return query(q.sql, q.params); }
  // query() in two halves, so that the client can go on with other work
  // (on another connection) while the server runs it: nothing else may be
  // sent on this connection until receive_result() has returned.
  void send_query(const std::string& sql, const std::vector<Param>& params = {}) const;
  PgResult receive_result() const;  // throws ServerError
  // A statement of revision SQL, sent as is (simple protocol, one
  // statement, so it runs outside any transaction block); throws ServerError.
  void run_statement(const std::string& sql) const;
  // Several statements in one round trip (simple protocol, no parameters,
  // one implicit transaction): one output per statement, in order, with
  // the data lines of a COPY ... TO STDOUT. Throws the first error.
  struct StatementOutput {
    PgResult result;
    std::vector<std::string> copy_lines;
  };
  std::vector<StatementOutput> run_script(const std::string& sql) const;
  // All queries in one round trip (libpq pipeline mode). Returns one result
  // per query; throws the first ServerError, after rolling back an open
  // transaction block the pipeline left behind.
  std::vector<PgResult> pipeline(const std::vector<Query>& queries) const;

  // ROLLBACK when a transaction block is open (after a client-side
  // failure between round trips; a call still running is cancelled
  // first); never throws.
  void rollback_if_open() const noexcept;
  bool in_transaction() const;
  // What cancel_running_query found.
  enum class CancelOutcome {
    Idle,       // no call was running
    Cancelled,  // the server ended it with an error (the cancel, or its own): nothing more of it commits
    Finished,   // it completed before the cancel reached it
    Abandoned,  // no answer within the wait (or the connection broke): it may still run
  };
  // After a call was abandoned (an exception thrown by the wait handler,
  // such as an interrupt): asks the server to cancel the statement still
  // running (PQcancel) and waits, at most `wait_ms`, until the server has
  // answered for everything sent (in pipeline mode: up to its sync, so a
  // COMMIT queued behind the cancelled statement never runs), so that its
  // effects are settled; never throws. Also done by rollback_if_open and
  // by the destructor, so a connection is never closed on a running call.
  CancelOutcome cancel_running_query(int wait_ms = kCancelWaitMs) const noexcept;
  static constexpr int kCancelWaitMs = 10000;
  // The outcome of the last cancel that found a call running (Idle if none).
  CancelOutcome last_cancel() const { return last_cancel_; }

  // Runs `handler` every `interval_ms` while a call on this connection
  // waits for the server (nullptr: just wait). The handler must not use
  // this connection.
  void on_wait(std::function<void()> handler, int interval_ms) {
    wait_handler_ = std::move(handler);
    wait_interval_ms_ = interval_ms;
  }

  // Receives every NOTICE/WARNING; the default prints it on stderr.
  void on_notice(std::function<void(const PGresult*)> handler) { notice_handler_ = std::move(handler); }
  void print_notice(const PGresult* notice) const;

  // user@host:port/dbname, for messages (never a password).
  std::string describe() const;
  // Where and as whom this connection is (PQhost, PQport, PQuser).
  std::string host() const;
  std::string port() const;
  std::string user() const;
  int backend_pid() const;

 private:
  PGconn* conn_ = nullptr;
  const Output& out_;
  std::function<void(const PGresult*)> notice_handler_;
  std::function<void()> wait_handler_;
  int wait_interval_ms_ = 250;
  mutable CancelOutcome last_cancel_ = CancelOutcome::Idle;

  void await_result() const;
  CancelOutcome cancel_and_settle(int wait_ms) const noexcept;
  PGresult* next_result() const;  // PQgetResult after await_result
  bool await_readable() const;    // false: the socket broke
  OperationError lost_connection() const;

  static void notice_receiver(void* self, const PGresult* notice);
};

// "name" with embedded quotes doubled: always a valid, exact identifier.
std::string quote_identifier(const std::string& name);
// 'text' with quotes doubled (E'' with backslashes doubled when it has any):
// the exact text whatever standard_conforming_strings says.
std::string quote_literal(const std::string& text);

}  // namespace mmc
