// Errors raised by the pure C++ layer. They carry a SQLSTATE (the codes are
// in protocol.hpp) so the PostgreSQL boundary can report them with a
// meaningful error code.
#pragma once

#include <stdexcept>
#include <string>

#include "core/protocol.hpp"

namespace mm {

class Error : public std::runtime_error {
 public:
  Error(const char* sqlstate, std::string message, std::string detail = {}, std::string hint = {})
      : std::runtime_error(std::move(message)),
        sqlstate_(sqlstate),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}

  const char* sqlstate() const noexcept { return sqlstate_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  const char* sqlstate_;
  std::string detail_;
  std::string hint_;
};

}  // namespace mm
