// The provider manifest `metamigrate.json` (format in CONTRACT.md).
#pragma once

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

struct MetaTableEntry {
  std::string table;
  std::string identifier;
  std::string kind;
};

struct Manifest {
  std::string package;
  std::string namespace_;
  std::string owner_role;
  VersionTableSettings version_table;
  std::vector<std::string> schemas{"public"};
  std::vector<std::string> schema_files{"schema/*.sql"};
  std::vector<MetaTableEntry> metatables;
  nlohmann::json after_register;  // null or a string

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
