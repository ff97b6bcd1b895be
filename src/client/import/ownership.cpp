#include "client/import/ownership.hpp"

#include <map>

namespace mmc {

namespace {

// format() quotes every name (%I); functions and types go through
// regprocedure/regtype output, which quotes and qualifies them as needed.
constexpr const char* kForeignOwnedSql = R"sql(
WITH s AS (SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname IN (SELECT pg_catalog.jsonb_array_elements_text($1::jsonb))),
     o AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $2),
     ext AS (SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e')
SELECT pg_catalog.format('ALTER %s %I.%I OWNER TO %I',
         CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, s.nspname, c.relname, $2),
       pg_catalog.pg_get_userbyid(c.relowner)
  FROM pg_catalog.pg_class c JOIN s ON s.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner IS DISTINCT FROM (SELECT oid FROM o)
   AND c.oid IS DISTINCT FROM pg_catalog.to_regclass(NULLIF($3, ''))
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ext.objid = c.oid)
   -- serial and identity sequences follow their table's owner
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
              WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')))
UNION ALL
SELECT pg_catalog.format('ALTER %s %s OWNER TO %I',
         CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
         p.oid::pg_catalog.regprocedure, $2),
       pg_catalog.pg_get_userbyid(p.proowner)
  FROM pg_catalog.pg_proc p JOIN s ON s.oid = p.pronamespace
 WHERE p.proowner IS DISTINCT FROM (SELECT oid FROM o)
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND ext.objid = p.oid)
UNION ALL
SELECT pg_catalog.format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
         t.oid::pg_catalog.regtype, $2),
       pg_catalog.pg_get_userbyid(t.typowner)
  FROM pg_catalog.pg_type t JOIN s ON s.oid = t.typnamespace
 WHERE (t.typtype IN ('e', 'd', 'r')
        OR (t.typtype = 'c' AND (SELECT relkind FROM pg_catalog.pg_class WHERE oid = t.typrelid) = 'c'))
   AND t.typowner IS DISTINCT FROM (SELECT oid FROM o)
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND ext.objid = t.oid)
ORDER BY 1
)sql";

}  // namespace

std::vector<ForeignOwned> foreign_owned_objects(const Connection& conn, const Manifest& manifest,
                                                const std::string& except_table) {
  std::vector<std::string> schemas = manifest.schemas;
  schemas.push_back(manifest.version_table.schema);
  const PgResult r = conn.query(kForeignOwnedSql, {nlohmann::json(schemas).dump(), manifest.owner_role, except_table});
  std::vector<ForeignOwned> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1)});
  return out;
}

std::string owners_summary(const std::vector<ForeignOwned>& objects) {
  std::map<std::string, int> count;
  for (const ForeignOwned& o : objects) ++count[o.owner];
  std::string out;
  for (const auto& [owner, n] : count) out += (out.empty() ? "" : ", ") + owner + ": " + std::to_string(n);
  return out;
}

std::string ownership_script(const std::vector<ForeignOwned>& objects, const Manifest& manifest) {
  std::string out = "-- metamigrate adopt-ownership: hand the objects of " + manifest.key() +
                    "'s schemas to its owner role " + manifest.owner_role +
                    ".\n-- Run as a superuser (or as each object's owner, being a member of " + manifest.owner_role +
                    ").\nBEGIN;\n";
  for (const ForeignOwned& o : objects) out += o.statement + ";  -- owned by " + o.owner + "\n";
  return out + "COMMIT;\n";
}

}  // namespace mmc
