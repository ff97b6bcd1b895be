// Errors raised by the pure C++ layer. They carry a SQLSTATE so the
// PostgreSQL boundary can report them with a meaningful error code.
#pragma once

#include <stdexcept>
#include <string>

namespace mm {

// SQLSTATE codes used by metamigrate. Standard codes where one fits; the
// custom class "MM" marks conditions only metamigrate knows about.
namespace sqlstate {
inline constexpr const char* kInvalidParameter = "22023";  // invalid_parameter_value
inline constexpr const char* kUndefinedObject = "42704";   // undefined_object
inline constexpr const char* kDuplicateObject = "42710";   // duplicate_object
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kWrongObjectType = "42809";    // wrong_object_type
inline constexpr const char* kInternal = "XX000";           // internal_error
inline constexpr const char* kAmbiguousTarget = "MM001";    // target matches several revisions/heads
inline constexpr const char* kChecksumMismatch = "MM002";   // applied revision changed
inline constexpr const char* kInvalidGraph = "MM003";       // cycle, missing parent, bad id
inline constexpr const char* kInvalidTarget = "MM004";      // target not reachable in this direction
inline constexpr const char* kInconsistentState = "MM005";  // version table names unknown revisions
inline constexpr const char* kPhysicalState = "MM010";      // finalize found managed tables missing
inline constexpr const char* kManagedTable = "MM011";       // a managed table may not be dropped here
inline constexpr const char* kNotAttachable = "MM012";      // attach: missing or inactive tables
}  // namespace sqlstate

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
