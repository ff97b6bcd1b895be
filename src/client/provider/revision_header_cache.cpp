#include "client/provider/revision_header_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace mmc {

namespace fs = std::filesystem;

namespace {

// Bump when the header parser's rules or this layout change: entries of
// another format are never used.
constexpr int kFormat = 1;
// Timestamps within this of the cache's writing are not trusted: covers
// coarse file system clocks (FAT: 2 s) and small clock differences with
// a network file server.
constexpr std::int64_t kRacyMarginNs = 2'000'000'000;
// Cache files kept (one per revision directory ever read, about 300 kB
// per thousand revisions): throwaway checkouts (CI, tests) would pile up.
constexpr std::size_t kMaxCacheFiles = 200;

std::int64_t nanoseconds(const struct timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::string format_line() {
  return "metamigrate revision headers " + std::to_string(kFormat) + " " METAMIGRATE_VERSION;
}

// FNV-1a: a stable file name per revision directory.
std::string hash_name(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

// The whole of a regular file this user owns (a cache someone else wrote
// is not trusted).
bool read_own_file(const fs::path& path, std::string* bytes, struct stat* st) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fstat(fd, st) == 0 && S_ISREG(st->st_mode) && st->st_uid == ::geteuid() && st->st_size < (64 << 20);
  if (ok) {
    bytes->resize(static_cast<std::size_t>(st->st_size));
    std::size_t done = 0;
    while (ok && done < bytes->size()) {
      const ssize_t got = ::read(fd, &(*bytes)[done], bytes->size() - done);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0)
        ok = false;
      else
        done += static_cast<std::size_t>(got);
    }
  }
  ::close(fd);
  return ok;
}

bool write_whole(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t put = ::write(fd, text.data() + done, text.size() - done);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    done += static_cast<std::size_t>(put);
  }
  return true;
}

// The cache file: a line per value, "tag value" (no header value holds a
// newline; such files are not cached).
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  // The next line, which must be `tag` alone or `tag` and a space: the rest.
  bool next(std::string_view tag, std::string_view* value) {
    const std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) return false;
    const std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (line.compare(0, tag.size(), tag) != 0) return false;
    if (line.size() == tag.size()) {
      *value = std::string_view();
      return true;
    }
    if (line[tag.size()] != ' ') return false;
    *value = line.substr(tag.size() + 1);
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    out.emplace_back(value.substr(0, comma));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

void append_list(std::string& out, const std::vector<std::string>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) (out += i ? "," : "") += items[i];
}

// Space-separated integers, exactly `count` of them.
template <typename T>
bool parse_numbers(std::string_view text, T* out, std::size_t count) {
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (i) {
      if (p == end || *p != ' ') return false;
      ++p;
    }
    const auto [next, ec] = std::from_chars(p, end, out[i]);
    if (ec != std::errc()) return false;
    p = next;
  }
  return p == end;
}

bool storable(const std::string& value) { return value.find('\n') == std::string::npos; }

}  // namespace

FileStamp FileStamp::of(const struct stat& st) {
  FileStamp s;
  s.device = static_cast<std::uint64_t>(st.st_dev);
  s.inode = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = nanoseconds(st.st_mtim);
  s.ctime_ns = nanoseconds(st.st_ctim);
  return s;
}

std::optional<fs::path> RevisionHeaderCache::default_directory() {
  if (const char* dir = std::getenv("METAMIGRATE_CACHE_DIR")) {
    if (!*dir) return std::nullopt;
    return fs::path(dir);
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return fs::path(xdg) / "metamigrate";
  if (const char* home = std::getenv("HOME"); home && *home == '/') return fs::path(home) / ".cache" / "metamigrate";
  return std::nullopt;
}

RevisionHeaderCache::RevisionHeaderCache(const std::optional<fs::path>& cache_dir, const fs::path& versions_dir) {
  if (!cache_dir) return;
  std::error_code ec;
  const fs::path canonical = fs::canonical(versions_dir, ec);
  if (ec) return;
  versions_dir_ = canonical.string();
  if (!storable(versions_dir_)) return;
  enabled_ = true;
  file_ = *cache_dir / "revision-headers" / (hash_name(versions_dir_) + ".txt");
  load();
}

void RevisionHeaderCache::load() {
  std::string text;
  struct stat st;
  if (!read_own_file(file_, &text, &st)) return;
  LineReader in(text);
  std::string_view value;
  std::size_t count = 0;
  if (!in.next("format", &value) || value != format_line()) return;
  if (!in.next("dir", &value) || value != versions_dir_) return;  // a hash collision
  if (!in.next("count", &value) || !parse_numbers(value, &count, 1) || count > text.size()) return;
  std::vector<Entry> entries(count);
  for (Entry& e : entries) {
    mm::Revision& r = e.header.revision;
    std::string_view name, stamp, id, down, labels, depends, message, date, transactional, lines, marker;
    std::int64_t stamp_values[5];
    if (!in.next("file", &name) || !in.next("stamp", &stamp) || !parse_numbers(stamp, stamp_values, 5) ||
        !in.next("id", &id) || !in.next("down", &down) || !in.next("labels", &labels) ||
        !in.next("depends", &depends) || !in.next("message", &message) || !in.next("date", &date) ||
        !in.next("transactional", &transactional) || (transactional != "true" && transactional != "false") ||
        !in.next("lines", &lines) || !parse_numbers(lines, e.header.key_lines.data(), e.header.key_lines.size()) ||
        !in.next("marker", &marker) || !parse_numbers(marker, &e.header.upgrade_marker_line, 1))
      return;
    e.name = std::string(name);
    e.stamp.device = static_cast<std::uint64_t>(stamp_values[0]);
    e.stamp.inode = static_cast<std::uint64_t>(stamp_values[1]);
    e.stamp.size = static_cast<std::uint64_t>(stamp_values[2]);
    e.stamp.mtime_ns = stamp_values[3];
    e.stamp.ctime_ns = stamp_values[4];
    r.id = std::string(id);
    r.down_revisions = split_list(down);
    r.branch_labels = split_list(labels);
    r.depends_on = split_list(depends);
    r.message = std::string(message);
    r.transactional = transactional == "true";
    e.header.create_date = std::string(date);
  }
  if (!in.next("end", &value)) return;  // truncated
  if (!std::is_sorted(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; }))
    return;
  loaded_ = std::move(entries);
  written_ns_ = nanoseconds(st.st_mtim);
}

