#include "client/migration_runner.hpp"

#include <algorithm>
#include <chrono>

#include "client/sql_split.hpp"
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

std::vector<std::string> step_ids(const mm::RevisionGraph& graph, const mm::Plan& plan) {
  std::vector<std::string> ids;
  for (const auto& step : plan.steps) ids.push_back(graph.id(step.node));
  return ids;
}

// Releases the session-level provider lock however the run ends.
class ProviderLock {
 public:
  ProviderLock(const Connection& conn, std::string key) : conn_(conn), key_(std::move(key)) {}
  ~ProviderLock() {
    try {
      conn_.query(sql::unlock_provider(key_));
    } catch (...) {
      // The lock also ends with the session.
    }
  }

 private:
  const Connection& conn_;
  std::string key_;
};

}  // namespace

nlohmann::json MigrationReport::to_json() const {
  nlohmann::json steps_json = nlohmann::json::array();
  for (const AppliedStep& s : steps)
    steps_json.push_back({{"revision", s.revision},
                          {"direction", s.direction},
                          {"message", s.message},
                          {"statements", s.statements},
                          {"duration_ms", s.duration_ms},
                          {"transactional", s.transactional}});
  return {{"provider", provider}, {"operation", operation}, {"target", target},   {"from", from},
          {"to", to},             {"steps", steps_json},   {"transactions", transactions},
          {"duration_ms", duration_ms}};
}

MigrationRunner::MigrationRunner(Connection& connection, const ProviderDir& provider, const Output& out)
    : conn_(connection), provider_(provider), out_(out), key_(provider.manifest().key()) {}

MigrationRunner::~MigrationRunner() { conn_.on_notice(nullptr); }

MigrationReport MigrationRunner::run(const MigrationRequest& user_request) {
  const auto started = Clock::now();
  // "head" means the head of the local files: the server's stored graph may
  // still hold revisions whose files were deleted before they were applied.
  MigrationRequest request = user_request;
  const std::vector<std::size_t> local_heads = provider_.graph().heads();
  if (request.target == "head" && local_heads.size() == 1) request.target = provider_.graph().id(local_heads[0]);
  MigrationReport report;
  try {
    const bool in_parts = request.operation != Operation::Stamp && provider_.has_non_transactional();
    report = in_parts ? run_in_parts(request) : run_in_one_call(request);
    report.target = user_request.target;
  } catch (ServerError& e) {
    annotate_server_error(e, &provider_);
    throw;
  }
  report.duration_ms = ms_since(started);
  return report;
}

std::vector<Query> MigrationRunner::settings(const MigrationRequest& request, bool local) const {
  std::vector<Query> queries;
  if (!request.lock_timeout_ms.empty()) queries.push_back(sql::set_config("lock_timeout", request.lock_timeout_ms, local));
  if (!request.statement_timeout_ms.empty())
    queries.push_back(sql::set_config("statement_timeout", request.statement_timeout_ms, local));
  return queries;
}

