// Role handling: membership checks and scoped user-id switches.
#pragma once

#include "extension/base/spi.hpp"

namespace mm::pg {

// Switches the current user id for a scope, as SECURITY DEFINER functions
// do. SECURITY_LOCAL_USERID_CHANGE makes SET ROLE / RESET ROLE fail inside,
// so migration SQL cannot escape the role. Transaction abort restores the
// previous id on the error path.
class RunAs {
 public:
  explicit RunAs(Oid role);
  ~RunAs();
  RunAs(const RunAs&) = delete;
  RunAs& operator=(const RunAs&) = delete;

 private:
  Oid saved_user_;
  int saved_context_;
};

// Oid of an existing role; throws undefined_object naming it otherwise.
Oid role_oid(const std::string& role);
std::string role_name(Oid role);
std::string current_user_name();

// Throws insufficient_privilege unless the current user is a superuser or
// a member of `owner` (membership as SET ROLE would require it).
void require_member_of(Oid owner, const std::string& owner_name, const std::string& action);

// pg_catalog, information_schema, pg_toast* and pg_temp*: schemas whose
// tables belong to the bootstrap superuser or live in one session only.
bool is_system_schema(const std::string& schema);

// Owner of the extension's catalog tables; catalog writes run as this role.
Oid catalog_owner();

// Revision SQL resolves unqualified names through search_path: a schema
// there in which logins other than the owner role's members (and
// superusers) may create objects lets them plant functions and
// operators that the revisions then call as the owner role. Sends one
// WARNING naming them; nothing otherwise.
void warn_if_search_path_writable(SpiSession& spi, const std::string& schema, Oid owner, const std::string& owner_name);

}  // namespace mm::pg
