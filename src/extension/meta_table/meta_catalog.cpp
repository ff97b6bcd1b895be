#include "extension/meta_table/meta_catalog.hpp"

#include "core/error.hpp"
#include "core/meta_table/meta_table.hpp"
#include "extension/base/guc_scope.hpp"
#include "extension/base/relations.hpp"
#include "extension/base/sha256.hpp"

namespace mm::pg {

namespace {

using nlohmann::json;

constexpr const char* kRowColumns =
    "uid::text, identifier, provider, schema_name::text, table_name::text, kind, status";

CatalogRow to_row(const Row& r) { return CatalogRow{*r[0], *r[1], *r[2], *r[3], *r[4], *r[5], *r[6]}; }

// Contract of a physical table read from the system catalogs (columns,
// types, nullability, defaults, primary key, indexes, foreign keys), or
// nothing when the table does not exist. jsonb's text form is canonical,
// so equal tables give equal text and equal storage hashes.
struct Introspected {
  std::string oid;
  std::string contract;
  Oid owner = InvalidOid;
  std::string owner_name;
};

std::optional<Introspected> introspect(SpiSession& spi, const std::string& schema, const std::string& table) {
  Rows rows = spi.query(R"SQL(
    SELECT c.oid::pg_catalog.int8::text, c.relowner::pg_catalog.int8::text,
           pg_catalog.pg_get_userbyid(c.relowner)::text, pg_catalog.jsonb_build_object(
      'version', 'relational-table.v1',
      'physical', pg_catalog.jsonb_build_object('schema', n.nspname, 'table_name', c.relname),
      'columns', (SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                     'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                     'nullable', NOT a.attnotnull, 'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid))
                   ORDER BY a.attnum), '[]')
                    FROM pg_catalog.pg_attribute a
                    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
      'primary_key', (SELECT pg_catalog.jsonb_agg(a.attname ORDER BY k.ord)
                        FROM pg_catalog.pg_index i
                        CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                        JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       WHERE i.indrelid = c.oid AND i.indisprimary),
      'indexes', (SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                     'name', ic.relname, 'definition', pg_catalog.pg_get_indexdef(i.indexrelid),
                     'unique', i.indisunique, 'primary', i.indisprimary) ORDER BY ic.relname), '[]')
                    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                   WHERE i.indrelid = c.oid),
      'foreign_keys', (SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                          'name', co.conname, 'definition', pg_catalog.pg_get_constraintdef(co.oid))
                        ORDER BY co.conname), '[]')
                         FROM pg_catalog.pg_constraint co WHERE co.conrelid = c.oid AND co.contype = 'f')
    )::text
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p'))SQL",
                        {schema, table});
  if (rows.empty()) return std::nullopt;
  return Introspected{*rows[0][0], *rows[0][3], static_cast<Oid>(std::stoul(*rows[0][1])), *rows[0][2]};
}

// Only tables the provider's owner role owns can become its managed
// tables: a claim on anyone else's table would put it under deletion
// protection that its real owner could not lift.
void require_owned_by_provider(const Introspected& table, const Provider& provider, const std::string& name) {
  if (table.owner == provider.owner_oid) return;
  throw Error(sqlstate::kInsufficientPrivilege,
              "table " + name + " is owned by role \"" + table.owner_name + "\", not by the owner role \"" +
                  provider.owner_role + "\" of provider \"" + provider.key + "\"",
              "A provider can only manage tables its owner role owns (those its revisions create).",
              "Remove the table from the manifest's metatables, or, as its owner, ALTER TABLE ... OWNER TO " +
                  quote_ident(provider.owner_role) + ".");
}

Provider provider_for(ProviderCatalog& catalog, const ProviderFields& fields, const char* action) {
  Provider provider = catalog.load_provider(fields.provider_key);
  require_member_of(provider.owner_oid, provider.owner_role,
                    std::string(action) + " for provider \"" + provider.key + "\"");
  return provider;
}

std::string data_source_uid(SpiSession& spi) {
  Rows rows = spi.query("SELECT uid::text FROM metamigrate.data_source");
  if (rows.empty() || !rows[0][0]) throw Error(sqlstate::kInternal, "metamigrate.data_source is empty");
  return *rows[0][0];
}