MigrationReport MigrationRunner::run_in_one_call(const MigrationRequest& request) {
  // One round trip: register, upload and migrate in one transaction.
  std::vector<Query> queries{sql::begin(), sql::register_provider(provider_.manifest())};
  for (Query& q : settings(request, true)) queries.push_back(std::move(q));
  for (Query& q : progress_settings()) queries.push_back(std::move(q));
  queries.push_back(sql::upload_revisions(provider_));
  const std::size_t call = queries.size();
  queries.push_back(sql::migrate(request.operation, key_, request.target, request.purge));
  queries.push_back(sql::commit());
  out_.detail(std::string("server: metamigrate.register_provider, upload_revisions (") +
              std::to_string(provider_.files().size()) + " revisions), " + operation_name(request.operation) + "('" +
              request.target + "') in one transaction");
  std::vector<PgResult> results = conn_.pipeline(queries);
  const nlohmann::json result = json_value(results[call]);
  MigrationReport report;
  report.provider = key_;
  report.operation = operation_name(request.operation);
  report.target = request.target;
  report.from = string_list(result.value("from", nlohmann::json::array()));
  report.to = string_list(result.value("to", nlohmann::json::array()));
  report.transactions = 1;
  progress_total_ = result.value("steps", nlohmann::json::array()).size();
  add_steps(report, result);
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

std::vector<Query> MigrationRunner::progress_settings() {
  if (!out_.wants_progress(static_cast<std::size_t>(-1))) return {};
  conn_.on_notice([this](const PGresult* notice) {
    const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(notice, PG_DIAG_MESSAGE_DETAIL);
    if (!message || std::string(message) != "metamigrate progress" || !detail) return conn_.print_notice(notice);
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
  return {sql::set_config("metamigrate.progress", "on", true)};
}

void MigrationRunner::report_progress(const AppliedStep& step) {
  ++progress_index_;
  if (server_reported_progress_) return;  // already shown live
  if (out_.wants_progress(progress_total_))
    out_.progress(progress_index_, progress_total_, step.revision, step.message, step.duration_ms);
}

MigrationReport MigrationRunner::run_in_parts(const MigrationRequest& request) {
  const mm::RevisionGraph& graph = provider_.graph();
  const mm::Direction direction =
      request.operation == Operation::Upgrade ? mm::Direction::Upgrade : mm::Direction::Downgrade;

  // Hold the provider's lock for the whole operation: the parts are
  // separate transactions, and no other migrator may slip in between.
  // Waiting for it obeys --lock-timeout like every other lock.
  std::vector<Query> locking{sql::begin()};
  for (Query& q : settings(request, true)) locking.push_back(std::move(q));
  locking.push_back(sql::lock_provider(key_));
  locking.push_back(sql::commit());  // a session-level lock outlives the transaction
  conn_.pipeline(locking);
  ProviderLock lock(conn_, key_);
  std::vector<PgResult> setup = conn_.pipeline({sql::begin(), sql::register_provider(provider_.manifest()),
                                                sql::upload_revisions(provider_), sql::commit(), sql::current(key_)});
  std::vector<std::string> heads = column_values(setup.back());

  mm::Plan plan;
  try {
    mm::Planner planner(graph, heads);
    plan = direction == mm::Direction::Upgrade ? planner.upgrade(request.target) : planner.downgrade(request.target);
  } catch (const mm::Error& e) {
    throw ServerError(e.sqlstate(), e.what(), e.detail(), e.hint(), "planning " + key_ + " on the client");
  }

  MigrationReport report;
  report.provider = key_;
  report.operation = operation_name(request.operation);
  report.target = request.target;
  report.from = plan.heads_before;
  progress_total_ = plan.steps.size();

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
  if (top_level.empty()) {
    // Nothing special on this path: one server call in one transaction.
    std::vector<nlohmann::json> results = apply_run(request, {request.target});
    report.to = string_list(results.back().value("to", nlohmann::json::array()));
    report.transactions = 1;
    add_steps(report, results.back());
    return report;
  }
  out_.note("note: " + mm::join(top_level) + (top_level.size() == 1 ? " is" : " are") +
            " non-transactional: this " + report.operation + " runs in " + std::to_string(parts.size()) +
            " parts, each committed on its own (transactional runs in their own transaction, " +
            "non-transactional statements outside any); a failure stops at that part and keeps the parts before it");

  for (std::size_t p = 0; p < parts.size(); ++p) {
    const std::vector<std::size_t>& part = parts[p];
    if (graph.at(part.front()).transactional) {
      // Explicit targets computed from the local plan, so every call
      // takes exactly the planned steps.
      const std::vector<std::string> targets = targets_for_run(part, direction, heads);
      std::vector<nlohmann::json> results = apply_run(request, targets);
      std::vector<std::string> applied;
      for (const auto& result : results) {
        add_steps(report, result);
        for (const auto& s : result.value("steps", nlohmann::json::array())) applied.push_back(s.value("revision", ""));
      }
      ++report.transactions;
      heads = string_list(results.back().value("to", nlohmann::json::array()));
      std::vector<std::string> expected = graph.ids(part);
      if (applied != expected)
        throw OperationError("the server applied " + mm::join(applied) + " where " + mm::join(expected) +
                             " was planned; stopping");
    } else {
      AppliedStep step;
      const nlohmann::json recorded = apply_top_level(request, part.front(), direction, &step);
      heads = string_list(recorded.value("to", nlohmann::json::array()));
      report_progress(step);
      report.steps.push_back(std::move(step));
    }
  }
  report.to = heads;
  return report;
}

std::vector<std::string> MigrationRunner::targets_for_run(const std::vector<std::size_t>& run,
                                                          mm::Direction direction,
                                                          const std::vector<std::string>& heads) const {
  const mm::RevisionGraph& graph = provider_.graph();
  // Simulates a server call; returns the steps it would take, or nothing
  // when the target is invalid there.
  auto simulate = [&](const std::vector<std::string>& from, const std::string& target, mm::Plan* plan) {
    try {
      mm::Planner planner(graph, from);
      *plan = direction == mm::Direction::Upgrade ? planner.upgrade(target) : planner.downgrade(target);
      return true;
    } catch (const mm::Error&) {
      return false;
    }
  };
  const std::vector<std::string> wanted = graph.ids(run);
  std::vector<std::string> whole;
  if (direction == mm::Direction::Upgrade) {
    whole.push_back(graph.id(run.back()));
  } else {
    for (std::size_t parent : graph.parents(run.back())) whole.push_back(graph.id(parent));
    whole.push_back(graph.id(run.back()) + "-1");
  }
  for (const std::string& target : whole) {
    mm::Plan plan;
    if (simulate(heads, target, &plan) && step_ids(graph, plan) == wanted) return {target};
  }
  // Step by step: each call must take exactly one step.
  std::vector<std::string> targets;
  std::vector<std::string> state = heads;
  for (std::size_t node : run) {
    std::vector<std::string> candidates;
    if (direction == mm::Direction::Upgrade) {
      candidates.push_back(graph.id(node));
    } else {
      candidates.push_back(graph.id(node) + "-1");
      for (std::size_t parent : graph.parents(node)) candidates.push_back(graph.id(parent));
    }
    bool found = false;
    for (const std::string& target : candidates) {
      mm::Plan plan;
      if (simulate(state, target, &plan) && step_ids(graph, plan) == std::vector<std::string>{graph.id(node)}) {
        targets.push_back(target);
        state = plan.heads_after;
        found = true;
        break;
      }
    }
    if (!found)
      throw OperationError("cannot downgrade " + graph.id(node) +
                               " on its own through the server (other applied revisions depend on its parent)",
                           "Downgrade to a nearer target first, so that non-transactional revisions are not mixed "
                           "with branches in one downgrade.");
  }
  return targets;
}

std::vector<nlohmann::json> MigrationRunner::apply_run(const MigrationRequest& request,
                                                       const std::vector<std::string>& targets) {
  std::vector<Query> queries{sql::begin()};
  for (Query& q : settings(request, true)) queries.push_back(std::move(q));
  const std::size_t first_call = queries.size();
  for (const std::string& target : targets) queries.push_back(sql::migrate(request.operation, key_, target));
  queries.push_back(sql::commit());
  out_.detail(std::string("server: ") + operation_name(request.operation) + " to " + mm::join(targets) +
              " in one transaction");
  std::vector<PgResult> results = conn_.pipeline(queries);
  std::vector<nlohmann::json> out;
  for (std::size_t i = 0; i < targets.size(); ++i) out.push_back(json_value(results[first_call + i]));
  return out;
}

nlohmann::json MigrationRunner::apply_top_level(const MigrationRequest& request, std::size_t node,
                                                mm::Direction direction, AppliedStep* step) {
  const RevisionFile& file = provider_.file_of(node);
  const bool upgrade = direction == mm::Direction::Upgrade;
  const std::string& sql_text = upgrade ? file.revision.upgrade_sql : file.revision.downgrade_sql;
  const std::vector<SqlStatement> statements = split_sql(sql_text);
  step->revision = file.revision.id;
  step->direction = mm::to_string(direction);
  step->message = file.revision.message;
  step->transactional = false;
  out_.detail("client: running " + std::to_string(statements.size()) + " statement(s) of " + file.revision.id +
              " outside a transaction, as role " + provider_.manifest().owner_role);

  // The same environment the server gives revision SQL: the owner role
  // (objects it creates belong to it) and the provider's search_path.
  const Manifest& m = provider_.manifest();
  std::vector<Query> setup{sql::set_config("search_path", quote_identifier(m.version_table.schema), false),
                           sql::set_config("role", m.owner_role, false)};
  for (Query& q : settings(request, false)) setup.push_back(std::move(q));
  conn_.pipeline(setup);
  auto restore = [&] {
    try {
      conn_.run_statement("RESET ROLE; RESET search_path; RESET lock_timeout; RESET statement_timeout");
    } catch (...) {
      // Reported by the caller's error already; the session ends soon.
    }
  };
  const auto started = Clock::now();
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const SqlStatement& statement = statements[i];
    try {
      conn_.run_statement(statement.text);
    } catch (ServerError& e) {
      restore();
      const std::size_t offset = byte_offset_of_character(statement.text, e.statement_position());
      const int sql_line = statement.line + mm::line_at(statement.text, offset) - 1;
      e.set_context("metamigrate provider " + key_ + ", revision " + file.revision.id + " (" + step->direction +
                    "), statement " + std::to_string(i + 1) + ", line " + std::to_string(sql_line) +
                    " (run by the client outside a transaction)");
      e.location = file.path + ":" + std::to_string(file.file_line(upgrade, sql_line));
      e.notes.push_back(i == 0 ? "Nothing of revision " + file.revision.id + " ran; it is not recorded as applied."
                               : "Statements 1-" + std::to_string(i) + " of revision " + file.revision.id +
                                     " ran and are committed (non-transactional); the revision is not recorded as "
                                     "applied. Undo or finish them by hand before running again.");
      throw;
    }
  }
  step->duration_ms = ms_since(started);
  step->statements = static_cast<int>(statements.size());
  restore();
  return json_value(conn_.query(sql::record_step(key_, file.revision.id, step->direction, step->duration_ms)));
}

}  // namespace mmc
