#include "client/provider/graph_select.hpp"

#include <algorithm>

#include "client/output/errors.hpp"
#include "core/error.hpp"

namespace mmc {

bool is_head(const mm::RevisionGraph& graph, std::size_t node) { return graph.children(node).empty(); }

std::size_t resolve_revision(const mm::RevisionGraph& graph, const std::string& spec) {
  if (spec == "head") {
    const auto heads = graph.heads();
    if (heads.empty()) throw UsageError("there are no revisions yet, so there is no head");
    if (heads.size() > 1)
      throw UsageError("\"head\" is ambiguous: the revision graph has several heads: " + mm::join(graph.ids(heads)) +
                       " (name one, use label@head, or merge them)");
    return heads[0];
  }
  const std::size_t at = spec.find('@');
  if (at != std::string::npos && graph.find(spec) == mm::RevisionGraph::npos) {
    const std::string label = spec.substr(0, at);
    if (spec.substr(at + 1) != "head") throw UsageError("\"" + spec + "\": after '@' only \"head\" is accepted here");
    if (!graph.has_label(label)) throw UsageError("unknown branch label \"" + label + "\"");
    const mm::NodeSet members = graph.labelled(label);
    std::vector<std::size_t> heads;
    for (std::size_t h : graph.heads())
      if (members[h]) heads.push_back(h);
    if (heads.size() != 1)
      throw UsageError("branch \"" + label + "\" has " + std::to_string(heads.size()) +
                       " heads: " + mm::join(graph.ids(heads)));
    return heads[0];
  }
  return graph.resolve_id(spec);
}

std::vector<std::size_t> resolve_revisions(const mm::RevisionGraph& graph, const std::string& spec) {
  std::vector<std::size_t> out;
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == "heads") {
      for (std::size_t h : graph.heads()) out.push_back(h);
    } else if (item != "base" && !item.empty()) {
      out.push_back(resolve_revision(graph, item));
    }
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::size_t> newest_first(const mm::RevisionGraph& graph, const mm::NodeSet& subset) {
  std::vector<std::size_t> heads = graph.heads();
  std::vector<std::size_t> order = graph.dependency_order(subset, heads);
  std::reverse(order.begin(), order.end());
  return order;
}

}  // namespace mmc
