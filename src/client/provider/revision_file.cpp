#include "client/provider/revision_file.hpp"

#include <vector>

#include "client/output/errors.hpp"
#include "core/error.hpp"

namespace mmc {

namespace {

const char* const kRequiredKeys[] = {"revision", "down_revision"};

std::string trim(const std::string& s) {
  const std::size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  const std::size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\f\v") == std::string::npos; }

bool is_comment(const std::string& line) { return trim(line).compare(0, 2, "--") == 0; }

// Lines are matched by hand, not with std::regex: libstdc++'s matcher
// recurses once per character, and a long line (a 100 kB message or run
// of blanks) overflowed the stack.
bool is_space_or_tab(char c) { return c == ' ' || c == '\t'; }
bool is_word_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_word_char(char c) { return is_word_start(c) || (c >= '0' && c <= '9'); }

std::size_t skip_space_or_tab(const std::string& line, std::size_t i) {
  while (i < line.size() && is_space_or_tab(line[i])) ++i;
  return i;
}

// Position after `[ \t]*--[ \t]*` at the start of `line`, or npos.
std::size_t after_comment_start(const std::string& line) {
  const std::size_t i = skip_space_or_tab(line, 0);
  if (line.compare(i, 2, "--") != 0) return std::string::npos;
  return skip_space_or_tab(line, i + 2);
}

// "-- metamigrate:NAME" lines are reserved markers; returns NAME ("?" when
// empty), or "" when `line` is not a marker.
std::string marker_name(const std::string& line) {
  static const std::string kPrefix = "metamigrate:";
  std::size_t i = after_comment_start(line);
  if (i == std::string::npos || line.compare(i, kPrefix.size(), kPrefix) != 0) return {};
  const std::size_t name_start = i += kPrefix.size();
  while (i < line.size() && is_word_start(line[i])) ++i;
  const std::string name = line.substr(name_start, i - name_start);
  if (skip_space_or_tab(line, i) != line.size()) return {};
  return name.empty() ? "?" : name;
}

// Splits a header line "-- key: value" (key: [A-Za-z_][A-Za-z0-9_]*);
// false when the line has another form. The value is untrimmed.
bool split_header_line(const std::string& line, std::string* key, std::string* value) {
  std::size_t i = after_comment_start(line);
  if (i == std::string::npos || i >= line.size() || !is_word_start(line[i])) return false;
  const std::size_t key_start = i;
  while (i < line.size() && is_word_char(line[i])) ++i;
  const std::size_t key_end = i;
  i = skip_space_or_tab(line, i);
  if (i >= line.size() || line[i] != ':') return false;
  // A lone carriage return (CRLF is normalized away) ends a line for
  // other tools: refuse it rather than keep it in a value.
  if (line.find('\r', i) != std::string::npos) return false;
  *key = line.substr(key_start, key_end - key_start);
  *value = line.substr(i + 1);
  return true;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& path, const std::string& source) : lines_(split_lines(text)) {
    file_.path = path;
    file_.source = source;
  }

  // header_only: stop at the upgrade marker (the SQL sections are neither
  // read nor checked).
  RevisionFile parse(bool header_only) {
    std::size_t i = skip_blank(0);
    if (i >= lines_.size() || marker_name(lines_[i]) != "revision")
      fail(i, "missing section: the file must start with '-- metamigrate:revision' and its header");
    const std::size_t header_start = i;
    i = parse_header(i + 1);
    check_required_keys(header_start);
    i = expect_upgrade_marker(i);
    file_.upgrade_marker_line = static_cast<int>(i) + 1;
    if (header_only) return std::move(file_);
    const std::size_t upgrade_start = i + 1;
    const std::size_t downgrade_marker = find_section_end(upgrade_start, "upgrade");
    if (downgrade_marker >= lines_.size())
      fail(lines_.empty() ? 0 : lines_.size() - 1,
           "missing section '-- metamigrate:downgrade' (it may be empty, but the marker is required)");
    const std::size_t downgrade_start = downgrade_marker + 1;
    const std::size_t end = find_section_end(downgrade_start, "downgrade");
    file_.revision.upgrade_sql = section(upgrade_start, downgrade_marker, &file_.upgrade_first_line);
    file_.revision.downgrade_sql = section(downgrade_start, end, &file_.downgrade_first_line);
    return std::move(file_);
  }

 private:
  std::vector<std::string> lines_;
  RevisionFile file_;

  [[noreturn]] void fail(std::size_t index, const std::string& message) const {
    throw InputError(file_.path, static_cast<int>(index) + 1, message);
  }

  std::size_t skip_blank(std::size_t i) const {
    while (i < lines_.size() && is_blank(lines_[i])) ++i;
    return i;
  }

  // Header: consecutive "-- key: value" lines right after the marker.
  std::size_t parse_header(std::size_t i) {
    for (; i < lines_.size(); ++i) {
      const std::string& line = lines_[i];
      if (is_blank(line) || !is_comment(line) || !marker_name(line).empty()) break;
      std::string key, value;
      if (!split_header_line(line, &key, &value)) fail(i, "header line must have the form '-- key: value'");
      const std::size_t index = revision_header_key_index(key);
      if (index == kRevisionHeaderKeyCount)
        fail(i, "unknown header key \"" + key +
                    "\" (known keys: revision, down_revision, branch_labels, depends_on, message, create_date, "
                    "transactional)");
      if (file_.key_lines[index])
        fail(i,
             "header key \"" + key + "\" appears twice (first on line " + std::to_string(file_.key_lines[index]) + ")");
      file_.key_lines[index] = static_cast<int>(i) + 1;
      apply_header(i, key, trim(value));
    }
    return i;
  }

  void check_required_keys(std::size_t header_start) const {
    for (const char* key : kRequiredKeys)
      if (!file_.key_lines[revision_header_key_index(key)])
        fail(header_start, std::string("missing header key \"") + key + "\"" +
                               (std::string(key) == "down_revision" ? " (leave it empty for a first revision)" : ""));
  }

  std::vector<std::string> id_list(std::size_t line, const std::string& value, const char* what) const {
    std::vector<std::string> out;
    if (value.empty()) return out;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = value.find(',', start);
      const std::string item =
          trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (item.empty()) fail(line, std::string("empty entry in ") + what + " list");
      validate_id(line, item, what);
      out.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }

  void validate_id(std::size_t line, const std::string& id, const char* what) const {
    try {
      mm::validate_revision_id(id, what);
    } catch (const mm::Error& e) {
      fail(line, std::string(e.what()) + (e.detail().empty() ? "" : " (" + e.detail() + ")"));
    }
  }

  void apply_header(std::size_t line, const std::string& key, const std::string& value) {
    mm::Revision& rev = file_.revision;
    if (key == "revision") {
      if (value.empty()) fail(line, "\"revision\" must not be empty");
      validate_id(line, value, "revision id");
      rev.id = value;
    } else if (key == "down_revision") {
      rev.down_revisions = id_list(line, value, "down_revision");
    } else if (key == "depends_on") {
      rev.depends_on = id_list(line, value, "depends_on");
    } else if (key == "branch_labels") {
      rev.branch_labels = id_list(line, value, "branch label");
    } else if (key == "message") {
      rev.message = value;
    } else if (key == "create_date") {
      file_.create_date = value;
    } else if (key == "transactional") {
      if (value == "true")
        rev.transactional = true;
      else if (value == "false")
        rev.transactional = false;
      else
        fail(line, "\"transactional\" must be true or false, not \"" + value + "\"");
    }
  }

  // Between the header and the upgrade marker only blank lines and comments.
  std::size_t expect_upgrade_marker(std::size_t i) {
    static const std::string kImported = "-- imported from ";
    for (; i < lines_.size(); ++i) {
      const std::string marker = marker_name(lines_[i]);
      if (marker == "upgrade") return i;
      if (lines_[i].compare(0, kImported.size(), kImported) == 0) {
        const std::size_t colon = lines_[i].find(':', kImported.size());
        file_.imported_from = trim(lines_[i].substr(
            kImported.size(), colon == std::string::npos ? std::string::npos : colon - kImported.size()));
      }
      if (!marker.empty()) fail(i, "expected '-- metamigrate:upgrade' before '" + trim(lines_[i]) + "'");
      if (!is_blank(lines_[i]) && !is_comment(lines_[i]))
        fail(i, "SQL outside a section: put it after '-- metamigrate:upgrade' or '-- metamigrate:downgrade'");
    }
    fail(lines_.empty() ? 0 : lines_.size() - 1, "missing section '-- metamigrate:upgrade'");
  }

  // Index of the marker that ends section `name` (lines_.size() at EOF).
  std::size_t find_section_end(std::size_t i, const std::string& name) const {
    for (; i < lines_.size(); ++i) {
      const std::string marker = marker_name(lines_[i]);
      if (marker.empty()) continue;
      if (name == "upgrade" && marker == "downgrade") return i;
      if (marker == "upgrade" || marker == "downgrade" || marker == "revision")
        fail(i, "'-- metamigrate:" + marker + "' appears twice or out of order");
      fail(i, "unknown marker '" + trim(lines_[i]) + "' (markers: revision, upgrade, downgrade)");
    }
    return lines_.size();
  }

  // The SQL of lines [begin, end): leading blank lines and trailing
  // whitespace dropped so the checksum ignores layout around the markers.
  std::string section(std::size_t begin, std::size_t end, int* first_line) const {
    begin = std::min(skip_blank(begin), end);
    *first_line = static_cast<int>(begin) + 1;
    std::string sql;
    for (std::size_t i = begin; i < end; ++i) sql += lines_[i] + "\n";
    const std::size_t last = sql.find_last_not_of(" \t\n\f\v");
    if (last == std::string::npos) return {};
    sql.erase(last + 1);
    sql += "\n";
    return sql;
  }
};

std::string one_line(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace

std::size_t revision_header_key_index(const std::string& key) {
  for (std::size_t i = 0; i < kRevisionHeaderKeyCount; ++i)
    if (key == kRevisionHeaderKeys[i]) return i;
  return kRevisionHeaderKeyCount;
}

int RevisionFile::line_of(const std::string& key) const {
  const std::size_t index = revision_header_key_index(key);
  return index < kRevisionHeaderKeyCount && key_lines[index] ? key_lines[index] : 1;
}

int RevisionFile::file_line(bool upgrade, int sql_line) const {
  const int first = upgrade ? upgrade_first_line : downgrade_first_line;
  return first + (sql_line > 0 ? sql_line - 1 : 0);
}

RevisionFile parse_revision_file(const std::string& text, const std::string& path, const std::string& source) {
  return Parser(text, path, source).parse(false);
}

RevisionFile parse_revision_header(const std::string& text, const std::string& path, const std::string& source) {
  return Parser(text, path, source).parse(true);
}

std::string render_revision_file(const mm::Revision& revision, const std::string& create_date) {
  auto header = [](const std::string& key, const std::string& value) {
    return "-- " + key + ":" + (value.empty() ? "" : " " + value) + "\n";
  };
  std::string out = "-- metamigrate:revision\n";
  out += header("revision", revision.id);
  out += header("down_revision", mm::join(revision.down_revisions));
  out += header("branch_labels", mm::join(revision.branch_labels));
  out += header("depends_on", mm::join(revision.depends_on));
  out += header("message", one_line(revision.message));
  out += header("create_date", create_date);
  out += header("transactional", revision.transactional ? "true" : "false");
  out += "\n-- metamigrate:upgrade\n";
  out += revision.upgrade_sql;
  out += "\n-- metamigrate:downgrade\n";
  out += revision.downgrade_sql;
  return out;
}

}  // namespace mmc
