#include "extension/base/security.hpp"

#include "extension/base/relations.hpp"

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
    throw Error(sqlstate::kUndefinedObject, "role \"" + role + "\" does not exist", {},
                "Create the provider's owner role first (see `metamigrate scaffold`).");
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
                "Role \"" + role_name(user) + "\" is not a member of the provider's owner role \"" + owner_name + "\".",
                "GRANT \"" + owner_name + "\" TO the role that runs migrations.");
}

bool is_system_schema(const std::string& schema) {
  return schema == "pg_catalog" || schema == "information_schema" || schema.rfind("pg_toast", 0) == 0 ||
         schema.rfind("pg_temp", 0) == 0;
}

Oid catalog_owner() {
  const std::optional<RelationFacts> provider = find_relation("metamigrate", "provider");
  if (!provider) throw Error(sqlstate::kInternal, "metamigrate catalog is missing");
  return provider->owner;
}

void warn_if_search_path_writable(SpiSession& spi, const std::string& schema, Oid owner,
                                  const std::string& owner_name) {
  // Either PUBLIC may create there, or these logins may (at most ten
  // named): a role nobody can log in as, or only superusers, plants nothing.
  Rows rows = spi.query(
      "WITH n AS (SELECT n.oid, n.nspacl FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1), "
      "w AS (SELECT r.rolname FROM pg_catalog.pg_roles r, n "
      "       WHERE r.rolcanlogin AND NOT r.rolsuper AND r.oid OPERATOR(pg_catalog.<>) $2::pg_catalog.oid "
      "         AND pg_catalog.has_schema_privilege(r.oid, n.oid, 'CREATE') "
      "         AND NOT pg_catalog.pg_has_role(r.oid, $2::pg_catalog.oid, 'MEMBER')) "
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM n, pg_catalog.aclexplode(n.nspacl) a "
      "                          WHERE a.grantee OPERATOR(pg_catalog.=) 0 "
      "                            AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE') THEN 'PUBLIC (every role)' "
      "       WHEN NOT EXISTS (SELECT 1 FROM w) THEN NULL "
      "       ELSE (SELECT pg_catalog.string_agg(rolname::text, ', ') FROM "
      "              (SELECT rolname FROM w ORDER BY rolname LIMIT 10) x) || "
      "            CASE WHEN (SELECT pg_catalog.count(*) FROM w) > 10 THEN ' and ' || "
      "                 ((SELECT pg_catalog.count(*) FROM w) - 10)::text || ' more' ELSE '' END END",
      {schema, std::to_string(owner)});
  if (rows.empty() || !rows[0][0]) return;
  const std::string message = "revision SQL runs with search_path " + quote_ident(schema) +
                              ", in which other logins can create objects: " + *rows[0][0];
  const std::string detail =
      "An unqualified function or operator in a revision may resolve to one they create, and "
      "then runs with the rights of owner role \"" +
      owner_name + "\".";
  const std::string hint =
      "Give the provider a schema only its owner role can create in (CREATE SCHEMA ... "
      "AUTHORIZATION " +
      quote_ident(owner_name) +
      ", as its version_schema), or "
      "schema-qualify every call.";
  pg_guard([&] {
    ereport(WARNING, (errmsg_internal("%s", message.c_str()), errdetail_internal("%s", detail.c_str()),
                      errhint("%s", hint.c_str())));
  });
}

}  // namespace mm::pg
