// A provider directory on disk: manifest, schema files and revision files,
// loaded and validated as a whole.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/provider/manifest.hpp"
#include "client/provider/revision_file.hpp"
#include "core/revisions/graph.hpp"

namespace mmc {

class ProviderDir {
 public:
  enum class Contents {
    Full,         // every file read whole and checked (commands that upload or show SQL)
    HeadersOnly,  // headers only, from the header cache where unchanged (graph-only commands)
    ManifestOnly  // no revision file: an empty graph (what connecting to the server needs)
  };
  struct LoadStats {
    std::size_t files_read = 0, headers_from_cache = 0;
  };

  // Reads and validates the manifest and the revision files (whole, or
  // their headers); throws InputError ("file:line: ...") for the first
  // problem found.
  static ProviderDir load(const std::filesystem::path& dir, Contents contents = Contents::Full);

  const std::filesystem::path& dir() const { return dir_; }
  const Manifest& manifest() const { return manifest_; }
  const std::vector<RevisionFile>& files() const { return files_; }
  const mm::RevisionGraph& graph() const { return *graph_; }

  // The revision file of a graph node / of a revision id (nullptr if none).
  const RevisionFile& file_of(std::size_t node) const;
  const RevisionFile* find_file(const std::string& id) const;

  // How a path inside the provider directory is shown to the user.
  std::string display(const std::filesystem::path& relative) const;

  Contents contents() const { return contents_; }
  const LoadStats& load_stats() const { return stats_; }

  // Throws InputError for a revision that must not be uploaded: an empty
  // upgrade section outside a merge (written, not filled in yet).
  void check_uploadable() const;
  // The `revisions` argument of metamigrate.upload_revisions.
  nlohmann::json upload_document() const;

  // A copy with `manifest` in place of this one's and both SQL sections of
  // every revision passed through `rewrite_sql` (a tenant's provider: see
  // fleet/tenant.hpp). Files and lines stay those on disk.
  ProviderDir rewritten(Manifest manifest, const std::function<std::string(const std::string&)>& rewrite_sql) const;

 private:
  std::filesystem::path dir_;
  Manifest manifest_;
  std::vector<RevisionFile> files_;
  std::vector<std::size_t> file_of_node_;
  std::shared_ptr<const mm::RevisionGraph> graph_;
  Contents contents_ = Contents::Full;
  LoadStats stats_;

  void check_merges() const;
  // Throws std::logic_error unless loaded with Contents::Full (a programming error).
  void require_sql(const char* what) const;
};

// Paths as shown in messages: the provider dir joined with `relative`.
std::string display_path(const std::filesystem::path& dir, const std::filesystem::path& relative);

}  // namespace mmc
