#include "extension/verify/schema_state.hpp"

#include <unordered_map>

#include "core/error.hpp"
#include "core/schema/compare.hpp"
#include "extension/autogenerate/snapshot.hpp"
#include "extension/base/sha256.hpp"
#include "extension/base/subtransaction.hpp"

namespace mm::pg {

namespace {

std::vector<std::string> provider_schemas(ProviderCatalog& catalog, const Provider& provider) {
  Rows rows = catalog.spi().query(
      "SELECT pg_catalog.to_json(COALESCE(schemas, ARRAY[version_schema::text]))::text "
      "FROM metamigrate.provider WHERE provider_key = $1",
      {provider.key});
  std::vector<std::string> out;
  if (!rows.empty() && rows[0][0])
    for (const auto& s : nlohmann::json::parse(*rows[0][0])) out.push_back(s.get<std::string>());
  return out;
}

// Objects written at a time.
constexpr std::size_t kStoredBatch = 256;

// The stored snapshot, one row per object (metamigrate.schema_state_object),
// written in batches as the snapshot reads the objects; only the rows of
// objects whose text changed are sent, found by the digests of the rows
// stored (an upsert of every row locked each one, about 55 bytes of WAL
// per object for a migration that changed none). So capturing holds one
// batch and the objects' names and digests, not the model, and a
// migration writes what it changed.
class StoredObjects {
 public:
  StoredObjects(ProviderCatalog& catalog, std::string provider) : catalog_(catalog), provider_(std::move(provider)) {
    // The text's bytes as stored (no conversion: the database's encoding).
    catalog_.spi().for_each_row(
        "SELECT section, name, pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(model, "
        "pg_catalog.getdatabaseencoding())), 'hex') FROM metamigrate.schema_state_object WHERE provider = $1",
        {provider_}, kStoredBatch, [&](Row& row) {
          if (row.size() != 3 || !row[0] || !row[1] || !row[2])
            throw Error(sqlstate::kInternal, "bad row in metamigrate.schema_state_object");
          stored_digests_.emplace(object_key(*row[0], *row[1]), std::move(*row[2]));
        });
  }

  void add(const std::string& section, const std::string& name, std::string text) {
    append_text_array_element(seen_sections_, section);
    append_text_array_element(seen_names_, name);
    ++objects_;
    const auto stored = stored_digests_.find(object_key(section, name));
    if (stored != stored_digests_.end() && stored->second == sha256_hex(text)) return;  // unchanged
    batch_sections_.push_back(section);
    batch_names_.push_back(name);
    batch_texts_.push_back(std::move(text));
    if (batch_texts_.size() == kStoredBatch) flush();
  }

  // Writes the last batch, removes the rows of objects that are gone and
  // returns how many objects the snapshot has.
  long finish() {
    flush();
    RunAs as_catalog_owner(catalog_.owner());
    catalog_.spi().execute(
        "DELETE FROM metamigrate.schema_state_object o WHERE o.provider = $1 AND NOT EXISTS ("
        "SELECT 1 FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[])) "
        "AS seen(section, name) "
        "WHERE seen.section = o.section AND seen.name = o.name)",
        {provider_, seen_sections_ + "}", seen_names_ + "}"});
    return objects_;
  }

 private:
  static std::string object_key(const std::string& section, const std::string& name) { return section + '\0' + name; }

  ProviderCatalog& catalog_;
  const std::string provider_;
  std::unordered_map<std::string, std::string> stored_digests_;  // object_key -> hex sha256 of the stored text
  std::vector<std::string> batch_sections_, batch_names_, batch_texts_;
  // Every object's section and name, as the text[] literals (still open)
  // that the final DELETE takes.
  std::string seen_sections_ = "{", seen_names_ = "{";
  long objects_ = 0;

