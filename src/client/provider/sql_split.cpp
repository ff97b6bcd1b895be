#include "client/provider/sql_split.hpp"

#include <cctype>

#include "core/sql_text.hpp"

namespace mmc {

namespace {

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

// Offset just past the token starting at `i` when it is a quoted string,
// identifier, dollar-quoted string or comment; `i` itself otherwise.
std::size_t skip_quoted_or_comment(const std::string& s, std::size_t i) {
  const char c = s[i];
  auto next = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  if (c == '-' && next(i + 1) == '-') {
    const std::size_t end = s.find('\n', i);
    return end == std::string::npos ? s.size() : end + 1;
  }
  if (c == '/' && next(i + 1) == '*') {
    int depth = 0;
    std::size_t k = i;
    while (k < s.size()) {
      if (s.compare(k, 2, "/*") == 0) {
        ++depth;
        k += 2;
      } else if (s.compare(k, 2, "*/") == 0) {
        k += 2;
        if (--depth == 0) return k;
      } else {
        ++k;
      }
    }
    return s.size();
  }
  if (c == '\'') {
    // E'...' strings allow backslash escapes; the prefix letter precedes us.
    const bool escapes = i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !is_ident_char(s[i - 2]));
    std::size_t k = i + 1;
    while (k < s.size()) {
      if (escapes && s[k] == '\\') {
        k += 2;
      } else if (s[k] == '\'') {
        if (next(k + 1) == '\'') {
          k += 2;
        } else {
          return k + 1;
        }
      } else {
        ++k;
      }
    }
    return s.size();
  }
  if (c == '"') {
    std::size_t k = i + 1;
    while (k < s.size()) {
      if (s[k] == '"') {
        if (next(k + 1) == '"') {
          k += 2;
          continue;
        }
        return k + 1;
      }
      ++k;
    }
    return s.size();
  }
  if (c == '$' && (i == 0 || !is_ident_char(s[i - 1]))) {
    // $tag$ ... $tag$, tag empty or an identifier not starting with a digit.
    std::size_t k = i + 1;
    if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) return i;  // $1 parameter
    while (k < s.size() && is_ident_char(s[k]) && s[k] != '$') ++k;
    if (k >= s.size() || s[k] != '$') return i;
    const std::string tag = s.substr(i, k - i + 1);
    const std::size_t close = s.find(tag, k + 1);
    return close == std::string::npos ? s.size() : close + tag.size();
  }
  return i;
}

}  // namespace

std::vector<SqlStatement> split_sql(const std::string& sql) {
  std::vector<SqlStatement> out;
  std::size_t start = 0;
  std::size_t i = 0;
  auto flush = [&](std::size_t end) {
    const std::size_t first = mm::skip_blank_and_comments(sql, start);
    if (first < end) out.push_back({sql.substr(first, end - first), first, mm::line_at(sql, first)});
    start = end;
  };
  while (i < sql.size()) {
    const std::size_t skipped = skip_quoted_or_comment(sql, i);
    if (skipped != i) {
      i = skipped;
    } else if (sql[i] == ';') {
      flush(++i);
    } else {
      ++i;
    }
  }
  flush(sql.size());
  // A trailing statement without ';' keeps its text up to the end; trim
  // the whitespace after it.
  if (!out.empty()) {
    std::string& last = out.back().text;
    last.erase(last.find_last_not_of(" \t\r\n\f\v") + 1);
  }
  return out;
}

bool last_statement_unterminated(const std::string& sql) {
  const std::vector<SqlStatement> statements = split_sql(sql);
  if (statements.empty()) return false;
  const std::string& last = statements.back().text;
  return last.empty() || last.back() != ';';
}

bool builds_index_concurrently(const std::string& statement) {
  // The leading words, upper-cased, up to the first that is not one.
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i <= statement.size() && words.size() < 6; ++i) {
    const char c = i < statement.size() ? statement[i] : ' ';
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      continue;
    }
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
    if (c == '(' || c == ';' || c == '"') break;  // REINDEX (options), a name: the verb is over
  }
  auto at = [&](std::size_t n) { return n < words.size() ? words[n] : std::string(); };
  if (at(0) == "CREATE") {
    const std::size_t index = at(1) == "UNIQUE" ? 2 : 1;
    return at(index) == "INDEX" && at(index + 1) == "CONCURRENTLY";
  }
  if (at(0) == "REINDEX") {
    // REINDEX [(options)] {INDEX|TABLE|SCHEMA|...} CONCURRENTLY name
    std::string upper;
    for (char c : statement) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '"'; };
    for (std::size_t found = upper.find("CONCURRENTLY"); found != std::string::npos;
         found = upper.find("CONCURRENTLY", found + 1))
      if (found > 0 && !word_char(upper[found - 1]) && (found + 12 == upper.size() || !word_char(upper[found + 12])))
        return true;
    return false;
  }
  return false;
}

std::size_t byte_offset_of_character(const std::string& text, int position) {
  std::size_t offset = 0;
  for (int character = 1; character < position && offset < text.size(); ++character) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
  }
  return offset;
}

}  // namespace mmc
