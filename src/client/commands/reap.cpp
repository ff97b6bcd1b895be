// reap: drop expired temporary migration logins now.
#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/server/server_api.hpp"
#include "client/os/signal_guard.hpp"

namespace mmc {

int cmd_reap(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Drop the temporary migration logins that have expired: those this database issued, and those whose "
      "database was dropped (roles are cluster-wide; a dropped database's logins would otherwise stay). With "
      "--all, every expired metamigrate login of the cluster, whichever database issued it. Logins still "
      "connected are left alone. The client drops its own login when a command ends, and the server reaps "
      "whenever it issues one, so this is for clean-ups after crashed clients. Needs no provider directory.");
  o.add_options()("all", "every expired metamigrate login of the cluster, not only this database's");
  if (!cl.parse(o,
                "  metamigrate reap\n"
                "  metamigrate --dsn postgresql://dba@db.example.com/postgres reap --all\n"))
    return kExitOk;
  const bool all = cl.parsed().count("all") > 0;
  std::unique_ptr<Connection> conn = cl.connect();
  SignalGuard::watch(*conn);
  const std::string dropped = conn->query(sql::reap_credentials(all)).text(0, 0);
  if (cl.out().json())
    cl.out().result_json({{"dropped", std::stoi(dropped)}, {"all_databases", all}});
  else
    cl.out().result("dropped " + dropped + " expired temporary migration login(s)");
  return kExitOk;
}

}  // namespace mmc