json version_row_json(const Provider& provider, const std::string& uid, const std::string& status, bool created) {
  return json{{"uid", uid},
              {"identifier", provider.package + ".alembic_version"},
              {"schema_name", provider.version_schema},
              {"table_name", provider.version_table},
              {"kind", "alembic_version"},
              {"status", status},
              {"created", created}};
}

json ensure_version_row(ProviderCatalog& catalog, const Provider& provider) {
  SpiSession& spi = catalog.spi();
  catalog.version_table_exists(provider);  // refuses a table the owner role does not own
  RunAs as_catalog_owner(catalog.owner());
  Rows found = spi.query(std::string("SELECT ") + kRowColumns +
                             " FROM metamigrate.meta_table WHERE provider = $1 AND kind = 'alembic_version' "
                             "AND status <> 'retired'",
                         {provider.key});
  auto physical = introspect(spi, provider.version_schema, provider.version_table);
  const std::string status = physical ? "active" : "reserved";
  std::string uid;
  bool created = false;
  if (found.empty()) {
    // `current` and a migration's reserve may both create the row; the
    // loser of that race waits on the index and then reads the winner's.
    Rows inserted = spi.query(
        "INSERT INTO metamigrate.meta_table (identifier, namespace, provider, data_source_uid, schema_name, "
        "table_name, kind, status) VALUES ($1, $2, $3, (SELECT uid FROM metamigrate.data_source), $4::name, "
        "$5::name, 'alembic_version', $6) ON CONFLICT (schema_name, table_name) WHERE status <> 'retired' "
        "DO NOTHING RETURNING uid::text",
        {provider.package + ".alembic_version", provider.package, provider.key, provider.version_schema,
         provider.version_table, status});
    created = !inserted.empty();
    if (created) {
      uid = *inserted[0][0];
    } else {
      Rows holder = spi.query(
          "SELECT uid::text, provider, kind FROM metamigrate.meta_table "
          "WHERE schema_name = $1::name AND table_name = $2::name AND status <> 'retired'",
          {provider.version_schema, provider.version_table});
      if (holder.empty() || *holder[0][1] != provider.key || *holder[0][2] != "alembic_version")
        throw Error(
            sqlstate::kDuplicateObject,
            "version table " + provider.version_schema + "." + provider.version_table +
                " is already in the MetaTable catalog" +
                (holder.empty() ? std::string() : " as a " + *holder[0][2] + " of provider \"" + *holder[0][1] + "\""),
            {}, "Give provider \"" + provider.key + "\" its own version_table.");
      uid = *holder[0][0];
    }
  } else {
    uid = *found[0][0];
  }
  if (physical)
    spi.execute(
        "UPDATE metamigrate.meta_table SET status = 'active', table_contract = $2::jsonb, "
        "storage_hash = $3, table_oid = $4::pg_catalog.int8::oid, "
        "finalized_at = COALESCE(finalized_at, pg_catalog.now()) WHERE uid = $1::uuid",
        {uid, physical->contract, sha256_hex(physical->contract), physical->oid});
  return version_row_json(provider, uid, status, created);
}

// schema.function or function, plain identifiers only: the name is looked
// up with to_regprocedure, which raises on anything else.
bool is_function_name(const std::string& name) {
  bool start = true;
  int dots = 0;
  for (char c : name) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = (c >= '0' && c <= '9') || c == '$';
    if (c == '.') {
      if (start || ++dots > 1) return false;
      start = true;
    } else if (letter || (!start && digit)) {
      start = false;
    } else {
      return false;
    }
  }
  return !start;
}

}  // namespace

