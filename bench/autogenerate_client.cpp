// What `metamigrate revision --autogenerate` and `check` do once the desired
// schema is loaded, timed from a libpq client as the metamigrate client
// (C++, libpq) does it: snapshot_text of both databases at once, then
// compare_models of the two models on the desired database's connection,
// both models sent back as parameters. bench_autogenerate.py runs it; a
// Python binding would time its own copying of the models instead (the
// pure-Python psycopg took 0.45 s more than libpq to send two 26 MB
// models).
//
// usage: autogenerate_client DESIRED_DB TARGET_DB OUT_FILE
// Writes compare_models' result to OUT_FILE and, on stdout, one JSON
// object of the phases' seconds: each snapshot from sending its query
// until its model is received, the diff (sending both models, comparing,
// receiving), and the whole run after the process started (connections
// included).
// Connection parameters other than the database come from the PG*
// environment. Exit status 1 on any error (said on stderr).
#include <libpq-fe.h>
#include <sys/select.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

[[noreturn]] void fail(const std::string& what, PGconn* conn) {
  std::fprintf(stderr, "autogenerate_client: %s: %s\n", what.c_str(), conn ? PQerrorMessage(conn) : "");
  std::exit(1);
}

PGconn* connect(const char* database) {
  const char* keywords[] = {"dbname", nullptr};
  const char* values[] = {database, nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (PQstatus(conn) != CONNECTION_OK) fail(std::string("connecting to ") + database, conn);
  return conn;
}

// The one text value of a finished query's result, and the connection made
// ready for the next query.
std::string single_value(PGconn* conn, const char* what) {
  std::string value;
  bool got = false;
  while (PGresult* result = PQgetResult(conn)) {
    if (PQresultStatus(result) != PGRES_TUPLES_OK) fail(what, conn);
    if (!got && PQntuples(result) == 1) value.assign(PQgetvalue(result, 0, 0), PQgetlength(result, 0, 0));
    got = true;
    PQclear(result);
  }
  if (!got) fail(what, conn);
  return value;
}

const char* const kSnapshotSql = "SELECT metamigrate.snapshot_text(ARRAY['public'])";

// One snapshot in flight: its model and seconds once received.
struct Snapshot {
  Snapshot(PGconn* conn_, const char* what_) : conn(conn_), what(what_) {}

  PGconn* conn;
  const char* what;
  std::string model;
  double seconds = 0;
  bool done = false;

  // Reads what has arrived; takes the model when the result is complete.
  void poll(std::chrono::steady_clock::time_point sent) {
    if (done) return;
    if (!PQconsumeInput(conn)) fail(what, conn);
    if (PQisBusy(conn)) return;
    model = single_value(conn, what);
    seconds = seconds_since(sent);
    done = true;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: autogenerate_client DESIRED_DB TARGET_DB OUT_FILE\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  PGconn* desired = connect(argv[1]);
  PGconn* target = connect(argv[2]);

  // Both snapshots in flight at once; each timed until its model is in.
  Snapshot desired_snapshot{desired, "snapshot of the desired database"},
      target_snapshot{target, "snapshot of the target database"};
  const auto sent = std::chrono::steady_clock::now();
  for (Snapshot* s : {&desired_snapshot, &target_snapshot})
    if (!PQsendQuery(s->conn, kSnapshotSql)) fail(s->what, s->conn);
  while (!desired_snapshot.done || !target_snapshot.done) {
    fd_set readable;
    FD_ZERO(&readable);
    int highest = 0;
    for (const Snapshot* s : {&desired_snapshot, &target_snapshot})
      if (!s->done) {
        FD_SET(PQsocket(s->conn), &readable);
        highest = std::max(highest, PQsocket(s->conn));
      }
    if (select(highest + 1, &readable, nullptr, nullptr, nullptr) < 0) fail("waiting for the snapshots", nullptr);
    for (Snapshot* s : {&desired_snapshot, &target_snapshot}) s->poll(sent);
  }
  const std::string &desired_model = desired_snapshot.model, &target_model = target_snapshot.model;
  const double desired_seconds = desired_snapshot.seconds, target_seconds = target_snapshot.seconds;

  const auto diff_start = std::chrono::steady_clock::now();
  const char* params[] = {target_model.c_str(), desired_model.c_str()};
  if (!PQsendQueryParams(desired, "SELECT metamigrate.compare_models($1, $2)", 2, nullptr, params, nullptr, nullptr, 0))
    fail("compare_models", desired);
  const std::string comparison = single_value(desired, "compare_models");
  const double diff_seconds = seconds_since(diff_start);
  PQfinish(desired);
  PQfinish(target);
  const double total_seconds = seconds_since(start);

  std::ofstream out(argv[3], std::ios::binary);
  out << comparison;
  if (!out.flush()) fail(std::string("writing ") + argv[3], nullptr);
  std::printf(
      "{\"snapshot_desired\": %.6f, \"snapshot_target\": %.6f, \"diff\": %.6f, \"total\": %.6f, "
      "\"model_bytes\": [%zu, %zu]}\n",
      desired_seconds, target_seconds, diff_seconds, total_seconds, desired_model.size(), target_model.size());
  return 0;
}
