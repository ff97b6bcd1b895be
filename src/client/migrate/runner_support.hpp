// Small helpers the runner's files share (runner, modes, top_level,
// repair): not part of the runner's interface.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/migrate/lock_report.hpp"
#include "client/migrate/runner.hpp"
#include "client/server/connection.hpp"
#include "client/server/server_api.hpp"
#include "core/revisions/planner.hpp"
#include "core/protocol.hpp"

namespace mmc {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<std::string> string_list(const nlohmann::json& value);

inline mm::Direction direction_of(Operation op) {
  return op == Operation::Downgrade ? mm::Direction::Downgrade : mm::Direction::Upgrade;
}

// Rolls back the transaction block a multi-round-trip operation opened,
// unless it was committed.
class OpenTransaction {
 public:
  explicit OpenTransaction(const Connection& conn) : conn_(conn) {}
  ~OpenTransaction() { conn_.rollback_if_open(); }
  OpenTransaction(const OpenTransaction&) = delete;
  OpenTransaction& operator=(const OpenTransaction&) = delete;

 private:
  const Connection& conn_;
};

// While a call on `conn` waits for the server: an interrupt (SignalGuard)
// is noticed within its poll interval, `watcher` (if any) samples the
// lock waits of the session it watches every `sample_ms`, and `live` (if
// any) keeps the live line.
void watch_session(Connection& conn, LockWatcher* watcher, LiveStatus* live, int sample_ms);

// The provider's lock for an operation of several transactions. open()
// holds the transaction-level lock; the session-level lock on the same key
// is granted at once (a backend never conflicts with itself) and outlives
// the COMMIT that ends open()'s transaction, sent with it (and with
// `after`, statements to run once committed) in one round trip.
class MigrationRunner::ProviderLock {
 public:
  ProviderLock(MigrationRunner& runner, std::vector<Query> after = {}) : runner_(runner) {
    std::vector<Query> queries{sql::lock_provider(runner.key_), sql::commit()};
    for (Query& q : after) queries.push_back(std::move(q));
    runner.conn_.pipeline(queries);
  }
  ~ProviderLock() {
    try {
      runner_.conn_.rollback_if_open();
      runner_.conn_.query(sql::unlock_provider(runner_.key_));
    } catch (...) {
      // The lock also ends with the session.
    }
  }
  ProviderLock(const ProviderLock&) = delete;
  ProviderLock& operator=(const ProviderLock&) = delete;

 private:
  MigrationRunner& runner_;
};

}  // namespace mmc
