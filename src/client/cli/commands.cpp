#include "client/cli/commands.hpp"

namespace mmc {

const std::vector<CommandInfo>& all_commands() {
  static const std::vector<CommandInfo> commands{
      {"scaffold", "create a provider directory and print the SQL a DBA runs once", cmd_scaffold},
      {"revision", "write a new revision file on top of the current head", cmd_revision},
      {"merge", "write a revision that merges several heads", cmd_merge},
      {"heads", "show the heads of the local revision graph", cmd_heads},
      {"branches", "show the branch points of the local revision graph", cmd_branches},
      {"history", "list the local revisions, newest first", cmd_history},
      {"show", "show one revision", cmd_show},
      {"current", "show the revisions recorded in the database", cmd_current},
      {"upgrade", "upgrade the database (default: to head), or print the SQL with --sql", cmd_upgrade},
      {"downgrade", "downgrade the database, or print the SQL with --sql", cmd_downgrade},
      {"stamp", "set the version table to a revision without running SQL", cmd_stamp},
      {"lint", "check revision SQL for statements that fail or risk an outage", cmd_lint},
      {"repair", "resolve an interrupted non-transactional revision (resume, mark applied, forget)", cmd_repair},
      {"check", "compare the desired schema (schema_files) with the database; exit 1 when they differ", cmd_check},
      {"verify", "compare the live schema with the state stored after the last migration (drift)", cmd_verify},
      {"reap", "drop expired temporary migration logins (--all: of the whole cluster)", cmd_reap},
      {"adopt-ownership",
       "hand objects another role owns in the provider's schemas to the owner role (--sql: print the script)",
       cmd_adopt_ownership},
      {"import",
       "write revisions from dbmate, golang-migrate, diesel, flyway, sqitch or Alembic migrations (--adopt: stamp from "
       "their history)",
       cmd_import},
  };
  return commands;
}

}  // namespace mmc
