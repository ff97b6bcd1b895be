#include "core/schema/json_text.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

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

std::string json_reprinted(const std::optional<std::string>& json_text) {
  if (!json_text) return "null";
  if (*json_text == "[]") return "[]";  // most lists are empty
  return nlohmann::json::parse(*json_text).dump();
}

std::string json_strings(const std::vector<std::string>& list) {
  std::vector<std::string> items;
  items.reserve(list.size());
  for (const std::string& s : list) items.push_back(json_string(s));
  return json_list(items);
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += item;
  }
  return out + "]";
}

std::string JsonObjectText::finish() {
  std::sort(members_.begin(), members_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "{";
  for (const auto& [key, value] : members_) {
    if (out.size() > 1) out += ',';
    out += json_string(key);
    out += ':';
    out += value;
  }
  members_.clear();
  return out + "}";
}

}  // namespace mm::schema
