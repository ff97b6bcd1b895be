#include "client/provider/provider_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <regex>
#include <string_view>

#include "client/output/errors.hpp"
#include "client/provider/revision_header_cache.hpp"
#include "client/provider/text_file.hpp"
#include "core/error.hpp"

namespace mmc {

namespace fs = std::filesystem;

std::string display_path(const fs::path& dir, const fs::path& relative) {
  return (dir / relative).lexically_normal().generic_string();
}

namespace {

struct ListedFile {
  std::string name;
  struct stat status;  // followed through a symbolic link
};

// The *.sql entries of the versions directory, sorted, with their status
// (what the header cache checks). Entries that are not readable regular
// files (broken or looping symlinks, directories, devices) are errors
// rather than silently skipped revisions, named under shown_dir (the
// directory as messages show it, with a slash).
std::vector<ListedFile> list_revision_files(const fs::path& dir, const fs::path& versions_rel,
                                            const std::string& shown_dir) {
  const auto cannot_read = [&](int error) {
    return InputError(display_path(dir, versions_rel), 0,
                      std::string("cannot read the revision directory: ") + std::strerror(error));
  };
  DIR* listing = ::opendir((dir / versions_rel).c_str());
  if (!listing) throw cannot_read(errno);
  struct Closer {
    DIR* d;
    ~Closer() { ::closedir(d); }
  } closer{listing};
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(listing);
    if (!entry) {
      if (errno) throw cannot_read(errno);
      break;
    }
    const std::string_view name(entry->d_name);
    if (name.size() > 4 && name.substr(name.size() - 4) == ".sql") names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());  // the first bad entry, in name order
  std::vector<ListedFile> files;
  files.reserve(names.size());
  for (std::string& name : names) {
    ListedFile file{std::move(name), {}};
    if (::fstatat(::dirfd(listing), file.name.c_str(), &file.status, 0) != 0) {
      const int error = errno;
      struct stat link;
      const bool is_link =
          ::fstatat(::dirfd(listing), file.name.c_str(), &link, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(link.st_mode);
      throw InputError(shown_dir + file.name, 0,
                       std::string(is_link ? "broken symbolic link: " : "cannot read: ") + std::strerror(error));
    }
    if (!S_ISREG(file.status.st_mode))
      throw InputError(shown_dir + file.name, 0, "not a regular file (a revision file is expected)");
    files.push_back(std::move(file));
  }
  return files;
}

// One revision file: from the header cache when it is unchanged (header
// only), else read and parsed. `stamp` receives the status it was read with.
RevisionFile load_revision_file(const ListedFile& listed, const std::string& read_path, const std::string& shown,
                                const std::string& source, ProviderDir::Contents contents, RevisionHeaderCache& cache,
                                FileStamp* stamp, ProviderDir::LoadStats& stats) {
  *stamp = FileStamp::of(listed.status);
  if (contents == ProviderDir::Contents::HeadersOnly) {
    if (std::optional<RevisionFile> cached = cache.take(listed.name, *stamp)) {
      cached->path = shown;
      cached->source = source;
      ++stats.headers_from_cache;
      return std::move(*cached);
    }
  }
  struct stat read_status;
  const std::string text = read_text_file(read_path, shown, kMaxRevisionFileBytes, &read_status);
  *stamp = FileStamp::of(read_status);
  ++stats.files_read;
  return contents == ProviderDir::Contents::HeadersOnly ? parse_revision_header(text, shown, source)
                                                        : parse_revision_file(text, shown, source);
}

bool mentions_id(const std::string& message, const std::string& id) {
  const std::regex token("(^|[^A-Za-z0-9_.-])" + std::regex_replace(id, std::regex(R"([.\-])"), R"(\$&)") +
                         "($|[^A-Za-z0-9_.-])");
  return std::regex_search(message, token);
}

}  // namespace

ProviderDir ProviderDir::load(const fs::path& dir, Contents contents) {
  ProviderDir p;
  p.dir_ = dir;
  p.contents_ = contents;
  const fs::path manifest_path = dir / kManifestFileName;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(display_path(dir, kManifestFileName), 0,
                     ec && ec != std::errc::no_such_file_or_directory
                         ? "cannot read the provider directory: " + ec.message()
                         : "provider directory " + dir.generic_string() +
                               " does not exist (run 'metamigrate scaffold', or pass --provider DIR)");
  const fs::file_status manifest_status = fs::status(manifest_path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw InputError(display_path(dir, kManifestFileName), 0, "cannot read the provider manifest: " + ec.message());
  if (!fs::is_regular_file(manifest_status))
    throw InputError(display_path(dir, kManifestFileName), 0,
                     "provider manifest not found (run 'metamigrate scaffold', or pass --provider DIR)");
  p.manifest_ = load_manifest(manifest_path.string(), display_path(dir, kManifestFileName));
  if (contents == Contents::ManifestOnly) {
    p.graph_ = std::make_shared<const mm::RevisionGraph>(std::vector<mm::Revision>());
    return p;
  }

  const fs::path versions_rel = fs::path("versions") / p.manifest_.namespace_;
  const fs::file_status versions_status = fs::status(dir / versions_rel, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw InputError(display_path(dir, versions_rel), 0, "cannot read the revision directory: " + ec.message());
  if (!fs::is_directory(versions_status))
    throw InputError(display_path(dir, versions_rel), 0,
                     "revision directory not found (the manifest's namespace is \"" + p.manifest_.namespace_ + "\")");

  std::map<std::string, std::size_t> by_id;
  const std::string shown_dir = display_path(dir, versions_rel) + "/";
  const std::string rel_dir = versions_rel.generic_string() + "/";
  const std::string read_dir = (dir / versions_rel).string() + "/";
  RevisionHeaderCache cache(RevisionHeaderCache::default_directory(), dir / versions_rel);
  const std::vector<ListedFile> listing = list_revision_files(dir, versions_rel, shown_dir);
  std::vector<FileStamp> stamps(listing.size());
  p.files_.reserve(listing.size());
  for (std::size_t i = 0; i < listing.size(); ++i) {
    const ListedFile& listed = listing[i];
    RevisionFile file = load_revision_file(listed, read_dir + listed.name, shown_dir + listed.name,
                                           rel_dir + listed.name, contents, cache, &stamps[i], p.stats_);
    const std::string& shown = file.path;
    auto [it, inserted] = by_id.emplace(file.revision.id, p.files_.size());
    if (!inserted) {
      const RevisionFile& first = p.files_[it->second];
      throw InputError(shown, file.line_of("revision"),
                       "duplicate revision id \"" + file.revision.id + "\" (also in " + first.path + ":" +
                           std::to_string(first.line_of("revision")) + ")");
    }
    p.files_.push_back(std::move(file));
  }
  {  // per file: the graph checks below do not make a header wrong
    std::vector<RevisionHeaderCache::Listed> cached;
    cached.reserve(listing.size());
    for (std::size_t i = 0; i < listing.size(); ++i) cached.push_back({listing[i].name, stamps[i], p.files_[i]});
    cache.save(cached);
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
  p.check_merges();
  return p;
}

void ProviderDir::check_merges() const {
  // A merge joins branches of one history: its parents share an ancestor.
  // Parents from unrelated roots mean two histories were mixed (files
  // copied from another provider, or a root created by mistake).
  const mm::RevisionGraph& graph = *graph_;
  for (std::size_t node = 0; node < graph.size(); ++node) {
    const auto& parents = graph.parents(node);
    if (parents.size() < 2) continue;
    const mm::NodeSet first = graph.ancestors({parents[0]});
    for (std::size_t k = 1; k < parents.size(); ++k) {
      const mm::NodeSet other = graph.ancestors({parents[k]});
      bool shared = false;
      for (std::size_t i = 0; i < graph.size() && !shared; ++i) shared = first[i] && other[i];
      if (shared) continue;
      const RevisionFile& file = file_of(node);
      throw InputError(file.path, file.line_of("down_revision"),
                       "merge of unrelated roots: " + graph.id(parents[0]) + " and " + graph.id(parents[k]) +
                           " share no ancestor (a merge joins branches of one history; an unrelated history "
                           "belongs to a provider of its own)");
    }
  }
}

void ProviderDir::require_sql(const char* what) const {
  if (contents_ != Contents::Full)
    throw std::logic_error(std::string("ProviderDir::") + what + " needs the SQL sections: load with Contents::Full");
}

void ProviderDir::check_uploadable() const {
  require_sql("check_uploadable");
  // An empty upgrade section is almost always a revision written but not
  // filled in: applying it would record it as done, and filling it in
  // later would be refused as a change to an applied revision.
  for (const RevisionFile& file : files_) {
    if (file.revision.down_revisions.size() > 1) continue;  // merges may be empty
    if (file.revision.upgrade_sql.find_first_not_of(" \t\r\n\f\v") != std::string::npos) continue;
    throw InputError(file.path, file.upgrade_marker_line,
                     "empty upgrade section in revision " + file.revision.id +
                         ": write its SQL (or a comment such as '-- no schema change' for an intentionally empty "
                         "revision)");
  }
}

const RevisionFile& ProviderDir::file_of(std::size_t node) const { return files_[file_of_node_.at(node)]; }

const RevisionFile* ProviderDir::find_file(const std::string& id) const {
  const std::size_t node = graph_->find(id);
  return node == mm::RevisionGraph::npos ? nullptr : &file_of(node);
}

std::string ProviderDir::display(const fs::path& relative) const { return display_path(dir_, relative); }

ProviderDir ProviderDir::rewritten(Manifest manifest,
                                   const std::function<std::string(const std::string&)>& rewrite_sql) const {
  ProviderDir copy = *this;
  copy.manifest_ = std::move(manifest);
  std::vector<mm::Revision> revisions;
  for (RevisionFile& file : copy.files_) {
    file.revision.upgrade_sql = rewrite_sql(file.revision.upgrade_sql);
    file.revision.downgrade_sql = rewrite_sql(file.revision.downgrade_sql);
    revisions.push_back(file.revision);
  }
  // Same ids and edges, so the node order (file_of_node_) is unchanged.
  copy.graph_ = std::make_shared<const mm::RevisionGraph>(std::move(revisions));
  return copy;
}

nlohmann::json ProviderDir::upload_document() const {
  require_sql("upload_document");
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
