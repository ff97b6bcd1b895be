// JSON text printed piece by piece, byte for byte as nlohmann::json's
// dump() prints the same values: a snapshot writes its tables straight from
// the catalog rows, without building a JSON tree for each one.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mm::schema {

// A string as dump() prints it (quoted, escaped; throws nlohmann's
// type_error on text that is not UTF-8, as dump() does).
std::string json_string(const std::string& text);
// json_string(text) appended to `out`.
void append_json_string(std::string& out, const std::string& text);
// A string, or null.
std::string json_string(const std::optional<std::string>& text);
inline std::string json_bool(bool value) { return value ? "true" : "false"; }
// JSON text (from the catalog, printed by PostgreSQL) as dump() prints it
// once parsed, or null.
std::string json_reprinted(const std::optional<std::string>& json_text);
// A list of strings.
std::string json_strings(const std::vector<std::string>& list);

// An object's members, printed in the order dump() prints them (bytewise
// by key) whatever order they are added in.
class JsonObjectText {
 public:
  // `value` is already JSON text.
  void add(const char* key, std::string value) { members_.emplace_back(key, std::move(value)); }
  std::string finish();

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// A list of JSON texts.
std::string json_list(const std::vector<std::string>& items);

}  // namespace mm::schema
