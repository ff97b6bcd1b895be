#include "client/server/connection.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <iostream>
#include <regex>

#include "client/output/output.hpp"

namespace mmc {

namespace {

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

std::string trim_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string primary_message(const PGresult* result) {
  std::string message = field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (message.empty()) message = trim_trailing_newlines(PQresultErrorMessage(result));
  if (message.empty()) message = "unknown server error";
  return message;
}

bool failed(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR;
}

}  // namespace

std::optional<std::string> PgResult::value(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
  return std::string(PQgetvalue(result_.get(), row, column), PQgetlength(result_.get(), row, column));
}

ServerError::ServerError(const PGresult* result)
    : OperationError(primary_message(result)),
      sqlstate_(field(result, PG_DIAG_SQLSTATE)),
      detail_(field(result, PG_DIAG_MESSAGE_DETAIL)),
      server_hint_(field(result, PG_DIAG_MESSAGE_HINT)),
      context_(field(result, PG_DIAG_CONTEXT)) {
  const std::string position = field(result, PG_DIAG_STATEMENT_POSITION);
  if (!position.empty()) position_ = std::stoi(position);
}

ServerError::ServerError(std::string sqlstate, const std::string& message, std::string detail, std::string hint,
                         std::string context)
    : OperationError(message),
      sqlstate_(std::move(sqlstate)),
      detail_(std::move(detail)),
      server_hint_(std::move(hint)),
      context_(std::move(context)) {}

Connection::Connection(const ConnectTarget& target, const Output& out) : out_(out) {
  std::vector<std::string> secrets{password_of(target.conninfo)};
  std::string role, where;
  for (const auto& [keyword, value] : target.overrides) {
    if (keyword == "password") secrets.push_back(value);
    if (keyword == "user") role = value;
    if (keyword == "host" || keyword == "port" || keyword == "dbname")
      where += (where.empty() ? "" : " ") + keyword + "=" + value;
  }
  auto scrubbed = [&](std::string text) {
    for (const std::string& secret : secrets) text = scrub(std::move(text), secret);
    return text;
  };
  if (!target.conninfo.empty()) {
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(target.conninfo.c_str(), &error);
    if (!parsed) {
      // libpq quotes fragments of the string, which may be a password.
      std::string reason = error ? trim_trailing_newlines(error) : "out of memory";
      if (error) PQfreemem(error);
      reason = std::regex_replace(reason, std::regex("\"[^\"]*\""), "\"...\"");
      throw UsageError("the connection string from " + target.origin + " is not valid: " + reason);
    }
    PQconninfoFree(parsed);
  }
  const std::string shown = target.conninfo.empty()
                                ? std::string("libpq's defaults (PGHOST, PGPORT, PGUSER, PGDATABASE, ...)")
                                : mask_dsn(target.conninfo) + " (from " + target.origin + ")";
  out_.detail(role.empty() ? "connecting to " + shown
                           : "connecting as " + target.origin + " " + role + " (password not shown) to " + where);
  // expand_dbname: the first dbname slot carries the whole URI/conninfo,
  // and everything it leaves out falls back to libpq's defaults (PG*
  // variables, service file, .pgpass). The overrides come after it, so
  // they win; a later "dbname" is a plain database name.
  // (Always first, even empty: only the first dbname is ever expanded.)
  std::vector<const char*> keywords{"dbname"}, values{target.conninfo.c_str()};
  for (const auto& [keyword, value] : target.overrides) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back("fallback_application_name");
  values.push_back(target.application_name.c_str());
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keywords.data(), values.data(), 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = conn_ ? trim_trailing_newlines(PQerrorMessage(conn_)) : "out of memory";
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    if (!role.empty())
      throw OperationError("could not connect as " + target.origin + " " + role + ": " + scrubbed(reason),
                           "The server issued the credential but refused the login with it; check pg_hba.conf for "
                           "the role, or run with --no-temp-credential to migrate as yourself.");
    throw OperationError("could not connect to " + mask_dsn(target.conninfo) + ": " + scrubbed(reason),
                         "The database comes from " + target.origin +
                             "; set --dsn, METAMIGRATE_DSN or DATABASE_URL, or PGHOST/PGPORT/PGDATABASE.");
  }
  PQsetNoticeReceiver(conn_, &Connection::notice_receiver, this);
  out_.detail("connected to " + describe());
}

Connection::~Connection() {
  if (!conn_) return;
  // A call abandoned by an exception (an interrupt) must not go on running
  // on the server once the client has given up on it.
  cancel_running_query();
  PQfinish(conn_);
}

