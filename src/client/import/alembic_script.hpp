// Alembic revision files (*.py): identifiers and graph read from their
// module-level assignments, and each revision's SQL taken from Alembic's
// own offline mode (`alembic upgrade ... --sql`).
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "client/import/source.hpp"

namespace mmc::import {

// One revision file: revision, down_revision (str, tuple, list or None),
// branch_labels, depends_on, the docstring's first line as message and
// its "Create Date:". Throws InputError with the line of a problem.
// Returns false (and leaves `out` alone) for a .py without `revision =`.
bool parse_alembic_revision_file(const std::string& text, const std::string& shown, ImportedMigration& out);

// The directory holding the revision files: SRC/versions, SRC itself,
// or script_location/versions of SRC/alembic.ini.
std::filesystem::path alembic_versions_dir(const std::filesystem::path& src);

struct OfflineSql {
  std::string upgrade, downgrade;
  bool has_upgrade = false, has_downgrade = false;
};
// Splits the output of `alembic upgrade heads --sql` (or downgrade
// heads:base) at Alembic's "-- Running upgrade A -> B" comments, keeping
// each revision's own statements: those on the version table named
// `version_table` are dropped.
std::map<std::string, std::string> split_offline_output(const std::string& output, bool upgrade,
                                                        const std::string& version_table);

}  // namespace mmc::import