namespace {

// The version table's catalog row when it is active for the very table
// that exists (the common case): its contract is refreshed by every
// migration's finalize.
std::optional<json> active_version_row(SpiSession& spi, const Provider& provider) {
  const std::optional<RelationFacts> table = find_relation(provider.version_schema, provider.version_table);
  if (!table) return std::nullopt;
  Rows active = spi.query(
      "SELECT m.uid::text FROM metamigrate.meta_table m WHERE m.provider = $1 AND m.kind = 'alembic_version' "
      "AND m.status = 'active' AND m.table_oid = $2::pg_catalog.oid",
      {provider.key, std::to_string(table->oid)});
  if (active.empty()) return std::nullopt;
  return version_row_json(provider, *active[0][0], "active", false);
}

}  // namespace

std::string version_meta_table(const std::string& key) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "register the version table of provider \"" + key + "\"");
  // Introspecting and rewriting the row cost more than the rest of `current`.
  if (std::optional<json> active = active_version_row(spi, provider)) {
    spi.finish();
    return active->dump();
  }
  json row = ensure_version_row(catalog, provider);
  spi.finish();
  return row.dump();
}

std::string provider_state(const std::string& key, bool with_version_row) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  const std::optional<Provider> provider = catalog.find_provider(key);
  json state = {{"provider", key}, {"registered", provider.has_value()}};
  if (provider) {
    const std::optional<json> version_row = with_version_row ? active_version_row(spi, *provider) : std::nullopt;
    state.update({{"owner_role", provider->owner_role},
                  {"version_schema", provider->version_schema},
                  {"version_table", provider->version_table},
                  {"version_column", provider->version_column},
                  {"schemas", provider->schemas ? json(*provider->schemas) : json()},
                  {"heads", catalog.read_heads(*provider)},
                  {"version_meta_table", version_row ? *version_row : json()}});
  }
  spi.finish();
  return state.dump();
}

std::string reserve(const std::string& request_json) {
  ReserveRequest request = parse_reserve_request(request_json);
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = provider_for(catalog, request.provider, "reserve tables");
  catalog.lock_provider(provider);
  const std::string this_source = data_source_uid(spi);
  json version_row = ensure_version_row(catalog, provider);

  RunAs as_catalog_owner(catalog.owner());
  json tables = json::array();
  for (const TableReservation& table : request.tables) {
    if (auto existing = introspect(spi, table.schema_name, table.table_name))
      require_owned_by_provider(*existing, provider, qualified_name(table.schema_name, table.table_name));
    Rows rows = spi.query(std::string("SELECT ") + kRowColumns +
                              " FROM metamigrate.meta_table WHERE (schema_name = $1::name AND table_name = $2::name) "
                              "OR (provider = $3 AND identifier = $4) ORDER BY reserved_at",
                          {table.schema_name, table.table_name, provider.key, table.identifier});
    std::vector<CatalogRow> candidates;
    for (const Row& r : rows) candidates.push_back(to_row(r));
    ReserveMatch match = match_reservation(table, provider.key, candidates);
    const std::string source = table.data_source_uid.empty() ? this_source : table.data_source_uid;
    const std::string table_namespace = table.namespace_.empty() ? provider.package : table.namespace_;
    std::string uid = match.uid;
    std::string status = "reserved";
    if (match.outcome == ReserveOutcome::Create) {
      Rows inserted = spi.query(
          "INSERT INTO metamigrate.meta_table (identifier, namespace, provider, data_source_uid, schema_name, "
          "table_name, kind, status, table_contract) VALUES ($1, $2, $3, $4::uuid, $5::name, $6::name, $7, "
          "'reserved', $8::jsonb) RETURNING uid::text",
          {table.identifier, table_namespace, provider.key, source, table.schema_name, table.table_name, table.kind,
           table.contract_json});
      uid = *inserted[0][0];
    } else if (match.outcome == ReserveOutcome::Revive) {
      spi.execute(
          "UPDATE metamigrate.meta_table SET status = 'reserved', retired_at = NULL, table_oid = NULL, "
          "reserved_at = pg_catalog.now(), table_contract = $2::jsonb WHERE uid = $1::uuid",
          {uid, table.contract_json});
    } else {
      for (const auto& c : candidates)
        if (c.uid == uid) status = c.status;
    }
    tables.push_back({{"uid", uid},
                      {"identifier", table.identifier},
                      {"namespace", table_namespace},
                      {"kind", table.kind},
                      {"status", status},
                      {"schema_name", table.schema_name},
                      {"table_name", table.table_name},
                      {"data_source_uid", source},
                      {"created", match.outcome == ReserveOutcome::Create},
                      {"matched_by", match.matched_by.empty() ? json() : json(match.matched_by)}});
  }
  spi.finish();
  return json{{"ok", true},
              {"migration_package", provider.package},
              {"migration_namespace", provider.namespace_},
              {"migration_provider_key", provider.key},
              {"data_source_uid", this_source},
              {"alembic_version_meta_table_uid", version_row["uid"]},
              {"tables", tables}}
      .dump();
}

