#include "client/import/adopt.hpp"

#include <algorithm>

#include "client/output/errors.hpp"
#include "client/import/util.hpp"

namespace mmc::import {

namespace {

// Index of `version` in the import (versions compare part by part, so a
// golang-migrate bigint 1 matches "000001" and Flyway's "1.1" its "1_1").
std::size_t index_of(const ImportSet& set, const std::string& version) {
  for (std::size_t i = 0; i < set.migrations.size(); ++i)
    if (set.migrations[i].version == version ||
        (set.tool != "sqitch" && set.tool != "alembic" && compare_versions(set.migrations[i].version, version) == 0))
      return i;
  return set.migrations.size();
}

[[noreturn]] void unknown_version(const ImportSet& set, const HistoryState& state, const std::string& version,
                                  bool can_ignore) {
  throw OperationError(state.table + " records version " + version + ", which is not among the " +
                           std::to_string(set.migrations.size()) + " imported " + set.tool +
                           " migrations; nothing was stamped",
                       std::string("Import from the source that produced this database (all its migrations), then "
                                   "adopt.") +
                           (can_ignore ? " If such migrations were deleted from the source on purpose (Flyway's "
                                         "ignoreMigrationPatterns \"*:missing\"), pass --ignore-missing to adopt "
                                         "without them."
                                       : ""));
}

}  // namespace

HistoryState flyway_state(const std::vector<FlywayRow>& rows, const ImportSet& set, const std::string& table) {
  HistoryState state;
  state.table = table;
  for (const FlywayRow& row : rows) {
    if (!row.success) {
      state.problem = table + " records a failed migration (" +
                      (row.version.empty() ? row.script : "version " + row.version) +
                      "); run `flyway repair` after fixing the database, then adopt";
      return state;
    }
    if (row.version.empty()) continue;  // repeatable: not part of the chain
    const auto matches = [&](const std::string& v) { return compare_versions(v, row.version) == 0; };
    if (row.type == "BASELINE") {
      for (const ImportedMigration& m : set.migrations)
        if (compare_versions(m.version, row.version) <= 0 &&
            std::none_of(state.applied.begin(), state.applied.end(),
                         [&](const auto& v) { return compare_versions(v, m.version) == 0; }))
          state.applied.push_back(m.version);
    } else if (row.type == "UNDO_SQL" || row.type == "UNDO_SPRING_JDBC") {
      state.applied.erase(std::remove_if(state.applied.begin(), state.applied.end(), matches), state.applied.end());
    } else if (row.type != "SCHEMA" && row.type != "DELETE") {
      if (std::none_of(state.applied.begin(), state.applied.end(), matches)) state.applied.push_back(row.version);
    }
  }
  return state;
}

std::vector<std::string> adopt_targets(const ImportSet& set, const HistoryState& state, MissingVersions missing) {
  if (!state.problem.empty())
    throw OperationError("cannot adopt: " + state.problem,
                         "Nothing was stamped; metamigrate's version table is unchanged.");
  if (set.tool == "alembic") {
    for (const std::string& head : state.heads)
      if (index_of(set, head) == set.migrations.size()) unknown_version(set, state, head, false);
    std::vector<std::string> heads = state.heads;
    std::sort(heads.begin(), heads.end());
    return heads;
  }
  std::vector<bool> applied(set.migrations.size(), false);
  std::size_t count = 0;
  if (state.current) {
    const std::size_t last = index_of(set, *state.current);
    if (last == set.migrations.size()) unknown_version(set, state, *state.current, false);
    count = last + 1;
    std::fill(applied.begin(), applied.begin() + static_cast<long>(count), true);
  }
  for (const std::string& version : state.applied) {
    const std::size_t i = index_of(set, version);
    if (i == set.migrations.size()) {
      if (!missing.ignore) unknown_version(set, state, version, true);
      if (missing.ignored) missing.ignored->push_back(version);
      continue;
    }
    if (!applied[i]) ++count;
    applied[i] = true;
  }
  // The tools apply in source order; a gap (an out-of-order migration)
  // has no single version-table row that describes it.
  for (std::size_t i = 0; i < count; ++i)
    if (!applied[i]) {
      std::size_t later = i;
      while (later < applied.size() && !applied[later]) ++later;
      throw OperationError("cannot adopt: " + state.table + " records " + set.migrations[later].version +
                               " as applied but not " + set.migrations[i].version +
                               ", which comes before it; a version table row cannot describe that gap",
                           "Apply the missing migration with " + set.tool + " first (nothing was stamped).");
    }
  if (count == 0) return {};
  return {set.migrations[count - 1].revision.id};
}

}  // namespace mmc::import
