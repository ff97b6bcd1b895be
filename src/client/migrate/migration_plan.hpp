// The plan of one upgrade or downgrade as the client sees it, and the mode
// chosen from it.
//
// The server plans (metamigrate.plan, in the transaction that uploaded the
// revisions); the mode follows from what that plan contains, never from
// the files on disk: a non-transactional revision in the plan means the
// operation runs in parts, otherwise one transaction, or one per revision
// when asked. Pure C++: the unit tests reach it without a server.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/revisions/graph.hpp"

namespace mmc {

enum class MigrationMode {
  OneTransaction,          // upload, reserve, migrate, finalize, hook: all or nothing
  TransactionPerRevision,  // the server commits after each revision
  InParts,                 // transactional runs and non-transactional revisions, each committed alone
};

// The name reports and --json use ("one transaction", ...).
const char* mode_name(MigrationMode mode);

struct MigrationPlan {
  std::vector<std::string> heads_before;  // the version table when the plan was made
  std::vector<std::size_t> nodes;         // the revisions to run, in order (nodes of the local graph)
  MigrationMode mode = MigrationMode::OneTransaction;
  // InParts only: consecutive transactional revisions form one part, each
  // non-transactional revision is a part of its own.
  std::vector<std::vector<std::size_t>> parts;

  std::vector<std::string> revisions(const mm::RevisionGraph& graph) const;
  // The non-transactional revisions of the plan.
  std::vector<std::string> non_transactional(const mm::RevisionGraph& graph) const;
};

// `planned` is the server's plan (revision ids in order). Throws mm::Error
// for a revision the local graph does not hold (the upload made the
// server's graph the local one, so that is a bug, not a user error).
MigrationPlan plan_migration(const mm::RevisionGraph& graph, std::vector<std::string> heads_before,
                             const std::vector<std::string>& planned, bool transaction_per_revision);

}  // namespace mmc
