#include "client/fleet/fleet.hpp"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>

#include "client/server/dsn.hpp"
#include "client/output/errors.hpp"
#include "client/fleet/child_invocation.hpp"
#include "client/os/child_process.hpp"
#include "client/fleet/fleet_report.hpp"
#include "client/fleet/targets.hpp"
#include "client/fleet/tenant.hpp"
#include "client/fleet/tenant_list.hpp"
#include "client/fleet/worker_pool.hpp"

namespace mmc {

namespace {

// Each job holds up to two connections (the login and the temporary
// migration credential); more than this is a typo rather than a plan.
constexpr int kMaxJobs = 64;
constexpr int kDefaultJobs = 4;

struct FleetOptions {
  std::string targets_file, targets_query;
  int jobs = kDefaultJobs;
  bool fail_fast = false;
};

FleetOptions fleet_options(const CommandLine& cl) {
  FleetOptions o;
  if (const auto v = cl.optional_string("targets")) o.targets_file = *v;
  if (const auto v = cl.optional_string("targets-query")) o.targets_query = *v;
  if (cl.parsed().count("targets") && cl.parsed().count("targets-query"))
    throw UsageError("--targets and --targets-query exclude each other");
  if (cl.parsed().count("targets-query") && o.targets_query.find_first_not_of(" \t\r\n") == std::string::npos)
    throw UsageError("--targets-query is empty");
  if (cl.parsed().count("jobs")) {
    const std::string value = cl.parsed()["jobs"].as<std::string>();
    std::size_t used = 0;
    int jobs = 0;
    try {
      jobs = std::stoi(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || jobs < 1 || jobs > kMaxJobs)
      throw UsageError("--jobs \"" + value + "\" must be a number from 1 to " + std::to_string(kMaxJobs));
    o.jobs = jobs;
  }
  o.fail_fast = cl.parsed().count("fail-fast") > 0;
  return o;
}

// One target of the fleet before it runs.
struct FleetUnit {
  const FleetTarget* target;
  std::optional<std::string> tenant;
  std::string refused;  // set: fails without running (tenant listing failed, unusable tenant name)
};

class FleetRun {
 public:
  FleetRun(const CommandLine& cl, const ProviderDir& provider, FleetOptions options)
      : cl_(cl), provider_(provider), options_(std::move(options)), out_(cl.out()) {}

  int run() {
    program_ = self_executable();
    if (program_.empty())
      throw OperationError("cannot find the metamigrate executable (/proc/self/exe) to run targets");
    targets_ = resolve_targets();
    if (targets_.empty()) {
      out_.note(cl_.command() + ": --targets-query returned no target; nothing to do");
      return finish({});
    }
    const std::vector<FleetUnit> units = expand_units();
    std::vector<UnitResult> results(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
      results[i].target = units[i].target->label;
      results[i].origin = units[i].target->origin;
      results[i].tenant = units[i].tenant;
      results[i].error = "not started: an earlier target failed (--fail-fast)";
    }
    total_ = units.size();
    // Targets decided before running (tenant listing failed or skipped,
    // unusable tenant name) are reported first; the rest run in the pool.
    std::vector<std::size_t> runnable;
    for (std::size_t i = 0; i < units.size(); ++i) {
      if (units[i].refused.empty()) {
        runnable.push_back(i);
        continue;
      }
      results[i].status = units[i].refused.rfind("not started", 0) == 0 ? UnitStatus::Skipped : UnitStatus::Failed;
      results[i].error = units[i].refused;
      report(results[i]);
    }
    run_pool(
        runnable.size(), static_cast<std::size_t>(options_.jobs),
        [&](std::size_t k) { run_unit(units[runnable[k]], results[runnable[k]]); }, [&] { return should_stop(); });
    return finish(results);
  }

 private:
  const CommandLine& cl_;
  const ProviderDir& provider_;
  const FleetOptions options_;
  const Output& out_;
  std::string program_;
  std::vector<FleetTarget> targets_;
  std::mutex report_mutex_;  // live lines are whole lines, one target at a time
  std::size_t done_ = 0, total_ = 0;
  std::atomic<bool> failed_{false};

  bool should_stop() const { return options_.fail_fast && failed_.load(); }

  std::vector<FleetTarget> resolve_targets() {
    if (!options_.targets_file.empty()) return read_targets_file(options_.targets_file);
    if (!options_.targets_query.empty()) {
      const auto conn = cl_.connect();
      out_.detail("fleet: running --targets-query on " + conn->describe());
      return query_targets(*conn, options_.targets_query);
    }
    // Tenant schemas of the one database of --dsn (or its fallbacks).
    const ConnectTarget single = resolve_connect_target(cl_.globals().dsn);
    return {FleetTarget{single.conninfo, target_label(single.conninfo), single.origin}};
  }

  // One unit per target, or per tenant schema of every target when the
  // manifest has tenant_schemas and no --tenant picks one.
  std::vector<FleetUnit> expand_units() {
    std::vector<FleetUnit> units;
    const TenantSchemas& tenants = provider_.manifest().tenant_schemas;
    if (!tenants.enabled() || !cl_.globals().tenant.empty()) {
      std::optional<std::string> tenant;
      if (!cl_.globals().tenant.empty()) tenant = cl_.globals().tenant;
      for (const FleetTarget& t : targets_) units.push_back({&t, tenant, {}});
      return units;
    }
    std::vector<std::vector<std::string>> listed(targets_.size());
    std::vector<std::string> errors(targets_.size());
    std::vector<char> attempted(targets_.size(), 0);  // not vector<bool>: written by several threads
    run_pool(
        targets_.size(), static_cast<std::size_t>(options_.jobs),
        [&](std::size_t i) {
          attempted[i] = 1;
          try {
            listed[i] = list_tenant_schemas(targets_[i].conninfo, tenants.query);
          } catch (const std::exception& e) {
            errors[i] = e.what();
            failed_ = true;
          }
        },
        [&] { return should_stop(); });
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      if (!attempted[i]) {
        units.push_back({&targets_[i], std::nullopt, "not started: an earlier target failed (--fail-fast)"});
        continue;
      }
      if (!errors[i].empty()) {
        units.push_back({&targets_[i], std::nullopt, errors[i]});
        continue;
      }
      if (listed[i].empty()) out_.note(targets_[i].label + ": the tenant_schemas query returned no schema");
      for (const std::string& tenant : listed[i]) {
        std::string refused;
        try {
          validate_tenant_name(tenant);
        } catch (const UsageError& e) {
          refused = e.what();
        }
        units.push_back({&targets_[i], tenant, refused});
      }
    }
    return units;
  }

  void run_unit(const FleetUnit& unit, UnitResult& result) {
    const auto started = std::chrono::steady_clock::now();
    result.error.clear();
    const std::string secret = password_of(unit.target->conninfo);
    const ChildResult child =
        run_child(program_, child_arguments(cl_, unit.tenant), child_environment(unit.target->conninfo));
    read_child_outcome(child, secret, result);
    result.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    relay_verbose(result, scrub(child.err, secret));
    report(result);
  }

  // The live line of a finished target, on stderr, whole.
  void report(const UnitResult& result) {
    if (result.status == UnitStatus::Failed) failed_ = true;
    const std::lock_guard<std::mutex> lock(report_mutex_);
    ++done_;
    if (!out_.quiet()) std::cerr << live_line(result, done_, total_) + "\n" << std::flush;
  }

  // With -v, what the target's own run said, prefixed with the target.
  void relay_verbose(const UnitResult& result, const std::string& text) {
    if (!out_.verbose() || text.empty()) return;
    std::string block;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      block += "  " + result.name() + "| " + text.substr(start, end - start) + "\n";
      start = end + 1;
    }
    const std::lock_guard<std::mutex> lock(report_mutex_);
    std::cerr << block << std::flush;
  }

