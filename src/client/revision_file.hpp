// Revision files: plain SQL with a comment header and two sections
// (format in CONTRACT.md).
#pragma once

#include <map>
#include <string>

#include "core/revision.hpp"

namespace mmc {

struct RevisionFile {
  mm::Revision revision;
  std::string create_date;
  std::string path;    // as shown in messages (provider dir joined with source)
  std::string source;  // relative to the provider directory, sent to the server
  std::map<std::string, int> key_lines;  // header key -> line in the file
  // File line of the first line of each uploaded SQL section, to turn a
  // line inside the SQL (as the server reports it) into a file line.
  int upgrade_marker_line = 0;  // the '-- metamigrate:upgrade' line
  int upgrade_first_line = 0;
  int downgrade_first_line = 0;

  int line_of(const std::string& key) const;
  // File line of line `sql_line` (1-based) of the upgrade or downgrade SQL.
  int file_line(bool upgrade, int sql_line) const;
};

// Parses normalized text (see text_file.hpp). Throws InputError with the
// file line of the first problem.
RevisionFile parse_revision_file(const std::string& text, const std::string& path, const std::string& source);

// The text of a new revision file (empty sections unless given).
std::string render_revision_file(const mm::Revision& revision, const std::string& create_date);

}  // namespace mmc
