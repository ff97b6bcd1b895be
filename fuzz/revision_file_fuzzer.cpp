// Fuzzes the revision-file reader as the client runs it: bytes from disk
// are normalized (BOM, CRLF, UTF-8, NUL) and then parsed. InputError is the
// expected refusal; any other exception, crash or sanitizer report is a
// finding. Accepted files must satisfy the id rules and survive a
// render/parse round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "client/output/errors.hpp"
#include "client/provider/revision_file.hpp"
#include "client/provider/text_file.hpp"
#include "core/error.hpp"
#include "fuzz_check.hpp"

namespace {

using fuzz::check;

void check_ids(const mm::Revision& rev) {
  try {
    mm::validate_revision_id(rev.id);
    for (const auto* list : {&rev.down_revisions, &rev.depends_on, &rev.branch_labels})
      for (const auto& id : *list) mm::validate_revision_id(id);
  } catch (const mm::Error& e) {
    fuzz::finding(std::string("accepted revision with an invalid id: ") + e.what());
  }
}

void check_section(const std::string& sql, const char* name) {
  // Sections are either empty or end in exactly one newline after
  // non-blank text (the checksum depends on this normal form).
  if (sql.empty()) return;
  check(sql.back() == '\n', std::string(name) + " section does not end in a newline");
  check(sql.size() >= 2 && sql.find_last_not_of(" \t\n\f\v") == sql.size() - 2,
        std::string(name) + " section has trailing whitespace");
}

bool same_revision(const mmc::RevisionFile& a, const mmc::RevisionFile& b) {
  const mm::Revision &x = a.revision, &y = b.revision;
  return x.id == y.id && x.down_revisions == y.down_revisions && x.depends_on == y.depends_on &&
         x.branch_labels == y.branch_labels && x.message == y.message && x.upgrade_sql == y.upgrade_sql &&
         x.downgrade_sql == y.downgrade_sql && x.transactional == y.transactional && a.create_date == b.create_date;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  mmc::RevisionFile file;
  const auto text_of = [](const std::string& b) { return mmc::normalize_text(b, "fuzz.sql"); };
  try {
    const std::string text = text_of(bytes);
    file = mmc::parse_revision_file(text, "fuzz.sql", "fuzz.sql");
  } catch (const mmc::InputError& e) {
    check(e.file() == "fuzz.sql", "InputError names another file");
    check(e.line() >= 1, "InputError without a line");
    return 0;
  }
  check_ids(file.revision);
  check(file.key_lines[mmc::revision_header_key_index("revision")] > 0 &&
            file.key_lines[mmc::revision_header_key_index("down_revision")] > 0,
        "required key without a line");
  // Reading the header only (graph-only commands) gives the same header.
  const mmc::RevisionFile header = mmc::parse_revision_header(text_of(bytes), "fuzz.sql", "fuzz.sql");
  check(header.revision.id == file.revision.id && header.revision.down_revisions == file.revision.down_revisions &&
            header.revision.depends_on == file.revision.depends_on &&
            header.revision.branch_labels == file.revision.branch_labels &&
            header.revision.message == file.revision.message &&
            header.revision.transactional == file.revision.transactional && header.key_lines == file.key_lines &&
            header.upgrade_marker_line == file.upgrade_marker_line && header.revision.upgrade_sql.empty(),
        "the header-only parse differs from the whole-file parse");
  check(file.upgrade_marker_line >= 1 && file.upgrade_first_line > file.upgrade_marker_line &&
            file.downgrade_first_line > file.upgrade_first_line,
        "section lines out of order");
  check_section(file.revision.upgrade_sql, "upgrade");
  check_section(file.revision.downgrade_sql, "downgrade");

  // What `metamigrate revision` writes for this revision reads back as the
  // same revision.
  const std::string rendered = mmc::render_revision_file(file.revision, file.create_date);
  mmc::RevisionFile again;
  try {
    again = mmc::parse_revision_file(rendered, "rendered.sql", "rendered.sql");
  } catch (const mmc::InputError& e) {
    fuzz::finding("rendered revision file does not parse: " + e.located() + "\n" + rendered);
  }
  check(same_revision(file, again), "render/parse round trip changed the revision:\n" + rendered);
  return 0;
}