void Connection::notice_receiver(void* self, const PGresult* notice) {
  auto* connection = static_cast<Connection*>(self);
  if (connection->notice_handler_)
    connection->notice_handler_(notice);
  else
    connection->print_notice(notice);
}

void Connection::print_notice(const PGresult* notice) const {
  if (out_.quiet()) return;
  std::string severity = field(notice, PG_DIAG_SEVERITY);
  for (char& c : severity) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::cerr << (severity.empty() ? "notice" : severity) << ": " << primary_message(notice) << std::endl;
}

std::string Connection::host() const { return PQhost(conn_) ? PQhost(conn_) : ""; }
std::string Connection::port() const { return PQport(conn_) ? PQport(conn_) : ""; }
std::string Connection::user() const { return PQuser(conn_) ? PQuser(conn_) : ""; }
int Connection::backend_pid() const { return PQbackendPID(conn_); }

std::string Connection::describe() const {
  std::string host = PQhost(conn_) ? PQhost(conn_) : "";
  return std::string("postgresql://") + PQuser(conn_) + "@" + host + ":" + PQport(conn_) + "/" + PQdb(conn_);
}

void Connection::await_result() const {
  // Waits until a result can be read without blocking.
  while (PQisBusy(conn_)) {
    if (!await_readable()) return;  // PQgetResult reports the broken connection
    if (!PQconsumeInput(conn_)) return;
  }
}

bool Connection::await_readable() const {
  // While waiting, the wait handler runs every wait_interval_ms_ (it must
  // not use this connection).
  for (;;) {
    pollfd ready{PQsocket(conn_), POLLIN, 0};
    const int rc = poll(&ready, 1, wait_handler_ ? wait_interval_ms_ : -1);
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
    // A signal: the handler (SignalGuard) decides at once, not after the
    // interval; or the interval has passed.
    if (wait_handler_) wait_handler_();
  }
}

OperationError Connection::lost_connection() const {
  return OperationError("lost the connection to the server: " + trim_trailing_newlines(PQerrorMessage(conn_)));
}

PGresult* Connection::next_result() const {
  await_result();
  return PQgetResult(conn_);
}

PgResult Connection::query(const std::string& sql, const std::vector<Param>& params) const {
  send_query(sql, params);
  return receive_result();
}

void Connection::send_query(const std::string& sql, const std::vector<Param>& params) const {
  std::vector<const char*> values;
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (!PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
                         0))
    throw lost_connection();
}

PgResult Connection::receive_result() const {
  PgResult result(next_result());
  while (PGresult* extra = next_result()) PQclear(extra);
  if (!result.get()) throw lost_connection();
  if (failed(result.get())) throw ServerError(result.get());
  return result;
}

void Connection::run_statement(const std::string& sql) const {
  if (!PQsendQuery(conn_, sql.c_str())) throw lost_connection();
  std::optional<ServerError> error;
  bool any = false;
  while (PGresult* raw = next_result()) {
    PgResult result(raw);
    any = true;
    if (failed(result.get()) && !error) error.emplace(result.get());
  }
  if (error) throw *error;
  if (!any || PQstatus(conn_) != CONNECTION_OK) throw lost_connection();
}

std::vector<Connection::StatementOutput> Connection::run_script(const std::string& sql) const {
  if (!PQsendQuery(conn_, sql.c_str())) throw lost_connection();
  std::vector<StatementOutput> outputs;
  std::optional<ServerError> error;
  while (PGresult* raw = next_result()) {
    StatementOutput output{PgResult(raw), {}};
    if (PQresultStatus(raw) == PGRES_COPY_IN) {
      // A script sends no data: the COPY fails (its error is the result that follows).
      if (PQputCopyEnd(conn_, "run_script sends no COPY data") != 1) throw lost_connection();
      continue;
    }
    if (PQresultStatus(raw) == PGRES_COPY_OUT) {
      for (;;) {
        char* line = nullptr;
        const int size = PQgetCopyData(conn_, &line, 1);
        if (size > 0) {
          output.copy_lines.emplace_back(line, static_cast<std::size_t>(size));
          PQfreemem(line);
        } else if (size == 0) {
          if (!await_readable() || !PQconsumeInput(conn_)) throw lost_connection();
        } else {
          break;  // -1: done, the COPY's own result follows; -2: that result is the error
        }
      }
      PgResult end(next_result());  // the COPY's completion (or its error)
      if (!end.get()) throw lost_connection();
      if (failed(end.get()) && !error) error.emplace(end.get());
    }
    if (failed(output.result.get()) && !error) error.emplace(output.result.get());
    outputs.push_back(std::move(output));
  }
  if (error) throw *error;
  if (PQstatus(conn_) != CONNECTION_OK) throw lost_connection();
  return outputs;
}

