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
// Needs the `alembic` command (see alembic_offline.hpp).
ImportSet read_alembic(const std::filesystem::path& src);

// The tool names --from accepts, in the order the help lists them.
const std::vector<std::string>& tool_names();
// Dispatches on `tool`; throws UsageError for an unknown one.
ImportSet read_source_migrations(const std::string& tool, const std::filesystem::path& src);

}  // namespace mmc::import
