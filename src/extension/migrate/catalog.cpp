#include "extension/migrate/catalog.hpp"

#include "core/error.hpp"
#include "core/provider_busy.hpp"
#include "extension/migrate/advisory_locks.hpp"
#include "extension/base/relations.hpp"

namespace mm::pg {

namespace {

std::vector<std::string> parse_string_array(const Value& json_text) {
  std::vector<std::string> out;
  if (!json_text) return out;
  for (const auto& item : nlohmann::json::parse(*json_text)) out.push_back(item.get<std::string>());
  return out;
}

// A text[] built from parameter $n, which carries a JSON array of strings.
std::string string_array_param(int n) {
  return "ARRAY(SELECT pg_catalog.jsonb_array_elements_text($" + std::to_string(n) + "::pg_catalog.jsonb))";
}

}  // namespace

std::string json_string_array(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

ProviderCatalog::ProviderCatalog(SpiSession& spi) : spi_(spi), catalog_owner_(catalog_owner()) {}

std::optional<Provider> ProviderCatalog::find_provider(const std::string& key) {
  Rows rows = spi_.query(
      "SELECT provider_key, package, namespace, owner_role::text, version_schema::text, "
      "version_table::text, version_column::text, search_path, pg_catalog.array_to_json(schemas)::text "
      "FROM metamigrate.provider WHERE provider_key = $1",
      {key});
  if (rows.empty()) return std::nullopt;
  const Row& r = rows[0];
  Provider p{*r[0], *r[1], *r[2], *r[3], *r[4], *r[5], *r[6], *r[7], InvalidOid, std::nullopt};
  p.owner_oid = role_oid(p.owner_role);
  if (r[8]) p.schemas = parse_string_array(r[8]);
  return p;
}

Provider ProviderCatalog::load_provider(const std::string& key) {
  std::optional<Provider> p = find_provider(key);
  if (!p)
    throw Error(sqlstate::kUndefinedObject, "provider \"" + key + "\" is not registered", {},
                "Call metamigrate.register_provider(package, namespace, owner_role) first.");
  return std::move(*p);
}

bool same_registration(const Provider& a, const Provider& b) {
  return a.owner_role == b.owner_role && a.version_schema == b.version_schema && a.version_table == b.version_table &&
         a.version_column == b.version_column;
}

bool ProviderCatalog::register_provider(const Provider& p) {
  RunAs as_owner(catalog_owner_);
  // Concurrent first registrations of one provider would otherwise race
  // past ON CONFLICT (provider_key) into the version table's unique index
  // and fail with a raw 23505; serialized, the later one sees the row.
  take_lock(kRegistrationLockClass, qualified_name(p.version_schema, p.version_table), LockDuration::Transaction, true);
  Rows clash = spi_.query(
      "SELECT provider_key FROM metamigrate.provider "
      "WHERE version_schema = $1::name AND version_table = $2::name AND provider_key <> $3",
      {p.version_schema, p.version_table, p.key});
  if (!clash.empty())
    throw Error(sqlstate::kDuplicateObject,
                "version table " + p.version_schema + "." + p.version_table + " already belongs to provider \"" +
                    *clash[0][0] + "\"",
                {}, "Give this provider its own version_table.");
  Rows inserted = spi_.query(
      "INSERT INTO metamigrate.provider (provider_key, package, namespace, owner_role, version_schema, "
      "version_table, version_column, search_path) "
      "VALUES ($1, $2, $3, $4::name, $5::name, $6::name, $7::name, $8) "
      "ON CONFLICT (provider_key) DO NOTHING RETURNING provider_key",
      {p.key, p.package, p.namespace_, p.owner_role, p.version_schema, p.version_table, p.version_column,
       p.search_path});
  if (!inserted.empty()) return true;
  Provider existing = load_provider(p.key);
  if (!same_registration(existing, p))
    throw Error(sqlstate::kDuplicateObject, "provider \"" + p.key + "\" is already registered with different settings",
                "Registered: owner role " + existing.owner_role + ", version table " + existing.version_schema + "." +
                    existing.version_table + "(" + existing.version_column + "); requested: owner role " +
                    p.owner_role + ", version table " + p.version_schema + "." + p.version_table + "(" +
                    p.version_column + ").",
                "Keep the manifest in line with the registration.");
  return false;
}

void ProviderCatalog::lock_provider(const Provider& p, bool wait) {
  // After waiting for another migrator, the heads must be read from a
  // fresh snapshot: only READ COMMITTED gives each statement one.
  if (pg_guard([] { return IsolationUsesXactSnapshot(); }))
    throw Error("25001", "metamigrate migrations must run at the READ COMMITTED isolation level",
                "Under REPEATABLE READ or SERIALIZABLE a migrator that waited for another would not see its work.",
                "Use the default isolation level for the migration transaction.");
  // A hash collision of two provider keys only serializes two providers.
  if (take_lock(kMigrationLockClass, p.key, LockDuration::Transaction, wait)) return;
  Rows holder = spi_.query(
      "SELECT a.pid::text, a.usename::text, COALESCE(a.xact_start, a.backend_start)::text, "
      "COALESCE(a.application_name, '') FROM pg_catalog.pg_locks l "
      "JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid "
      "WHERE l.granted AND " +
          lock_row_condition(kMigrationLockClass, 1) + " LIMIT 1",
      {p.key});
  ProviderBusy busy{p.key, std::nullopt};
  if (!holder.empty()) {
    busy.holder.emplace();
    busy.holder->pid = std::stoi(holder[0][0].value_or("0"));
    busy.holder->user = holder[0][1].value_or("");
    busy.holder->since = holder[0][2].value_or("");
    busy.holder->application = holder[0][3].value_or("");
  }
  throw Error(sqlstate::kProviderBusy, "another migration of provider \"" + p.key + "\" is in progress",
              provider_busy_detail(busy), "Wait for it to finish, or run without --no-wait to queue behind it.");
}

std::vector<StoredRevision> ProviderCatalog::load_revisions(const Provider& p) {
  Rows rows = spi_.query(
      "SELECT revision::text, pg_catalog.to_json(down_revisions)::text, pg_catalog.to_json(depends_on)::text, "
      "pg_catalog.to_json(branch_labels)::text, message, transactional::text, checksum "
      "FROM metamigrate.revision WHERE provider_key = $1 ORDER BY uploaded_at, revision",
      {p.key});
  std::vector<StoredRevision> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    StoredRevision s;
    s.revision.id = *r[0];
    s.revision.down_revisions = parse_string_array(r[1]);
    s.revision.depends_on = parse_string_array(r[2]);
    s.revision.branch_labels = parse_string_array(r[3]);
    s.revision.message = r[4].value_or("");
    s.revision.transactional = r[5] && *r[5] == "true";
    s.checksum = *r[6];
    out.push_back(std::move(s));
  }
  return out;
}

std::string ProviderCatalog::load_sql(const Provider& p, const std::string& revision, bool upgrade) {
  Rows rows = spi_.query_prepared(std::string("SELECT ") + (upgrade ? "upgrade_sql" : "downgrade_sql") +
                                      " FROM metamigrate.revision WHERE provider_key = $1 AND revision = $2",
                                  {p.key, revision});
  if (rows.empty()) throw Error(sqlstate::kUndefinedObject, "revision \"" + revision + "\" is not uploaded");
  return rows[0][0].value_or("");
}

void ProviderCatalog::store_revision(const Provider& p, const UploadedRevision& up, const std::string& checksum) {
  RunAs as_owner(catalog_owner_);
  const Revision& r = up.revision;
  // Prepared: an upload stores thousands of revisions in one call.
  spi_.execute_prepared(
      "INSERT INTO metamigrate.revision AS r (provider_key, revision, down_revisions, depends_on, branch_labels, "
      "message, upgrade_sql, downgrade_sql, transactional, checksum, source) "
      "VALUES ($1, $2, " +
          string_array_param(3) + ", " + string_array_param(4) + ", " + string_array_param(5) +
          ", $6, $7, $8, $9::boolean, $10, $11) "
          "ON CONFLICT (provider_key, revision) DO UPDATE SET down_revisions = EXCLUDED.down_revisions, "
          "depends_on = EXCLUDED.depends_on, branch_labels = EXCLUDED.branch_labels, message = EXCLUDED.message, "
          "upgrade_sql = EXCLUDED.upgrade_sql, downgrade_sql = EXCLUDED.downgrade_sql, "
          "transactional = EXCLUDED.transactional, checksum = EXCLUDED.checksum, source = EXCLUDED.source, "
          "uploaded_at = pg_catalog.now(), uploaded_by = SESSION_USER",
      {p.key, r.id, json_string_array(r.down_revisions), json_string_array(r.depends_on),
       json_string_array(r.branch_labels), r.message, r.upgrade_sql, r.downgrade_sql,
       std::string(r.transactional ? "true" : "false"), checksum, up.source.empty() ? Value() : Value(up.source)});
}

void ProviderCatalog::delete_revision(const Provider& p, const std::string& revision) {
  RunAs as_owner(catalog_owner_);
  spi_.execute("DELETE FROM metamigrate.revision WHERE provider_key = $1 AND revision = $2", {p.key, revision});
}

bool ProviderCatalog::version_table_exists(const Provider& p) {
  // The table a provider's name resolves to must be one only its owner
  // role controls: every read and write of it runs as that role, and a
  // view, a foreign or partitioned table, a temporary table or another
  // role's table would run someone else's code or touch someone else's data.
  const std::optional<RelationFacts> found = find_relation(p.version_schema, p.version_table);
  if (!found) return false;
  const std::string table = p.version_schema + "." + p.version_table;
  if (found->temporary || found->relkind != RELKIND_RELATION)
    throw Error(
        sqlstate::kWrongObjectType, "version table " + table + " of provider \"" + p.key + "\" is not a plain table",
        "A version table must be an ordinary table (relkind r), not a temporary table, view, foreign, partitioned or "
        "other relation.",
        "Drop the object or register the provider with another version_table.");
  if (found->owner != p.owner_oid)
    throw Error(sqlstate::kInsufficientPrivilege,
                "version table " + table + " of provider \"" + p.key + "\" is owned by role \"" +
                    role_name(found->owner) + "\", not by the provider's owner role \"" + p.owner_role + "\"",
                "metamigrate reads and writes a version table only as the provider's owner role.",
                "As its owner or a superuser: ALTER TABLE " + qualified_name(p.version_schema, p.version_table) +
                    " OWNER TO " + quote_ident(p.owner_role) + ";");
  return true;
}

void ProviderCatalog::ensure_version_table(const Provider& p) {
  if (version_table_exists(p)) return;
  // Alembic's DDL, byte for byte in structure, owned by the owner role.
  const std::string ddl = "CREATE TABLE " + qualified_name(p.version_schema, p.version_table) + " (" +
                          quote_ident(p.version_column) + " VARCHAR(32) NOT NULL, CONSTRAINT " +
                          quote_ident(p.version_table + "_pkc") + " PRIMARY KEY (" + quote_ident(p.version_column) +
                          "))";
  RunAs as_owner(p.owner_oid);
  spi_.execute(ddl);
}

std::vector<std::string> ProviderCatalog::read_heads(const Provider& p) {
  if (!version_table_exists(p)) return {};
  RunAs as_owner(p.owner_oid);
  Rows rows = spi_.query("SELECT " + quote_ident(p.version_column) + "::text FROM " +
                         qualified_name(p.version_schema, p.version_table) + " ORDER BY 1");
  std::vector<std::string> heads;
  for (const Row& r : rows)
    if (r[0]) heads.push_back(*r[0]);
  return heads;
}

void ProviderCatalog::update_heads(const Provider& p, const std::vector<std::string>& delete_rows,
                                   const std::vector<std::string>& insert_rows) {
  RunAs as_owner(p.owner_oid);
  const std::string table = qualified_name(p.version_schema, p.version_table);
  const std::string column = quote_ident(p.version_column);
  for (const auto& id : delete_rows) spi_.execute_prepared("DELETE FROM " + table + " WHERE " + column + " = $1", {id});
  for (const auto& id : insert_rows)
    spi_.execute_prepared("INSERT INTO " + table + " (" + column + ") VALUES ($1)", {id});
}

void ProviderCatalog::record_history(const Provider& p, const std::string& revision, const char* direction,
                                     double seconds, const std::optional<std::string>& checksum,
                                     const std::vector<std::string>& heads_after) {
  RunAs as_owner(catalog_owner_);
  spi_.execute_prepared(
      "INSERT INTO metamigrate.history (provider, revision, direction, duration, executed_as, checksum, heads_after) "
      "VALUES ($1, $2, $3, pg_catalog.make_interval(secs => $4::pg_catalog.float8), $5::name, $6, " +
          string_array_param(7) + ")",
      {p.key, revision, std::string(direction), std::to_string(seconds), p.owner_role, checksum,
       json_string_array(heads_after)});
}

}  // namespace mm::pg
