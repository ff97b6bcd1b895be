#include "client/manifest.hpp"

#include <regex>
#include <set>

#include "client/errors.hpp"
#include "client/text_file.hpp"

namespace mmc {

namespace {

using nlohmann::json;

bool is_key_part(const std::string& value) {
  if (value.empty()) return false;
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return value != "." && value != "..";
}

// nlohmann/json reports no positions for keys, so a semantic error is
// placed on the first line that spells `"key":` (exact for the flat
// manifest format, the best available for nested keys).
int line_of_key(const std::string& text, const std::string& key) {
  const std::regex pattern("\"" + std::regex_replace(key, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                           "\"\\s*:");
  std::smatch match;
  if (std::regex_search(text, match, pattern)) return line_of_offset(text, static_cast<std::size_t>(match.position(0)));
  return 1;
}

class ManifestReader {
 public:
  ManifestReader(const std::string& text, const std::string& display) : text_(text), display_(display) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw InputError(display_, line_of_key(text_, key), message);
  }

  std::string required_string(const json& object, const std::string& key) const {
    if (!object.contains(key)) throw InputError(display_, 1, "missing required key \"" + key + "\"");
    return string_value(object[key], key);
  }

  std::string string_value(const json& value, const std::string& key) const {
    if (!value.is_string() || value.get<std::string>().empty()) fail(key, "\"" + key + "\" must be a non-empty string");
    return value.get<std::string>();
  }

  std::vector<std::string> string_list(const json& value, const std::string& key) const {
    if (!value.is_array()) fail(key, "\"" + key + "\" must be an array of strings");
    std::vector<std::string> out;
    for (const auto& item : value) out.push_back(string_value(item, key));
    return out;
  }

  void reject_unknown_keys(const json& object, const std::set<std::string>& known, const std::string& where) const {
    for (auto it = object.begin(); it != object.end(); ++it)
      if (!known.count(it.key())) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        fail(it.key(), "unknown key \"" + it.key() + "\" in " + where + " (known keys: " + list + ")");
      }
  }

 private:
  const std::string& text_;
  const std::string& display_;
};

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..." -> "syntax error ..."
std::string short_parse_message(const std::string& what) {
  const std::size_t colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

void validate_key_part(const std::string& value, const char* what) {
  if (!is_key_part(value))
    throw UsageError(std::string(what) + " \"" + value +
                     "\" is not valid: use letters, digits, '_', '-' and '.' only");
}

Manifest default_manifest(const std::string& package, const std::string& namespace_, const std::string& owner_role) {
  Manifest m;
  m.package = package;
  m.namespace_ = namespace_;
  m.owner_role = owner_role;
  m.version_table.name = package + "_alembic_version";
  return m;
}

Manifest parse_manifest(const std::string& text, const std::string& display) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    throw InputError(display, line_of_offset(text, offset), "invalid JSON: " + short_parse_message(e.what()));
  }
  ManifestReader reader(text, display);
  if (!doc.is_object()) throw InputError(display, 1, "the manifest must be a JSON object");
  reader.reject_unknown_keys(doc,
                             {"package", "namespace", "owner_role", "version_table", "schemas", "schema_files",
                              "metatables", "after_register"},
                             "the manifest");
  Manifest m;
  m.package = reader.required_string(doc, "package");
  if (!is_key_part(m.package))
    reader.fail("package", "\"package\" must use letters, digits, '_', '-' and '.' only");
  m.namespace_ = reader.required_string(doc, "namespace");
  if (!is_key_part(m.namespace_))
    reader.fail("namespace", "\"namespace\" must use letters, digits, '_', '-' and '.' only");
  m.owner_role = reader.required_string(doc, "owner_role");
  m.version_table.name = m.package + "_alembic_version";
  if (doc.contains("version_table") && !doc["version_table"].is_null()) {
    const json& vt = doc["version_table"];
    if (!vt.is_object()) reader.fail("version_table", "\"version_table\" must be an object {schema, name, column}");
    reader.reject_unknown_keys(vt, {"schema", "name", "column"}, "\"version_table\"");
    if (vt.contains("schema")) m.version_table.schema = reader.string_value(vt["schema"], "schema");
    if (vt.contains("name")) m.version_table.name = reader.string_value(vt["name"], "name");
    if (vt.contains("column")) m.version_table.column = reader.string_value(vt["column"], "column");
  }
  if (doc.contains("schemas")) m.schemas = reader.string_list(doc["schemas"], "schemas");
  if (doc.contains("schema_files")) m.schema_files = reader.string_list(doc["schema_files"], "schema_files");
  if (doc.contains("metatables")) {
    const json& tables = doc["metatables"];
    if (!tables.is_array()) reader.fail("metatables", "\"metatables\" must be an array of objects");
    for (const auto& entry : tables) {
      if (!entry.is_object()) reader.fail("metatables", "each entry of \"metatables\" must be an object");
      reader.reject_unknown_keys(entry, {"table", "identifier", "kind"}, "a \"metatables\" entry");
      if (!entry.contains("table")) reader.fail("metatables", "a \"metatables\" entry lacks \"table\"");
      MetaTableEntry t;
      t.table = reader.string_value(entry["table"], "table");
      if (entry.contains("identifier")) t.identifier = reader.string_value(entry["identifier"], "identifier");
      if (entry.contains("kind")) t.kind = reader.string_value(entry["kind"], "kind");
      m.metatables.push_back(std::move(t));
    }
  }
  if (doc.contains("after_register")) {
    m.after_register = doc["after_register"];
    if (!m.after_register.is_null() && !m.after_register.is_string())
      reader.fail("after_register", "\"after_register\" must be null or a string");
  }
  return m;
}

Manifest load_manifest(const std::string& path, const std::string& display) {
  return parse_manifest(read_text_file(path, display), display);
}

std::string render_manifest(const Manifest& m) {
  json tables = json::array();
  for (const auto& t : m.metatables) tables.push_back({{"table", t.table}, {"identifier", t.identifier}, {"kind", t.kind}});
  // ordered_json keeps the documented key order, which reads better.
  nlohmann::ordered_json doc;
  doc["package"] = m.package;
  doc["namespace"] = m.namespace_;
  doc["owner_role"] = m.owner_role;
  doc["version_table"] = {{"schema", m.version_table.schema},
                          {"name", m.version_table.name},
                          {"column", m.version_table.column}};
  doc["schemas"] = m.schemas;
  doc["schema_files"] = m.schema_files;
  doc["metatables"] = nlohmann::ordered_json::parse(tables.dump());
  doc["after_register"] = nullptr;
  if (m.after_register.is_string()) doc["after_register"] = m.after_register.get<std::string>();
  return doc.dump(2) + "\n";
}

}  // namespace mmc
