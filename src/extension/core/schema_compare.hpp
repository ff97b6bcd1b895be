// Where two schema models differ, as readable JSON paths
// ("tables[public.t].columns[id].type: \"integer\" -> \"bigint\""), for
// drift reports and test failures. Lists of named objects are matched by
// name, not position.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mm::schema {

std::vector<std::string> model_differences(const nlohmann::json& from, const nlohmann::json& to,
                                           std::size_t limit = 100);

}  // namespace mm::schema
