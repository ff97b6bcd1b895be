// The importers' parsers and --adopt's pure logic, on the client test's
// fixtures (test/client/import-fixtures) and on small generated sources.
#include <gtest/gtest.h>

#include <fstream>

#include "client/output/errors.hpp"
#include "client/import/adopt.hpp"
#include "client/import/alembic_script.hpp"
#include "client/import/importers.hpp"
#include "client/os/process.hpp"
#include "client/import/util.hpp"

namespace fs = std::filesystem;
using namespace mmc::import;
using mmc::find_on_path;
using mmc::TempDir;

namespace {

fs::path fixture(const std::string& relative) {
  return fs::path(__FILE__).parent_path() / ".." / "client" / "import-fixtures" / relative;
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::vector<std::string> ids(const ImportSet& set) {
  std::vector<std::string> out;
  for (const auto& m : set.migrations) out.push_back(m.revision.id);
  return out;
}

void expect_chain(const ImportSet& set) {
  for (std::size_t i = 0; i < set.migrations.size(); ++i) {
    const auto& parents = set.migrations[i].revision.down_revisions;
    if (i == 0)
      EXPECT_TRUE(parents.empty());
    else
      EXPECT_EQ(parents, std::vector<std::string>{set.migrations[i - 1].revision.id});
  }
}

// The InputError's "file:line: message" of `f`, or "" when it did not throw one.
template <typename F>
std::string input_error(F f) {
  try {
    f();
  } catch (const mmc::InputError& e) {
    return e.located();
  }
  return "";
}

}  // namespace

TEST(ImportUtil, RevisionIdsKeepTheVersionAndFit) {
  EXPECT_EQ(revision_id_for("20240101100000", "create users", "f"), "20240101100000_create_users");
  EXPECT_EQ(revision_id_for("00000000000000", "diesel initial setup", "f"), "00000000000000_diesel_initial_se");
  EXPECT_EQ(revision_id_for("1", "", "f"), "1");
  EXPECT_EQ(revision_id_for("V1.1", "create posts", "f"), "V1.1_create_posts");
  // "x-5" would read as the relative target "five below x".
  EXPECT_EQ(revision_id_for("2024-01-05", "", "f"), "2024-01-05_");
  EXPECT_EQ(revision_id_for("my change", "", "f"), "my_change");
  EXPECT_NE(input_error([] { revision_id_for(std::string(33, '1'), "x", "src/a.sql"); }).find("src/a.sql: version"),
            std::string::npos);
}

TEST(ImportUtil, VersionsCompareNumerically) {
  EXPECT_LT(compare_versions("1.9", "1.10"), 0);
  EXPECT_LT(compare_versions("2", "10"), 0);
  EXPECT_EQ(compare_versions("000001", "1"), 0);
  EXPECT_GT(compare_versions("1.1", "1"), 0);
}

TEST(ImportUtil, TransactionWrapperIsRemovedOnlyWhenItWrapsEverything) {
  const std::string wrapped = "-- x\nBEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\n";
  const std::string out = strip_transaction_wrapper(wrapped);
  EXPECT_EQ(out.find("\nBEGIN;"), std::string::npos);
  EXPECT_EQ(out.find("\nCOMMIT;"), std::string::npos);
  EXPECT_NE(out.find("CREATE TABLE t (a int);"), std::string::npos);
  const std::string partial = "CREATE TABLE t (a int);\nCOMMIT;\n";
  EXPECT_EQ(strip_transaction_wrapper(partial), partial);
  const std::string body = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN END; $$;\n";
  EXPECT_EQ(strip_transaction_wrapper(body), body);
}

TEST(Dbmate, FixtureInVersionOrderWithOptionsAndMissingDown) {
  const ImportSet set = read_source_migrations("dbmate", fixture("dbmate/db/migrations"));
  ASSERT_EQ(set.migrations.size(), 4u);
  EXPECT_EQ(ids(set), (std::vector<std::string>{"20240101100000_create_users", "20240102100000_create_posts",
                                                "20240103100000_index_posts_autho" /* cut to 32 */,
                                                "20240104100000_describe_users"}));
  expect_chain(set);
  EXPECT_EQ(set.migrations[0].version, "20240101100000");
  EXPECT_EQ(set.migrations[0].revision.message, "create users");
  EXPECT_EQ(set.migrations[0].create_date, "2024-01-01T10:00:00Z");
  EXPECT_EQ(set.migrations[0].revision.downgrade_sql, "DROP TABLE users;\nDROP TYPE user_role;\n");
  EXPECT_TRUE(set.migrations[0].revision.transactional);
  EXPECT_FALSE(set.migrations[2].revision.transactional);
  EXPECT_EQ(set.migrations[2].revision.upgrade_sql,
            "CREATE INDEX CONCURRENTLY posts_author_idx ON posts (author_id);\n");
  EXPECT_NE(set.migrations[3].revision.downgrade_sql.find("-- WARNING:"), std::string::npos);
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_NE(set.warnings[0].find("20240104100000_describe_users.sql"), std::string::npos);
}

TEST(Dbmate, BadFilesNameTheLine) {
  const fs::path dir = TempDir().path();  // removed again: only a unique name
  TempDir tmp;
  write(tmp.path() / "1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:sideways\n");
  EXPECT_NE(input_error([&] { read_dbmate(tmp.path()); }).find("1_a.sql:3: unknown dbmate marker"), std::string::npos);
  write(tmp.path() / "1_a.sql", "SELECT 1;\n-- migrate:down\n");
  EXPECT_NE(input_error([&] { read_dbmate(tmp.path()); }).find("1_a.sql:1: SQL before"), std::string::npos);
  EXPECT_NE(input_error([&] { read_dbmate(dir); }).find("no such directory"), std::string::npos);
}

TEST(GolangMigrate, FixtureStripsTransactionsAndCanonicalizesVersions) {
  const ImportSet set = read_source_migrations("golang-migrate", fixture("golang-migrate/migrations"));
  ASSERT_EQ(set.migrations.size(), 4u);
  EXPECT_EQ(set.migrations[0].version, "1");
  EXPECT_EQ(set.migrations[0].revision.id, "000001_create_users");
  EXPECT_EQ(set.migrations[0].revision.upgrade_sql.find("\nBEGIN;"), std::string::npos);
  EXPECT_NE(set.migrations[0].revision.upgrade_sql.find("CREATE TABLE users"), std::string::npos);
  EXPECT_NE(set.migrations[2].revision.downgrade_sql.find("-- WARNING:"), std::string::npos);
  EXPECT_EQ(set.migrations[3].revision.downgrade_sql,
            "DROP VIEW published_posts;\nALTER TABLE posts DROP COLUMN published_at;\n");
  expect_chain(set);
}

TEST(GolangMigrate, OneVersionTwiceIsAClash) {
  TempDir tmp;
  write(tmp.path() / "1_a.up.sql", "SELECT 1;\n");
  write(tmp.path() / "01_b.up.sql", "SELECT 2;\n");
  const std::string error = input_error([&] { read_source_migrations("golang-migrate", tmp.path()); });
  EXPECT_NE(error.find("version 1 has two up files"), std::string::npos) << error;
}

TEST(Diesel, FixtureVersionsWithoutDashesAndMetadata) {
  const ImportSet set = read_source_migrations("diesel", fixture("diesel/migrations"));
  ASSERT_EQ(set.migrations.size(), 5u);
  EXPECT_EQ(set.migrations[0].version, "00000000000000");
  EXPECT_EQ(set.migrations[1].version, "20240101100000");
  EXPECT_EQ(set.migrations[1].revision.id, "20240101100000_create_users");
  EXPECT_NE(set.migrations[3].revision.downgrade_sql.find("-- WARNING:"), std::string::npos);
  EXPECT_FALSE(set.migrations[4].revision.transactional);
  EXPECT_TRUE(set.migrations[3].revision.transactional);
  expect_chain(set);
}

TEST(Flyway, FixtureOrderedNumericallyWithUndo) {
  const ImportSet set = read_source_migrations("flyway", fixture("flyway/db/migration"));
  ASSERT_EQ(set.migrations.size(), 4u);
  std::vector<std::string> versions;
  for (const auto& m : set.migrations) versions.push_back(m.version);
  EXPECT_EQ(versions, (std::vector<std::string>{"1", "1.1", "2", "10"}));
  EXPECT_EQ(set.migrations[1].revision.id, "V1.1_create_posts");
  EXPECT_EQ(set.migrations[1].revision.message, "create posts");
  EXPECT_EQ(set.migrations[1].revision.downgrade_sql, "DROP TABLE posts;\n");
  EXPECT_NE(set.migrations[2].revision.downgrade_sql.find("-- WARNING:"), std::string::npos);
  expect_chain(set);
}

TEST(Flyway, RepeatableScriptsAreRefused) {
  TempDir tmp;
  write(tmp.path() / "V1__a.sql", "SELECT 1;\n");
  write(tmp.path() / "R__views.sql", "SELECT 2;\n");
  const std::string error = input_error([&] { read_flyway(tmp.path()); });
  EXPECT_NE(error.find("R__views.sql: repeatable Flyway migrations (R__) are not supported"), std::string::npos)
      << error;
}

TEST(Sqitch, PlanRequiresBecomeDependsOn) {
  const ImportSet set = read_source_migrations("sqitch", fixture("sqitch"));
  EXPECT_EQ(set.project, "blog");
  ASSERT_EQ(set.migrations.size(), 5u);
  EXPECT_EQ(ids(set), (std::vector<std::string>{"appschema", "users", "posts", "post_stats", "seed_admin"}));
  EXPECT_NE(set.migrations[4].revision.downgrade_sql.find("-- WARNING:"), std::string::npos);  // no revert script
  expect_chain(set);
  EXPECT_EQ(set.migrations[2].revision.depends_on, (std::vector<std::string>{"users", "appschema"}));
  EXPECT_EQ(set.migrations[1].revision.message, "Creates table to track our users.");
  EXPECT_EQ(set.migrations[1].create_date, "2024-01-02T10:00:00Z");
  const std::string& up = set.migrations[1].revision.upgrade_sql;
  EXPECT_EQ(up.find("\nBEGIN;"), std::string::npos);
  EXPECT_NE(up.find("--   SELECT nickname"), std::string::npos);  // verify kept as a comment
  EXPECT_EQ(set.migrations[0].revision.downgrade_sql.find("\nCOMMIT;"), std::string::npos);
}

TEST(Sqitch, UnknownRequirementNamesThePlanLine) {
  TempDir tmp;
  write(tmp.path() / "sqitch.plan",
        "%project=x\n\na 2024-01-01T00:00:00Z M <m@x> # a\nb [zz] 2024-01-01T00:00:00Z M <m@x>\n");
  write(tmp.path() / "deploy" / "a.sql", "SELECT 1;\n");
  write(tmp.path() / "deploy" / "b.sql", "SELECT 1;\n");
  EXPECT_NE(input_error([&] { read_sqitch(tmp.path()); }).find("sqitch.plan:4: \"b\" requires \"zz\""),
            std::string::npos);
}

TEST(Alembic, RevisionFileIdentifiersAndGraph) {
  ImportedMigration m;
  ASSERT_TRUE(parse_alembic_revision_file(
      "\"\"\"merge posts and audit\n\nRevision ID: m1\nCreate Date: 2024-01-04 10:00:00.000000\n\"\"\"\n"
      "revision = 'm1'\ndown_revision = (\n    'a2',\n    \"b1\",\n)\nbranch_labels = ('audit',)\n"
      "depends_on: Union[str, None] = 'x'  # comment\n",
      "m1.py", m));
  EXPECT_EQ(m.revision.id, "m1");
  EXPECT_EQ(m.revision.down_revisions, (std::vector<std::string>{"a2", "b1"}));
  EXPECT_EQ(m.revision.branch_labels, std::vector<std::string>{"audit"});
  EXPECT_EQ(m.revision.depends_on, std::vector<std::string>{"x"});
  EXPECT_EQ(m.revision.message, "merge posts and audit");
  EXPECT_EQ(m.create_date, "2024-01-04T10:00:00");
  ImportedMigration none;
  EXPECT_FALSE(parse_alembic_revision_file("import os\n", "x.py", none));
  EXPECT_NE(input_error([&] {
              parse_alembic_revision_file("revision = 'a'\ndown_revision = f()\n", "y.py", none);
            }).find("y.py:2: down_revision must be"),
            std::string::npos);
}

TEST(Alembic, OfflineOutputSplitPerRevision) {
  const std::string output =
      "CREATE TABLE vt (\n    version_num VARCHAR(32) NOT NULL\n);\n\n-- Running upgrade  -> r1\n\n"
      "CREATE TABLE a (id int);;\n\nINSERT INTO vt (version_num) VALUES ('r1') RETURNING vt.version_num;\n\n"
      "-- Running upgrade r1, r0 -> m1\n\nUPDATE vt SET version_num='m1' WHERE vt.version_num = 'r1';\n";
  const auto sections = split_offline_output(output, true, "vt");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections.at("r1"), "CREATE TABLE a (id int);\n");
  EXPECT_EQ(sections.at("m1"), "");
  const auto down = split_offline_output("-- Running downgrade m1 -> r1, r0\n\nDROP VIEW v;\n", false, "vt");
  EXPECT_EQ(down.at("m1"), "DROP VIEW v;\n");
}

