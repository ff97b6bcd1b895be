// Turning revision arguments typed by a user into nodes of the local graph.
// The graph semantics themselves live in the core (RevisionGraph).
#pragma once

#include <string>
#include <vector>

#include "core/revisions/graph.hpp"

namespace mmc {

// One revision: an id or unique prefix, "head" (when there is exactly one)
// or "label@head". Throws mm::Error / UsageError.
std::size_t resolve_revision(const mm::RevisionGraph& graph, const std::string& spec);

// Several revisions: a comma-separated list of the above, where "heads"
// means every head and "base" nothing.
std::vector<std::size_t> resolve_revisions(const mm::RevisionGraph& graph, const std::string& spec);

// Nodes sorted newest first (every revision before its parents).
std::vector<std::size_t> newest_first(const mm::RevisionGraph& graph, const mm::NodeSet& subset);

bool is_head(const mm::RevisionGraph& graph, std::size_t node);

}  // namespace mmc
