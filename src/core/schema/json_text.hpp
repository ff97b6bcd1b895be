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

// An object printed straight into `out`. Its members must be added in the
// order dump() prints them (bytewise by key): the printer's own order,
// checked (mm::Error, internal, when not), rather than sorted afterwards.
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  // Starts member `key` (plain ASCII): append its JSON value to the
  // returned text.
  std::string& member(const char* key);
  void finish() { out_ += '}'; }

 private:
  std::string& out_;
  const char* last_key_ = nullptr;
};

// json_string(text) or null, appended.
void append_json_string(std::string& out, const std::optional<std::string>& text);
// JSON text (from the catalog, printed by PostgreSQL) as dump() prints it
// once parsed, or null, appended.
void append_json_reprinted(std::string& out, const std::optional<std::string>& json_text);
// A list of strings, appended.
void append_json_strings(std::string& out, const std::vector<std::string>& list);

}  // namespace mm::schema
