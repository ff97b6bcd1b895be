// Reading the JSON of a schema model's objects: what nlohmann::json::parse
// gives, built directly from the text when it is the plain JSON that
// snapshot() writes (ASCII strings, simple escapes, integers, each
// object's keys once). Parsing thousands of tables cost a third of a
// diff that creates every table, mostly in the general lexer.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace mm::schema {

// nlohmann::json::parse(text): the same value, or the same exception
// (any text the fast reader does not take is handed to it whole).
nlohmann::json parse_json_text(std::string_view text);

}  // namespace mm::schema
