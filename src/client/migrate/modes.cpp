#include <algorithm>

#include "client/migrate/runner.hpp"
#include "client/migrate/runner_support.hpp"
#include "core/sql_text.hpp"

namespace mmc {

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

MigrationReport MigrationRunner::run_in_one_transaction(const MigrationRequest& request, const MigrationPlan& plan) {
  // Round trip 2, in open()'s transaction: migrate, finalize (+ hook), commit.
  out_.detail("server: " + std::string(operation_name(request.operation)) + "('" + request.target + "'), finalize" +
              (lifecycle_.hook().empty() ? "" : ", " + lifecycle_.hook()) + ", commit");
  std::vector<PgResult> results =
      conn_.pipeline({sql::migrate(request.operation, key_, request.target),
                      lifecycle_.finalize(operation_name(request.operation)), sql::commit()});
  const nlohmann::json result = json_value(results[0]);
  MigrationReport report = new_report(request, mode_name(plan.mode));
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

MigrationReport MigrationRunner::run_per_revision(const MigrationRequest& request, const MigrationPlan& plan) {
  // The procedure commits between revisions, so it runs outside any
  // transaction block: the settings are the session's for its duration,
  // set right after the COMMIT of the upload and reserve.
  std::vector<Query> session = settings(request, false);
  for (Query& q : progress_settings(false)) session.push_back(std::move(q));
  ProviderLock lock(*this, std::move(session));
  MigrationReport report = new_report(request, mode_name(plan.mode));
  auto reset = [&] {
    try {
      conn_.run_statement(
          "RESET lock_timeout; RESET statement_timeout; RESET metamigrate.progress; RESET metamigrate.lock_retries; "
          "RESET metamigrate.lock_retry_min; RESET metamigrate.lock_retry_max; RESET metamigrate.old_transaction_age");
    } catch (...) {
      // Reported by the caller's error already; the session ends soon.
    }
  };
  out_.detail(std::string("server: CALL metamigrate.") + operation_name(request.operation) + "_per_revision('" +
              request.target + "'), committing after every revision");
  nlohmann::json result;
  try {
    result = json_value(conn_.query(sql::migrate_per_revision(request.operation, key_, request.target)));
  } catch (ServerError& e) {
    reset();
    try {
      const std::vector<std::string> now = column_values(conn_.query(sql::current(key_)));
      if (now != plan.heads_before)
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

MigrationReport MigrationRunner::run_in_parts(const MigrationRequest& request, const MigrationPlan& plan) {
  const mm::RevisionGraph& graph = provider_.graph();
  const mm::Direction direction = direction_of(request.operation);
  // The parts are separate transactions: no other migrator may slip in
  // between them.
  ProviderLock lock(*this);
  MigrationReport report = new_report(request, mode_name(plan.mode));
  report.from = plan.heads_before;
  report.transactions = 1;  // open()'s: the upload and reserve
  const std::vector<std::string> top_level = plan.non_transactional(graph);
  out_.note("note: " + mm::join(top_level) + (top_level.size() == 1 ? " is" : " are") + " non-transactional: this " +
            report.operation + " runs in " + std::to_string(plan.parts.size()) +
            " parts, each committed on its own (transactional runs in their own transaction, " +
            "non-transactional statements outside any); a failure stops at that part and keeps the parts before it");

  std::vector<std::string> heads = plan.heads_before;
  for (const std::vector<std::size_t>& part : plan.parts) {
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

}  // namespace mmc