TEST(Alembic, FixtureThroughAlembicOfflineMode) {
  if (find_on_path("alembic").empty()) GTEST_SKIP() << "alembic is not on PATH";
  const ImportSet set = read_source_migrations("alembic", fixture("alembic"));
  ASSERT_EQ(set.migrations.size(), 5u);
  const auto* a2 = set.find_version("a2");
  const auto* m1 = set.find_version("m1");
  const auto* a3 = set.find_version("a3");
  ASSERT_TRUE(a2 && m1 && a3);
  EXPECT_NE(a2->revision.upgrade_sql.find("CREATE TABLE posts"), std::string::npos);
  EXPECT_NE(a2->revision.upgrade_sql.find("CREATE INDEX posts_user_idx"), std::string::npos);
  EXPECT_NE(a2->revision.downgrade_sql.find("DROP TABLE posts"), std::string::npos);
  EXPECT_EQ(a2->revision.upgrade_sql.find("metamigrate_import_sentinel"), std::string::npos);
  EXPECT_EQ(m1->revision.down_revisions, (std::vector<std::string>{"a2", "b1"}));
  EXPECT_EQ(m1->revision.downgrade_sql, "");  // a merge may be empty
  EXPECT_NE(a3->revision.downgrade_sql.find("-- WARNING:"), std::string::npos);
  EXPECT_EQ(set.find_version("b1")->revision.branch_labels, std::vector<std::string>{"audit"});
}

