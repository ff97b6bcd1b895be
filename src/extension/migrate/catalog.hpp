// Reads and writes of metamigrate's catalog and of a provider's version
// table. ProviderCatalog writes run as the catalog owner; the version table is
// created, read and written only as the provider's owner role, and only
// when it is a plain table that role owns.
#pragma once

#include <optional>
#include <set>

#include "core/revisions/revision.hpp"
#include "core/revisions/upload.hpp"
#include "extension/base/security.hpp"

namespace mm::pg {

struct Provider {
  std::string key;
  std::string package;
  std::string namespace_;
  std::string owner_role;
  std::string version_schema;
  std::string version_table;
  std::string version_column;
  std::string search_path;
  Oid owner_oid = InvalidOid;
  std::optional<std::vector<std::string>> schemas;  // the manifest's "schemas", once set
};

// Same owner role and version table (what a registration fixes).
bool same_registration(const Provider& a, const Provider& b);

class ProviderCatalog {
 public:
  explicit ProviderCatalog(SpiSession& spi);

  SpiSession& spi() { return spi_; }
  Oid owner() const { return catalog_owner_; }

  // Throws undefined_object when the provider is not registered.
  Provider load_provider(const std::string& key);  // throws 42704 when not registered
  std::optional<Provider> find_provider(const std::string& key);
  // Inserts the provider, or confirms an identical registration. Returns
  // true when it was inserted.
  bool register_provider(const Provider& provider);

  // Serializes migrators of one provider until the transaction ends.
  // With wait=false, fails at once (MM006) naming the holder's pid, user
  // and start time.
  void lock_provider(const Provider& provider, bool wait = true);

  // Graph fields and checksums of every stored revision (no SQL text).
  std::vector<StoredRevision> load_revisions(const Provider& provider);
  std::string load_sql(const Provider& provider, const std::string& revision, bool upgrade);
  void store_revision(const Provider& provider, const UploadedRevision& revision, const std::string& checksum);
  void delete_revision(const Provider& provider, const std::string& revision);

  // Whether the version table exists; throws when the name resolves to
  // anything but a plain table owned by the provider's owner role.
  bool version_table_exists(const Provider& provider);
  // Creates the version table in Alembic's exact DDL when missing.
  void ensure_version_table(const Provider& provider);
  std::vector<std::string> read_heads(const Provider& provider);
  void update_heads(const Provider& provider, const std::vector<std::string>& delete_rows,
                    const std::vector<std::string>& insert_rows);

  void record_history(const Provider& provider, const std::string& revision, const char* direction, double seconds,
                      const std::optional<std::string>& checksum, const std::vector<std::string>& heads_after);

 private:
  SpiSession& spi_;
  Oid catalog_owner_;
};

// JSON array text for a list of strings, for `ARRAY(SELECT jsonb_array_elements_text($n::jsonb))`.
std::string json_string_array(const std::vector<std::string>& items);

}  // namespace mm::pg
