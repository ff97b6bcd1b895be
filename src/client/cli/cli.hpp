// Command-line plumbing shared by every command: global options, the
// per-command cxxopts parser (which also accepts the global options, so
// `metamigrate current --json` works like `metamigrate --json current`),
// and the context a command runs in.
#pragma once

#include "client/cli/options_parser.hpp"
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/output/output.hpp"
#include "client/provider/provider_dir.hpp"

namespace mmc {

struct GlobalOptions {
  std::string dsn;
  std::string provider = "./migrations";
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  std::string tenant;  // --tenant: one tenant schema of a "tenant_schemas" manifest
};

// Adds --dsn, --provider, --json, -q, -v (and -h) to `options`.
void add_global_options(cxxopts::Options& options);
// Copies the global options present in `parsed` over `globals`.
void apply_global_options(const cxxopts::ParseResult& parsed, GlobalOptions& globals);

class CommandLine {
 public:
  CommandLine(std::string command, std::vector<std::string> args, GlobalOptions globals);

  // A parser for this command; `positional_help` documents the arguments.
  cxxopts::Options options(const std::string& summary, const std::string& positional_help = "") const;
  // Parses the command's arguments. Returns false after printing the help
  // (with `examples`) for --help.
  bool parse(cxxopts::Options& options, const std::string& examples);
  const cxxopts::ParseResult& parsed() const { return *parsed_; }

  // Positional arguments collected into option `name` (a string vector);
  // throws UsageError unless there are between `min` and `max`.
  std::vector<std::string> positionals(const std::string& name, std::size_t min, std::size_t max) const;
  std::optional<std::string> optional_string(const std::string& name) const;

  const std::string& command() const { return command_; }
  // The command's own arguments as given (a fleet re-runs them per target).
  const std::vector<std::string>& args() const { return args_; }
  const GlobalOptions& globals() const { return globals_; }
  const Output& out() const { return *out_; }

  // The provider directory; with --tenant, that tenant's provider.
  // HeadersOnly for commands that need the revision graph but no SQL.
  ProviderDir load_provider(ProviderDir::Contents contents = ProviderDir::Contents::Full) const;
  // load_provider in two halves: reading (prints nothing, so it may run
  // on another thread) and the -v line about what was read.
  ProviderDir read_provider(ProviderDir::Contents contents) const;
  void report_load(const ProviderDir& provider) const;
  std::unique_ptr<Connection> connect() const;

 private:
  std::string command_;
  std::vector<std::string> args_;
  GlobalOptions globals_;
  std::optional<cxxopts::ParseResult> parsed_;
  std::unique_ptr<Output> out_;
};

// Splits argv into the global part and the command part; returns the index
// of the command word in `args` (args.size() when there is none).
std::size_t find_command_word(const std::vector<std::string>& args);

}  // namespace mmc
