#include "client/provider_dir.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "client/errors.hpp"
#include "client/text_file.hpp"
#include "core/error.hpp"

namespace mmc {

namespace fs = std::filesystem;

std::string display_path(const fs::path& dir, const fs::path& relative) {
  return (dir / relative).lexically_normal().generic_string();
}

namespace {

std::vector<fs::path> revision_file_names(const fs::path& versions) {
  std::vector<fs::path> names;
  for (const auto& entry : fs::directory_iterator(versions))
    if (entry.is_regular_file() && entry.path().extension() == ".sql") names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

bool mentions_id(const std::string& message, const std::string& id) {
  const std::regex token("(^|[^A-Za-z0-9_.-])" + std::regex_replace(id, std::regex(R"([.\-])"), R"(\$&)") +
                         "($|[^A-Za-z0-9_.-])");
  return std::regex_search(message, token);
}

}  // namespace

ProviderDir ProviderDir::load(const fs::path& dir) {
  ProviderDir p;
  p.dir_ = dir;
  const fs::path manifest_path = dir / kManifestFileName;
  std::error_code ec;
  if (!fs::is_regular_file(manifest_path, ec))
    throw InputError(display_path(dir, kManifestFileName), 0,
                     "provider manifest not found (run 'metamigrate scaffold', or pass --provider DIR)");
  p.manifest_ = load_manifest(manifest_path.string(), display_path(dir, kManifestFileName));

  const fs::path versions_rel = fs::path("versions") / p.manifest_.namespace_;
  if (!fs::is_directory(dir / versions_rel, ec))
    throw InputError(display_path(dir, versions_rel), 0,
                     "revision directory not found (the manifest's namespace is \"" + p.manifest_.namespace_ + "\")");

  std::map<std::string, std::size_t> by_id;
  for (const fs::path& name : revision_file_names(dir / versions_rel)) {
    const fs::path rel = versions_rel / name;
    const std::string shown = display_path(dir, rel);
    RevisionFile file = parse_revision_file(read_text_file((dir / rel).string(), shown), shown, rel.generic_string());
    auto [it, inserted] = by_id.emplace(file.revision.id, p.files_.size());
    if (!inserted) {
      const RevisionFile& first = p.files_[it->second];
      throw InputError(shown, file.line_of("revision"),
                       "duplicate revision id \"" + file.revision.id + "\" (also in " + first.path + ":" +
                           std::to_string(first.line_of("revision")) + ")");
    }
    p.files_.push_back(std::move(file));
  }

  // Edges to revisions that no file defines, reported where they are written.
  for (const RevisionFile& file : p.files_) {
    for (const auto& parent : file.revision.down_revisions)
      if (!by_id.count(parent))
        throw InputError(file.path, file.line_of("down_revision"),
                         "down_revision \"" + parent + "\" is not a revision of this provider");
    for (const auto& dependency : file.revision.depends_on)
      if (!by_id.count(dependency))
        throw InputError(file.path, file.line_of("depends_on"),
                         "depends_on \"" + dependency + "\" is not a revision of this provider");
  }

  std::vector<mm::Revision> revisions;
  for (const RevisionFile& file : p.files_) revisions.push_back(file.revision);
  try {
    p.graph_ = std::make_shared<const mm::RevisionGraph>(std::move(revisions));
  } catch (const mm::Error& e) {
    // Cycles, clashing branch labels...: point at the first file involved.
    const std::string message = e.what();
    const std::string key = message.find("branch label") != std::string::npos ? "branch_labels" : "down_revision";
    for (const RevisionFile& file : p.files_)
      if (mentions_id(message, file.revision.id)) throw InputError(file.path, file.line_of(key), message);
    throw InputError(display_path(dir, versions_rel), 0, message);
  }
  p.file_of_node_.resize(p.graph_->size());
  for (std::size_t node = 0; node < p.graph_->size(); ++node) p.file_of_node_[node] = by_id.at(p.graph_->id(node));
  return p;
}

const RevisionFile& ProviderDir::file_of(std::size_t node) const { return files_[file_of_node_.at(node)]; }

const RevisionFile* ProviderDir::find_file(const std::string& id) const {
  const std::size_t node = graph_->find(id);
  return node == mm::RevisionGraph::npos ? nullptr : &file_of(node);
}

fs::path ProviderDir::versions_dir() const { return dir_ / "versions" / manifest_.namespace_; }

std::string ProviderDir::display(const fs::path& relative) const { return display_path(dir_, relative); }

bool ProviderDir::has_non_transactional() const {
  return std::any_of(files_.begin(), files_.end(), [](const RevisionFile& f) { return !f.revision.transactional; });
}

nlohmann::json ProviderDir::upload_document() const {
  nlohmann::json revisions = nlohmann::json::array();
  for (const RevisionFile& file : files_) {
    const mm::Revision& r = file.revision;
    nlohmann::json down = nullptr;
    if (r.down_revisions.size() == 1)
      down = r.down_revisions[0];
    else if (r.down_revisions.size() > 1)
      down = r.down_revisions;
    revisions.push_back({{"revision", r.id},
                         {"down_revision", down},
                         {"branch_labels", r.branch_labels},
                         {"depends_on", r.depends_on},
                         {"message", r.message},
                         {"upgrade_sql", r.upgrade_sql},
                         {"downgrade_sql", r.downgrade_sql},
                         {"transactional", r.transactional},
                         {"create_date", file.create_date},
                         {"source", file.source}});
  }
  return revisions;
}

}  // namespace mmc
