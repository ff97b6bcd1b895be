// adopt-ownership: hand the objects in the provider's schemas to its owner
// role, after a history another tool applied as a role of its own.
#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/import/ownership.hpp"
#include "client/os/signal_guard.hpp"

namespace mmc {

int cmd_adopt_ownership(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Hand every table, view, sequence, function, procedure, aggregate and type in the manifest's schemas that "
      "another role owns to the provider's owner role (ALTER ... OWNER TO), in one transaction, as the connecting "
      "user: a superuser, or the objects' owner when it is also a member of the owner role. Revisions run as the "
      "owner role, so objects another tool's migrating role created (found after 'import --adopt') would make "
      "them fail with \"must be owner of ...\". Extension members and sequences that belong to a column are "
      "left alone (they follow their extension and table). With --sql, print the script instead.");
  o.add_options()("sql", "print the statements as a psql script instead of running them");
  if (!cl.parse(o,
                "  metamigrate adopt-ownership --sql > ownership.sql   # review, then: psql -f ownership.sql\n"
                "  metamigrate --dsn postgresql://postgres@db/app adopt-ownership\n"))
    return kExitOk;
  const ProviderDir provider = cl.load_provider(ProviderDir::Contents::ManifestOnly);
  const Manifest& manifest = provider.manifest();
  std::unique_ptr<Connection> conn = cl.connect();
  SignalGuard::watch(*conn);
  const std::vector<ForeignOwned> objects = foreign_owned_objects(*conn, manifest);
  const Output& out = cl.out();
  if (cl.parsed().count("sql")) {
    out.raw(ownership_script(objects, manifest));
    return kExitOk;
  }
  if (!objects.empty()) {
    conn->query("BEGIN");
    for (const ForeignOwned& object : objects) conn->query(object.statement);
    conn->query("COMMIT");
  }
  if (out.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const ForeignOwned& object : objects)
      list.push_back({{"statement", object.statement}, {"owner", object.owner}});
    out.result_json({{"provider", manifest.key()}, {"owner_role", manifest.owner_role}, {"changed", list}});
  } else if (objects.empty()) {
    out.result("every object in " + manifest.key() + "'s schemas already belongs to " + manifest.owner_role +
               "; nothing to do");
  } else {
    for (const ForeignOwned& object : objects) out.detail(object.statement);
    out.result("handed " + std::to_string(objects.size()) + " object(s) to " + manifest.owner_role +
               " (they belonged to " + owners_summary(objects) + ")");
  }
  return kExitOk;
}

}  // namespace mmc
