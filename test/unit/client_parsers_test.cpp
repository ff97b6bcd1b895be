// The client's input parsers (manifest, revision files): regression tests
// for inputs the fuzzers (fuzz/) found. Every bad input must be an
// InputError naming the file and line, never another exception.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/server/copy_text.hpp"
#include "client/provider/duration.hpp"
#include "client/output/errors.hpp"
#include "client/provider/manifest.hpp"
#include "client/provider/revision_file.hpp"
#include "client/provider/sql_split.hpp"
#include "client/provider/text_file.hpp"

namespace {

// Runs `parse` and returns the InputError it throws ("" when none).
template <typename F>
std::string input_error(F parse) {
  try {
    parse();
  } catch (const mmc::InputError& e) {
    return e.located();
  }
  return "";
}

const std::string kManifestStart = "{\"package\": \"p\", \"namespace\": \"n\", \"owner_role\": \"o\"";

TEST(ManifestParser, NumberOutOfRangeIsAnInputErrorOnItsLine) {
  // nlohmann/json parses the syntax but throws out_of_range.406, which
  // escaped parse_manifest and terminated the client.
  const std::string text = kManifestStart + ",\n\"lock_timeout\":\n 1e400}";
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(text, "m.json"); }),
            "m.json:3: invalid JSON: number overflow parsing '1e400'");
  EXPECT_NE(input_error([&] { mmc::parse_manifest("10000000000312010E0719976", "m.json"); }), "");
}

TEST(ManifestParser, EveryLockDefaultIsAccepted) {
  // "index_wait_timeout" was documented and read, but refused as an unknown key.
  const std::string text = kManifestStart +
                           ", \"lock_timeout\": \"2s\", \"lock_retries\": 3, \"retry_backoff\": \"100ms:1s\", "
                           "\"index_wait_timeout\": \"10min\", \"old_transaction_age\": \"30s\", "
                           "\"cancel_blockers_after\": \"1min\"}";
  const mmc::Manifest m = mmc::parse_manifest(text, "m.json");
  EXPECT_EQ(m.defaults.lock_timeout_ms, "2000");
  EXPECT_EQ(m.defaults.lock_retries, "3");
  EXPECT_EQ(m.defaults.retry_min_ms, "100");
  EXPECT_EQ(m.defaults.retry_max_ms, "1000");
  EXPECT_EQ(m.defaults.index_wait_timeout_ms, "600000");
  EXPECT_EQ(m.defaults.old_transaction_age_ms, "30000");
  EXPECT_EQ(m.defaults.cancel_blockers_after_ms, "60000");
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(kManifestStart + ",\n\"cancel_blockers_after\": 5}", "m.json"); }),
            "m.json:2: \"cancel_blockers_after\" must be a duration string such as \"5s\"");
}

TEST(ManifestParser, ErrorLinesForKeysThatAreNotRegexSafe) {
  // The line of a bad metatables entry was searched with a std::regex
  // built from the table name: "a{" threw std::regex_error (uncaught).
  for (const std::string table : {"a{", "b(", "c[", "d\\\\", "e.f", "g*"}) {
    const std::string text = kManifestStart + ",\n\"metatables\": [\n {\"table\": \"x\"},\n {\"table\" :\n \"" + table +
                             "\", \"kind\": \"bad\"}]}";
    EXPECT_EQ(input_error([&] { mmc::parse_manifest(text, "m.json"); }).substr(0, 9), "m.json:4:") << table;
  }
  // The same table twice: the second spelling is the one reported.
  const std::string twice = kManifestStart + ",\n\"metatables\": [\n{\"table\": \"t(\"},\n{\"table\": \"t(\"}]}";
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(twice, "m.json"); }).substr(0, 9), "m.json:4:");
  // Unknown keys with regex syntax are found on their line as well.
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(kManifestStart + ",\n\n\"(x\" : 1}", "m.json"); }).substr(0, 9),
            "m.json:3:");
}

