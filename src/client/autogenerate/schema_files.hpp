// The desired schema of a provider: the manifest's "schema_files" (glob
// patterns relative to the provider directory, in order), loaded into a
// database statement by statement.
#pragma once

#include <string>
#include <vector>

#include "client/server/connection.hpp"
#include "client/provider/provider_dir.hpp"

namespace mmc {

struct SchemaFile {
  std::string path;     // as opened
  std::string display;  // as shown in messages
  std::string text;     // normalized (text_file.hpp)
};

// Expands the patterns (sorted within each, duplicates dropped) and reads
// the files. Throws InputError naming the manifest's "schema_files" line
// when a pattern matches no file, or the file for an unreadable one.
std::vector<SchemaFile> read_schema_files(const ProviderDir& provider);

// Runs every statement of `files` on `conn` at top level, in order. With
// `in_transaction` (a transaction block is open), each statement runs
// under a savepoint so a statement the client split too early can be
// retried. A failing statement is an InputError "file:line: message
// [SQLSTATE]" (line of the error position, else of the statement).
void load_schema_files(const Connection& conn, const std::vector<SchemaFile>& files, bool in_transaction);

// "schema/a.sql, schema/b.sql" (for messages).
std::string describe_schema_files(const std::vector<SchemaFile>& files);

}  // namespace mmc