  int finish(const std::vector<UnitResult>& results) {
    if (out_.json())
      out_.result_json(fleet_json(cl_.command(), results));
    else
      print_fleet_table(out_, cl_.command(), results);
    for (const UnitResult& r : results)
      if (!r.ok()) return kExitFailed;
    return kExitOk;
  }
};

}  // namespace

void add_fleet_options(cxxopts::Options& options) {
  options.add_options("Fleet")(
      "targets", "run on every database of FILE: one connection string per line, '#' comments (docs/fleet.md)",
      cxxopts::value<std::string>(), "FILE")(
      "targets-query", "run on every database whose connection string SQL (run on --dsn) returns in its first column",
      cxxopts::value<std::string>(), "SQL")("jobs", "targets run at once (default 4; each uses up to 2 connections)",
                                            cxxopts::value<std::string>(), "N")(
      "fail-fast", "start no further target after the first failure (default: run all, exit 1 if any failed)");
}

bool fleet_requested(const CommandLine& cl, const ProviderDir& provider) {
  const bool listed = cl.parsed().count("targets") || cl.parsed().count("targets-query");
  const bool tenants = provider.manifest().tenant_schemas.enabled() && cl.globals().tenant.empty();
  if (!listed && !tenants) {
    if (cl.parsed().count("jobs") || cl.parsed().count("fail-fast"))
      throw UsageError(std::string(cl.parsed().count("jobs") ? "--jobs" : "--fail-fast") +
                       " applies to --targets, --targets-query or tenant schemas");
    return false;
  }
  return true;
}

int run_fleet(const CommandLine& cl, const ProviderDir& provider) {
  FleetRun run(cl, provider, fleet_options(cl));
  return run.run();
}

}  // namespace mmc
