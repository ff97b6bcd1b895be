// A throwaway database on the target's server, for autogenerate: created
// from template0 with the target database's encoding and locale, with the
// metamigrate extension, and always dropped again (also after an error or
// an interrupt: the destructor cancels what still runs and drops it WITH
// (FORCE)).
#pragma once

#include <memory>
#include <string>

#include "client/server/connection.hpp"

namespace mmc {

class ScratchDatabase {
 public:
  // `server` reaches the target database (the maintenance connection);
  // `purpose` says in messages what the database is for.
  ScratchDatabase(const ConnectTarget& server, const Output& out, const std::string& purpose);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const { return name_; }
  Connection& conn() { return *conn_; }

 private:
  ConnectTarget server_;
  const Output& out_;
  std::string name_;
  std::unique_ptr<Connection> maintenance_;
  std::unique_ptr<Connection> conn_;
  bool created_ = false;

  void create(const std::string& purpose);
  void drop() noexcept;
};

// Database names the client creates: this prefix and 12 hex digits.
inline constexpr const char* kScratchPrefix = "metamigrate_scratch_";

}  // namespace mmc
