// Short-lived migration logins: a LOGIN role that is a member of the
// provider's owner role only, expiring with VALID UNTIL. The password is
// random, returned once inside the URI, and never written to any table or
// SQL text (the role is created from a parse node, not a statement).
#pragma once

#include <string>

namespace mm::pg {

std::string migration_connection(const std::string& request_json);
// Drops expired logins without sessions; returns how many were dropped.
int reap_credentials();

}  // namespace mm::pg
