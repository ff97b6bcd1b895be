// What one upgrade, downgrade, stamp or repair did: printed by the
// commands, and the document of --json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/migrate/lint.hpp"

namespace mmc {

struct AppliedStep {
  std::string revision;
  std::string direction;
  std::string message;
  int statements = 0;
  double duration_ms = 0;
  bool transactional = true;
  // Lock retries (lock_waits.hpp): attempts made, one entry per failed
  // attempt {attempt, attempts, wait_ms, waited_ms, blockers, signalled},
  // and the old transactions seen before the first.
  int attempts = 1;
  nlohmann::json lock_waits = nlohmann::json::array();
  nlohmann::json old_transactions = nlohmann::json::array();
};

struct MigrationReport {
  std::string provider;
  std::string operation;
  std::string target;
  std::string mode;  // mode_name(): "one transaction", "transaction per revision", "in parts"; or "repair"
  std::vector<std::string> from;
  std::vector<std::string> to;
  std::vector<AppliedStep> steps;
  int transactions = 0;  // separate transactions the operation used
  double duration_ms = 0;
  std::vector<RevisionLintFinding> lint;  // findings in the revisions that ran
  nlohmann::json catalog;                 // finalize's result (null for stamp)
  std::string hook;                       // the after_register hook that ran, if any
  std::string executed_by;                // the login that ran it (a temporary credential's role)

  nlohmann::json to_json() const;
};

}  // namespace mmc
