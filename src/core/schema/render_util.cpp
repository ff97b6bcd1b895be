#include "core/schema/render_util.hpp"

#include <cstdint>
#include <limits>

#include "core/schema/sql.hpp"

namespace mm::schema::render {

const std::string& text(const json& spec, const char* field) {
  static const std::string none;
  auto it = spec.find(field);
  return it == spec.end() || !it->is_string() ? none : it->get_ref<const std::string&>();
}

bool flag(const json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_boolean() && it->get<bool>();
}

bool present(const json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && !it->is_null();
}

std::vector<std::string> texts(const json& spec, const char* field) {
  std::vector<std::string> out;
  auto it = spec.find(field);
  if (it != spec.end() && it->is_array())
    for (const json& v : *it) out.push_back(v.get<std::string>());
  return out;
}

std::string own_name(const Node& node) { return qualify(node.schema, node.name); }

std::string relation_name(const Node& node) { return qualify(node.schema, node.relation); }

std::string default_expression(const Node& default_node) {
  return default_node.written.empty() ? text(default_node.spec, "expression") : default_node.written;
}

std::string with_options(const json& spec) {
  std::vector<std::string> options = texts(spec, "options");
  return options.empty() ? "" : " WITH (" + join(options, ", ") + ")";
}

namespace {

struct Range {
  int64_t min, max;
};

Range type_range(const std::string& type) {
  if (type == "smallint") return {std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()};
  if (type == "integer") return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
}

// What PostgreSQL picks when an option is omitted (see DefineSequence).
json default_of(const char* option, const json& seq, const std::string& type) {
  const Range range = type_range(type);
  const int64_t increment = seq.value("increment", json(1)).get<int64_t>();
  const int64_t min = increment > 0 ? 1 : range.min;
  const int64_t max = increment > 0 ? range.max : -1;
  const std::string name = option;
  if (name == "increment") return 1;
  if (name == "min") return min;
  if (name == "max") return max;
  if (name == "start") return increment > 0 ? seq.value("min", json(min)) : seq.value("max", json(max));
  if (name == "cache") return 1;
  return false;  // cycle
}

std::string option_text(const char* option, const json& value) {
  const std::string name = option;
  if (name == "increment") return "INCREMENT BY " + value.dump();
  if (name == "min") return "MINVALUE " + value.dump();
  if (name == "max") return "MAXVALUE " + value.dump();
  if (name == "start") return "START WITH " + value.dump();
  if (name == "cache") return "CACHE " + value.dump();
  return value.get<bool>() ? "CYCLE" : "NO CYCLE";
}

constexpr const char* kOptions[] = {"increment", "min", "max", "start", "cache", "cycle"};

}  // namespace

std::vector<std::string> sequence_options(const json& seq, const std::string& type) {
  std::vector<std::string> out;
  for (const char* option : kOptions) {
    if (!seq.contains(option)) continue;
    if (seq.at(option) != default_of(option, seq, type)) out.push_back(option_text(option, seq.at(option)));
  }
  return out;
}

std::vector<std::string> changed_sequence_options(const json& from, const json& to) {
  std::vector<std::string> out;
  for (const char* option : kOptions) {
    if (to.contains(option) && from.value(option, json()) != to.at(option))
      out.push_back(option_text(option, to.at(option)));
  }
  return out;
}

Statement ddl(std::string sql, bool data_loss) { return Statement{std::move(sql), data_loss}; }

void append(Statements& out, const Statements& more) { out.insert(out.end(), more.begin(), more.end()); }

Statement rename_index(const std::string& schema, const std::string& index, const std::string& new_name) {
  return ddl("ALTER INDEX " + qualify(schema, index) + " RENAME TO " + quote_ident(new_name));
}

Statement rename_constraint(const std::string& schema, const std::string& table, const std::string& constraint,
                            const std::string& new_name) {
  return ddl("ALTER TABLE " + qualify(schema, table) + " RENAME CONSTRAINT " + quote_ident(constraint) + " TO " +
             quote_ident(new_name));
}

}  // namespace mm::schema::render