TEST(Import, UnknownToolIsBadUsage) { EXPECT_THROW(read_source_migrations("liquibase", "."), mmc::UsageError); }

namespace {
ImportSet three() {
  ImportSet set;
  set.tool = "dbmate";
  for (const char* v : {"1", "2", "3"}) {
    ImportedMigration m;
    m.version = v;
    m.revision.id = std::string("r") + v;
    set.migrations.push_back(m);
  }
  return set;
}
}  // namespace

TEST(Adopt, AppliedPrefixStampsItsLastRevision) {
  HistoryState state;
  state.table = "schema_migrations";
  state.applied = {"2", "1"};
  EXPECT_EQ(adopt_targets(three(), state), std::vector<std::string>{"r2"});
  state.applied = {};
  EXPECT_TRUE(adopt_targets(three(), state).empty());
  state.current = "0002";  // golang-migrate: everything up to it
  EXPECT_EQ(adopt_targets(three(), state), std::vector<std::string>{"r2"});
}

TEST(Adopt, RefusesGapsUnknownVersionsAndDirtyHistory) {
  HistoryState state;
  state.table = "schema_migrations";
  state.applied = {"1", "3"};
  EXPECT_THROW(adopt_targets(three(), state), mmc::OperationError);
  state.applied = {"1", "9"};
  try {
    adopt_targets(three(), state);
    FAIL();
  } catch (const mmc::OperationError& e) {
    EXPECT_NE(std::string(e.what()).find("records version 9"), std::string::npos);
  }
  state.applied = {"1"};
  state.problem = "dirty";
  EXPECT_THROW(adopt_targets(three(), state), mmc::OperationError);
}

