// What an importer reads from another tool's migrations: one entry per
// migration, in the source tool's order, already turned into a revision.
// Pure C++ (no libpq): the parsers are unit-tested without a server.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/revision.hpp"

namespace mmc::import {

struct ImportedMigration {
  std::string version;      // the key the source tool's history table records
  std::string source;       // the main source file, as shown in messages
  std::string create_date;  // from the source when it has one
  mm::Revision revision;    // id, parents, message, SQL, transactional
};

struct ImportSet {
  std::string tool;
  std::string project;  // sqitch: the plan's %project (its registry rows carry it)
  std::vector<ImportedMigration> migrations;
  std::vector<std::string> warnings;  // printed on stderr (missing downgrades...)

  const ImportedMigration* find_version(const std::string& version) const;
};

}  // namespace mmc::import
