// Small hand-written schema models for the unit tests of the diff.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/model.hpp"

namespace mm::schema::fixtures {

using nlohmann::json;

inline json empty_model() {
  return json{{"format", kModelFormat}, {"schemas", json::array({json{{"name", "public"}, {"comment", nullptr}}})}};
}

inline json column(const std::string& name, const std::string& type, bool not_null = false,
                   json default_expr = nullptr) {
  return json{{"name", name},         {"type", type},        {"not_null", not_null}, {"default", default_expr},
              {"generated", nullptr}, {"identity", nullptr}, {"collation", nullptr}, {"comment", nullptr}};
}

inline json constraint(const std::string& name, const std::string& type, const std::string& definition,
                       json references = nullptr) {
  return json{{"name", name},
              {"type", type},
              {"definition", definition},
              {"columns", json::array()},
              {"references", references},
              {"deferrable", false},
              {"deferred", false},
              {"validated", true},
              {"comment", nullptr}};
}

inline json table(const std::string& name, json columns, json constraints = json::array()) {
  return json{{"schema", "public"},
              {"name", name},
              {"kind", "table"},
              {"unlogged", false},
              {"partition_by", nullptr},
              {"partition_of", nullptr},
              {"partition_bound", nullptr},
              {"inherits", json::array()},
              {"options", json::array()},
              {"comment", nullptr},
              {"columns", columns},
              {"constraints", constraints},
              {"indexes", json::array()},
              {"triggers", json::array()}};
}

inline json enum_type(const std::string& name, std::vector<std::string> labels) {
  return json{{"schema", "public"}, {"name", name}, {"kind", "enum"}, {"labels", labels}, {"comment", nullptr}};
}

inline json view(const std::string& name, const std::string& definition) {
  return json{{"schema", "public"},       {"name", name},       {"materialized", false},   {"definition", definition},
              {"options", json::array()}, {"comment", nullptr}, {"indexes", json::array()}};
}

inline json key(std::initializer_list<std::string> parts) { return json(parts); }

}  // namespace mm::schema::fixtures
