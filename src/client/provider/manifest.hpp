// The provider manifest `metamigrate.json` (format in CONTRACT.md).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mmc {

inline constexpr const char* kManifestFileName = "metamigrate.json";

struct VersionTableSettings {
  std::string schema = "public";
  std::string name;  // default <package>_alembic_version
  std::string column = "version_num";
};

// A managed table of the provider (the MetaTable catalog reserves and
// finalizes these around every upgrade and downgrade).
struct MetaTableEntry {
  std::string table;       // physical table name: the migration identity
  std::string schema;      // default: the version table's schema (where unqualified revision SQL creates tables)
  std::string identifier;  // logical identifier; default: the table name
  std::string kind = "meta_table";  // or "time_index_meta_table"
  std::string namespace_;           // catalog namespace; default: the package (server side)
};

// Defaults of `upgrade`/`downgrade` that the command line may override.
struct MigrationDefaults {
  std::string lock_timeout_ms;       // empty: leave the server's setting
  std::string statement_timeout_ms;  // empty: leave the server's setting
  std::string lock_retries;          // empty: leave the server's setting (0: no retry)
  std::string retry_min_ms, retry_max_ms;
  std::string index_wait_timeout_ms;     // empty: concurrent index builds wait under lock_timeout
  std::string old_transaction_age_ms;    // empty: the server's (metamigrate.old_transaction_age)
  std::string cancel_blockers_after_ms;  // empty or "0": never
  bool transaction_per_revision = false;
};

// Schema per tenant: the same revisions applied to every schema the query
// returns (run on the target database), each as a provider of its own
// (see docs/fleet.md and client/tenant.hpp).
struct TenantSchemas {
  std::string query;                     // empty: no tenant schemas
  std::string placeholder = "{tenant}";  // replaced in revision SQL and manifest schema names

  bool enabled() const { return !query.empty(); }
};

struct Manifest {
  std::string package;
  std::string namespace_;
  std::string owner_role;
  VersionTableSettings version_table;
  std::vector<std::string> schemas{"public"};
  std::vector<std::string> schema_files{"schema/*.sql"};
  std::vector<MetaTableEntry> metatables;
  nlohmann::json after_register;  // null or a string: schema.function taking one jsonb
  MigrationDefaults defaults;
  TenantSchemas tenant_schemas;
  std::map<std::string, int> key_lines;  // line of top-level keys in the file (for messages)
  std::string display;                   // the manifest's path as shown

  int line_of(const std::string& key) const {
    auto it = key_lines.find(key);
    return it == key_lines.end() ? 1 : it->second;
  }

  // The provider key used by the server: "package:namespace".
  std::string key() const { return package + ":" + namespace_; }
};

// A manifest with the defaults `scaffold` writes.
Manifest default_manifest(const std::string& package, const std::string& namespace_, const std::string& owner_role);

// Parses manifest text; every problem is an InputError naming `display`
// and the line (of the JSON syntax error, or of the offending key).
Manifest parse_manifest(const std::string& text, const std::string& display);
Manifest load_manifest(const std::string& path, const std::string& display);

// The manifest as pretty JSON, as scaffold writes it.
std::string render_manifest(const Manifest& manifest);

// Throws UsageError unless `value` is usable as a package or namespace:
// letters, digits, '_', '-', '.' (the server's rule; the namespace is also
// a directory name).
void validate_key_part(const std::string& value, const char* what);

}  // namespace mmc