TEST(ManifestParser, DuplicateKeysAreInputErrorsOnTheSecondOne) {
  // nlohmann/json keeps the last of two equal keys without a word.
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(kManifestStart + ",\n\"owner_role\": \"postgres\"}", "m.json"); }),
            "m.json:2: duplicate key \"owner_role\" (first on line 1): JSON keeps only one of the two, so write each "
            "key once");
  // Nested objects, keys spelled with escapes, keys inside strings and arrays.
  const std::string nested =
      kManifestStart +
      ",\n\"version_table\": {\"name\": \"a,\\\"schema\\\": {\", \"x\": [\"schema\", {\"schema\": 1}],\n"
      "  \"schema\": \"s\",\n  \"sch\\u0065ma\": \"t\"}}";
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(nested, "m.json"); }).substr(0, 50),
            "m.json:4: duplicate key \"schema\" (first on line 3)");
  // The same key in sibling objects, or at different depths, is fine.
  const std::string siblings = kManifestStart + ", \"metatables\": [{\"table\": \"a\"}, {\"table\": \"b\"}]}";
  EXPECT_EQ(mmc::parse_manifest(siblings, "m.json").metatables.size(), 2u);
  // A duplicate before a syntax error is reported first; a syntax error before it still wins.
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(kManifestStart + ", \"package\": 1, }", "m.json"); }).substr(0, 33),
            "m.json:1: duplicate key \"package\"");
  EXPECT_EQ(input_error([&] { mmc::parse_manifest("{\"a\" 1, \"a\": 2}", "m.json"); }).substr(0, 23),
            "m.json:1: invalid JSON:");
}

TEST(ManifestParser, LongValuesDoNotOverflowTheStack) {
  // std::regex recursed once per character (SIGSEGV near 100 kB).
  const std::string blanks(1 << 19, ' ');
  EXPECT_EQ(
      input_error([&] { mmc::parse_manifest(kManifestStart + ",\n\"zz\"" + blanks + ":1}", "m.json"); }).substr(0, 9),
      "m.json:2:");
  const std::string long_name(1 << 19, 'f');
  const mmc::Manifest m =
      mmc::parse_manifest(kManifestStart + ", \"after_register\": \"s." + long_name + "\"}", "m.json");
  EXPECT_EQ(m.after_register.get<std::string>(), "s." + long_name);
}

TEST(ManifestParser, PackageTooLongForTheDefaultVersionTable) {
  // A 63-byte package made "<package>_alembic_version" 79 bytes long: the
  // manifest was accepted, but what scaffold would write back was not (and
  // PostgreSQL would have truncated the name).
  const std::string package(63, 'g');
  const std::string text = "{\n\"package\": \"" + package + "\",\n\"namespace\": \"n\", \"owner_role\": \"o\"}";
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(text, "m.json"); }).substr(0, 9), "m.json:2:");
  // 47 bytes + "_alembic_version" is exactly 63: accepted, and read back alike.
  const std::string fits(47, 'g');
  const mmc::Manifest m =
      mmc::parse_manifest("{\"package\": \"" + fits + "\", \"namespace\": \"n\", \"owner_role\": \"o\"}", "m.json");
  EXPECT_EQ(m.version_table.name.size(), 63u);
  EXPECT_EQ(mmc::parse_manifest(mmc::render_manifest(m), "r.json").version_table.name, m.version_table.name);
  // A long package with a short version table name of its own is fine.
  EXPECT_EQ(
      mmc::parse_manifest("{\"package\": \"" + package +
                              "\", \"namespace\": \"n\", \"owner_role\": \"o\", \"version_table\": {\"name\": \"v\"}}",
                          "m.json")
          .version_table.name,
      "v");
}

TEST(ManifestParser, AfterRegisterNames) {
  for (const std::string ok : {"f", "_s.f", "s$1.f$2", "S_1.F"})
    EXPECT_EQ(mmc::parse_manifest(kManifestStart + ", \"after_register\": \"" + ok + "\"}", "m.json").after_register,
              ok);
  for (const std::string bad : {"", ".f", "s.", "1s.f", "s.f.g", "s.f()", "s f", "$f", "s.\\u00e9"})
    EXPECT_NE(
        input_error([&] { mmc::parse_manifest(kManifestStart + ", \"after_register\": \"" + bad + "\"}", "m.json"); }),
        "")
        << bad;
}

