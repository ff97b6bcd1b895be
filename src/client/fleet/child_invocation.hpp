// How a fleet runs one target as a single-target invocation of the client
// (see fleet.hpp), and how it reads the outcome back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/cli/cli.hpp"
#include "client/os/child_process.hpp"
#include "client/fleet/fleet_report.hpp"

namespace mmc {

// argv of the child: the same command and arguments without the fleet
// options, --dsn, --json, -q/-v and --tenant, plus --json and the tenant.
std::vector<std::string> child_arguments(const CommandLine& cl, const std::optional<std::string>& tenant);

// The environment of the child: ours, with METAMIGRATE_DSN set to
// `conninfo` (and DATABASE_URL removed so that nothing else can win);
// an empty conninfo leaves libpq's PG* defaults.
std::vector<std::string> child_environment(const std::string& conninfo);

// Fills status, from/to, changed, result and error of `unit` from what
// the child printed; every occurrence of `secret` is scrubbed first.
void read_child_outcome(const ChildResult& child, const std::string& secret, UnitResult& unit);

}  // namespace mmc
