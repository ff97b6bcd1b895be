#include "client/provider/manifest.hpp"

#include <tuple>

#include <map>
#include <set>
#include <vector>

#include "client/provider/duration.hpp"
#include "client/output/errors.hpp"
#include "client/provider/text_file.hpp"

namespace mmc {

namespace {

using nlohmann::json;

bool is_key_part(const std::string& value) {
  if (value.empty()) return false;
  for (char c : value) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return value != "." && value != "..";
}

// nlohmann/json reports no positions for keys, so a semantic error is
// placed on the first line that spells `"key":` (exact for the flat
// manifest format, the best available for nested keys). Searched by hand:
// keys come from the file (std::regex built from them threw regex_error on
// a bad escape) and std::regex recursed per character over long blanks.
bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::size_t skip_json_space(const std::string& text, std::size_t i) {
  while (i < text.size() && is_json_space(text[i])) ++i;
  return i;
}

// Offset of the next `"key"` at or after `from` that is followed by blanks
// and ':', with the offset after the ':' in *after; npos when none.
std::size_t find_key(const std::string& text, const std::string& key, std::size_t from, std::size_t* after = nullptr) {
  const std::string quoted = "\"" + key + "\"";
  for (std::size_t at = text.find(quoted, from); at != std::string::npos; at = text.find(quoted, at + 1)) {
    const std::size_t colon = skip_json_space(text, at + quoted.size());
    if (colon < text.size() && text[colon] == ':') {
      if (after) *after = colon + 1;
      return at;
    }
  }
  return std::string::npos;
}

// Offset of the `n`-th (0-based, in document order) object key of `text`,
// which is valid JSON at least up to that key; npos when there is none.
std::size_t offset_of_nth_key(const std::string& text, std::size_t n) {
  std::vector<char> open;  // '{' and '[' not yet closed
  char previous = 0;       // the last character outside strings and blanks
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      // A key is a string right after '{' or ',' inside an object.
      if (!open.empty() && open.back() == '{' && (previous == '{' || previous == ',') && seen++ == n) return i;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      previous = '"';
      continue;
    }
    if (c == '{' || c == '[') open.push_back(c);
    if ((c == '}' || c == ']') && !open.empty()) open.pop_back();
    if (!is_json_space(c)) previous = c;
  }
  return std::string::npos;
}

int line_of_nth_key(const std::string& text, std::size_t n) {
  const std::size_t at = offset_of_nth_key(text, n);
  return at == std::string::npos ? 1 : line_of_offset(text, at);
}

// Parses the manifest, refusing a key written twice in one object (JSON
// parsers keep one of them silently, so what is reviewed would not be
// what runs): file:line of the second one.
json parse_without_duplicate_keys(const std::string& text, const std::string& display) {
  std::vector<std::map<std::string, std::size_t>> objects;  // per open object: key -> its index among all keys
  std::size_t keys = 0;
  const json::parser_callback_t refuse_duplicates = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!objects.empty()) objects.pop_back();
    } else if (event == json::parse_event_t::key && !objects.empty() && parsed.is_string()) {
      const std::size_t index = keys++;
      const auto [first, inserted] = objects.back().emplace(parsed.get<std::string>(), index);
      if (!inserted)
        throw InputError(display, line_of_nth_key(text, index),
                         "duplicate key " + json(first->first).dump(-1, ' ', false, json::error_handler_t::replace) +
                             " (first on line " + std::to_string(line_of_nth_key(text, first->second)) +
                             "): JSON keeps only one of the two, so write each key once");
    }
    return true;
  };
  return json::parse(text, refuse_duplicates);
}

int line_of_key(const std::string& text, const std::string& key) {
  const std::size_t at = find_key(text, key, 0);
  return at == std::string::npos ? 1 : line_of_offset(text, at);
}

// [schema.]function, both plain identifiers ([A-Za-z_][A-Za-z0-9_$]*).
bool is_function_name(const std::string& name) {
  auto is_start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto is_identifier = [&](const std::string& part) {
    if (part.empty() || !is_start(part[0])) return false;
    for (char c : part)
      if (!(is_start(c) || (c >= '0' && c <= '9') || c == '$')) return false;
    return true;
  };
  const std::size_t dot = name.find('.');
  if (dot == std::string::npos) return is_identifier(name);
  return is_identifier(name.substr(0, dot)) && is_identifier(name.substr(dot + 1));
}

