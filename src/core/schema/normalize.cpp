#include "core/schema/normalize.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/schema/model.hpp"

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

// The elements of `list` named by `order` (sort key, index), in that order,
// moved rather than copied.
nlohmann::json take_in_order(nlohmann::json& list, const std::vector<std::pair<std::string, std::size_t>>& order) {
  nlohmann::json out = nlohmann::json::array();
  out.get_ref<nlohmann::json::array_t&>().reserve(order.size());
  for (const auto& entry : order) out.push_back(std::move(list[entry.second]));
  return out;
}

void sort_by_name(nlohmann::json& list) {
  if (!list.is_array()) {
    list = nlohmann::json::array();
    return;
  }
  // Each name is built once, not at every comparison, and the objects are
  // moved into their places rather than copied.
  std::vector<std::pair<std::string, std::size_t>> order;
  order.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) order.emplace_back(sort_name(list[i]), i);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  list = take_in_order(list, order);
}

// Optional fields are left out rather than null, so models without them
// read as before.
void erase_if_null(nlohmann::json& object, const char* field) {
  if (auto it = object.find(field); it != object.end() && it->is_null()) object.erase(it);
}

// "partitions" is null on anything but a partitioned table's index or key.
void erase_null_partitions(nlohmann::json& object) { erase_if_null(object, "partitions"); }

void normalize_indexes(nlohmann::json& indexes) {
  sort_by_name(indexes);
  for (auto& index : indexes) {
    index["columns"] = index_key_columns(index.value("definition", std::string()));
    index.erase("definition");
    erase_null_partitions(index);
  }
}

void normalize_relation_children(nlohmann::json& relation) {
  for (const char* list : {"columns", "constraints", "triggers", "policies"})
    if (relation.contains(list)) sort_by_name(relation[list]);
  if (relation.contains("constraints")) {
    for (auto& c : relation["constraints"]) {
      c["definition"] = constraint_body(c.value("definition", std::string()), c.value("deferrable", false),
                                        c.value("deferred", false), c.value("validated", true));
      erase_null_partitions(c);
    }
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

void normalize_inherited_columns(nlohmann::json& columns) {
  sort_by_name(columns);
  for (auto& column : columns) erase_if_null(column, "default_source");
}

void normalize_model_item(const std::string& section, nlohmann::json& item) {
  if (section == "types") {
    if (item.contains("constraints")) sort_by_name(item["constraints"]);
  } else if (section == "tables") {
    // The snapshot lists columns by attnum: keep that order before sorting.
    nlohmann::json order = nlohmann::json::array();
    for (const auto& column : item.value("columns", nlohmann::json::array())) order.push_back(column.value("name", ""));
    item["column_order"] = std::move(order);
    // Only folded defaults have a written form to keep.
    for (auto& column : item["columns"]) erase_if_null(column, "default_source");
    // Row-level security is listed only where it is used, and so are a
    // child's own settings on the columns it inherits.
    for (const char* field : {"row_security", "force_row_security", "policies", "inherited_columns"})
      erase_if_null(item, field);
    if (auto it = item.find("inherited_columns"); it != item.end()) normalize_inherited_columns(*it);
    normalize_relation_children(item);
  } else if (section == "views") {
    item["definition"] = trim_definition(item.value("definition", std::string()));
    normalize_relation_children(item);
  } else if (section == "functions") {
    std::string def = item.value("definition", std::string());
    while (!def.empty() && (def.back() == '\n' || def.back() == ' ')) def.pop_back();
    item["definition"] = def;
  }
}

nlohmann::json normalize_snapshot(nlohmann::json raw) {
  ModelWriter writer;
  for (const char* section : ModelWriter::kSections)
    if (raw[section].is_array())
      for (auto& item : raw[section]) writer.add(section, std::move(item));
  if (raw["dependencies"].is_array())
    for (auto& edge : raw["dependencies"]) writer.add_dependency(edge);
  return nlohmann::json::parse(writer.finish());
}

std::vector<std::pair<std::string, std::string>>& ModelWriter::section(const std::string& name) {
  auto it = sections_.find(name);
  if (it == sections_.end()) {
    bool known = false;
    for (const char* s : kSections) known |= name == s;
    if (!known) throw Error(sqlstate::kInternal, "snapshot returned an object of unknown kind \"" + name + "\"");
    it = sections_.emplace(name, std::vector<std::pair<std::string, std::string>>()).first;
  }
  return it->second;
}

void ModelWriter::add(const std::string& section_name, nlohmann::json item) {
  auto& items = section(section_name);
  normalize_model_item(section_name, item);
  if (sink_) {
    sink_(section_name, sort_name(item), item.dump());
  } else {
    items.emplace_back(sort_name(item), item.dump());
  }
}

void ModelWriter::add_printed(const std::string& section_name, std::string sort_name, std::string text) {
  auto& items = section(section_name);
  if (sink_) {
    sink_(section_name, sort_name, std::move(text));
  } else {
    items.emplace_back(std::move(sort_name), std::move(text));
  }
}

void ModelWriter::add_dependency(const nlohmann::json& edge) { dependencies_.push_back(edge.dump()); }

std::string ModelWriter::finish() {
  for (auto& [section, items] : sections_)
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::sort(dependencies_.begin(), dependencies_.end());
  dependencies_.erase(std::unique(dependencies_.begin(), dependencies_.end()), dependencies_.end());
  // Members in the order nlohmann::json prints an object's keys (bytewise),
  // so the text is what dumping the whole model as one tree would give;
  // printed into one string of the final size (a model of 2,000 tables is
  // 5 MB, and each list used to be a string of its own, copied again).
  std::vector<std::pair<std::string, const std::vector<std::pair<std::string, std::string>>*>> members;
  std::size_t size = 64;
  for (const std::string& edge : dependencies_) size += edge.size() + 1;
  for (const char* section : kSections) {
    const auto& items = sections_[section];
    members.emplace_back(section, &items);
    size += std::strlen(section) + 8;
    for (const auto& item : items) size += item.second.size() + 1;
  }
  members.emplace_back("dependencies", nullptr);
  members.emplace_back("format", nullptr);
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  out.reserve(size);
  out += '{';
  for (const auto& [name, items] : members) {
    if (out.size() > 1) out += ',';
    out += nlohmann::json(name).dump();
    out += ':';
    if (name == "format") {
      out += nlohmann::json(kModelFormat).dump();
      continue;
    }
    out += '[';
    if (items) {
      for (std::size_t i = 0; i < items->size(); ++i) {
        if (i > 0) out += ',';
        out += (*items)[i].second;
      }
    } else {
      for (std::size_t i = 0; i < dependencies_.size(); ++i) {
        if (i > 0) out += ',';
        out += dependencies_[i];
      }
    }
    out += ']';
  }
  sections_.clear();
  dependencies_.clear();
  return out + "}";
}

}  // namespace mm::schema
