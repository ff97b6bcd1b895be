#include "extension/migrate/lock_retries.hpp"

#include "extension/base/boundary.hpp"
#include "extension/base/spi.hpp"
#include "extension/lint/lock_blockers.hpp"
#include "extension/migrate/activity.hpp"

namespace mm::pg {

int lock_retries_setting = 0;
int lock_retry_min_setting = 1000;
int lock_retry_max_setting = 60000;
int old_transaction_age_setting = 10000;

namespace {

std::vector<LockBlocker> blockers_of(const std::string& sql) {
  try {
    SpiSession spi;
    std::vector<LockBlocker> blockers = lock_blockers(spi, sql);
    spi.finish();
    return blockers;
  } catch (const std::exception&) {
    return {};  // only a report: the retry itself goes on
  }
}

// Sleeps `ms`, waking for interrupts (cancel, statement_timeout, shutdown).
void wait_ms(int ms) {
  pg_guard([ms] {
    const TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);
    for (;;) {
      CHECK_FOR_INTERRUPTS();
      const long left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), end);
      if (left <= 0) break;
      (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, left, PG_WAIT_EXTENSION);
      ResetLatch(MyLatch);
    }
  });
}

void notice(const char* message, const LockWaitReport& report) {
  const std::string detail = lock_wait_json(report);
  pg_guard([&] { ereport(NOTICE, (errmsg("%s", message), errdetail_internal("%s", detail.c_str()))); });
}

int ms_since(TimestampTz start) {
  return static_cast<int>(pg_guard([start] { return TimestampDifferenceMilliseconds(start, GetCurrentTimestamp()); }));
}

// The last attempt's error, kept as PostgreSQL raised it, with the report
// as its DETAIL.
void attach_report(ErrorData* error, const LockWaitReport& report) {
  const std::string detail = lock_wait_json(report);
  const std::string hint = "Tried " + std::to_string(report.attempts) +
                           " times (metamigrate.lock_retries); end or wait for the blocking sessions, or allow more "
                           "attempts or a longer lock_timeout.";
  pg_guard([&] {
    error->detail = pstrdup(detail.c_str());
    error->hint = pstrdup(hint.c_str());
  });
}

}  // namespace

LockRetryOutcome run_with_lock_retries(const std::string& revision, const std::string& sql,
                                       const std::function<int()>& attempt) {
  LockRetryPolicy policy;
  policy.retries = lock_retries_setting;
  policy.min_ms = lock_retry_min_setting;
  policy.max_ms = lock_retry_max_setting;
  LockRetryOutcome outcome;
  if (policy.retries <= 0) {
    outcome.statements = attempt();
    return outcome;
  }
  const int attempts = policy.retries + 1;
  if (old_transaction_age_setting > 0) {
    // Who is likely to block it, said before it queues behind them.
    // The migration login may not see other roles' transactions: those go
    // to the client too, which sees them with the user's rights.
    LockWaitReport before;
    before.revision = revision;
    before.attempts = attempts;
    before.old_age_ms = old_transaction_age_setting;
    const std::vector<LockBlocker> blockers = blockers_of(sql);
    before.blockers = maybe_older_than(blockers, old_transaction_age_setting);
    if (!before.blockers.empty()) notice(kOldTransactionsNotice, before);
    outcome.old_transactions = older_than(blockers, old_transaction_age_setting);
  }
  const TimestampTz first_started = pg_guard([] { return GetCurrentTimestamp(); });
  for (int n = 1;; ++n) {
    // The error data and what the attempt allocates stay in the caller's
    // context, which outlives the subtransaction.
    MemoryContext memory = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    auto end_subtransaction = [&](bool commit) {
      if (commit)
        pg_guard([] { ReleaseCurrentSubTransaction(); });
      else
        pg_guard([] { RollbackAndReleaseCurrentSubTransaction(); });
      MemoryContextSwitchTo(memory);
      CurrentResourceOwner = owner;
    };
    current_activity().attempt = n;
    outcome.attempts = n;
    pg_guard([] { BeginInternalSubTransaction(nullptr); });
    MemoryContextSwitchTo(memory);
    try {
      outcome.statements = attempt();
      end_subtransaction(true);
      return outcome;
    } catch (const PgError& e) {
      end_subtransaction(false);
      if (e.edata()->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE) throw;
      LockWaitReport report;
      report.revision = revision;
      report.attempt = n;
      report.attempts = attempts;
      report.blockers = blockers_of(sql);
      report.waited_ms = ms_since(first_started);
      if (n == attempts) {
        attach_report(e.edata(), report);
        throw;
      }
      report.wait_ms = backoff_ms(policy, n, pg_prng_double(&pg_global_prng_state));
      notice(kLockRetryNotice, report);
      outcome.waits.push_back(report);
      wait_ms(report.wait_ms);
    } catch (...) {
      end_subtransaction(false);
      throw;
    }
  }
}

}  // namespace mm::pg
