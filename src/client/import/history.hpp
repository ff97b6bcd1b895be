// --adopt, the database part: reads another tool's history table in the
// target database (as the tool writes it) into an import::HistoryState.
#pragma once

#include <string>

#include "client/server/connection.hpp"
#include "client/import/adopt.hpp"

namespace mmc {

// The history table (sqitch: registry schema) a tool uses by default.
std::string default_history_table(const std::string& tool);

// Reads the history of `set.tool` from `table` (schema-qualified or on
// the search_path). Throws OperationError when it does not exist or has
// another tool's shape.
import::HistoryState read_history(const Connection& conn, const import::ImportSet& set, const std::string& table);

}  // namespace mmc