int retire_dropped_tables(ProviderCatalog& catalog, const Provider& provider) {
  RunAs as_catalog_owner(catalog.owner());
  return static_cast<int>(catalog.spi().execute(
      "UPDATE metamigrate.meta_table m SET status = 'retired', retired_at = pg_catalog.now(), table_oid = NULL "
      "WHERE m.provider = $1 AND m.status = 'active' AND m.kind <> 'alembic_version' "
      "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = m.table_oid) "
      "AND pg_catalog.to_regclass(pg_catalog.format('%I.%I', m.schema_name, m.table_name)) IS NULL",
      {provider.key}));
}

std::string finalize(const std::string& request_json) {
  FinalizeRequest request = parse_finalize_request(request_json);
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = provider_for(catalog, request.provider, "finalize tables");
  catalog.lock_provider(provider);
  ensure_version_row(catalog, provider);
  RunAs as_catalog_owner(catalog.owner());

  json tables = json::array();
  std::vector<CatalogRow> missing;
  int finalized = 0, retired = 0;
  for (const std::string& uid : request.meta_table_uids) {
    Rows rows =
        spi.query(std::string("SELECT ") + kRowColumns + " FROM metamigrate.meta_table WHERE uid = $1::uuid", {uid});
    if (rows.empty()) throw Error(sqlstate::kUndefinedObject, "meta table " + uid + " is not in the catalog");
    CatalogRow row = to_row(rows[0]);
    if (row.provider_key != provider.key)
      throw Error(sqlstate::kInsufficientPrivilege, "meta table " + row.identifier + " (" + row.table_name +
                                                        ") belongs to provider \"" + row.provider_key + "\"");
    auto physical = introspect(spi, row.schema_name, row.table_name);
    json result = {{"uid", row.uid},
                   {"identifier", row.identifier},
                   {"schema_name", row.schema_name},
                   {"table_name", row.table_name},
                   {"physical_table_exists", physical.has_value()}};
    if (physical) {
      require_owned_by_provider(*physical, provider, qualified_name(row.schema_name, row.table_name));
      const std::string hash = sha256_hex(physical->contract);
      spi.execute(
          "UPDATE metamigrate.meta_table SET status = 'active', table_contract = $2::jsonb, storage_hash = $3, "
          "table_oid = $4::pg_catalog.int8::oid, finalized_at = pg_catalog.now(), finalized_revision = $5, "
          "retired_at = NULL WHERE uid = $1::uuid",
          {row.uid, physical->contract, hash, physical->oid,
           request.alembic_revision.empty() ? Value() : Value(request.alembic_revision)});
      ++finalized;
      result["status"] = "active";
      result["storage_hash"] = hash;
    } else if (request.operation != "upgrade") {
      // A downgrade (or stamp) that removed the table retires its row.
      if (row.status == "active") {
        spi.execute(
            "UPDATE metamigrate.meta_table SET status = 'retired', retired_at = pg_catalog.now(), table_oid = NULL "
            "WHERE uid = $1::uuid",
            {row.uid});
        ++retired;
        row.status = "retired";
      }
      result["status"] = row.status;
    } else {
      missing.push_back(row);
      result["status"] = row.status;
    }
    tables.push_back(result);
  }
  if (!missing.empty())
    throw Error(sqlstate::kPhysicalState,
                "physical state error for provider \"" + provider.key + "\": " + physical_state_message(missing),
                std::to_string(missing.size()) + " of " + std::to_string(request.meta_table_uids.size()) +
                    " managed tables have no physical table after " + request.operation +
                    (request.alembic_revision.empty() ? "" : " to " + request.alembic_revision) + ".",
                "Add a revision that creates them, or remove them from the manifest's metatables.");

  // Active rows of this provider whose table is gone (dropped by one of its
  // own revisions and no longer declared) are retired too.
  retired += retire_dropped_tables(catalog, provider);

  Rows counts = spi.query(
      "SELECT pg_catalog.count(*) FILTER (WHERE status = 'active'), pg_catalog.count(*) FILTER (WHERE status = "
      "'reserved') "
      "FROM metamigrate.meta_table WHERE provider = $1 AND kind <> 'alembic_version'",
      {provider.key});
  spi.finish();
  return json{{"ok", true},
              {"migration_provider_key", provider.key},
              {"alembic_revision", request.alembic_revision},
              {"operation", request.operation},
              {"counts",
               {{"finalized", finalized},
                {"active", std::stoi(counts[0][0].value_or("0"))},
                {"reserved", std::stoi(counts[0][1].value_or("0"))},
                {"retired", retired},
                {"failed", 0}}},
              {"tables", tables}}
      .dump();
}