RevisionHeaderCache::Entry* RevisionHeaderCache::loaded(const std::string& name) {
  const auto it = std::lower_bound(loaded_.begin(), loaded_.end(), name,
                                   [](const Entry& e, const std::string& n) { return e.name < n; });
  return it != loaded_.end() && it->name == name ? &*it : nullptr;
}

bool RevisionHeaderCache::racy(const FileStamp& stamp) const {
  const std::int64_t trusted_before = written_ns_ - kRacyMarginNs;
  return stamp.mtime_ns >= trusted_before || stamp.ctime_ns >= trusted_before;
}

std::optional<RevisionFile> RevisionHeaderCache::take(const std::string& name, const FileStamp& stamp) {
  if (!enabled_) return std::nullopt;
  Entry* e = loaded(name);
  if (!e || e->stamp != stamp || racy(stamp) || e->header.revision.id.empty()) return std::nullopt;
  RevisionFile header = std::move(e->header);
  e->header.revision.id.clear();  // taken
  return header;
}

void RevisionHeaderCache::save(const std::vector<Listed>& files) {
  if (!enabled_) return;
  // Unchanged when every file is one loaded with the same stamp, and
  // trusted: a racy entry is written again, so that its times fall before
  // the new cache file's and it can be used next time.
  bool changed = files.size() != loaded_.size();
  for (std::size_t i = 0; i < files.size() && !changed; ++i)
    changed = files[i].name != loaded_[i].name || files[i].stamp != loaded_[i].stamp || racy(files[i].stamp);
  if (!changed) return;

  std::string out = "format " + format_line() + "\ndir " + versions_dir_ + "\ncount ";
  std::string body;
  std::size_t count = 0;
  for (const Listed& f : files) {
    const mm::Revision& r = f.header.revision;
    if (!storable(f.name) || !storable(r.message) || !storable(f.header.create_date)) continue;
    ++count;
    const FileStamp& s = f.stamp;
    body += "file " + f.name + "\nstamp " + std::to_string(s.device) + " " + std::to_string(s.inode) + " " +
            std::to_string(s.size) + " " + std::to_string(s.mtime_ns) + " " + std::to_string(s.ctime_ns) + "\nid " +
            r.id + "\ndown ";
    append_list(body, r.down_revisions);
    body += "\nlabels ";
    append_list(body, r.branch_labels);
    body += "\ndepends ";
    append_list(body, r.depends_on);
    body += "\nmessage " + r.message + "\ndate " + f.header.create_date + "\ntransactional " +
            (r.transactional ? "true" : "false") + "\nlines";
    for (int line : f.header.key_lines) body += " " + std::to_string(line);
    body += "\nmarker " + std::to_string(f.header.upgrade_marker_line) + "\n";
  }
  out += std::to_string(count) + "\n" + body + "end\n";

  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  if (ec) return;
  std::string temp = file_.string() + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) return;
  const bool written = write_whole(fd, out);
  if (::close(fd) != 0 || !written || ::rename(temp.c_str(), file_.c_str()) != 0) {
    ::unlink(temp.c_str());
    return;
  }
  prune(file_.parent_path());
}

void RevisionHeaderCache::prune(const fs::path& dir) {
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code time_ec;
    const fs::file_time_type written = it->last_write_time(time_ec);
    if (!time_ec) files.emplace_back(written, it->path());
  }
  if (files.size() <= kMaxCacheFiles) return;
  std::sort(files.begin(), files.end());  // least recently written first
  for (std::size_t i = 0; i + kMaxCacheFiles < files.size(); ++i) fs::remove(files[i].second, ec);
}

}  // namespace mmc
