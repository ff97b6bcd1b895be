// repair and the guard against running an interrupted non-transactional
// revision again from its first statement (journal.hpp).
#include <algorithm>

#include "client/migrate/runner.hpp"
#include "client/migrate/runner_support.hpp"
#include "client/os/signal_guard.hpp"

namespace mmc {

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

MigrationReport MigrationRunner::resume(const MigrationRequest& request, const UnfinishedRevision& interrupted) {
  return finish_interrupted(request, interrupted, true);
}

MigrationReport MigrationRunner::mark_applied(const MigrationRequest& request, const UnfinishedRevision& interrupted) {
  return finish_interrupted(request, interrupted, false);
}

MigrationReport MigrationRunner::finish_interrupted(const MigrationRequest& request,
                                                    const UnfinishedRevision& interrupted, bool run_rest) {
  return reporting_errors([&] { return finish_interrupted_step(request, interrupted, run_rest); });
}

MigrationReport MigrationRunner::finish_interrupted_step(const MigrationRequest& request,
                                                         const UnfinishedRevision& interrupted, bool run_rest) {
  const auto started = Clock::now();
  watch_locks(request);
  OpenTransaction transaction(conn_);
  const std::vector<std::string> heads = open(request, false).heads_before;
  ProviderLock lock(*this);
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
