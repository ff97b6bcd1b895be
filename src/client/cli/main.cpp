// metamigrate: the command-line client. Parses the global options, runs one
// command, and turns every error into a message and an exit status:
// 0 success, 1 the operation failed, 2 bad usage or bad input.
#include <algorithm>
#include <iostream>

#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "core/error.hpp"

namespace mmc {
namespace {

void print_general_help() {
  std::cout << "metamigrate " METAMIGRATE_VERSION
               " - schema migrations run inside PostgreSQL\n\n"
               "Usage: metamigrate [--dsn DSN] [--provider DIR] [--json] [-q|-v] COMMAND [ARGS...]\n\n"
               "Commands:\n";
  std::size_t width = 0;
  for (const CommandInfo& c : all_commands()) width = std::max(width, std::string(c.name).size());
  for (const CommandInfo& c : all_commands()) {
    std::string name = c.name;
    name.resize(width + 2, ' ');
    std::cout << "  " << name << c.summary << "\n";
  }
  std::cout << "\nGlobal options (also accepted after the command):\n"
               "  --dsn DSN       database URI or conninfo; default $METAMIGRATE_DSN, then $DATABASE_URL, then\n"
               "                  libpq's defaults (PGHOST, PGPORT, PGUSER, PGDATABASE, service file, .pgpass)\n"
               "  --provider DIR  provider directory (default ./migrations)\n"
               "  --tenant SCHEMA one tenant schema of a manifest with \"tenant_schemas\" (docs/fleet.md)\n"
               "  --json          JSON output (read commands, upgrade, downgrade, stamp)\n"
               "  -q, --quiet     only results and errors\n"
               "  -v, --verbose   also what is done (connection target with the password masked, server calls)\n"
               "  --version       print the version\n\n"
               "Exit status: 0 success, 1 the operation failed, 2 bad usage or bad input (file:line: message).\n"
               "Run 'metamigrate COMMAND --help' for the options and examples of a command.\n";
}

void print_server_error(const ServerError& e) {
  const std::string sqlstate = e.sqlstate().empty() ? "-----" : e.sqlstate();
  if (e.input_refusal && !e.location.empty())
    std::cerr << e.location << ": " << e.what() << " [" << sqlstate << "]\n";
  else
    std::cerr << "metamigrate: error [" << sqlstate << "]: " << e.what() << "\n";
  if (!e.location.empty() && !e.input_refusal) std::cerr << "  at: " << e.location << "\n";
  if (!e.detail().empty()) std::cerr << "  detail: " << e.detail() << "\n";
  if (!e.server_hint().empty()) std::cerr << "  hint: " << e.server_hint() << "\n";
  if (!e.context().empty() && !e.input_refusal) {
    std::string context = e.context();
    for (std::size_t at = context.find('\n'); at != std::string::npos; at = context.find('\n', at + 1))
      context.replace(at, 1, "\n           ");
    std::cerr << "  context: " << context << "\n";
  }
  for (const std::string& note : e.notes) std::cerr << "  note: " << note << "\n";
  std::cerr << std::flush;
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::size_t command_at = find_command_word(args);

  cxxopts::Options global("metamigrate", "schema migrations run inside PostgreSQL");
  add_global_options(global);
  global.add_options()("version", "print the version");
  std::vector<const char*> global_argv{"metamigrate"};
  for (std::size_t i = 0; i < command_at; ++i) global_argv.push_back(args[i].c_str());
  GlobalOptions globals;
  try {
    const cxxopts::ParseResult parsed = global.parse(static_cast<int>(global_argv.size()), global_argv.data());
    if (parsed.count("version")) {
      std::cout << "metamigrate " METAMIGRATE_VERSION << std::endl;
      return kExitOk;
    }
    if (parsed.count("help") || command_at == args.size()) {
      print_general_help();
      return parsed.count("help") ? kExitOk : kExitUsage;
    }
    apply_global_options(parsed, globals);
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(std::string(e.what()) + " (see 'metamigrate --help')");
  }

  const std::string name = args[command_at];
  if (name == "help") {
    print_general_help();
    return kExitOk;
  }
  for (const CommandInfo& c : all_commands()) {
    if (name != c.name) continue;
    CommandLine cl(name, std::vector<std::string>(args.begin() + command_at + 1, args.end()), globals);
    return c.run(cl);
  }
  throw UsageError("unknown command \"" + name + "\" (see 'metamigrate --help')");
}

}  // namespace
}  // namespace mmc

int main(int argc, char** argv) {
  using namespace mmc;
  try {
    return run(argc, argv);
  } catch (const InputError& e) {
    std::cerr << e.located() << std::endl;
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "metamigrate: " << e.what() << std::endl;
    return kExitUsage;
  } catch (const ServerError& e) {
    print_server_error(e);
    return kExitFailed;
  } catch (const OperationError& e) {
    std::cerr << "metamigrate: error: " << e.what() << std::endl;
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << std::endl;
    return kExitFailed;
  } catch (const mm::Error& e) {
    // The core rejected a revision argument or target against the local graph.
    std::cerr << "metamigrate: " << e.what() << " [" << e.sqlstate() << "]" << std::endl;
    if (!e.detail().empty()) std::cerr << "  detail: " << e.detail() << std::endl;
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << std::endl;
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "metamigrate: error: " << e.what() << std::endl;
    return kExitFailed;
  }
}
