// Revision files: plain SQL with a comment header and two sections
// (format in CONTRACT.md).
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "core/revisions/revision.hpp"

namespace mmc {

// The header keys a revision file may have, in the order it is written.
inline constexpr std::size_t kRevisionHeaderKeyCount = 7;
inline constexpr const char* kRevisionHeaderKeys[kRevisionHeaderKeyCount] = {
    "revision", "down_revision", "branch_labels", "depends_on", "message", "create_date", "transactional"};
// Index of `key` in kRevisionHeaderKeys, or kRevisionHeaderKeyCount.
std::size_t revision_header_key_index(const std::string& key);

struct RevisionFile {
  mm::Revision revision;
  std::string create_date;
  std::string path;    // as shown in messages (provider dir joined with source)
  std::string source;  // relative to the provider directory, sent to the server
  // Line in the file of each header key (kRevisionHeaderKeys order; 0: absent).
  std::array<int, kRevisionHeaderKeyCount> key_lines{};
  // File line of the first line of each uploaded SQL section, to turn a
  // line inside the SQL (as the server reports it) into a file line.
  int upgrade_marker_line = 0;  // the '-- metamigrate:upgrade' line
  // The tool of an '-- imported from TOOL: SOURCE' comment line before the
  // upgrade marker (metamigrate import writes it), "" otherwise. Not kept
  // in the header cache: only whole-file readers (upgrade's lint) use it.
  std::string imported_from;
  int upgrade_first_line = 0;
  int downgrade_first_line = 0;

  // Line of header key `key`; 1 when it is absent.
  int line_of(const std::string& key) const;
  // File line of line `sql_line` (1-based) of the upgrade or downgrade SQL.
  int file_line(bool upgrade, int sql_line) const;
};

// Parses normalized text (see text_file.hpp). Throws InputError with the
// file line of the first problem.
RevisionFile parse_revision_file(const std::string& text, const std::string& path, const std::string& source);
// The header only, up to the '-- metamigrate:upgrade' marker: no SQL, and
// the sections after the marker are not checked.
RevisionFile parse_revision_header(const std::string& text, const std::string& path, const std::string& source);

// The text of a new revision file (empty sections unless given).
std::string render_revision_file(const mm::Revision& revision, const std::string& create_date);

}  // namespace mmc
