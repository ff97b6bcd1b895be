// Fleet: one command over many databases (--targets FILE, --targets-query
// SQL) and/or every tenant schema of a "tenant_schemas" manifest, --jobs
// at a time (docs/fleet.md).
//
// Each target (database, or database and tenant schema) runs as a child
// process: the client itself with the same command and arguments, --json,
// the target's connection string in METAMIGRATE_DSN (never on a command
// line, where `ps` would show it) and --tenant. So a target gets exactly
// the transactions, locks and checks of a single-target run, and the
// runner only schedules, reports and sums up.
//
// A command joins the fleet by calling add_fleet_options() on its parser
// and, after loading the provider,
//   if (fleet_requested(cl, provider)) return run_fleet(cl, provider);
// It needs a --json document with "from"/"to" or "heads" (other keys are
// passed through as "result"), and exit status 0 for success. `current`,
// `upgrade`, `downgrade`, `stamp`, `verify` and `check` do.
#pragma once

#include "client/cli/options_parser.hpp"

#include "client/cli/cli.hpp"

namespace mmc {

void add_fleet_options(cxxopts::Options& options);

// --targets or --targets-query given, or a tenant_schemas manifest without
// --tenant. Throws UsageError for fleet options that do not fit together.
bool fleet_requested(const CommandLine& cl, const ProviderDir& provider);

// Runs the command on every target; returns 0 when all succeeded, 1 when
// any failed or was skipped (--fail-fast). Throws UsageError/InputError
// (exit 2) for a bad targets file or query before anything runs.
int run_fleet(const CommandLine& cl, const ProviderDir& provider);

}  // namespace mmc
