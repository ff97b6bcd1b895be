// Short-lived migration logins: a LOGIN role that is a member of the
// provider's owner role only, expiring with VALID UNTIL. The password is
// random, returned once inside the URI, and never written to any table or
// SQL text (the role is created from a parse node, not a statement).
#pragma once

#include <string>

namespace mm::pg {

std::string migration_connection(const std::string& request_json);
// Drops expired logins without sessions; returns how many were dropped.
// Besides this database's, always those whose database is gone (a role
// outlives a dropped database); with all_databases every expired one in
// the cluster (what it owns in other databases may keep it for later).
int reap_credentials(bool all_databases = false);
// Drops a login now, once its user is done with it; only the role it was
// issued to or a member of its owner role may. False when it is not a
// login of this database.
bool release_migration_connection(const std::string& role);

// Every temporary login carries this comment, followed by JSON naming its
// database, provider and expiry, so that a reaper in any database of the
// cluster can recognize it.
inline constexpr const char* kLoginCommentPrefix = "metamigrate temporary login ";

}  // namespace mm::pg
