// Helpers every importer shares: revision ids from source versions, the
// source-order chain, missing downgrades, listing a source directory.
#pragma once

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "client/import/source.hpp"

namespace mmc::import {

// "20240101120000" + "create users" -> "20240101120000_create_users",
// cut to 32 characters. Characters outside the id charset become '_'.
// Throws InputError (naming `source`) when the version alone does not
// fit, since the id must keep the whole version to stay unique.
std::string revision_id_for(const std::string& version, const std::string& name, const std::string& source);

// "create_users" / "create-users" -> "create users".
std::string message_from_name(const std::string& name);

// Sets each revision's down_revision to the one before it (source order).
void chain_in_order(ImportSet& set);

// Throws InputError naming both files when two migrations share a
// version or a derived id.
void check_unique(const ImportSet& set);

// The downgrade section of a migration without one: a comment saying so
// (the revision stays uploadable and downgrading it changes nothing).
std::string missing_downgrade(const std::string& tool, const std::string& source);
// Adds the warning and returns missing_downgrade(...).
std::string note_missing_downgrade(ImportSet& set, const std::string& source);

// The upgrade section of an empty migration: a comment saying so. The
// tools apply and record an empty migration (ory/kratos has 21), so the
// revision is kept as a no-op that applies and records its version. Adds
// a note to `set`.
std::string note_empty_migration(ImportSet& set, const std::string& source);

// Removes a BEGIN;...COMMIT; pair wrapping the whole script (golang-migrate
// and sqitch scripts carry their own transaction; metamigrate runs each
// revision in one already). Other SQL is returned unchanged.
std::string strip_transaction_wrapper(const std::string& sql);

// Trailing whitespace dropped, one final newline (empty stays empty).
std::string tidy_sql(const std::string& sql);

// Entries of `dir` (names only), sorted. Throws InputError when `dir` is
// not a readable directory.
std::vector<std::string> list_dir(const std::filesystem::path& dir, const std::string& shown);
// Reads a source file as normalized text (BOM, CRLF, UTF-8 checked).
std::string read_source(const std::filesystem::path& path, const std::string& shown);
// A per-migration settings file whose only understood line is `setting`
// (a regex whose first group is true|false); blank and '#' lines are
// skipped, any other line is an InputError saying `unsupported`. Default true.
bool read_transaction_setting(const std::filesystem::path& file, const std::string& shown, const std::regex& setting,
                              const std::string& unsupported);
// How a file inside the source directory is shown in messages.
std::string shown_path(const std::filesystem::path& src, const std::filesystem::path& relative);

// "20240101120000" or "2024-01-01-120000" -> "2024-01-01T12:00:00Z";
// "" for anything else.
std::string date_from_timestamp(const std::string& version);

// Compares version strings made of numbers and separators numerically
// part by part ("1.10" > "1.9", "2" > "01").
int compare_versions(const std::string& a, const std::string& b);

std::string trim(const std::string& s);
std::vector<std::string> split_lines(const std::string& text);

}  // namespace mmc::import
