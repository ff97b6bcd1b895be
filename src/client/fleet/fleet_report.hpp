// What a fleet says about each target: the live line on stderr as a target
// finishes, the final table on stdout, and the --json document.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "client/output/output.hpp"

namespace mmc {

enum class UnitStatus { Skipped, Ok, Failed };

// One target of a fleet: a database, or a database and a tenant schema.
struct UnitResult {
  std::string target;                 // masked connection string
  std::string origin;                 // FILE:LINE, --targets-query row N, or --dsn
  std::optional<std::string> tenant;  // the tenant schema, in tenant mode
  UnitStatus status = UnitStatus::Skipped;
  bool changed = false;  // the version table moved
  std::vector<std::string> from, to;
  double duration_ms = 0;
  std::string error;      // secrets scrubbed; empty when ok
  nlohmann::json result;  // the single-target --json document, if any

  bool ok() const { return status == UnitStatus::Ok; }
  // "db=... [tenant acme]"
  std::string name() const;
};

// "0001 -> 0002", "at 0002", "at (base)".
std::string heads_text(const UnitResult& unit);

// "[3/20] ok      <target>  0001 -> 0002  (41.0 ms)" (one line, no newline).
std::string live_line(const UnitResult& unit, std::size_t done, std::size_t total);

// The table of every target, then a summary line, on stdout.
void print_fleet_table(const Output& out, const std::string& command, const std::vector<UnitResult>& units);

// {"command": ..., "targets": [{"target", "tenant"?, "ok", "status", "changed", "from", "to",
//   "duration_ms", "error", "origin", "result"}], "summary": {...}}
nlohmann::json fleet_json(const std::string& command, const std::vector<UnitResult>& units);

}  // namespace mmc
