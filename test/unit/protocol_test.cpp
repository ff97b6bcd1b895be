// What the client and the extension agree on (src/core): written by one
// side, read by the other.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/lock_retry.hpp"
#include "core/provider_busy.hpp"
#include "core/revision_context.hpp"

using mm::protocol::find_revision_context;
using mm::protocol::format_revision_context;
using mm::protocol::RevisionContext;

namespace {

std::string printf_format(const char* format, const RevisionContext& w) {
  char buffer[512];
  if (w.statement > 0)
    std::snprintf(buffer, sizeof buffer, format, w.provider.c_str(), w.revision.c_str(), w.direction.c_str(),
                  w.statement, w.line);
  else
    std::snprintf(buffer, sizeof buffer, format, w.provider.c_str(), w.revision.c_str(), w.direction.c_str(), w.line);
  return buffer;
}

}  // namespace

// The extension writes the line with errcontext(kStatementContextFormat,
// ...); the client's writer and reader must agree with that format.
TEST(RevisionContext, TheClientsLineIsTheExtensionsFormat) {
  const RevisionContext statement{"app:main", "0004_index", "upgrade", 3, 12};
  EXPECT_EQ(format_revision_context(statement), printf_format(mm::protocol::kStatementContextFormat, statement));
  const RevisionContext parsing{"app:main", "ab12", "downgrade", 0, 7};
  EXPECT_EQ(format_revision_context(parsing), printf_format(mm::protocol::kParsingContextFormat, parsing));
}

TEST(RevisionContext, ReadsTheLineAmongPostgresOwnLines) {
  const std::string context =
      "SQL statement \"ALTER TABLE t ADD COLUMN c int\"\n"
      "PL/pgSQL function inline_code_block line 3 at SQL statement\n" +
      printf_format(mm::protocol::kStatementContextFormat, {"pkg:ns", "r-1.2", "downgrade", 2, 5}) +
      "\nSQL function \"downgrade\" statement 1";
  const auto where = find_revision_context(context);
  ASSERT_TRUE(where);
  EXPECT_EQ(where->provider, "pkg:ns");
  EXPECT_EQ(where->revision, "r-1.2");
  EXPECT_EQ(where->direction, "downgrade");
  EXPECT_EQ(where->statement, 2);
  EXPECT_EQ(where->line, 5);
}

TEST(RevisionContext, ParsingHasNoStatement) {
  const auto where = find_revision_context(format_revision_context({"a:b", "r1", "upgrade", 0, 9}) + " (extra)");
  ASSERT_TRUE(where);
  EXPECT_EQ(where->statement, 0);
  EXPECT_EQ(where->line, 9);
}

TEST(RevisionContext, OtherTextIsNoRevisionContext) {
  EXPECT_FALSE(find_revision_context(""));
  EXPECT_FALSE(find_revision_context("SQL function \"upgrade\" statement 1"));
  EXPECT_FALSE(find_revision_context("metamigrate provider a:b, revision r1 (sideways), statement 1, line 2"));
  EXPECT_FALSE(find_revision_context("metamigrate provider a:b, revision r1 (upgrade), statement x, line 2"));
  EXPECT_FALSE(find_revision_context("metamigrate provider a:b, revision r1 (upgrade), statement 0, line 2"));
}

TEST(ProviderBusy, TheDetailRoundTrips) {
  mm::ProviderBusy busy{"app:main", mm::ProviderLockHolder{4242, "mm_tmp_x", "2026-12-04 01:00:00+00", "psql"}};
  const auto read = mm::parse_provider_busy_detail(mm::provider_busy_detail(busy));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->provider, "app:main");
  ASSERT_TRUE(read->holder);
  EXPECT_EQ(read->holder->pid, 4242);
  EXPECT_EQ(read->holder->user, "mm_tmp_x");
  EXPECT_EQ(read->holder->since, "2026-12-04 01:00:00+00");
  EXPECT_EQ(read->holder->application, "psql");
}

TEST(ProviderBusy, AnInvisibleHolderIsNull) {
  const auto read = mm::parse_provider_busy_detail(mm::provider_busy_detail({"app:main", std::nullopt}));
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->holder);
}

TEST(ProviderBusy, ProseIsNoDetail) {
  EXPECT_FALSE(mm::parse_provider_busy_detail("Held by pid 12, user x, since now."));
  EXPECT_FALSE(mm::parse_provider_busy_detail("{\"holder\": null}"));
}

TEST(LockRetry, BackoffDoublesWithinItsBoundsWithJitterInTheUpperHalf) {
  const mm::LockRetryPolicy policy{5, 100, 1000};
  EXPECT_EQ(mm::backoff_ms(policy, 1, 0.0), 50);  // half of 100: the jitter's floor
  EXPECT_EQ(mm::backoff_ms(policy, 1, 1.0), 100);
  EXPECT_EQ(mm::backoff_ms(policy, 2, 1.0), 200);
  EXPECT_EQ(mm::backoff_ms(policy, 3, 1.0), 400);
  EXPECT_EQ(mm::backoff_ms(policy, 5, 1.0), 1000);  // capped
  EXPECT_EQ(mm::backoff_ms(policy, 30, 0.5), 750);
  for (int attempt = 1; attempt < 8; ++attempt)
    for (double r : {0.0, 0.3, 0.99}) {
      const int ms = mm::backoff_ms(policy, attempt, r);
      EXPECT_GE(ms, 50);
      EXPECT_LE(ms, 1000);
    }
}

