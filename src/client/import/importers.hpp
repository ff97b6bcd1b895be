// The importers: `metamigrate import --from TOOL SRC`. Each reads the
// source in the tool's native layout and returns the migrations in the
// tool's order, as revisions chained one after the other (sqitch and
// alembic keep their own graph). Throws InputError (exit 2) naming the
// file and line of a problem; nothing is written by these functions.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "client/import/source.hpp"

namespace mmc::import {

ImportSet read_dbmate(const std::filesystem::path& src);
ImportSet read_golang_migrate(const std::filesystem::path& src);
ImportSet read_diesel(const std::filesystem::path& src);
ImportSet read_flyway(const std::filesystem::path& src);
ImportSet read_sqitch(const std::filesystem::path& src);
// What of a project's env.py the Alembic import can carry over: the
// naming convention of its target_metadata, which names the constraints
// revisions leave unnamed.
struct AlembicOptions {
  std::string metadata;           // "MODULE:ATTR" of the project's MetaData (--alembic-metadata)
  std::string naming_convention;  // a JSON object, the convention itself (--naming-convention)
};
// Needs the `alembic` command.
ImportSet read_alembic(const std::filesystem::path& src, const AlembicOptions& options = {});

// The tool names --from accepts, in the order the help lists them.
const std::vector<std::string>& tool_names();
// Dispatches on `tool`; throws UsageError for an unknown one.
ImportSet read_source_migrations(const std::string& tool, const std::filesystem::path& src,
                                 const AlembicOptions& alembic = {});

}  // namespace mmc::import
