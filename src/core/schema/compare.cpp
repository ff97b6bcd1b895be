#include "core/schema/compare.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <string_view>

namespace mm::schema {

namespace {

using nlohmann::json;

std::string short_value(const json& value) {
  std::string text = value.dump();
  return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

// "public.t", "public.f(integer)" or "id" for a named object, "" otherwise.
std::string element_name(const json& element) {
  if (!element.is_object() || !element.contains("name") || !element.at("name").is_string()) return "";
  std::string name = element.at("name").get<std::string>();
  if (element.contains("schema") && element.at("schema").is_string())
    name = element.at("schema").get<std::string>() + "." + name;
  if (element.contains("identity_arguments") && element.at("identity_arguments").is_string())
    name += "(" + element.at("identity_arguments").get<std::string>() + ")";
  return name;
}

bool all_named(const json& list) {
  for (const json& e : list)
    if (element_name(e).empty()) return false;
  return true;
}

void compare(const json& a, const json& b, const std::string& path, std::vector<std::string>& out, std::size_t limit,
             const DifferenceWording& w);

// A dependency list in order: snapshots write their edges sorted, so this
// is a check and not a sort (sorting tens of thousands of long edge texts
// was a twentieth of a diff that creates every table).
std::vector<std::string_view> sorted_edges(const EdgeTexts& edges) {
  std::vector<std::string_view> out(edges.begin(), edges.end());
  if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());
  return out;
}

// Two dependency lists that differ: edges are a set, so the ones on one
// side only, in the order of their texts (both lists merged in order).
void compare_edges(const EdgeTexts& a, const EdgeTexts& b, std::vector<std::string>& out, std::size_t limit,
                   const DifferenceWording& w) {
  const std::vector<std::string_view> from = sorted_edges(a), to = sorted_edges(b);
  std::size_t i = 0, j = 0;
  while (i < from.size() || j < to.size()) {
    const std::string_view edge = j == to.size() || (i < from.size() && from[i] <= to[j]) ? from[i] : to[j];
    int sides = 0;  // 1: a, 2: b
    for (; i < from.size() && from[i] == edge; ++i) sides |= 1;
    for (; j < to.size() && to[j] == edge; ++j) sides |= 2;
    if (sides == 1) out.push_back("dependencies" + std::string(edge) + ": " + w.only_in_from);
    if (sides == 2) out.push_back("dependencies" + std::string(edge) + ": " + w.only_in_to);
    if (out.size() >= limit) return;
  }
}

// A column order is worth reporting only when the same columns moved: added
// or dropped columns are reported as such.
bool same_names(const std::pair<const json*, const json*>& sides) {
  if (!sides.first->is_array() || !sides.second->is_array()) return true;
  auto sorted = [](const json& list) {
    std::vector<std::string> names;
    for (const json& n : list) names.push_back(n.dump());
    std::sort(names.begin(), names.end());
    return names;
  };
  return sorted(*sides.first) == sorted(*sides.second);
}

// Both sides' members matched by key (field name or object name): one side
// only is reported, both sides are compared further.
using Matched = std::map<std::string, std::pair<const json*, const json*>>;
void compare_matched(const Matched& members, const std::function<std::string(const std::string&)>& path_of,
                     std::vector<std::string>& out, std::size_t limit, const DifferenceWording& w) {
  for (const auto& [key, values] : members) {
    const std::string sub = path_of(key);
    if (!values.first) {
      out.push_back(sub + ": " + w.only_in_to);
    } else if (!values.second) {
      out.push_back(sub + ": " + w.only_in_from);
    } else {
      compare(*values.first, *values.second, sub, out, limit, w);
    }
    if (out.size() >= limit) return;
  }
}

void compare(const json& a, const json& b, const std::string& path, std::vector<std::string>& out, std::size_t limit,
             const DifferenceWording& w) {
  if (out.size() >= limit || a == b) return;
  if (a.is_object() && b.is_object()) {
    Matched fields;
    for (auto it = a.begin(); it != a.end(); ++it) fields[it.key()].first = &it.value();
    for (auto it = b.begin(); it != b.end(); ++it) fields[it.key()].second = &it.value();
    if (path.rfind("tables[", 0) == 0)
      for (const char* written : {"column_order", "default_source"})
        if (auto it = fields.find(written);
            it != fields.end() && !(w.how_written && it->second.first && it->second.second && same_names(it->second)))
          fields.erase(it);
    compare_matched(
        fields, [&](const std::string& key) { return path.empty() ? key : path + "." + key; }, out, limit, w);
    return;
  }
  if (a.is_array() && b.is_array() && all_named(a) && all_named(b)) {
    Matched items;
    for (const json& e : a) items[element_name(e)].first = &e;
    for (const json& e : b) items[element_name(e)].second = &e;
    compare_matched(
        items, [&](const std::string& name) { return path + "[" + name + "]"; }, out, limit, w);
    return;
  }
  if (a.is_array() && b.is_array() && path == "dependencies") {
    auto texts = [](const json& list) {
      EdgeTexts out;
      out.reserve(list.size());
      for (const json& e : list) out.push_back(e.dump());
      return out;
    };
    compare_edges(texts(a), texts(b), out, limit, w);
    return;
  }
  out.push_back(path + ": " + w.changed + short_value(a) + " -> " + short_value(b));
}

}  // namespace

std::vector<std::string> model_differences(const json& from, const json& to, std::size_t limit,
                                           const DifferenceWording& wording) {
  std::vector<std::string> out;
  compare(from, to, "", out, limit, wording);
  return out;
}

std::vector<std::string> model_differences(const json& from, const json& to, const EdgeTexts& from_edges,
                                           const EdgeTexts& to_edges, std::size_t limit,
                                           const DifferenceWording& wording) {
  // What compare() does with two objects, the dependency list being one
  // more member on both sides.
  std::vector<std::string> out;
  if (limit == 0) return out;
  Matched fields;
  for (auto it = from.begin(); it != from.end(); ++it) fields[it.key()].first = &it.value();
  for (auto it = to.begin(); it != to.end(); ++it) fields[it.key()].second = &it.value();
  static const std::string kDependencies = "dependencies";
  bool edges_compared = false;
  auto compare_edge_lists = [&] {
    edges_compared = true;
    if (from_edges != to_edges) compare_edges(from_edges, to_edges, out, limit, wording);
    return out.size() >= limit;
  };
  for (const auto& [key, values] : fields) {
    if (!edges_compared && kDependencies < key && compare_edge_lists()) return out;
    if (!values.first) {
      out.push_back(key + ": " + wording.only_in_to);
    } else if (!values.second) {
      out.push_back(key + ": " + wording.only_in_from);
    } else {
      compare(*values.first, *values.second, key, out, limit, wording);
    }
    if (out.size() >= limit) return out;
  }
  if (!edges_compared) compare_edge_lists();
  return out;
}

}  // namespace mm::schema
