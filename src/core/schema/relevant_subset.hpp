// The part of two schema models that the diff between them can depend on,
// so that comparing two models of thousands of tables costs what changed,
// not what exists. A table or view is left out when its text is the same
// on both sides and nothing the diff does reaches it: it is in no
// dependency edge that differs, in no inheritance family of a kept table,
// and neither depends on nor is depended on by an object that changes
// (compute_changes decides, and the subset grows until that holds).
// Schemas, extensions, types, sequences and functions are always kept.
// The diff and the differences of the subset equal those of the whole
// models (test/unit/relevant_subset_test.cpp checks it on the corpus).
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/schema/compare.hpp"
#include "core/schema/model.hpp"

namespace mm::schema {

struct ModelSubset {
  nlohmann::json from, to;           // models with only the kept tables and views
  Catalog from_catalog, to_catalog;  // built from them: the diff's input
  std::size_t relations = 0;         // tables and views on either side
  std::size_t kept = 0;              // of those, kept
};

// Empty when a model's text is not what snapshot() writes (see
// outline_model) or names an index no relation has: compare the whole
// models then.
std::optional<ModelSubset> relevant_subset(std::string_view from_text, std::string_view to_text);

// Reads the subset's models (for model_differences) before they are gone:
// their objects, without their dependency lists, and each list's edges as
// dump() writes them.
using SubsetModelReader = std::function<void(const nlohmann::json& from, const nlohmann::json& to,
                                             const EdgeTexts& from_edges, const EdgeTexts& to_edges)>;

// The same, calling `read_models` once with the models the returned
// catalogs are built from; `from` and `to` of the result are then null.
// Building the catalogs may then consume the models instead of copying
// them, which is most of the work when nothing is left out (one side
// empty, or every table changed).
std::optional<ModelSubset> relevant_subset(std::string_view from_text, std::string_view to_text,
                                           const SubsetModelReader& read_models);

}  // namespace mm::schema
