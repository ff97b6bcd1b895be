// The one writer of set-returning functions' results: materialize mode,
// filled once all C++ work is done. Each value arrives as text and goes
// through its column's input function, so a column's SQL type (int4,
// name, uuid, timestamptz, ...) is declared once, in the SQL script.
#pragma once

#include "extension/base/postgres.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

class SetResult {
 public:
  // The result's columns are those the caller expects (a scalar set is
  // one column); throws (a PostgreSQL error) where no set is accepted.
  explicit SetResult(FunctionCallInfo fcinfo);
  SetResult(const SetResult&) = delete;
  SetResult& operator=(const SetResult&) = delete;

  // One row, a value (nullopt: NULL) per column.
  void add(const Row& row);

 private:
  ReturnSetInfo* rsinfo_ = nullptr;
  int columns_ = 0;
  std::vector<FmgrInfo> input_;
  std::vector<Oid> ioparam_;
  std::vector<int32> typmod_;
};

}  // namespace mm::pg
