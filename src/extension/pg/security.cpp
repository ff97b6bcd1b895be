#include "pg/security.hpp"

#include "core/error.hpp"

namespace mm::pg {

RunAs::RunAs(Oid role) {
  GetUserIdAndSecContext(&saved_user_, &saved_context_);
  SetUserIdAndSecContext(role, saved_context_ | SECURITY_LOCAL_USERID_CHANGE);
}

RunAs::~RunAs() { SetUserIdAndSecContext(saved_user_, saved_context_); }

Oid role_oid(const std::string& role) {
  Oid oid = pg_guard([&] { return get_role_oid(role.c_str(), true); });
  if (oid == InvalidOid)
    throw Error(sqlstate::kUndefinedObject, "role \"" + role + "\" does not exist",
                {}, "Create the provider's owner role first (see `metamigrate scaffold`).");
  return oid;
}

std::string role_name(Oid role) {
  char* name = pg_guard([&] { return GetUserNameFromId(role, false); });
  return std::string(name);
}

std::string current_user_name() { return role_name(GetUserId()); }

void require_member_of(Oid owner, const std::string& owner_name, const std::string& action) {
  Oid user = GetUserId();
  bool allowed = pg_guard([&] { return superuser() || is_member_of_role(user, owner); });
  if (!allowed)
    throw Error(sqlstate::kInsufficientPrivilege, "permission denied to " + action,
                "Role \"" + role_name(user) + "\" is not a member of the provider's owner role \"" +
                    owner_name + "\".",
                "GRANT \"" + owner_name + "\" TO the role that runs migrations.");
}

Oid catalog_owner(SpiSession& spi) {
  Rows rows = spi.query(
      "SELECT c.relowner::pg_catalog.int8 FROM pg_catalog.pg_class c "
      "WHERE c.oid = 'metamigrate.provider'::pg_catalog.regclass");
  if (rows.empty() || !rows[0][0]) throw Error(sqlstate::kInternal, "metamigrate catalog is missing");
  return static_cast<Oid>(std::stoul(*rows[0][0]));
}

}  // namespace mm::pg