class ManifestReader {
 public:
  ManifestReader(const std::string& text, const std::string& display) : text_(text), display_(display) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw InputError(display_, line_of_key(text_, key), message);
  }
  // For an entry of "metatables": the line that spells its table name
  // (the `occurrence`-th spelling when several entries share it), else the
  // line of the array's key.
  [[noreturn]] void fail_entry(const std::string& table, std::size_t occurrence, const std::string& message) const {
    int line = line_of_key(text_, "metatables");
    if (!table.empty()) {
      const std::string value = json(table).dump();  // as usually spelled, escapes included
      std::size_t n = 0, after = 0;
      for (std::size_t at = find_key(text_, "table", 0, &after); at != std::string::npos;
           at = find_key(text_, "table", at + 1, &after)) {
        if (text_.compare(skip_json_space(text_, after), value.size(), value) == 0 && n++ == occurrence) {
          line = line_of_offset(text_, at);
          break;
        }
      }
    }
    throw InputError(display_, line, message);
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
    throw UsageError(std::string(what) + " \"" + value + "\" is not valid: use letters, digits, '_', '-' and '.' only");
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
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw InputError(display, 1, "the manifest is empty");
  json doc;
  try {
    doc = parse_without_duplicate_keys(text, display);
  } catch (const json::parse_error& e) {
    const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    throw InputError(display, line_of_offset(text, offset), "invalid JSON: " + short_parse_message(e.what()));
  } catch (const json::exception& e) {
    // Valid syntax the library still refuses, such as a number beyond the
    // range of a double (out_of_range.406, which carries no position): the
    // message quotes the token, so place the error on its line.
    const std::string what = e.what();
    const std::size_t open = what.find('\'');
    const std::size_t close = open == std::string::npos ? open : what.find('\'', open + 1);
    const std::size_t at = close == std::string::npos ? close : text.find(what.substr(open + 1, close - open - 1));
    throw InputError(display, at == std::string::npos ? 1 : line_of_offset(text, at),
                     "invalid JSON: " + what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2));
  }
  ManifestReader reader(text, display);
  if (!doc.is_object()) throw InputError(display, 1, "the manifest must be a JSON object");
  reader.reject_unknown_keys(
      doc,
      {"package", "namespace", "owner_role", "version_table", "schemas", "schema_files", "metatables", "after_register",
       "lock_timeout", "statement_timeout", "lock_retries", "retry_backoff", "index_wait_timeout",
       "old_transaction_age", "cancel_blockers_after", "transaction_per_revision", "tenant_schemas"},
      "the manifest");
  Manifest m;
  m.package = reader.required_string(doc, "package");
  if (!is_key_part(m.package)) reader.fail("package", "\"package\" must use letters, digits, '_', '-' and '.' only");
  m.namespace_ = reader.required_string(doc, "namespace");
  if (!is_key_part(m.namespace_))
    reader.fail("namespace", "\"namespace\" must use letters, digits, '_', '-' and '.' only");
  m.owner_role = reader.required_string(doc, "owner_role");
  if (m.owner_role.size() > 63) reader.fail("owner_role", "\"owner_role\" is longer than 63 bytes");
  for (const char* key : {"package", "namespace", "owner_role", "version_table", "metatables", "after_register"})
    m.key_lines[key] = line_of_key(text, key);
  for (const char* key : {"schemas", "schema_files"})  // only when written (absent: the defaults apply)
    if (doc.contains(key)) m.key_lines[key] = line_of_key(text, key);
  m.version_table.name = m.package + "_alembic_version";
  if (doc.contains("tenant_schemas") && !doc["tenant_schemas"].is_null()) {
    // Before version_table: a tenant's version table lives in the tenant
    // schema, which is also the search_path the server gives its SQL.
    const json& ts = doc["tenant_schemas"];
    if (!ts.is_object()) reader.fail("tenant_schemas", "\"tenant_schemas\" must be an object {query, placeholder}");
    reader.reject_unknown_keys(ts, {"query", "placeholder"}, "\"tenant_schemas\"");
    if (!ts.contains("query"))
      reader.fail("tenant_schemas", "\"tenant_schemas\" lacks \"query\" (SQL returning the tenant schema names)");
    m.tenant_schemas.query = reader.string_value(ts["query"], "query");
    if (ts.contains("placeholder"))
      m.tenant_schemas.placeholder = reader.string_value(ts["placeholder"], "placeholder");
    m.version_table.schema = m.tenant_schemas.placeholder;
    m.schemas = {m.tenant_schemas.placeholder};
  }
  if (doc.contains("version_table") && !doc["version_table"].is_null()) {
    const json& vt = doc["version_table"];
    if (!vt.is_object()) reader.fail("version_table", "\"version_table\" must be an object {schema, name, column}");
    reader.reject_unknown_keys(vt, {"schema", "name", "column"}, "\"version_table\"");
    if (vt.contains("schema")) m.version_table.schema = reader.string_value(vt["schema"], "schema");
    if (m.tenant_schemas.enabled() && m.version_table.schema != m.tenant_schemas.placeholder)
      reader.fail("schema", "with \"tenant_schemas\", the version table's schema must be \"" +
                                m.tenant_schemas.placeholder + "\" (each tenant keeps its own version table)");
    if (vt.contains("name")) m.version_table.name = reader.string_value(vt["name"], "name");
    if (vt.contains("column")) m.version_table.column = reader.string_value(vt["column"], "column");
    for (const char* key : {"schema", "name", "column"})
      if (vt.contains(key) && vt[key].get<std::string>().size() > 63)
        reader.fail(key, std::string("\"version_table\".\"") + key + "\" is longer than 63 bytes");
  }
  if (m.version_table.name.size() > 63)  // only the default can be: a written name was checked above
    reader.fail("package", "the default version table \"" + m.version_table.name +
                               "\" is longer than 63 bytes: shorten \"package\" or set \"version_table\".\"name\"");
  if (doc.contains("schemas")) m.schemas = reader.string_list(doc["schemas"], "schemas");
  if (doc.contains("schema_files")) m.schema_files = reader.string_list(doc["schema_files"], "schema_files");
  if (doc.contains("metatables") && !doc["metatables"].is_null()) {
    const json& tables = doc["metatables"];
    if (!tables.is_array()) reader.fail("metatables", "\"metatables\" must be an array of objects");
    std::set<std::string> seen_tables, seen_identifiers;
    std::map<std::string, std::size_t> spelled;  // table value -> entries so far that spell it
    for (std::size_t i = 0; i < tables.size(); ++i) {
      const json& entry = tables[i];
      const std::string where = "metatables[" + std::to_string(i) + "]";
      if (!entry.is_object()) reader.fail("metatables", "each entry of \"metatables\" must be an object");
      const std::string table_value =
          entry.contains("table") && entry["table"].is_string() ? entry["table"].get<std::string>() : "";
      const std::size_t occurrence = table_value.empty() ? 0 : spelled[table_value]++;
      auto fail_here = [&](const std::string& message) { reader.fail_entry(table_value, occurrence, message); };
      for (auto it = entry.begin(); it != entry.end(); ++it)
        if (it.key() != "table" && it.key() != "schema" && it.key() != "identifier" && it.key() != "kind" &&
            it.key() != "namespace")
          fail_here("unknown key \"" + it.key() + "\" in " + where +
                    " (known keys: identifier, kind, namespace, schema, table)");
      if (!entry.contains("table")) fail_here(where + " lacks \"table\" (the physical table name)");
      auto string_of = [&](const char* key) {
        const json& value = entry[key];
        if (!value.is_string() || value.get<std::string>().empty())
          fail_here(where + ": \"" + key + "\" must be a non-empty string");
        return value.get<std::string>();
      };
      MetaTableEntry t;
      t.table = string_of("table");
      t.schema = entry.contains("schema") ? string_of("schema") : m.version_table.schema;
      t.identifier = entry.contains("identifier") ? string_of("identifier") : t.table;
      if (entry.contains("kind")) t.kind = string_of("kind");
      if (entry.contains("namespace")) t.namespace_ = string_of("namespace");
      if (t.table.size() > 63 || t.schema.size() > 63)
        fail_here(where + ": table and schema names are at most 63 bytes");
      if (t.kind != "meta_table" && t.kind != "time_index_meta_table")
        fail_here(where + ": \"kind\" must be \"meta_table\" or \"time_index_meta_table\", not \"" + t.kind + "\"");
      if (!seen_tables.insert(t.schema + "." + t.table).second)
        fail_here(where + ": table " + t.schema + "." + t.table + " is listed twice");
      if (!seen_identifiers.insert(t.identifier).second)
        fail_here(where + ": identifier \"" + t.identifier + "\" is listed twice");
      m.metatables.push_back(std::move(t));
    }
  }
  if (doc.contains("after_register")) {
    m.after_register = doc["after_register"];
    if (!m.after_register.is_null() && !m.after_register.is_string())
      reader.fail("after_register",
                  "\"after_register\" must be null or a function name (schema.function taking one jsonb)");
    if (m.after_register.is_string() && !is_function_name(m.after_register.get<std::string>()))
      reader.fail("after_register",
                  "\"after_register\" must name a function as schema.function (plain identifiers), not \"" +
                      m.after_register.get<std::string>() + "\"");
  }
  for (const char* key :
       {"lock_timeout", "statement_timeout", "index_wait_timeout", "old_transaction_age", "cancel_blockers_after"}) {
    if (!doc.contains(key) || doc[key].is_null()) continue;
    if (!doc[key].is_string())
      reader.fail(key, std::string("\"") + key + "\" must be a duration string such as \"5s\"");
    std::string ms;
    try {
      ms = parse_duration_ms(doc[key].get<std::string>(), std::string("\"") + key + "\"");
    } catch (const UsageError& e) {
      reader.fail(key, e.what());
    }
    const std::string name = key;
    (name == "lock_timeout"            ? m.defaults.lock_timeout_ms
     : name == "statement_timeout"     ? m.defaults.statement_timeout_ms
     : name == "old_transaction_age"   ? m.defaults.old_transaction_age_ms
     : name == "cancel_blockers_after" ? m.defaults.cancel_blockers_after_ms
                                       : m.defaults.index_wait_timeout_ms) = ms;
  }
  if (doc.contains("lock_retries") && !doc["lock_retries"].is_null()) {
    if (!doc["lock_retries"].is_number_unsigned() || doc["lock_retries"].get<unsigned>() > 1000)
      reader.fail("lock_retries", "\"lock_retries\" must be a number from 0 to 1000");
    m.defaults.lock_retries = std::to_string(doc["lock_retries"].get<unsigned>());
  }
  if (doc.contains("retry_backoff") && !doc["retry_backoff"].is_null()) {
    if (!doc["retry_backoff"].is_string())
      reader.fail("retry_backoff", "\"retry_backoff\" must be \"MIN:MAX\", two durations such as \"1s:60s\"");
    try {
      std::tie(m.defaults.retry_min_ms, m.defaults.retry_max_ms) =
          parse_backoff_ms(doc["retry_backoff"].get<std::string>(), "\"retry_backoff\"");
    } catch (const UsageError& e) {
      reader.fail("retry_backoff", e.what());
    }
  }
  if (doc.contains("transaction_per_revision")) {
    if (!doc["transaction_per_revision"].is_boolean())
      reader.fail("transaction_per_revision", "\"transaction_per_revision\" must be true or false");
    m.defaults.transaction_per_revision = doc["transaction_per_revision"].get<bool>();
  }
  m.display = display;
  return m;
}

