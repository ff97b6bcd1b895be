// Where two schema models differ, as readable JSON paths
// ("tables[public.t].columns[id].type: \"integer\" -> \"bigint\""), for
// drift reports and test failures. Lists of named objects are matched by
// name, not position.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mm::schema {

// How a difference reads; verify names the sides (stored state, database).
struct DifferenceWording {
  std::string only_in_from = "only in from";
  std::string only_in_to = "only in to";
  std::string changed;  // before "A -> B"
  // How tables were written (column_order, columns' default_source): the
  // diff never changes them alone, so `check` leaves them out; verify
  // reports them, when both models have them (older stored states do not).
  bool how_written = false;
};

std::vector<std::string> model_differences(const nlohmann::json& from, const nlohmann::json& to,
                                           std::size_t limit = 100, const DifferenceWording& wording = {});

// Each edge of a dependency list as dump() writes it: "[[...],[...]]".
using EdgeTexts = std::vector<std::string>;

// The same, for two models (objects) whose dependency lists are given
// apart as their edges' texts instead of as a "dependencies" member
// (relevant_subset has the edges' keys as text: building each edge as
// JSON only to print it again cost a tenth of a diff that creates every
// table).
std::vector<std::string> model_differences(const nlohmann::json& from, const nlohmann::json& to,
                                           const EdgeTexts& from_edges, const EdgeTexts& to_edges,
                                           std::size_t limit = 100, const DifferenceWording& wording = {});

}  // namespace mm::schema