TEST(Duration, ParsesUnitsAndRefusesTheRest) {
  EXPECT_EQ(mmc::parse_duration_ms("500ms", "--x"), "500");
  EXPECT_EQ(mmc::parse_duration_ms(" 1.5 s ", "--x"), "1500");
  EXPECT_EQ(mmc::parse_duration_ms("2min", "--x"), "120000");
  EXPECT_EQ(mmc::parse_duration_ms("1h", "--x"), "3600000");
  EXPECT_EQ(mmc::parse_duration_ms("1d", "--x"), "86400000");
  EXPECT_EQ(mmc::parse_duration_ms("0", "--x"), "0");
  EXPECT_EQ(mmc::parse_duration_ms("0.0", "--x"), "0");
  for (const std::string bad : {"", " ", "5", "5 m", "5sec", "5 s x", ".5s", "5.s", "-5s", "5e3ms", "s", "5ms5"})
    EXPECT_THROW(mmc::parse_duration_ms(bad, "--x"), mmc::UsageError) << bad;
}

TEST(Duration, HugeAndLongValuesAreUsageErrors) {
  // std::stod threw std::out_of_range past 1e308 (uncaught by callers that
  // expect UsageError); std::regex overflowed the stack on long values.
  EXPECT_THROW(mmc::parse_duration_ms("1" + std::string(400, '0') + "ms", "--x"), mmc::UsageError);
  EXPECT_EQ(mmc::parse_duration_ms(std::string(1 << 19, '0') + "1s", "--x"), "1000");
  EXPECT_EQ(mmc::parse_duration_ms(std::string(1 << 19, '0') + "s", "--x"), "0");
  EXPECT_THROW(mmc::parse_duration_ms("5" + std::string(1 << 19, ' ') + "x", "--x"), mmc::UsageError);
  const std::string text = kManifestStart + ",\n\"lock_timeout\": \"1" + std::string(400, '0') + "s\"}";
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(text, "m.json"); }).substr(0, 9), "m.json:2:");
}

std::string revision_text(const std::string& message, const std::string& upgrade_sql) {
  return "-- metamigrate:revision\n-- revision: r1\n-- down_revision:\n-- message: " + message +
         "\n\n-- metamigrate:upgrade\n" + upgrade_sql + "\n-- metamigrate:downgrade\nDROP TABLE t;\n";
}

TEST(RevisionFileParser, LongLinesDoNotOverflowTheStack) {
  // std::regex recursed once per character: a header or comment line of
  // 100 kB crashed the client with SIGSEGV.
  const std::string long_message(1 << 20, 'm');
  const mmc::RevisionFile file = mmc::parse_revision_file(revision_text(long_message, "SELECT 1;"), "r.sql", "r.sql");
  EXPECT_EQ(file.revision.message, long_message);
  const std::string blank_comment = "--" + std::string(1 << 20, ' ') + "metamigrate:upgrade";
  EXPECT_EQ(input_error([&] { mmc::parse_revision_file(revision_text("m", blank_comment), "r.sql", "r.sql"); }),
            "r.sql:7: '-- metamigrate:upgrade' appears twice or out of order");
  const std::string sql = "SELECT 1; --" + std::string(1 << 20, '\t') + "x\n";
  EXPECT_EQ(mmc::parse_revision_file(revision_text("m", sql), "r.sql", "r.sql").revision.upgrade_sql, sql);
}

TEST(RevisionFileParser, HeaderAndMarkerSyntax) {
  const std::string text =
      "\n  --metamigrate:revision \t\n"
      "--revision :r2\n"
      "\t-- down_revision:  r1 , r0\n"
      "-- transactional: false\n"
      "-- metamigrate:upgrade\n"
      "SELECT 1;\n"
      "--   metamigrate:downgrade\t\n";
  const mmc::RevisionFile file = mmc::parse_revision_file(text, "r.sql", "r.sql");
  EXPECT_EQ(file.revision.id, "r2");
  EXPECT_EQ(file.revision.down_revisions, (std::vector<std::string>{"r1", "r0"}));
  EXPECT_FALSE(file.revision.transactional);
  EXPECT_EQ(file.revision.upgrade_sql, "SELECT 1;\n");
  EXPECT_EQ(file.upgrade_first_line, 7);
  EXPECT_EQ(input_error([&] { mmc::parse_revision_file(revision_text("a\rb", ""), "r.sql", "r.sql"); }),
            "r.sql:4: header line must have the form '-- key: value'");
  EXPECT_EQ(input_error([&] { mmc::parse_revision_file("-- metamigrate:revision\n-- 1key: v\n", "r.sql", "r.sql"); }),
            "r.sql:2: header line must have the form '-- key: value'");
  EXPECT_EQ(input_error([&] { mmc::parse_revision_file("-- metamigrate:\n", "r.sql", "r.sql"); }),
            "r.sql:1: missing section: the file must start with '-- metamigrate:revision' and its header");
}

}  // namespace