Manifest load_manifest(const std::string& path, const std::string& display) {
  return parse_manifest(read_text_file(path, display, kMaxManifestBytes), display);
}

std::string render_manifest(const Manifest& m) {
  json tables = json::array();
  for (const auto& t : m.metatables) {
    json entry = {{"table", t.table}, {"identifier", t.identifier}, {"kind", t.kind}};
    if (t.schema != m.version_table.schema) entry["schema"] = t.schema;
    if (!t.namespace_.empty()) entry["namespace"] = t.namespace_;
    tables.push_back(entry);
  }
  // ordered_json keeps the documented key order, which reads better.
  nlohmann::ordered_json doc;
  doc["package"] = m.package;
  doc["namespace"] = m.namespace_;
  doc["owner_role"] = m.owner_role;
  doc["version_table"] = {
      {"schema", m.version_table.schema}, {"name", m.version_table.name}, {"column", m.version_table.column}};
  doc["schemas"] = m.schemas;
  doc["schema_files"] = m.schema_files;
  doc["metatables"] = nlohmann::ordered_json::parse(tables.dump());
  doc["after_register"] = nullptr;
  if (m.after_register.is_string()) doc["after_register"] = m.after_register.get<std::string>();
  return doc.dump(2) + "\n";
}

}  // namespace mmc
