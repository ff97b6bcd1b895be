// The revision header cache: an entry is used only for the very file it
// was read from, and never when the file may have changed unseen.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "client/provider/revision_header_cache.hpp"

namespace fs = std::filesystem;
using mmc::FileStamp;
using mmc::RevisionFile;
using mmc::RevisionHeaderCache;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/mm-cache-test.XXXXXX";
    path = mkdtemp(name);
    fs::create_directories(path / "versions");
  }
  ~TempDir() { fs::remove_all(path); }
};

RevisionFile header(const std::string& id, const std::string& parent) {
  RevisionFile f;
  f.revision.id = id;
  if (!parent.empty()) f.revision.down_revisions = {parent};
  f.revision.message = "message of " + id + ", with: colons\ttabs";
  f.revision.branch_labels = {"lbl_" + id};
  f.revision.transactional = false;
  f.create_date = "2026-12-03T00:00:00Z";
  f.key_lines = {2, 3, 4, 0, 5, 6, 7};
  f.upgrade_marker_line = 9;
  f.revision.upgrade_sql = "CREATE TABLE t ();\n";  // not stored
  return f;
}

FileStamp stamp(std::uint64_t inode, std::int64_t mtime_ns) {
  FileStamp s;
  s.device = 1;
  s.inode = inode;
  s.size = 100;
  s.mtime_ns = s.ctime_ns = mtime_ns;
  return s;
}

// Times long before the cache file is written: not racy.
constexpr std::int64_t kOld = 1'000'000'000'000'000'000;

}  // namespace

TEST(RevisionHeaderCache, RoundTripsHeadersWithoutSql) {
  TempDir dir;
  const RevisionFile a = header("a1", ""), b = header("b2", "a1");
  {
    RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
    EXPECT_FALSE(cache.take("a.sql", stamp(1, kOld)));
    const std::string na = "a.sql", nb = "b.sql";
    cache.save({{na, stamp(1, kOld), a}, {nb, stamp(2, kOld), b}});
    ASSERT_TRUE(fs::exists(cache.file()));
  }
  RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
  const auto got = cache.take("b.sql", stamp(2, kOld));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->revision.id, "b2");
  EXPECT_EQ(got->revision.down_revisions, std::vector<std::string>{"a1"});
  EXPECT_EQ(got->revision.branch_labels, std::vector<std::string>{"lbl_b2"});
  EXPECT_TRUE(got->revision.depends_on.empty());
  EXPECT_EQ(got->revision.message, b.revision.message);
  EXPECT_FALSE(got->revision.transactional);
  EXPECT_EQ(got->create_date, b.create_date);
  EXPECT_EQ(got->key_lines, b.key_lines);
  EXPECT_EQ(got->upgrade_marker_line, 9);
  EXPECT_TRUE(got->revision.upgrade_sql.empty());
  EXPECT_FALSE(cache.take("b.sql", stamp(2, kOld))) << "an entry is taken once";
}

TEST(RevisionHeaderCache, AnyChangeOfTheFileMissesTheEntry) {
  TempDir dir;
  const std::string name = "a.sql";
  {
    RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
    cache.save({{name, stamp(1, kOld), header("a1", "")}});
  }
  FileStamp other_inode = stamp(9, kOld), other_size = stamp(1, kOld), other_mtime = stamp(1, kOld),
            other_ctime = stamp(1, kOld), other_device = stamp(1, kOld);
  other_size.size = 101;
  other_mtime.mtime_ns += 1;
  other_ctime.ctime_ns += 1;
  other_device.device = 2;
  for (const FileStamp& s : {other_inode, other_size, other_mtime, other_ctime, other_device}) {
    RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
    EXPECT_FALSE(cache.take(name, s));
  }
  RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
  EXPECT_TRUE(cache.take(name, stamp(1, kOld)));
}

TEST(RevisionHeaderCache, TimesCloseToTheCachesWritingAreNotTrusted) {
  TempDir dir;
  const std::string name = "a.sql";
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const std::int64_t recent = static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  {
    RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
    cache.save({{name, stamp(1, recent), header("a1", "")}});
  }
  RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
  EXPECT_FALSE(cache.take(name, stamp(1, recent))) << "edited within a clock tick of being read: read again";
}

TEST(RevisionHeaderCache, DamagedOrForeignCacheFilesReadAsEmpty) {
  TempDir dir;
  const std::string name = "a.sql";
  fs::path file;
  {
    RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
    cache.save({{name, stamp(1, kOld), header("a1", "")}});
    file = cache.file();
  }
  std::string text;
  {
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_NE(text.find("\nend\n"), std::string::npos);
  const auto rewrite_and_miss = [&](const std::string& content) {
    {
      std::ofstream out(file, std::ios::trunc);
      out << content;
    }
    RevisionHeaderCache cache(dir.path / "cache", dir.path / "versions");
    return !cache.take(name, stamp(1, kOld));
  };
  EXPECT_TRUE(rewrite_and_miss(text.substr(0, text.size() - 4))) << "truncated";
  std::string other_dir = text;
  other_dir.replace(other_dir.find("\ndir ") + 5, 1, "X");
  EXPECT_TRUE(rewrite_and_miss(other_dir)) << "written for another directory";
  std::string other_format = text;
  other_format.replace(other_format.find("headers ") + 8, 1, "0");
  EXPECT_TRUE(rewrite_and_miss(other_format)) << "another format";
  std::string bad_stamp = text;
  bad_stamp.replace(bad_stamp.find("\nstamp ") + 7, 1, "x");
  EXPECT_TRUE(rewrite_and_miss(bad_stamp));
  EXPECT_FALSE(rewrite_and_miss(text)) << "the original still reads";
}

TEST(RevisionHeaderCache, OffWithoutADirectory) {
  TempDir dir;
  const std::string name = "a.sql";
  RevisionHeaderCache cache(std::nullopt, dir.path / "versions");
  cache.save({{name, stamp(1, kOld), header("a1", "")}});
  EXPECT_TRUE(cache.file().empty());
  EXPECT_FALSE(cache.take(name, stamp(1, kOld)));
}