  void flush() {
    if (batch_texts_.empty()) return;
    RunAs as_catalog_owner(catalog_.owner());
    catalog_.spi().execute(
        "INSERT INTO metamigrate.schema_state_object AS o (provider, section, name, model) "
        "SELECT $1, x.section, x.name, x.model "
        "FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), "
        "pg_catalog.unnest($4::pg_catalog.text[])) AS x(section, name, model) "
        "ON CONFLICT (provider, section, name) DO UPDATE SET model = EXCLUDED.model "
        "WHERE o.model IS DISTINCT FROM EXCLUDED.model",
        {provider_, text_array_literal(batch_sections_), text_array_literal(batch_names_),
         text_array_literal(batch_texts_)});
    batch_sections_.clear();
    batch_names_.clear();
    batch_texts_.clear();
  }
};

// The model stored after the last migration, put together again.
nlohmann::json stored_model(SpiSession& spi, const std::string& provider) {
  mm::schema::ModelWriter writer;
  spi.for_each_row("SELECT section, name, model FROM metamigrate.schema_state_object WHERE provider = $1", {provider},
                   kStoredBatch, [&](Row& row) {
                     if (row.size() != 3 || !row[0] || !row[1] || !row[2])
                       throw Error(sqlstate::kInternal, "bad row in metamigrate.schema_state_object");
                     writer.add_printed(*row[0], std::move(*row[1]), std::move(*row[2]));
                   });
  return nlohmann::json::parse(writer.finish());
}

}  // namespace

void capture_schema_state(ProviderCatalog& catalog, const Provider& provider) {
  const std::vector<std::string> schemas = provider_schemas(catalog, provider);
  const std::vector<std::string> heads = catalog.read_heads(provider);
  long objects = 0;
  std::optional<std::string> failure = in_subtransaction([&] {
    StoredObjects stored(catalog, provider.key);
    mm::schema::ModelWriter writer([&](const std::string& section, const std::string& name, std::string text) {
      stored.add(section, name, std::move(text));
    });
    snapshot_into(schemas, SnapshotKind::StoredState, writer);
    objects = stored.finish();
  });
  RunAs as_catalog_owner(catalog.owner());
  catalog.spi().execute(
      "INSERT INTO metamigrate.schema_state AS s (provider, heads, schemas, objects, capture_error) "
      "VALUES ($1, ARRAY(SELECT pg_catalog.jsonb_array_elements_text($2::pg_catalog.jsonb)), "
      "ARRAY(SELECT pg_catalog.jsonb_array_elements_text($3::pg_catalog.jsonb)), $4::pg_catalog.int4, $5) "
      "ON CONFLICT (provider) DO UPDATE SET captured_at = pg_catalog.clock_timestamp(), heads = EXCLUDED.heads, "
      "schemas = EXCLUDED.schemas, objects = EXCLUDED.objects, capture_error = EXCLUDED.capture_error",
      {provider.key, json_string_array(heads), json_string_array(schemas),
       failure ? Value() : Value(std::to_string(objects)), failure ? Value(*failure) : Value()});
}

std::vector<Finding> verify_provider(const std::string& key) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  std::vector<Finding> out;
  Rows state = spi.query(
      "SELECT pg_catalog.to_json(heads)::text, pg_catalog.to_json(schemas)::text, objects, capture_error "
      "FROM metamigrate.schema_state WHERE provider = $1",
      {key});
  if (state.empty()) {
    out.push_back({"stale", "no stored state for provider " + key + ": run an upgrade, downgrade or stamp first"});
    spi.finish();
    return out;
  }
  const Row& s = state[0];
  const std::vector<std::string> heads_now = catalog.read_heads(provider);
  std::vector<std::string> heads_then;
  for (const auto& h : nlohmann::json::parse(*s[0])) heads_then.push_back(h.get<std::string>());
  if (heads_then != heads_now)
    out.push_back({"stale", "the stored state belongs to heads [" + join(heads_then) + "], the version table holds [" +
                                join(heads_now) +
                                "]: it was changed outside metamigrate, or a migration was interrupted"});
  if (!s[2]) {
    out.push_back({"error", "no snapshot was stored after the last migration: " + s[3].value_or("unknown error")});
  } else {
    std::vector<std::string> schemas;
    for (const auto& name : nlohmann::json::parse(*s[1])) schemas.push_back(name.get<std::string>());
    const nlohmann::json stored = stored_model(spi, key);
    const nlohmann::json live = snapshot_model(schemas, SnapshotKind::StoredState);
    const mm::schema::DifferenceWording wording{"missing from the database (dropped outside a migration)",
                                                "added outside a migration", "changed outside a migration: ", true};
    // Dependency edges only change along with the objects that have them.
    for (auto& d : mm::schema::model_differences(stored, live, 100, wording))
      if (d.rfind("dependencies", 0) != 0) out.push_back({"drift", d});
  }
  // Who changed managed tables out of band since then.
  Rows events = spi.query(
      "SELECT pg_catalog.to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ': ' || "
      "\"session_user\" || "
      "CASE WHEN executed_as <> \"session_user\" THEN ' (as ' || executed_as || ')' ELSE '' END || ' ran ' || "
      "command_tag || ' on ' || object_identity || ' (' || identifier || ')' "
      "FROM metamigrate.ddl_event WHERE provider = $1 "
      "AND occurred_at > (SELECT captured_at FROM metamigrate.schema_state WHERE provider = $1) ORDER BY id",
      {key});
  for (const Row& e : events) out.push_back({"ddl_event", e[0].value_or("")});
  spi.finish();
  return out;
}

void set_provider_schemas(const std::string& key, const std::vector<std::string>& schemas) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "configure provider \"" + key + "\"");
  for (const auto& s : schemas)
    if (s.empty() || s.size() >= NAMEDATALEN)
      throw Error(sqlstate::kInvalidParameter, "invalid schema name \"" + s + "\"");
  RunAs as_catalog_owner(catalog.owner());
  spi.execute(
      "UPDATE metamigrate.provider SET schemas = ARRAY(SELECT "
      "pg_catalog.jsonb_array_elements_text($2::pg_catalog.jsonb)) "
      // Unchanged (every command sends them): no new row version.
      "WHERE provider_key = $1 AND schemas IS DISTINCT FROM "
      "ARRAY(SELECT pg_catalog.jsonb_array_elements_text($2::pg_catalog.jsonb))",
      {key, json_string_array(schemas)});
  spi.finish();
}

}  // namespace mm::pg
