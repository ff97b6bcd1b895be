#include "extension/migrate/step_applier.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "extension/migrate/activity.hpp"
#include "extension/migrate/lock_retries.hpp"
#include "extension/migrate/revision_runner.hpp"

namespace mm::pg {

bool progress_notices = false;

StepApplier::Checksums load_checksums(ProviderCatalog& catalog, const Provider& provider) {
  StepApplier::Checksums out;
  for (auto& s : catalog.load_revisions(provider)) out[s.revision.id] = s.checksum;
  return out;
}

StepApplier::StepApplier(ProviderCatalog& catalog, const Provider& provider, const Checksums& checksums,
                         std::vector<std::string> heads)
    : catalog_(catalog), provider_(provider), heads_(std::move(heads)), checksums_(checksums) {
  // A child of the transaction's context, not of SPI's: the applier may
  // outlive SPI_finish, which frees SPI's procedure context.
  revision_memory_ = pg_guard(
      [] { return AllocSetContextCreate(TopTransactionContext, "metamigrate revision", ALLOCSET_DEFAULT_SIZES); });
}

StepApplier::~StepApplier() {
  try {
    end_activity();
  } catch (...) {
    // Only what pg_stat_activity shows; the next statement replaces it.
  }
  // On the error path the context goes with its parent at abort.
  if (std::uncaught_exceptions() == 0) MemoryContextDelete(revision_memory_);
}

nlohmann::json StepApplier::apply(const std::string& revision, Direction direction,
                                  const std::vector<std::string>& delete_rows,
                                  const std::vector<std::string>& insert_rows) {
  const TimestampTz started = GetCurrentTimestamp();
  const std::string sql = catalog_.load_sql(provider_, revision, direction == Direction::Upgrade);
  MigrationActivity& activity = current_activity();
  activity = MigrationActivity{};
  activity.provider = provider_.key;
  activity.revision = revision;
  activity.direction = to_string(direction);
  activity.step = done_ + 1;
  activity.of = std::max(total_, done_ + 1);
  activity.since = pg_guard([started] { return timestamptz_to_str(started); });
  publish_activity();
  LockRetryOutcome outcome;
  {
    // Everything PostgreSQL allocates while this revision runs (parse
    // trees, statement strings) is freed before the next one.
    MemoryContext previous = MemoryContextSwitchTo(revision_memory_);
    try {
      outcome = run_with_lock_retries(revision, sql, [&] {
        return run_revision_sql(RevisionRun{&provider_, revision, to_string(direction), sql});
      });
    } catch (...) {
      MemoryContextSwitchTo(previous);
      throw;
    }
    MemoryContextSwitchTo(previous);
    MemoryContextReset(revision_memory_);
  }
  catalog_.update_heads(provider_, delete_rows, insert_rows);
  for (const auto& gone : delete_rows) heads_.erase(std::remove(heads_.begin(), heads_.end(), gone), heads_.end());
  for (const auto& added : insert_rows) heads_.push_back(added);
  std::sort(heads_.begin(), heads_.end());
  const double seconds = static_cast<double>(GetCurrentTimestamp() - started) / 1e6;
  auto checksum = checksums_.find(revision);
  catalog_.record_history(provider_, revision, to_string(direction), seconds,
                          checksum == checksums_.end() ? std::nullopt : std::optional<std::string>(checksum->second),
                          heads_);
  nlohmann::json summary = {{"revision", revision},
                            {"direction", to_string(direction)},
                            {"statements", outcome.statements},
                            {"duration_ms", std::round(seconds * 1e6) / 1e3},
                            {"attempts", outcome.attempts}};
  // What the lock retries saw; absent when there was nothing to say.
  if (!outcome.waits.empty()) {
    nlohmann::json waits = nlohmann::json::array();
    for (const LockWaitReport& w : outcome.waits) waits.push_back(lock_wait_document(w));
    summary["lock_waits"] = std::move(waits);
  }
  if (!outcome.old_transactions.empty()) {
    nlohmann::json old = nlohmann::json::array();
    for (const LockBlocker& b : outcome.old_transactions) old.push_back(blocker_document(b));
    summary["old_transactions"] = std::move(old);
  }
  ++done_;
  if (progress_notices) {
    nlohmann::json progress = summary;
    progress["step"] = done_;
    progress["of"] = std::max(total_, done_);
    progress.erase("lock_waits");  // already sent as they happened
    progress.erase("old_transactions");
    const std::string detail = progress.dump();
    pg_guard(
        [&] { ereport(NOTICE, (errmsg("%s", protocol::kProgressNotice), errdetail_internal("%s", detail.c_str()))); });
  }
  return summary;
}

void require_transactional(const RevisionGraph& graph, const Plan& plan) {
  for (const PlanStep& step : plan.steps)
    if (!graph.at(step.node).transactional)
      throw Error("0A000",
                  "revision \"" + graph.id(step.node) + "\" is non-transactional and cannot run inside the server",
                  "Statements such as CREATE INDEX CONCURRENTLY must run outside a transaction block.",
                  "Apply this provider with the metamigrate client, which runs such revisions at top level.");
}

}  // namespace mm::pg
