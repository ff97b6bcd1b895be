// A per-user cache of parsed revision headers, so that the commands that
// need only the revision graph (current, heads, branches, history) do not
// open every revision file: with thousands of files the opens cost more
// than the whole database round trip.
//
// An entry is used only while its file's device, inode, size, mtime and
// ctime are what they were when it was read (ctime cannot be set back by
// `touch`), and not when those times are too close to when the cache was
// written: an edit within one timestamp tick of the read would keep them
// (Git's "racily clean" index entries). Anything else, including a cache
// file that does not parse, means reading the file again. Writing is best
// effort: a read-only or missing cache directory only costs speed.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "client/provider/revision_file.hpp"

namespace mmc {

struct FileStamp {
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;

  static FileStamp of(const struct stat& st);
  bool operator==(const FileStamp& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
  }
  bool operator!=(const FileStamp& o) const { return !(*this == o); }
};

class RevisionHeaderCache {
 public:
  // Where caches live: $METAMIGRATE_CACHE_DIR (set but empty: caching off),
  // else $XDG_CACHE_HOME/metamigrate, else $HOME/.cache/metamigrate.
  static std::optional<std::filesystem::path> default_directory();

  // The cache of the revision directory `versions_dir` kept under
  // `cache_dir` (nullopt: caching off). Loads it; a missing, foreign or
  // damaged cache file reads as empty.
  RevisionHeaderCache(const std::optional<std::filesystem::path>& cache_dir, const std::filesystem::path& versions_dir);

  // The cached header of file `name` (path and source not filled in) when
  // `stamp` is the one it was read with and not racy. Each entry can be
  // taken once.
  std::optional<RevisionFile> take(const std::string& name, const FileStamp& stamp);

  struct Listed {
    const std::string& name;
    FileStamp stamp;             // as the file was read (or found in the cache)
    const RevisionFile& header;  // its SQL sections are not stored
  };
  // Makes the cache hold exactly `files` (sorted by name), writing it
  // (atomically, by rename) only when that differs from what was loaded.
  // Errors are ignored.
  void save(const std::vector<Listed>& files);

  const std::filesystem::path& file() const { return file_; }

 private:
  struct Entry {
    std::string name;
    FileStamp stamp;
    RevisionFile header;
  };
  bool enabled_ = false;
  std::filesystem::path file_;
  std::string versions_dir_;     // canonical, as recorded in the file
  std::int64_t written_ns_ = 0;  // the cache file's mtime when loaded
  std::vector<Entry> loaded_;    // sorted by name

  void load();
  Entry* loaded(const std::string& name);
  bool racy(const FileStamp& stamp) const;
  static void prune(const std::filesystem::path& dir);
};

}  // namespace mmc
