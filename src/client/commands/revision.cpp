// revision and merge: write new revision files (local, no database).
#include <algorithm>

#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/provider/graph_select.hpp"
#include "client/provider/new_revision.hpp"
#include "client/autogenerate/write_revision.hpp"
#include "client/autogenerate/comparison.hpp"
#include "core/error.hpp"

namespace mmc {

namespace {

std::vector<std::string> comma_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string item = value.substr(start, comma - start);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) out.push_back(item);
      start = comma + 1;
    }
  }
  return out;
}

std::vector<std::string> list_option(const CommandLine& cl, const std::string& name) {
  if (!cl.parsed().count(name)) return {};
  return comma_list(cl.parsed()[name].as<std::vector<std::string>>());
}

std::string chosen_id(const CommandLine& cl) {
  const std::string id = cl.optional_string("rev-id").value_or(random_revision_id());
  try {
    mm::validate_revision_id(id, "--rev-id");
  } catch (const mm::Error& e) {
    throw UsageError(e.what());
  }
  return id;
}

std::string required_message(const CommandLine& cl) {
  const auto message = cl.optional_string("message");
  if (!message) throw UsageError(cl.command() + " needs -m MESSAGE (see 'metamigrate " + cl.command() + " --help')");
  return *message;
}

void add_common_options(cxxopts::Options& o) {
  o.add_options()("m,message", "what the revision does (also names the file)", cxxopts::value<std::string>(), "MSG")(
      "rev-id", "revision id instead of a random one (at most 32 characters)", cxxopts::value<std::string>(), "ID")(
      "branch-label", "branch label(s) of the new revision", cxxopts::value<std::vector<std::string>>(), "L");
}

int report(const CommandLine& cl, const mm::Revision& revision, const std::string& path) {
  const Output& out = cl.out();
  if (out.json()) {
    out.result_json({{"revision", revision.id},
                     {"down_revision", revision.down_revisions},
                     {"depends_on", revision.depends_on},
                     {"branch_labels", revision.branch_labels},
                     {"path", path}});
  } else {
    out.result("created revision " + revision.id + " (down_revision: " +
               (revision.down_revisions.empty() ? std::string("none") : mm::join(revision.down_revisions)) +
               "): " + path);
  }
  return kExitOk;
}

}  // namespace

int cmd_revision(CommandLine& cl) {
  cxxopts::Options o =
      cl.options("Write a new revision file in versions/<namespace>/ whose down_revision is the current local head.");
  add_common_options(o);
  o.add_options()("head", "parent revision: an id or prefix, label@head, or base for a new root",
                  cxxopts::value<std::string>(),
                  "REV")("splice", "allow --head to name a revision that is not a head (starts a branch)")(
      "depends-on", "revision(s) this one depends on (ordering only)", cxxopts::value<std::vector<std::string>>(),
      "REV")("autogenerate",
             "fill both sections from the difference between the database and the desired schema (the manifest's "
             "schema_files); writes nothing when there is none")(
      "non-transactional", "mark it 'transactional: false' (for CREATE INDEX CONCURRENTLY and the like)");
  add_comparison_options(o);
  if (!cl.parse(o,
                "  metamigrate revision -m \"create account table\"\n"
                "  metamigrate revision -m \"add status\" --rev-id 0002_add_status\n"
                "  metamigrate revision -m \"reporting branch\" --head base --branch-label reporting\n"
                "  metamigrate revision -m \"index concurrently\" --non-transactional\n"
                "  metamigrate revision --autogenerate -m \"add account status\"   # database vs schema/*.sql\n"
                "  metamigrate revision --autogenerate -m \"offline\" --from-revisions\n"))
    return kExitOk;
  const bool autogenerate = cl.parsed().count("autogenerate") > 0;
  if (!autogenerate && (cl.parsed().count("dev-url") || cl.parsed().count("from-revisions")))
    throw UsageError("--dev-url and --from-revisions only apply with --autogenerate");
  mm::Revision revision;
  revision.message = required_message(cl);
  revision.id = chosen_id(cl);
  const ProviderDir provider = cl.load_provider();
  const mm::RevisionGraph& graph = provider.graph();

  revision.transactional = !cl.parsed().count("non-transactional");
  if (const auto head = cl.optional_string("head")) {
    if (*head != "base") {
      const std::size_t node = resolve_revision(graph, *head);
      if (!is_head(graph, node) && !cl.parsed().count("splice"))
        throw UsageError("revision " + graph.id(node) + " is not a head; pass --splice to start a branch from it");
      revision.down_revisions.push_back(graph.id(node));
    }
  } else {
    const std::vector<std::size_t> heads = graph.heads();
    if (heads.size() > 1)
      throw UsageError("the revision graph has several heads: " + mm::join(graph.ids(heads)) +
                       "; pass --head REV (or label@head), or join them with 'metamigrate merge'");
    if (!heads.empty()) revision.down_revisions.push_back(graph.id(heads[0]));
  }
  for (const std::string& spec : list_option(cl, "depends-on"))
    for (std::size_t node : resolve_revisions(graph, spec)) revision.depends_on.push_back(graph.id(node));
  revision.branch_labels = list_option(cl, "branch-label");
  if (autogenerate) return write_autogenerated_revision(cl, provider, revision);
  return report(cl, revision, write_new_revision(provider, revision, cl.out()));
}

int cmd_merge(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Write a revision whose down_revision lists several revisions (usually heads), joining branches.", "REV...");
  add_common_options(o);
  o.add_options("Arguments")("revisions", "revisions to merge (ids, prefixes, label@head, or heads)",
                             cxxopts::value<std::vector<std::string>>());
  o.parse_positional({"revisions"});
  if (!cl.parse(o,
                "  metamigrate merge -m \"merge branches\" heads\n"
                "  metamigrate merge -m \"join reporting\" 3f2a reporting@head\n"))
    return kExitOk;
  const std::vector<std::string> specs = cl.positionals("revisions", 1, 1000);
  mm::Revision revision;
  revision.message = required_message(cl);
  revision.id = chosen_id(cl);
  const ProviderDir provider = cl.load_provider();
  const mm::RevisionGraph& graph = provider.graph();
  std::vector<std::size_t> nodes;
  for (const std::string& spec : specs)
    for (std::size_t node : resolve_revisions(graph, spec))
      if (std::find(nodes.begin(), nodes.end(), node) == nodes.end()) nodes.push_back(node);
  if (nodes.size() < 2) throw UsageError("merge needs at least two different revisions");
  for (std::size_t a : nodes) {
    const mm::NodeSet below = graph.ancestors({a});
    for (std::size_t b : nodes)
      if (a != b && below[b]) throw UsageError("cannot merge " + graph.id(b) + " with its descendant " + graph.id(a));
  }
  revision.down_revisions = graph.ids(nodes);
  revision.branch_labels = list_option(cl, "branch-label");
  return report(cl, revision, write_new_revision(provider, revision, cl.out()));
}

}  // namespace mmc
