// --adopt, the pure part: from what another tool's history table says
// was applied to the revisions metamigrate's version table must hold.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/import/source.hpp"

namespace mmc::import {

// What a history table says, in the form the tools record it.
struct HistoryState {
  std::string table;                   // as shown in messages
  std::vector<std::string> applied;    // versions recorded as applied (any order)
  std::optional<std::string> current;  // golang-migrate: the one version, everything up to it applied
  std::vector<std::string> heads;      // alembic: the version table's rows (revision ids)
  std::string problem;                 // dirty or failed: adoption is refused with this
};

// One row of flyway_schema_history, in installed_rank order.
struct FlywayRow {
  std::string version;  // empty for repeatable migrations
  std::string type;     // SQL, BASELINE, UNDO_SQL, SCHEMA, ...
  std::string script;
  bool success = true;
};
// Applied versions after replaying the rows (a failed row is a problem;
// UNDO rows take their version back; a BASELINE covers every version up
// to and including its own).
HistoryState flyway_state(const std::vector<FlywayRow>& rows, const ImportSet& set, const std::string& table);

// Versions the history records that the import lacks: refused, or (like
// Flyway's ignoreMigrationPatterns "*:missing", for migrations deleted from
// the source on purpose) left out, each added to `ignored`.
struct MissingVersions {
  bool ignore = false;
  std::vector<std::string>* ignored = nullptr;
};

// The revision ids to stamp (empty: nothing is applied). Throws
// OperationError when the history is dirty/failed, names a version the
// import lacks (unless `missing.ignore`), or is not a prefix of the source
// order.
std::vector<std::string> adopt_targets(const ImportSet& set, const HistoryState& state, MissingVersions missing = {});

}  // namespace mmc::import
