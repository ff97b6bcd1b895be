// Applies planned steps: each revision's SQL as the owner role, then the
// version-table rows and the history row, with per-revision memory.
#pragma once

#include <map>

#include "core/revisions/planner.hpp"
#include "extension/migrate/catalog.hpp"

namespace mm::pg {

// metamigrate.progress: when on, every applied step sends a NOTICE.
extern bool progress_notices;

class StepApplier {
 public:
  using Checksums = std::map<std::string, std::string>;  // revision -> checksum
  StepApplier(ProviderCatalog& catalog, const Provider& provider, const Checksums& checksums,
              std::vector<std::string> heads);
  ~StepApplier();
  StepApplier(const StepApplier&) = delete;
  StepApplier& operator=(const StepApplier&) = delete;

  // Runs one step and returns its summary {revision, direction, statements, duration_ms}.
  nlohmann::json apply(const std::string& revision, Direction direction, const std::vector<std::string>& delete_rows,
                       const std::vector<std::string>& insert_rows);

  const std::vector<std::string>& heads() const { return heads_; }
  // For progress notices: "step N of total".
  void set_progress(int done_before, int total) {
    done_ = done_before;
    total_ = total;
  }

 private:
  ProviderCatalog& catalog_;
  const Provider& provider_;
  std::vector<std::string> heads_;  // version-table rows, kept in step
  const Checksums& checksums_;
  MemoryContext revision_memory_;  // reset after every revision
  int done_ = 0;
  int total_ = 0;
};

StepApplier::Checksums load_checksums(ProviderCatalog& catalog, const Provider& provider);

// Refuses plans that contain revisions the server cannot run.
void require_transactional(const RevisionGraph& graph, const Plan& plan);

}  // namespace mm::pg
