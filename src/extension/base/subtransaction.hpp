// Running a piece of work that may fail without failing the caller.
#pragma once

#include <optional>
#include <string>

#include "extension/base/boundary.hpp"

namespace mm::pg {

// Runs fn in an internal subtransaction; on any error rolls it back (the
// PostgreSQL way to survive an error) and returns the message.
template <typename Fn>
std::optional<std::string> in_subtransaction(Fn&& fn) {
  MemoryContext context = CurrentMemoryContext;
  ResourceOwner owner = CurrentResourceOwner;
  pg_guard([] { BeginInternalSubTransaction(nullptr); });
  std::optional<std::string> failure;
  try {
    fn();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (failure) {
    pg_guard([] { RollbackAndReleaseCurrentSubTransaction(); });
  } else {
    pg_guard([] { ReleaseCurrentSubTransaction(); });
  }
  MemoryContextSwitchTo(context);
  CurrentResourceOwner = owner;
  return failure;
}

}  // namespace mm::pg
