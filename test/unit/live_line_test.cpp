// The client's live line: what a sample of metamigrate.progress reads as.
#include <gtest/gtest.h>

#include "client/output/live_line.hpp"

namespace {

TEST(LiveLine, AWaitingStatementNamesItsLockAndBlockers) {
  mmc::LiveFacts f;
  f.revision = "0003";
  f.step = 2;
  f.steps = 5;
  f.statement = 1;
  f.statements = 2;
  f.attempt = 3;
  f.waiting_for = "AccessExclusiveLock on busy";
  f.blocked_by = "{4711}";
  f.seconds = 3.04;
  EXPECT_EQ(mmc::live_line(f, true),
            "[2/5] 0003, statement 1 of 2, attempt 3: waiting for AccessExclusiveLock on busy (blocked by pid 4711), "
            "3.0 s");
  EXPECT_EQ(mmc::live_line(f, false),
            "[2/5] 0003, statement 1 of 2, attempt 3: waiting for AccessExclusiveLock on busy (blocked by pid 4711)");
  f.blocked_by = "{4711,4712}";
  EXPECT_NE(mmc::live_line(f, false).find("(blocked by pids 4711,4712)"), std::string::npos);
}

TEST(LiveLine, WhatIsLeftWhenTheSessionIsHidden) {
  // Only pg_locks: no step, revision or statement; the first attempt is not said.
  mmc::LiveFacts f;
  f.attempt = 1;
  f.waiting_for = "AccessExclusiveLock on busy";
  EXPECT_EQ(mmc::live_line(f, false), "the server: waiting for AccessExclusiveLock on busy");
  mmc::LiveFacts build;
  build.revision = "0004";
  build.index_phase = "waiting for old snapshots";
  EXPECT_EQ(mmc::live_line(build, false), "0004: waiting for old snapshots");
  EXPECT_EQ(mmc::live_line(mmc::LiveFacts{}, false), "the server: running");
}

}  // namespace
