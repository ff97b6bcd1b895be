#include "core/revision_context.hpp"

#include <cstdlib>
#include <string_view>

namespace mm::protocol {

namespace {

// Reads the text up to `delimiter` into `out` and moves past both.
bool take_until(std::string_view& rest, std::string_view delimiter, std::string& out) {
  const std::size_t at = rest.find(delimiter);
  if (at == std::string_view::npos || at == 0) return false;
  out.assign(rest.substr(0, at));
  rest.remove_prefix(at + delimiter.size());
  return true;
}

bool take_prefix(std::string_view& rest, std::string_view prefix) {
  if (rest.substr(0, prefix.size()) != prefix) return false;
  rest.remove_prefix(prefix.size());
  return true;
}

bool take_number(std::string_view& rest, int& out) {
  std::size_t digits = 0;
  while (digits < rest.size() && digits < 9 && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits == 0) return false;
  out = std::atoi(std::string(rest.substr(0, digits)).c_str());
  rest.remove_prefix(digits);
  return true;
}

std::optional<RevisionContext> parse_line(std::string_view rest) {
  RevisionContext where;
  if (!take_prefix(rest, "metamigrate provider ") || !take_until(rest, ", revision ", where.provider) ||
      !take_until(rest, " (", where.revision) || !take_until(rest, "), ", where.direction))
    return std::nullopt;
  if (where.direction != "upgrade" && where.direction != "downgrade") return std::nullopt;
  if (take_prefix(rest, "statement ")) {
    if (!take_number(rest, where.statement) || where.statement < 1 || !take_prefix(rest, ", ")) return std::nullopt;
  } else if (!take_prefix(rest, "parsing, ")) {
    return std::nullopt;
  }
  if (!take_prefix(rest, "line ") || !take_number(rest, where.line)) return std::nullopt;
  return where;
}

}  // namespace

std::string format_revision_context(const RevisionContext& where) {
  std::string line =
      "metamigrate provider " + where.provider + ", revision " + where.revision + " (" + where.direction + "), ";
  if (where.statement > 0)
    line += "statement " + std::to_string(where.statement) + ", ";
  else
    line += "parsing, ";
  return line + "line " + std::to_string(where.line);
}

std::optional<RevisionContext> find_revision_context(const std::string& context) {
  std::size_t start = 0;
  while (start <= context.size()) {
    std::size_t end = context.find('\n', start);
    if (end == std::string::npos) end = context.size();
    if (std::optional<RevisionContext> where = parse_line(std::string_view(context).substr(start, end - start)))
      return where;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace mm::protocol
