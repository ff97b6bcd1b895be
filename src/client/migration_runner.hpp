// Online upgrade/downgrade/stamp: uploads the local revisions and lets the
// extension plan and apply them. Revisions marked `transactional: false`
// cannot run inside the server's call; for those the client runs the
// statements itself at top level and records the step with
// metamigrate.record_step, running the transactional parts around them as
// separate transactions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/connection.hpp"
#include "client/output.hpp"
#include "client/provider_dir.hpp"
#include "client/server_api.hpp"
#include "core/planner.hpp"

namespace mmc {

struct MigrationRequest {
  Operation operation = Operation::Upgrade;
  std::string target = "head";
  bool purge = false;              // stamp --purge
  std::string lock_timeout_ms;     // empty: leave the server's setting
  std::string statement_timeout_ms;
};

struct AppliedStep {
  std::string revision;
  std::string direction;
  std::string message;
  int statements = 0;
  double duration_ms = 0;
  bool transactional = true;
};

struct MigrationReport {
  std::string provider;
  std::string operation;
  std::string target;
  std::vector<std::string> from;
  std::vector<std::string> to;
  std::vector<AppliedStep> steps;
  int transactions = 0;  // separate transactions the operation used
  double duration_ms = 0;

  nlohmann::json to_json() const;
};

class MigrationRunner {
 public:
  MigrationRunner(Connection& connection, const ProviderDir& provider, const Output& out);
  ~MigrationRunner();
  MigrationRunner(const MigrationRunner&) = delete;
  MigrationRunner& operator=(const MigrationRunner&) = delete;

  // Throws ServerError (annotated with file:line) or OperationError.
  MigrationReport run(const MigrationRequest& request);

 private:
  Connection& conn_;
  const ProviderDir& provider_;
  const Output& out_;
  std::string key_;
  std::size_t progress_index_ = 0;
  std::size_t progress_total_ = 0;

  MigrationReport run_in_one_call(const MigrationRequest& request);
  MigrationReport run_in_parts(const MigrationRequest& request);

  std::vector<Query> settings(const MigrationRequest& request, bool local) const;
  // Applies one transactional run with the given server targets in one
  // transaction; returns the server's results.
  std::vector<nlohmann::json> apply_run(const MigrationRequest& request, const std::vector<std::string>& targets);
  // Runs a non-transactional revision's statements at top level, then
  // records the step; returns record_step's result.
  nlohmann::json apply_top_level(const MigrationRequest& request, std::size_t node, mm::Direction direction,
                                 AppliedStep* step);
  // Server targets that apply exactly `run` (checked with the core
  // planner against `heads`): one target for the whole run when there is
  // one, else one per step.
  std::vector<std::string> targets_for_run(const std::vector<std::size_t>& run, mm::Direction direction,
                                           const std::vector<std::string>& heads) const;

  void report_progress(const AppliedStep& step);
  // Live progress from the server during one call: with the setting
  // metamigrate.progress on, the extension sends a NOTICE "metamigrate
  // progress" after each step, its detail a JSON object {step, of,
  // revision, duration_ms}. Returns the settings query to send (if any).
  std::vector<Query> progress_settings();
  bool server_reported_progress_ = false;
  void add_steps(MigrationReport& report, const nlohmann::json& server_result);
};

}  // namespace mmc
