#include "core/schema/json_text.hpp"

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace mm::schema {

void append_json_string(std::string& out, const std::string& text) {
  // Names and most definitions are plain printable ASCII, which dump()
  // prints as is; anything else goes through dump() itself.
  const bool plain =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
  if (!plain) {
    out += nlohmann::json(text).dump();
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

std::string json_string(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

std::string json_string(const std::optional<std::string>& text) { return text ? json_string(*text) : "null"; }

std::string& JsonObjectWriter::member(const char* key) {
  if (last_key_ && std::strcmp(last_key_, key) >= 0)
    throw Error(sqlstate::kInternal, std::string("JSON member \"") + key + "\" printed out of order");
  if (last_key_) out_ += ',';
  last_key_ = key;
  out_ += '"';
  out_ += key;
  out_ += "\":";
  return out_;
}

void append_json_string(std::string& out, const std::optional<std::string>& text) {
  if (text)
    append_json_string(out, *text);
  else
    out += "null";
}

void append_json_reprinted(std::string& out, const std::optional<std::string>& json_text) {
  if (!json_text)
    out += "null";
  else if (*json_text == "[]")  // most lists are empty
    out += "[]";
  else
    out += nlohmann::json::parse(*json_text).dump();
}

void append_json_strings(std::string& out, const std::vector<std::string>& list) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, list[i]);
  }
  out += ']';
}

}  // namespace mm::schema