std::vector<AttachedTable> attach(const std::vector<std::string>& names) {
  SpiSession spi;
  std::vector<AttachedTable> out;
  std::vector<std::string> problems;
  for (const std::string& name : names) {
    const std::size_t dot = name.find('.');
    const std::string schema = dot == std::string::npos ? std::string() : name.substr(0, dot);
    const std::string table = dot == std::string::npos ? name : name.substr(dot + 1);
    Rows rows = spi.query(
        "SELECT uid::text, identifier, schema_name::text, table_name::text, status FROM metamigrate.meta_table "
        "WHERE table_name = $1::name AND ($2 = '' OR schema_name = $2::name) AND status <> 'retired' "
        "ORDER BY schema_name",
        {table, schema});
    if (rows.empty()) {
      problems.push_back(name + " (not managed)");
      continue;
    }
    if (rows.size() > 1) {
      problems.push_back(name + " (ambiguous: qualify it with its schema)");
      continue;
    }
    AttachedTable t{*rows[0][0], *rows[0][1], *rows[0][2], *rows[0][3], *rows[0][4]};
    if (t.status != "active") {
      problems.push_back(name + " (status=" + t.status + ")");
      continue;
    }
    Rows exists =
        spi.query("SELECT pg_catalog.to_regclass($1) IS NOT NULL", {qualified_name(t.schema_name, t.table_name)});
    if (exists.empty() || *exists[0][0] != "t") {
      problems.push_back(name + " (physical table missing)");
      continue;
    }
    out.push_back(std::move(t));
  }
  spi.finish();
  if (!problems.empty())
    throw Error(sqlstate::kNotAttachable, "cannot attach managed tables: " + join(problems), {},
                "Run `metamigrate upgrade` for the provider that declares them.");
  return out;
}

void run_after_register(const std::string& key, const std::string& hook, const std::string& finalized_json) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "run the after_register hook of provider \"" + key + "\"");
  if (!is_function_name(hook))
    throw Error(sqlstate::kInvalidParameter, "after_register hook \"" + hook + "\" is not a function name", {},
                "Give a name such as public.refresh_catalog (a function taking one jsonb argument).");
  Rows fn = spi.query("SELECT pg_catalog.to_regprocedure($1 || '(jsonb)')::regproc::text", {hook});
  if (fn.empty() || !fn[0][0])
    throw Error(sqlstate::kUndefinedObject, "after_register hook " + hook + "(jsonb) does not exist", {},
                "Create it (a function taking one jsonb argument) or set \"after_register\" to null.");
  {
    // Whatever the hook SETs ends with it, as a revision's settings do.
    GucScope hook_settings;
    RunAs as_owner(provider.owner_oid);
    spi.execute("SELECT " + *fn[0][0] + "($1::jsonb)", {finalized_json});
  }
  spi.finish();
}

}  // namespace mm::pg