std::vector<PgResult> Connection::pipeline(const std::vector<Query>& queries) const {
  auto connection_error = [&](const std::string& what) {
    return OperationError(what + ": " + trim_trailing_newlines(PQerrorMessage(conn_)));
  };
  if (!PQenterPipelineMode(conn_)) throw connection_error("cannot enter pipeline mode");
  for (const Query& q : queries) {
    std::vector<const char*> values;
    for (const Param& p : q.params) values.push_back(p ? p->c_str() : nullptr);
    if (!PQsendQueryParams(conn_, q.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                           nullptr, 0))
      throw connection_error("cannot send a query");
  }
  if (!PQpipelineSync(conn_)) throw connection_error("cannot send the pipeline");

  std::vector<PgResult> results;
  std::optional<ServerError> first_error;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    PGresult* raw = next_result();
    if (!raw) throw connection_error("lost the connection to the server");
    PgResult result(raw);
    while (PGresult* extra = next_result()) PQclear(extra);  // the NULL that ends this query
    if (failed(result.get()) && !first_error) first_error.emplace(result.get());
    results.push_back(std::move(result));
  }
  PgResult sync(next_result());
  if (!sync.get() || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) throw connection_error("pipeline out of step");
  PQexitPipelineMode(conn_);
  if (first_error) {
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR || PQtransactionStatus(conn_) == PQTRANS_INTRANS)
      PQclear(PQexec(conn_, "ROLLBACK"));
    throw *first_error;
  }
  return results;
}

bool Connection::in_transaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

Connection::CancelOutcome Connection::cancel_and_settle(int wait_ms) const noexcept {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) != PQTRANS_ACTIVE)
    return CancelOutcome::Idle;
  if (PGcancel* cancel = PQgetCancel(conn_)) {
    char error[256];
    PQcancel(cancel, error, sizeof error);
    PQfreeCancel(cancel);
  }
  // Read what the server still sends for the abandoned call, without the
  // wait handler (it may be what threw) and for at most wait_ms: a call
  // that ignores the cancel must not keep the client from ending.
  const bool pipeline = PQpipelineStatus(conn_) != PQ_PIPELINE_OFF;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  bool any_error = false;
  bool after_null = false;  // pipeline mode: a NULL ends one query's results; two in a row, nothing is pending
  for (;;) {
    while (PQisBusy(conn_)) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return CancelOutcome::Abandoned;
      pollfd ready{PQsocket(conn_), POLLIN, 0};
      const int rc = poll(&ready, 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (rc < 0 && errno != EINTR) return CancelOutcome::Abandoned;
      if (rc > 0 && !PQconsumeInput(conn_)) return CancelOutcome::Abandoned;
    }
    PGresult* result = PQgetResult(conn_);
    if (!result) {
      if (!pipeline || after_null) break;
      after_null = true;
      continue;
    }
    after_null = false;
    const ExecStatusType status = PQresultStatus(result);
    if (failed(result) || status == PGRES_PIPELINE_ABORTED) any_error = true;
    PQclear(result);
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH)
      return CancelOutcome::Abandoned;  // the client never starts COPY; closing the connection ends it
  }
  if (pipeline) PQexitPipelineMode(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return CancelOutcome::Abandoned;
  return any_error ? CancelOutcome::Cancelled : CancelOutcome::Finished;
}

Connection::CancelOutcome Connection::cancel_running_query(int wait_ms) const noexcept {
  const CancelOutcome outcome = cancel_and_settle(wait_ms);
  if (outcome != CancelOutcome::Idle) last_cancel_ = outcome;
  return outcome;
}

void Connection::rollback_if_open() const noexcept {
  if (!conn_) return;
  cancel_running_query();
  if (in_transaction()) PQclear(PQexec(conn_, "ROLLBACK"));
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_literal(const std::string& text) {
  // With a backslash, the E'' form: it reads the same whatever the
  // server's standard_conforming_strings.
  const bool escape = text.find('\\') != std::string::npos;
  std::string out = escape ? "E'" : "'";
  for (char c : text) {
    if (c == '\'' || (escape && c == '\\')) out += c;
    out += c;
  }
  return out + "'";
}

}  // namespace mmc
