#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/sql_text.hpp"
#include "core/revisions/upload.hpp"

namespace mm {
namespace {

std::string fake_hash(const std::string& s) { return std::to_string(std::hash<std::string>{}(s)); }

std::string error_of(const std::string& json) {
  try {
    parse_upload(json);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Upload, ParsesAllFieldShapes) {
  auto revs = parse_upload(R"([
    {"revision": "a", "down_revision": null, "upgrade_sql": "x"},
    {"revision": "b", "down_revision": "a", "depends_on": "a", "branch_labels": ["l"], "upgrade_sql": "y",
     "downgrade_sql": "z", "transactional": false, "message": "m", "source": "versions/ns/b.sql"},
    {"revision": "c", "down_revision": ["a", "b"], "upgrade_sql": ""}])");
  ASSERT_EQ(revs.size(), 3u);
  EXPECT_TRUE(revs[0].revision.down_revisions.empty());
  EXPECT_EQ(revs[1].revision.down_revisions, std::vector<std::string>{"a"});
  EXPECT_EQ(revs[1].revision.depends_on, std::vector<std::string>{"a"});
  EXPECT_FALSE(revs[1].revision.transactional);
  EXPECT_EQ(revs[1].source, "versions/ns/b.sql");
  EXPECT_EQ(revs[2].revision.down_revisions.size(), 2u);
}

TEST(Upload, RejectsMalformedInput) {
  EXPECT_NE(error_of("{}").find("must be a JSON array"), std::string::npos);
  EXPECT_NE(error_of("[1]").find("is not an object"), std::string::npos);
  EXPECT_NE(error_of(R"([{"upgrade_sql": ""}])").find("\"revision\" must be a string"), std::string::npos);
  EXPECT_NE(error_of(R"([{"revision": "a"}])").find("upgrade_sql"), std::string::npos);
  EXPECT_NE(error_of(R"([{"revision": "a", "upgrade_sql": "", "bogus": 1}])").find("unknown field \"bogus\""),
            std::string::npos);
  EXPECT_NE(error_of(R"([{"revision": "a", "upgrade_sql": "", "down_revision": 3}])").find("down_revision"),
            std::string::npos);
  EXPECT_NE(error_of(R"([{"revision": "a", "upgrade_sql": "", "transactional": "yes"}])").find("transactional"),
            std::string::npos);
  std::string long_id(33, 'x');
  EXPECT_NE(error_of(R"([{"revision": ")" + long_id + R"(", "upgrade_sql": ""}])").find("33 characters"),
            std::string::npos);
  EXPECT_NE(error_of(R"([{"revision": "a", "upgrade_sql": "", "source": "v/a.sql", "bogus": 1}])").find("from v/a.sql"),
            std::string::npos);
}

StoredRevision stored(const std::string& id, const std::string& up, std::vector<std::string> down = {}) {
  StoredRevision s;
  s.revision.id = id;
  s.revision.upgrade_sql = up;
  s.revision.down_revisions = std::move(down);
  s.checksum = fake_hash(checksum_material(s.revision));
  return s;
}

UploadedRevision uploaded(const std::string& id, const std::string& up, std::vector<std::string> down = {}) {
  UploadedRevision u;
  u.revision.id = id;
  u.revision.upgrade_sql = up;
  u.revision.down_revisions = std::move(down);
  return u;
}

TEST(Upload, IdenticalReuploadIsUnchangedAndNewIsInserted) {
  auto d = plan_upload({stored("a", "x")}, {uploaded("a", "x"), uploaded("b", "y", {"a"})}, {"a"}, fake_hash).decisions;
  EXPECT_EQ(d[0].action, UploadAction::Unchanged);
  EXPECT_EQ(d[1].action, UploadAction::Insert);
}

TEST(Upload, ChangedAppliedRevisionIsRefusedWithBothChecksums) {
  try {
    plan_upload({stored("a", "x")}, {uploaded("a", "changed")}, {"a"}, fake_hash);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kChecksumMismatch);
    EXPECT_NE(std::string(e.what()).find("\"a\""), std::string::npos);
    EXPECT_NE(e.detail().find(fake_hash(checksum_material(stored("a", "x").revision))), std::string::npos);
    EXPECT_NE(e.detail().find(fake_hash(checksum_material(uploaded("a", "changed").revision))), std::string::npos);
  }
}

TEST(Upload, ChangedUnappliedRevisionIsReplaced) {
  auto d = plan_upload({stored("a", "x")}, {uploaded("a", "changed")}, {}, fake_hash).decisions;
  EXPECT_EQ(d[0].action, UploadAction::Replace);
}

TEST(Upload, GraphOfStoredPlusUploadIsValidated) {
  EXPECT_THROW(plan_upload({stored("a", "x")}, {uploaded("b", "y", {"missing"})}, {}, fake_hash), Error);
  EXPECT_THROW(plan_upload({}, {uploaded("a", "x"), uploaded("a", "x")}, {}, fake_hash), Error);
  // Parent only in the store is fine.
  EXPECT_NO_THROW(plan_upload({stored("a", "x")}, {uploaded("b", "y", {"a"})}, {}, fake_hash));
}

TEST(Upload, PruneDeletesUnappliedRevisionsMissingFromTheUpload) {
  auto plan = plan_upload({stored("a", "x"), stored("gone", "y", {"a"})}, {uploaded("a", "x")}, {"a"}, fake_hash, true);
  EXPECT_EQ(plan.pruned, std::vector<std::string>{"gone"});
  // Without prune nothing is deleted.
  EXPECT_TRUE(plan_upload({stored("a", "x"), stored("gone", "y", {"a"})}, {uploaded("a", "x")}, {"a"}, fake_hash)
                  .pruned.empty());
}

TEST(Upload, PruneRefusesToDropAppliedRevisions) {
  try {
    plan_upload({stored("a", "x"), stored("b", "y", {"a"})}, {uploaded("a", "x")}, {"a", "b"}, fake_hash, true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("applied revision b missing"), std::string::npos) << e.what();
  }
}

TEST(Upload, ChecksumSeparatesSections) {
  Revision a, b;
  a.upgrade_sql = "xy";
  b.upgrade_sql = "x";
  b.downgrade_sql = "y";
  EXPECT_NE(checksum_material(a), checksum_material(b));
}

TEST(SqlText, LinesAndCommentSkipping) {
  std::string sql = "-- header\n/* block /* nested */ */\n  SELECT 1;\nSELECT 2;";
  std::size_t start = skip_blank_and_comments(sql, 0);
  EXPECT_EQ(sql.substr(start, 8), "SELECT 1");
  EXPECT_EQ(line_at(sql, start), 3);
  EXPECT_EQ(line_at(sql, sql.find("SELECT 2")), 4);
}

}  // namespace
}  // namespace mm