TEST(Adopt, IgnoreMissingLeavesOutVersionsTheSourceLacksAndKeepsTheOrderCheck) {
  HistoryState state;
  state.table = "flyway_schema_history";
  state.applied = {"1", "1.5", "2"};
  EXPECT_THROW(adopt_targets(three(), state), mmc::OperationError);
  std::vector<std::string> ignored;
  EXPECT_EQ(adopt_targets(three(), state, {true, &ignored}), std::vector<std::string>{"r2"});
  EXPECT_EQ(ignored, std::vector<std::string>{"1.5"});
  state.applied = {"1", "1.5", "3"};  // still a gap at 2
  EXPECT_THROW(adopt_targets(three(), state, {true, nullptr}), mmc::OperationError);
  state.applied = {};
  state.current = "9";  // golang-migrate's one version says where the database is
  EXPECT_THROW(adopt_targets(three(), state, {true, nullptr}), mmc::OperationError);
}

TEST(Adopt, FlywayRowsReplayed) {
  ImportSet set = three();
  set.tool = "flyway";
  std::vector<FlywayRow> rows{{"1", "SQL", "V1__a.sql", true}, {"2", "SQL", "V2__b.sql", true}};
  EXPECT_EQ(adopt_targets(set, flyway_state(rows, set, "f")), std::vector<std::string>{"r2"});
  rows.push_back({"2", "UNDO_SQL", "U2__b.sql", true});
  EXPECT_EQ(adopt_targets(set, flyway_state(rows, set, "f")), std::vector<std::string>{"r1"});
  const std::vector<FlywayRow> baseline{{"0", "SCHEMA", "<< Flyway Schema Creation >>", true},
                                        {"2", "BASELINE", "<< Flyway Baseline >>", true}};
  EXPECT_EQ(adopt_targets(set, flyway_state(baseline, set, "f")), std::vector<std::string>{"r2"});
  const std::vector<FlywayRow> failed{{"1", "SQL", "V1__a.sql", true}, {"2", "SQL", "V2__b.sql", false}};
  EXPECT_THROW(adopt_targets(set, flyway_state(failed, set, "f")), mmc::OperationError);
}
