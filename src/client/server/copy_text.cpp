#include "client/server/copy_text.hpp"

#include <stdexcept>

namespace mmc {

namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One column's text; `field` holds no unescaped tab.
std::optional<std::string> decode_field(std::string_view field) {
  if (field == "\\N") return std::nullopt;
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    if (++i == field.size()) throw std::invalid_argument("COPY text ends in a lone backslash");
    const char c = field[i];
    switch (c) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && i + 1 < field.size() && hex_value(field[i + 1]) >= 0)
          value = value * 16 + hex_value(field[++i]), ++digits;
        if (digits == 0) throw std::invalid_argument("COPY text has \\x without hex digits");
        out += static_cast<char>(value);
        break;
      }
      default:
        if (is_octal(c)) {
          int value = c - '0';
          for (int digits = 1; digits < 3 && i + 1 < field.size() && is_octal(field[i + 1]); ++digits)
            value = value * 8 + (field[++i] - '0');
          out += static_cast<char>(value & 0xff);
        } else {
          out += c;  // \\ and any other character stand for themselves
        }
    }
  }
  return out;
}

}  // namespace

std::vector<std::optional<std::string>> decode_copy_text_row(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::vector<std::optional<std::string>> columns;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] == '\\') {
      if (i + 1 == line.size()) throw std::invalid_argument("COPY text ends in a lone backslash");
      ++i;  // the escaped character belongs to this column
      continue;
    }
    if (i == line.size() || line[i] == '\t') {
      columns.push_back(decode_field(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  return columns;
}

}  // namespace mmc