TEST(ConcurrentIndexBuild, KnowsTheStatementsThatLeaveAnInvalidIndex) {
  using mmc::builds_index_concurrently;
  EXPECT_TRUE(builds_index_concurrently("CREATE INDEX CONCURRENTLY i ON t (a);"));
  EXPECT_TRUE(builds_index_concurrently("create unique index concurrently if not exists i on t (a)"));
  EXPECT_TRUE(builds_index_concurrently("CREATE\n  INDEX\tCONCURRENTLY i ON t (a)"));
  EXPECT_TRUE(builds_index_concurrently("REINDEX INDEX CONCURRENTLY i;"));
  EXPECT_TRUE(builds_index_concurrently("REINDEX (VERBOSE) TABLE CONCURRENTLY t;"));
  EXPECT_FALSE(builds_index_concurrently("CREATE INDEX i ON t (a);"));
  EXPECT_FALSE(builds_index_concurrently("CREATE INDEX \"concurrently\" ON t (a);"));
  EXPECT_FALSE(builds_index_concurrently("DROP INDEX CONCURRENTLY i;"));
  EXPECT_FALSE(builds_index_concurrently("REINDEX TABLE concurrently_named;"));
  EXPECT_FALSE(builds_index_concurrently("SELECT 'CREATE INDEX CONCURRENTLY';"));
}

TEST(LockRetryOptions, BackoffAndRetriesAreChecked) {
  EXPECT_EQ(mmc::parse_backoff_ms("200ms:5s", "--retry-backoff"),
            std::make_pair(std::string("200"), std::string("5000")));
  EXPECT_THROW(mmc::parse_backoff_ms("5s:1s", "--retry-backoff"), mmc::UsageError);
  EXPECT_THROW(mmc::parse_backoff_ms("5s", "--retry-backoff"), mmc::UsageError);
  EXPECT_THROW(mmc::parse_backoff_ms("1s:2h", "--retry-backoff"), mmc::UsageError);
  EXPECT_EQ(mmc::parse_retries("007", "--lock-retries"), "7");
  EXPECT_THROW(mmc::parse_retries("1001", "--lock-retries"), mmc::UsageError);
  EXPECT_THROW(mmc::parse_retries("-1", "--lock-retries"), mmc::UsageError);
}

// COPY ... TO STDOUT text rows, as `current` reads the version table.
TEST(CopyText, PlainColumnsAndNull) {
  const auto row = mmc::decode_copy_text_row("r01000\t\\N\tx\n");
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(*row[0], "r01000");
  EXPECT_FALSE(row[1].has_value());
  EXPECT_EQ(*row[2], "x");
}

TEST(CopyText, EscapesAreDecoded) {
  const auto row = mmc::decode_copy_text_row("a\\tb\\\\c\\nd\\101\\x41\\N!\t\\\t");
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(*row[0], "a\tb\\c\ndAAN!");
  EXPECT_EQ(*row[1], "\t");
}

TEST(CopyText, AnEmptyLineIsOneEmptyColumn) {
  const auto row = mmc::decode_copy_text_row("\n");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(*row[0], "");
}

TEST(CopyText, ALoneTrailingBackslashIsRefused) {
  EXPECT_THROW(mmc::decode_copy_text_row("abc\\"), std::invalid_argument);
  EXPECT_THROW(mmc::decode_copy_text_row("abc\\\n"), std::invalid_argument);
}
