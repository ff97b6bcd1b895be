#include "core/schema/types.hpp"

#include <set>

#include "core/schema/sql.hpp"

namespace mm::schema {

namespace {

const std::set<std::string>& string_types() {
  // Types of the string category: an I/O conversion *to* them is an
  // assignment cast, *from* them an explicit one.
  static const std::set<std::string> types = {"text", "character varying", "character", "name", "\"char\""};
  return types;
}

char builtin_context(const std::string& from, const std::string& to) {
  static const std::map<std::pair<std::string, std::string>, char> table = [] {
    std::map<std::pair<std::string, std::string>, char> out;
    for (const auto& c : builtin_casts()) out[{c.source, c.target}] = c.context;
    return out;
  }();
  auto it = table.find({from, to});
  return it == table.end() ? 0 : it->second;
}

// Integer value of a single typmod "(n)" in a format_type spelling, -1 when none.
long single_typmod(std::string_view type) {
  auto open = type.find('(');
  if (open == std::string_view::npos) return -1;
  auto close = type.find(')', open);
  std::string inside(type.substr(open + 1, close - open - 1));
  if (inside.empty() || inside.find(',') != std::string::npos) return -2;
  return std::stol(inside);
}

}  // namespace

std::string strip_typmod(std::string_view type) {
  std::string out;
  bool quoted = false;
  int depth = 0;
  for (char ch : type) {
    if (ch == '"') quoted = !quoted;
    if (!quoted && ch == '(') ++depth;
    if (depth == 0) out += ch;
    if (!quoted && ch == ')') --depth;
  }
  // "timestamp(3) with time zone" leaves a double space behind.
  std::string collapsed;
  for (char ch : out)
    if (!(ch == ' ' && !collapsed.empty() && collapsed.back() == ' ')) collapsed += ch;
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

bool is_array_type(std::string_view type) { return type.size() > 2 && type.substr(type.size() - 2) == "[]"; }

std::string array_element(std::string_view type) {
  return std::string(is_array_type(type) ? type.substr(0, type.size() - 2) : type);
}

Conversion conversion(const std::string& from, const std::string& to, const TypeFacts& facts) {
  if (from == to) return Conversion::Assignment;
  const std::string f = strip_typmod(from), t = strip_typmod(to);
  if (f == t) return Conversion::Assignment;  // length coercion (varchar(n), numeric(p,s), ...)
  if (is_array_type(f) || is_array_type(t)) {
    if (is_array_type(f) && is_array_type(t)) return conversion(array_element(from), array_element(to), facts);
    return Conversion::ViaText;
  }
  if (auto it = facts.domain_base.find(t); it != facts.domain_base.end()) {
    // Base type -> domain is a coercion PostgreSQL applies by itself.
    return conversion(from, it->second, facts);
  }
  if (auto it = facts.domain_base.find(f); it != facts.domain_base.end()) return conversion(it->second, to, facts);
  switch (builtin_context(f, t)) {
    case 'i':
    case 'a':
      return Conversion::Assignment;
    case 'e':
      return Conversion::Explicit;
    default:
      break;
  }
  if (string_types().count(t)) return Conversion::Assignment;
  if (string_types().count(f)) return Conversion::Explicit;
  return Conversion::ViaText;
}

std::string using_clause(const std::string& column, const std::string& from, const std::string& to,
                         const TypeFacts& facts) {
  switch (conversion(from, to, facts)) {
    case Conversion::Assignment:
      return "";
    case Conversion::Explicit:
      return " USING " + quote_ident(column) + "::" + to;
    case Conversion::ViaText:
      break;
  }
  return " USING " + quote_ident(column) + "::text::" + to;
}

bool is_lossless_widening(const std::string& from, const std::string& to) {
  if (from == to) return true;
  const std::string f = strip_typmod(from), t = strip_typmod(to);
  // Every value has an exact text form.
  if (to == "text") return true;
  static const std::set<std::pair<std::string, std::string>> widening = {
      {"smallint", "integer"}, {"smallint", "bigint"}, {"integer", "bigint"}, {"real", "double precision"},
      {"smallint", "numeric"}, {"integer", "numeric"}, {"bigint", "numeric"}, {"character varying", "text"}};
  if (widening.count({f, t})) return t != "numeric" || to == "numeric";
  if (f != t) return false;
  // Same type, different typmod: wider length or no limit keeps values.
  if (f == "character varying" || f == "bit varying" || f == "character") {
    const long a = single_typmod(from), b = single_typmod(to);
    return (f == "character" ? (b == a) : (b == -1 || (a >= 0 && b >= a)));
  }
  if (f == "numeric") return to == "numeric";
  return false;
}

}  // namespace mm::schema
