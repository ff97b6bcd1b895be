#include "client/cli/cli.hpp"

#include <iostream>
#include <regex>
#include <set>

#include "client/server/dsn.hpp"
#include "client/output/errors.hpp"
#include "client/fleet/tenant.hpp"

namespace mmc {

void add_global_options(cxxopts::Options& options) {
  options.add_options("Global")(
      "dsn",
      "database: URI or key=value conninfo (default: $METAMIGRATE_DSN, $DATABASE_URL, then libpq's PG* defaults)",
      cxxopts::value<std::string>(), "DSN")("provider", "provider directory", cxxopts::value<std::string>(), "DIR")(
      "tenant", "with a \"tenant_schemas\" manifest: only this tenant schema", cxxopts::value<std::string>(), "SCHEMA")(
      "json", "print a JSON document instead of text")("q,quiet", "print only results and errors")(
      "v,verbose", "print what is done (connection target, server calls)")("h,help", "show this help");
}

void apply_global_options(const cxxopts::ParseResult& parsed, GlobalOptions& globals) {
  if (parsed.count("dsn")) globals.dsn = parsed["dsn"].as<std::string>();
  if (parsed.count("provider")) globals.provider = parsed["provider"].as<std::string>();
  if (parsed.count("tenant")) globals.tenant = parsed["tenant"].as<std::string>();
  if (parsed.count("json")) globals.json = true;
  if (parsed.count("quiet")) globals.quiet = true;
  if (parsed.count("verbose")) globals.verbose = true;
  if (globals.quiet && globals.verbose) throw UsageError("-q and -v exclude each other");
}

std::size_t find_command_word(const std::vector<std::string>& args) {
  // Only the global options that take a separate value need to be known
  // here; cxxopts parses both parts afterwards.
  static const std::set<std::string> takes_value{"--dsn", "--provider", "--tenant"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (takes_value.count(args[i])) {
      ++i;
      continue;
    }
    if (args[i].size() > 1 && args[i][0] == '-') continue;
    return i;
  }
  return args.size();
}

CommandLine::CommandLine(std::string command, std::vector<std::string> args, GlobalOptions globals)
    : command_(std::move(command)), args_(std::move(args)), globals_(std::move(globals)) {}

cxxopts::Options CommandLine::options(const std::string& summary, const std::string& positional_help) const {
  cxxopts::Options options("metamigrate " + command_, summary);
  options.custom_help("[OPTION...]");
  if (!positional_help.empty()) options.positional_help(positional_help).show_positional_help();
  options.set_width(100);
  add_global_options(options);
  return options;
}

bool CommandLine::parse(cxxopts::Options& options, const std::string& examples) {
  // Relative targets such as "-1" look like short options to cxxopts;
  // everything after "--" is positional, so they are moved there.
  static const std::regex relative("^-[0-9]+$");
  std::vector<std::string> ordered, relatives;
  bool after_separator = false;
  for (const std::string& arg : args_) {
    if (arg == "--") after_separator = true;
    if (!after_separator && std::regex_match(arg, relative))
      relatives.push_back(arg);
    else
      ordered.push_back(arg);
  }
  if (!relatives.empty()) {
    if (!after_separator) ordered.push_back("--");
    ordered.insert(ordered.end(), relatives.begin(), relatives.end());
  }
  std::vector<const char*> argv{command_.c_str()};
  for (const std::string& arg : ordered) argv.push_back(arg.c_str());
  try {
    parsed_.emplace(options.parse(static_cast<int>(argv.size()), argv.data()));
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(std::string(e.what()) + " (see 'metamigrate " + command_ + " --help')");
  }
  if (!parsed_->unmatched().empty())
    throw UsageError("unexpected argument \"" + parsed_->unmatched().front() + "\" (see 'metamigrate " + command_ +
                     " --help')");
  if (parsed_->count("help")) {
    // Positional arguments are described in the summary and usage line.
    std::vector<std::string> groups;
    for (const std::string& group : options.groups())
      if (group != "Arguments") groups.push_back(group);
    std::cout << options.help(groups) << "\nExamples:\n" << examples << std::flush;
    return false;
  }
  apply_global_options(*parsed_, globals_);
  out_ = std::make_unique<Output>(globals_.json, globals_.quiet, globals_.verbose);
  if (holds_password(globals_.dsn)) out_->warning(password_on_command_line_warning("--dsn", "METAMIGRATE_DSN"));
  return true;
}

std::vector<std::string> CommandLine::positionals(const std::string& name, std::size_t min, std::size_t max) const {
  std::vector<std::string> values;
  if (parsed_->count(name)) values = (*parsed_)[name].as<std::vector<std::string>>();
  if (values.size() < min)
    throw UsageError("missing " + name + " argument (see 'metamigrate " + command_ + " --help')");
  if (values.size() > max)
    throw UsageError("too many arguments: \"" + values[max] + "\" (see 'metamigrate " + command_ + " --help')");
  return values;
}

std::optional<std::string> CommandLine::optional_string(const std::string& name) const {
  if (!parsed_->count(name)) return std::nullopt;
  return (*parsed_)[name].as<std::string>();
}

ProviderDir CommandLine::load_provider(ProviderDir::Contents contents) const {
  ProviderDir provider = read_provider(contents);
  report_load(provider);
  return provider;
}

ProviderDir CommandLine::read_provider(ProviderDir::Contents contents) const {
  ProviderDir provider = ProviderDir::load(globals_.provider, contents);
  if (globals_.tenant.empty()) return provider;
  return tenant_provider(provider, globals_.tenant);
}

void CommandLine::report_load(const ProviderDir& provider) const {
  const ProviderDir::LoadStats& stats = provider.load_stats();
  if (provider.contents() == ProviderDir::Contents::HeadersOnly)
    out_->detail("revision headers: " + std::to_string(stats.files_read) + " read from their files, " +
                 std::to_string(stats.headers_from_cache) + " unchanged ones from the cache");
}

std::unique_ptr<Connection> CommandLine::connect() const {
  return std::make_unique<Connection>(resolve_connect_target(globals_.dsn), *out_);
}

}  // namespace mmc
