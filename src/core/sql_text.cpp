#include "core/sql_text.hpp"

namespace mm {

std::size_t skip_blank_and_comments(std::string_view sql, std::size_t offset) {
  std::size_t i = offset;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      int depth = 0;  // PostgreSQL block comments nest
      do {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (sql.compare(i, 2, "*/") == 0) {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      } while (depth > 0 && i < sql.size());
    } else {
      break;
    }
  }
  return i;
}

int line_at(std::string_view sql, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < sql.size(); ++i)
    if (sql[i] == '\n') ++line;
  return line;
}

}  // namespace mm
