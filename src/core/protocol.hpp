// What the client and the extension must agree on, in one place: both
// include this header, so neither keeps a copy of the other's numbers and
// nothing is recognized by the text of a message.
#pragma once

#include <cstdint>

namespace mm {

// SQLSTATE codes metamigrate raises. Standard codes where one fits; the
// custom class "MM" marks conditions only metamigrate knows about, so a
// client tells them apart by code.
namespace sqlstate {
inline constexpr const char* kInvalidParameter = "22023";  // invalid_parameter_value
inline constexpr const char* kUndefinedObject = "42704";   // undefined_object
inline constexpr const char* kDuplicateObject = "42710";   // duplicate_object
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kWrongObjectType = "42809";       // wrong_object_type
inline constexpr const char* kInternal = "XX000";              // internal_error
inline constexpr const char* kLockNotAvailable = "55P03";      // a lock wait timed out (lock_timeout)
inline constexpr const char* kQueryCanceled = "57014";         // statement_timeout, cancel
inline constexpr const char* kSerializationFailure = "40001";  // changed concurrently: try again
inline constexpr const char* kAmbiguousTarget = "MM001";       // target matches several revisions/heads
inline constexpr const char* kChecksumMismatch = "MM002";      // applied revision changed
inline constexpr const char* kInvalidGraph = "MM003";          // cycle, missing parent, bad id
inline constexpr const char* kInvalidTarget = "MM004";         // target not reachable in this direction
inline constexpr const char* kInconsistentState = "MM005";     // version table names unknown revisions
// Another migration of the provider holds its lock (--no-wait); not 55P03,
// which an ordinary lock timeout raises.
inline constexpr const char* kProviderBusy = "MM006";
inline constexpr const char* kPhysicalState = "MM010";  // finalize found managed tables missing
inline constexpr const char* kManagedTable = "MM011";   // a managed table may not be dropped here
inline constexpr const char* kNotAttachable = "MM012";  // attach: missing or inactive tables
}  // namespace sqlstate

namespace protocol {

// While a migration runs, its backend's pg_stat_activity.query is this
// prefix and a JSON object {provider, revision, direction, step, of,
// statement, statements, text, attempt, since}, which the view
// metamigrate.progress reads from other sessions.
inline constexpr const char* kActivityPrefix = "/* metamigrate progress */ ";

// The extension's advisory locks, as pg_locks shows them: classid = the
// class (four letters read as an int4), objid = hashtext(name), objsubid =
// kLockSpace, a key space no SQL advisory-lock function reaches.
inline constexpr std::uint32_t kMigrationLockClass = 1835888493u;     // "mmom": one provider's migrations
inline constexpr std::uint32_t kRegistrationLockClass = 1835889255u;  // "mmrg": registering a provider
inline constexpr std::uint32_t kLockSpace = 3;

// Temporary migration logins (metamigrate.migration_connection): lifetime
// in seconds.
inline constexpr int kDefaultCredentialTtlSeconds = 900;
inline constexpr int kMaxCredentialTtlSeconds = 3600;

// With metamigrate.progress on, the server sends this NOTICE after each
// applied step; its DETAIL is a JSON object (step, of, revision, ...).
inline constexpr const char* kProgressNotice = "metamigrate progress";

// What a migration call does.
enum class Operation { Upgrade, Downgrade, Stamp };

}  // namespace protocol
}  // namespace mm
