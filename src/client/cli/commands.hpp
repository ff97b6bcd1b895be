// Every command of the client: name, one-line summary, entry point.
#pragma once

#include <vector>

#include "client/cli/cli.hpp"

namespace mmc {

using CommandFunction = int (*)(CommandLine&);

struct CommandInfo {
  const char* name;
  const char* summary;
  CommandFunction run;
};

const std::vector<CommandInfo>& all_commands();

int cmd_scaffold(CommandLine& cl);
int cmd_revision(CommandLine& cl);
int cmd_merge(CommandLine& cl);
int cmd_heads(CommandLine& cl);
int cmd_branches(CommandLine& cl);
int cmd_history(CommandLine& cl);
int cmd_show(CommandLine& cl);
int cmd_current(CommandLine& cl);
int cmd_upgrade(CommandLine& cl);
int cmd_downgrade(CommandLine& cl);
int cmd_stamp(CommandLine& cl);
int cmd_lint(CommandLine& cl);
int cmd_repair(CommandLine& cl);
int cmd_check(CommandLine& cl);
int cmd_verify(CommandLine& cl);
int cmd_import(CommandLine& cl);
int cmd_reap(CommandLine& cl);
int cmd_adopt_ownership(CommandLine& cl);

}  // namespace mmc