TEST(LockRetry, AFixedBackoffStaysFixed) {
  const mm::LockRetryPolicy policy{3, 400, 400};
  EXPECT_EQ(mm::backoff_ms(policy, 1, 1.0), 400);
  EXPECT_EQ(mm::backoff_ms(policy, 4, 1.0), 400);
}

TEST(LockRetry, TheReportRoundTrips) {
  mm::LockWaitReport report;
  report.revision = "0003";
  report.attempt = 2;
  report.attempts = 3;
  report.wait_ms = 120;
  report.waited_ms = 2500;
  mm::LockBlocker blocker;
  blocker.pid = 77;
  blocker.user = "app";
  blocker.application = "psql";
  blocker.state = "idle in transaction";
  blocker.xact_age_s = 12.5;
  blocker.query = "SELECT *\nFROM busy";
  blocker.lock_mode = "AccessShareLock";
  blocker.relation = "public.busy";
  report.blockers.push_back(blocker);
  const auto read = mm::parse_lock_wait_json(mm::lock_wait_json(report));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->revision, "0003");
  EXPECT_EQ(read->attempt, 2);
  EXPECT_EQ(read->attempts, 3);
  EXPECT_EQ(read->wait_ms, 120);
  EXPECT_EQ(read->waited_ms, 2500);
  ASSERT_EQ(read->blockers.size(), 1u);
  EXPECT_EQ(read->blockers[0].pid, 77);
  EXPECT_EQ(read->blockers[0].query, "SELECT *\nFROM busy");
  EXPECT_TRUE(read->blockers[0].granted);
  EXPECT_EQ(mm::describe_blocker(read->blockers[0]),
            "pid 77 (user app, application psql, idle in transaction, transaction 12.5 s old) holds AccessShareLock "
            "on public.busy: SELECT * FROM busy");
  EXPECT_FALSE(mm::parse_lock_wait_json("canceling statement due to lock timeout"));
}

namespace {
mm::LockBlocker blocker(int pid, const std::string& state, double age_s, bool granted = true) {
  mm::LockBlocker b;
  b.pid = pid;
  b.state = state;
  b.xact_age_s = age_s;
  b.granted = granted;
  return b;
}
}  // namespace

TEST(LockRetry, OldTransactionsAreThoseAtLeastThatOld) {
  const std::vector<mm::LockBlocker> all{blocker(1, "active", 0.2), blocker(2, "idle in transaction", 30),
                                         blocker(3, "idle", 0), blocker(4, "active", 10)};
  std::vector<int> pids;
  for (const auto& b : mm::older_than(all, 10000)) pids.push_back(b.pid);
  EXPECT_EQ(pids, (std::vector<int>{2, 4}));
  // Outside a transaction (age 0) a session is never old.
  EXPECT_EQ(mm::older_than(all, 0).size(), 3u);
  // A session whose state is hidden may be old: the client looks again.
  std::vector<mm::LockBlocker> hidden = all;
  hidden.push_back(blocker(5, "", 0));
  pids.clear();
  for (const auto& b : mm::maybe_older_than(hidden, 10000)) pids.push_back(b.pid);
  EXPECT_EQ(pids, (std::vector<int>{2, 4, 5}));
}

TEST(LockRetry, BlockersAreSignalledOnlyOnceTheWaitReachesTheLimit) {
  mm::LockWaitReport report;
  report.blockers = {blocker(10, "active", 5), blocker(11, "idle in transaction", 60),
                     blocker(12, "active", 1, /*granted=*/false), blocker(10, "active", 5),
                     blocker(13, "idle in transaction (aborted)", 9)};
  report.waited_ms = 1500;
  report.wait_ms = 400;
  EXPECT_TRUE(mm::blockers_to_signal(report, 2000).empty());  // 1.9 s < 2 s
  EXPECT_TRUE(mm::blockers_to_signal(report, 0).empty());     // off
  report.wait_ms = 500;
  const auto signals = mm::blockers_to_signal(report, 2000);
  ASSERT_EQ(signals.size(), 3u);  // 12 only waits; 10 once
  EXPECT_EQ(signals[0].pid, 10);
  EXPECT_FALSE(signals[0].terminate);  // a running query is cancelled
  EXPECT_EQ(signals[1].pid, 11);
  EXPECT_TRUE(signals[1].terminate);  // an idle transaction has nothing to cancel
  EXPECT_EQ(signals[2].pid, 13);
  EXPECT_TRUE(signals[2].terminate);
}
