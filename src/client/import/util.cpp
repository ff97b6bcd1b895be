#include "client/import/util.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

#include "client/output/errors.hpp"
#include "client/provider/sql_split.hpp"
#include "client/provider/text_file.hpp"
#include "core/error.hpp"

namespace mmc::import {

namespace fs = std::filesystem;

const ImportedMigration* ImportSet::find_version(const std::string& version) const {
  for (const ImportedMigration& m : migrations)
    if (m.version == version) return &m;
  return nullptr;
}

std::string trim(const std::string& s) {
  const std::size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

namespace {

bool is_id_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

std::string id_chars(const std::string& text) {
  std::string out;
  for (char c : text) out += is_id_char(c) ? c : '_';
  return out;
}

std::string slug(const std::string& name) {
  std::string out;
  for (char raw : name) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// An id ending in -N or +N would read as a relative target (REV-N).
bool looks_relative(const std::string& id) {
  static const std::regex relative(R"([+-][0-9]+$)");
  return std::regex_search(id, relative);
}

}  // namespace

std::string revision_id_for(const std::string& version, const std::string& name, const std::string& source) {
  const std::string base = id_chars(version);
  if (base.empty()) throw InputError(source, 0, "no version to derive a revision id from");
  if (base.size() > mm::kMaxRevisionIdLength)
    throw InputError(source, 0,
                     "version \"" + version + "\" is " + std::to_string(version.size()) +
                         " characters long; a revision id holds at most " + std::to_string(mm::kMaxRevisionIdLength) +
                         " (Alembic's varchar(32)) and keeps the whole version");
  std::string id = base;
  const std::string rest = slug(name);
  if (!rest.empty() && base.size() + 1 < mm::kMaxRevisionIdLength) {
    id += "_" + rest;
    if (id.size() > mm::kMaxRevisionIdLength) id.resize(mm::kMaxRevisionIdLength);
    while (id.back() == '_' || id.back() == '-' || id.back() == '.') id.pop_back();
  }
  if (looks_relative(id) || id == "head" || id == "heads" || id == "base") {
    if (id.size() >= mm::kMaxRevisionIdLength) id.pop_back();
    id += "_";
  }
  try {
    mm::validate_revision_id(id);
  } catch (const mm::Error& e) {
    throw InputError(source, 0, e.what());
  }
  return id;
}

std::string message_from_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (c == '_' || c == '-') ? ' ' : c;
  return trim(out);
}

void chain_in_order(ImportSet& set) {
  for (std::size_t i = 0; i < set.migrations.size(); ++i) {
    std::vector<std::string>& parents = set.migrations[i].revision.down_revisions;
    parents.clear();
    if (i > 0) parents.push_back(set.migrations[i - 1].revision.id);
  }
}

void check_unique(const ImportSet& set) {
  std::map<std::string, const ImportedMigration*> versions, ids;
  for (const ImportedMigration& m : set.migrations) {
    auto [v, new_version] = versions.emplace(m.version, &m);
    if (!new_version)
      throw InputError(m.source, 0, "version \"" + m.version + "\" appears twice (also " + v->second->source + ")");
    auto [i, new_id] = ids.emplace(m.revision.id, &m);
    if (!new_id)
      throw InputError(m.source, 0,
                       "revision id \"" + m.revision.id + "\" clashes with the one derived from " + i->second->source +
                           " (ids are cut to 32 characters)");
  }
}

std::string missing_downgrade(const std::string& tool, const std::string& source) {
  return "-- WARNING: " + source + " has no down migration in " + tool +
         "; downgrading this revision changes nothing.\n";
}

std::string note_missing_downgrade(ImportSet& set, const std::string& source) {
  set.warnings.push_back(source + ": no down migration; its downgrade section is empty (a warning comment)");
  return missing_downgrade(set.tool, source);
}

std::string note_empty_migration(ImportSet& set, const std::string& source) {
  set.warnings.push_back(source +
                         ": empty; imported as a revision that changes nothing but records its version, "
                         "as " +
                         set.tool + " does");
  return "-- no SQL: " + source + " is empty in the " + set.tool + " history (" + set.tool +
         " applies and records it; so does this revision)\n";
}

std::string strip_transaction_wrapper(const std::string& sql) {
  const std::vector<SqlStatement> statements = split_sql(sql);
  if (statements.size() < 2) return sql;
  const auto words = [](const std::string& text) {
    std::string out;
    for (char c : text) {
      if (c == ';') continue;
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    return trim(out);
  };
  static const std::regex begin(R"(^(BEGIN|START)( TRANSACTION| WORK)?$)");
  static const std::regex commit(R"(^(COMMIT|END)( TRANSACTION| WORK)?$)");
  const SqlStatement& first = statements.front();
  const SqlStatement& last = statements.back();
  if (!std::regex_match(words(first.text), begin) || !std::regex_match(words(last.text), commit)) return sql;
  std::string out = sql;
  const auto replace = [&](const SqlStatement& s) {
    out.replace(s.offset, s.text.size(),
                "-- " + trim(s.text) + "  (removed by import: each revision runs in a transaction)");
  };
  replace(last);  // back to front keeps the first offset valid
  replace(first);
  return out;
}

std::string tidy_sql(const std::string& sql) {
  const std::size_t last = sql.find_last_not_of(" \t\r\n");
  if (last == std::string::npos) return {};
  std::size_t first = 0;
  // Leading blank lines only (indentation of the first line stays).
  for (std::size_t i = 0; i < sql.size() && (sql[i] == '\n' || sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\r'); ++i)
    if (sql[i] == '\n') first = i + 1;
  return sql.substr(first, last + 1 - first) + "\n";
}

std::vector<std::string> list_dir(const fs::path& dir, const std::string& shown) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(
        shown, 0,
        ec && ec != std::errc::no_such_file_or_directory ? "cannot read: " + ec.message() : "no such directory");
  std::vector<std::string> names;
  fs::directory_iterator it(dir, ec);
  if (ec) throw InputError(shown, 0, "cannot read the directory: " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw InputError(shown, 0, "cannot read the directory: " + ec.message());
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_source(const fs::path& path, const std::string& shown) { return read_text_file(path.string(), shown); }

std::string shown_path(const fs::path& src, const fs::path& relative) {
  return (src / relative).lexically_normal().generic_string();
}

std::string date_from_timestamp(const std::string& digits) {
  static const std::regex stamp(R"(^(\d{4})-?(\d{2})-?(\d{2})[-_T]?(\d{2})(\d{2})(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(digits, m, stamp)) return {};
  return m[1].str() + "-" + m[2].str() + "-" + m[3].str() + "T" + m[4].str() + ":" + m[5].str() + ":" + m[6].str() +
         "Z";
}

int compare_versions(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
      if (na != nb) return na < nb ? -1 : 1;
      i = ei;
      j = ej;
      continue;
    }
    if (i >= a.size()) return -1;
    if (j >= b.size()) return 1;
    if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
    ++i;
    ++j;
  }
  return 0;
}

bool read_transaction_setting(const std::filesystem::path& file, const std::string& shown, const std::regex& setting,
                              const std::string& unsupported) {
  bool transactional = true;
  const std::vector<std::string> lines = split_lines(read_source(file, shown));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    std::smatch m;
    if (!std::regex_match(line, m, setting)) throw InputError(shown, static_cast<int>(i) + 1, unsupported);
    transactional = m[1].str() == "true";
  }
  return transactional;
}

}  // namespace mmc::import
