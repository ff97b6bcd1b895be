#include "core/schema_normalize.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/schema_model.hpp"

namespace mm::schema {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string trim_definition(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == ';')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\n')) ++start;
  return s.substr(start);
}

std::string sort_name(const nlohmann::json& object) {
  // Schema, name and (functions) identity arguments, separated by a byte
  // that cannot occur in names.
  std::string out;
  for (const char* field : {"schema", "name", "identity_arguments"}) {
    auto it = object.find(field);
    if (it != object.end() && it->is_string()) out += it->get<std::string>();
    out += '\x01';
  }
  return out;
}

void sort_by_name(nlohmann::json& list) {
  if (!list.is_array()) {
    list = nlohmann::json::array();
    return;
  }
  std::stable_sort(list.begin(), list.end(),
                   [](const nlohmann::json& a, const nlohmann::json& b) { return sort_name(a) < sort_name(b); });
}

void normalize_indexes(nlohmann::json& indexes) {
  sort_by_name(indexes);
  for (auto& index : indexes) {
    index["columns"] = index_key_columns(index.value("definition", std::string()));
    index.erase("definition");
  }
}

void normalize_relation_children(nlohmann::json& relation) {
  for (const char* list : {"columns", "constraints", "triggers"})
    if (relation.contains(list)) sort_by_name(relation[list]);
  if (relation.contains("constraints")) {
    for (auto& c : relation["constraints"])
      c["definition"] = constraint_body(c.value("definition", std::string()), c.value("deferrable", false),
                                        c.value("deferred", false), c.value("validated", true));
  }
  if (relation.contains("indexes")) normalize_indexes(relation["indexes"]);
}

}  // namespace

std::vector<std::string> index_key_columns(const std::string& def) {
  // Walk the text outside quoted identifiers and literals: the key list is
  // the parenthesized group right after "USING <method> ".
  std::vector<std::string> out;
  char quote = 0;
  int depth = 0;
  bool after_using = false, in_list = false;
  std::string current;
  for (std::size_t i = 0; i < def.size(); ++i) {
    const char ch = def[i];
    if (quote) {
      if (in_list) current += ch;
      if (ch == quote) quote = 0;  // a doubled quote re-enters on the next character
      continue;
    }
    if (ch == '"' || ch == '\'') {
      quote = ch;
      if (in_list) current += ch;
      continue;
    }
    if (!after_using && depth == 0 && def.compare(i, 7, " USING ") == 0) {
      after_using = true;
      i += 6;
      continue;
    }
    if (ch == '(') {
      if (after_using && !in_list && depth == 0) {
        in_list = true;
        depth = 1;
        continue;
      }
      ++depth;
    } else if (ch == ')') {
      --depth;
      if (in_list && depth == 0) {
        out.push_back(current);
        return out;
      }
    } else if (ch == ',' && in_list && depth == 1) {
      out.push_back(current);
      current.clear();
      while (i + 1 < def.size() && def[i + 1] == ' ') ++i;
      continue;
    }
    if (in_list) current += ch;
  }
  throw Error(sqlstate::kInternal, "cannot read the key columns of index definition: " + def);
}

std::string constraint_body(std::string definition, bool deferrable, bool deferred, bool validated) {
  if (!validated && ends_with(definition, " NOT VALID")) definition.resize(definition.size() - 10);
  if (deferred && ends_with(definition, " INITIALLY DEFERRED")) definition.resize(definition.size() - 19);
  if (deferrable && ends_with(definition, " DEFERRABLE")) definition.resize(definition.size() - 11);
  return definition;
}

nlohmann::json normalize_snapshot(nlohmann::json raw) {
  raw["format"] = kModelFormat;
  for (const char* list : {"schemas", "extensions", "types", "sequences", "tables", "views", "functions"})
    sort_by_name(raw[list]);
  for (auto& type : raw["types"])
    if (type.contains("constraints")) sort_by_name(type["constraints"]);
  for (auto& table : raw["tables"]) normalize_relation_children(table);
  for (auto& view : raw["views"]) {
    view["definition"] = trim_definition(view.value("definition", std::string()));
    normalize_relation_children(view);
  }
  for (auto& fn : raw["functions"]) {
    std::string def = fn.value("definition", std::string());
    while (!def.empty() && (def.back() == '\n' || def.back() == ' ')) def.pop_back();
    fn["definition"] = def;
  }
  std::set<std::string> seen;
  nlohmann::json edges = nlohmann::json::array();
  std::vector<std::pair<std::string, nlohmann::json>> sorted;
  for (const auto& edge : raw.value("dependencies", nlohmann::json::array())) {
    std::string text = edge.dump();
    if (seen.insert(text).second) sorted.emplace_back(text, edge);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [text, edge] : sorted) edges.push_back(std::move(edge));
  raw["dependencies"] = edges;
  return raw;
}

}  // namespace mm::schema
