#include "core/schema/sql.hpp"

namespace mm::schema {

std::string quote_ident(std::string_view name) {
  bool safe = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) safe = false;
  }
  if (safe && quoted_keywords().count(name)) safe = false;
  if (safe) return std::string(name);
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string qualify(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string quote_literal(std::string_view text) {
  // A backslash means different things under the two settings of
  // standard_conforming_strings; E'' with doubled backslashes does not.
  const bool escape = text.find('\\') != std::string_view::npos;
  std::string out = escape ? "E'" : "'";
  for (char ch : text) {
    if (ch == '\'' || (escape && ch == '\\')) out += ch;
    out += ch;
  }
  return out + "'";
}

std::string join_idents(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& n : names) quoted.push_back(quote_ident(n));
  return join(quoted, ", ");
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace mm::schema
