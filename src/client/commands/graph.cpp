// heads, branches, history, show: the local revision graph (no database).
#include <algorithm>

#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/provider/graph_select.hpp"

namespace mmc {

namespace {

using nlohmann::json;

std::string parents_text(const mm::RevisionGraph& graph, std::size_t node) {
  const auto& parents = graph.parents(node);
  return parents.empty() ? "<base>" : mm::join(graph.ids(parents));
}

// "abc (label) (head) (branchpoint)" as Alembic writes it.
std::string node_title(const mm::RevisionGraph& graph, std::size_t node) {
  const mm::Revision& rev = graph.at(node);
  std::string out = rev.id;
  if (!rev.branch_labels.empty()) out += " (" + mm::join(rev.branch_labels) + ")";
  if (is_head(graph, node)) out += " (head)";
  if (graph.children(node).size() > 1) out += " (branchpoint)";
  if (graph.parents(node).size() > 1) out += " (mergepoint)";
  return out;
}

json node_json(const ProviderDir& provider, std::size_t node) {
  const mm::RevisionGraph& graph = provider.graph();
  const mm::Revision& rev = graph.at(node);
  const RevisionFile& file = provider.file_of(node);
  return {{"revision", rev.id},
          {"down_revision", rev.down_revisions},
          {"branch_labels", rev.branch_labels},
          {"depends_on", rev.depends_on},
          {"message", rev.message},
          {"create_date", file.create_date},
          {"transactional", rev.transactional},
          {"is_head", is_head(graph, node)},
          {"is_branch_point", graph.children(node).size() > 1},
          {"is_merge_point", graph.parents(node).size() > 1},
          {"path", file.path}};
}

// Alembic's verbose block.
std::string verbose_block(const ProviderDir& provider, std::size_t node) {
  const mm::RevisionGraph& graph = provider.graph();
  const mm::Revision& rev = graph.at(node);
  const RevisionFile& file = provider.file_of(node);
  std::string out = "Rev: " + node_title(graph, node) + "\n";
  out += std::string(graph.parents(node).size() > 1 ? "Merges: " : "Parent: ") + parents_text(graph, node) + "\n";
  if (!graph.children(node).empty()) out += "Children: " + mm::join(graph.ids(graph.children(node))) + "\n";
  if (!rev.depends_on.empty()) out += "Also depends on: " + mm::join(rev.depends_on) + "\n";
  if (!rev.branch_labels.empty()) out += "Branch names: " + mm::join(rev.branch_labels) + "\n";
  out += "Transactional: " + std::string(rev.transactional ? "yes" : "no") + "\n";
  out += "Path: " + file.path + "\n\n";
  out += "    " + (rev.message.empty() ? std::string("(no message)") : rev.message) + "\n\n";
  out += "    Revision ID: " + rev.id + "\n";
  out += "    Revises: " + (rev.down_revisions.empty() ? std::string() : mm::join(rev.down_revisions)) + "\n";
  out += "    Create Date: " + file.create_date + "\n";
  return out;
}

std::string short_line(const ProviderDir& provider, std::size_t node) {
  const mm::RevisionGraph& graph = provider.graph();
  return parents_text(graph, node) + " -> " + node_title(graph, node) + ", " + graph.at(node).message;
}

// "-r START:END" (either side may be empty, "base", "heads", a revision).
mm::NodeSet range_subset(const mm::RevisionGraph& graph, const std::string& range) {
  const std::size_t colon = range.find(':');
  if (colon == std::string::npos)
    throw UsageError("-r takes START:END (either side may be empty), e.g. -r base:head or -r 3f2a:");
  const std::string start = range.substr(0, colon);
  const std::string end = range.substr(colon + 1);
  mm::NodeSet subset(graph.size(), 1);
  if (!start.empty() && start != "base") {
    const mm::NodeSet above = graph.descendants(resolve_revisions(graph, start));
    for (std::size_t i = 0; i < graph.size(); ++i) subset[i] = subset[i] && above[i];
  }
  if (!end.empty() && end != "heads") {
    const mm::NodeSet below = graph.ancestors(resolve_revisions(graph, end));
    for (std::size_t i = 0; i < graph.size(); ++i) subset[i] = subset[i] && below[i];
  }
  return subset;
}

}  // namespace

int cmd_heads(CommandLine& cl) {
  cxxopts::Options o = cl.options("Show the heads of the local revision graph (revisions nothing builds on).");
  if (!cl.parse(o, "  metamigrate heads\n  metamigrate heads -v\n  metamigrate --json heads\n")) return kExitOk;
  const ProviderDir provider = cl.load_provider(ProviderDir::Contents::HeadersOnly);
  const mm::RevisionGraph& graph = provider.graph();
  const Output& out = cl.out();
  json heads = json::array();
  for (std::size_t node : graph.heads()) {
    heads.push_back(node_json(provider, node));
    if (out.verbose())
      out.result(verbose_block(provider, node));
    else
      out.result(node_title(graph, node));
  }
  if (out.json()) out.result_json({{"provider", provider.manifest().key()}, {"heads", heads}});
  return kExitOk;
}

int cmd_branches(CommandLine& cl) {
  cxxopts::Options o = cl.options("Show the branch points of the local revision graph and the branches from them.");
  if (!cl.parse(o, "  metamigrate branches\n  metamigrate --json branches\n")) return kExitOk;
  const ProviderDir provider = cl.load_provider(ProviderDir::Contents::HeadersOnly);
  const mm::RevisionGraph& graph = provider.graph();
  const Output& out = cl.out();
  json points = json::array();
  for (std::size_t node : newest_first(graph, mm::NodeSet(graph.size(), 1))) {
    if (graph.children(node).size() < 2) continue;
    points.push_back({{"revision", graph.id(node)}, {"children", graph.ids(graph.children(node))}});
    out.result(node_title(graph, node) + ", " + graph.at(node).message);
    for (std::size_t child : graph.children(node))
      out.result("  -> " + node_title(graph, child) + ", " + graph.at(child).message);
  }
  if (out.json()) out.result_json({{"provider", provider.manifest().key()}, {"branch_points", points}});
  return kExitOk;
}

int cmd_history(CommandLine& cl) {
  cxxopts::Options o = cl.options("List the local revisions, newest first, as 'parent -> revision, message'.");
  o.add_options()("r,rev-range", "only revisions in START:END (inclusive; either side may be empty)",
                  cxxopts::value<std::string>(), "RANGE");
  if (!cl.parse(o,
                "  metamigrate history\n"
                "  metamigrate history -r base:3f2a --verbose\n"
                "  metamigrate --json history\n"))
    return kExitOk;
  const ProviderDir provider = cl.load_provider(ProviderDir::Contents::HeadersOnly);
  const mm::RevisionGraph& graph = provider.graph();
  const auto range = cl.optional_string("rev-range");
  const mm::NodeSet subset = range ? range_subset(graph, *range) : mm::NodeSet(graph.size(), 1);
  const Output& out = cl.out();
  json revisions = json::array();
  for (std::size_t node : newest_first(graph, subset)) {
    revisions.push_back(node_json(provider, node));
    out.result(out.verbose() ? verbose_block(provider, node) : short_line(provider, node));
  }
  if (out.json()) out.result_json({{"provider", provider.manifest().key()}, {"revisions", revisions}});
  return kExitOk;
}

int cmd_show(CommandLine& cl) {
  cxxopts::Options o = cl.options("Show one revision: header, file and both SQL sections.", "REV");
  o.add_options("Arguments")("revision", "id, unique prefix, head or label@head",
                             cxxopts::value<std::vector<std::string>>());
  o.parse_positional({"revision"});
  if (!cl.parse(o, "  metamigrate show head\n  metamigrate show 3f2a\n  metamigrate --json show reporting@head\n"))
    return kExitOk;
  const std::string spec = cl.positionals("revision", 1, 1)[0];
  const ProviderDir provider = cl.load_provider();
  const std::size_t node = resolve_revision(provider.graph(), spec);
  const mm::Revision& rev = provider.graph().at(node);
  const Output& out = cl.out();
  if (out.json()) {
    json doc = node_json(provider, node);
    doc["upgrade_sql"] = rev.upgrade_sql;
    doc["downgrade_sql"] = rev.downgrade_sql;
    out.result_json(doc);
    return kExitOk;
  }
  out.result(verbose_block(provider, node));
  out.result("-- upgrade\n" + rev.upgrade_sql);
  out.result("-- downgrade\n" + rev.downgrade_sql);
  return kExitOk;
}

}  // namespace mmc
