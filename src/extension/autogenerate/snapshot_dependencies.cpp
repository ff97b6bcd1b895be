#include "extension/autogenerate/snapshot_dependencies.hpp"

#include <cstdlib>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "core/schema/json_text.hpp"

namespace mm::pg {

namespace {

constexpr const char* kObjectsSql = "\nSELECT classid, objid, objsubid, kind, k1, k2, k3, k4 FROM objs";

constexpr const char* kDependsSql =
    "SELECT classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype FROM pg_catalog.pg_depend "
    "WHERE deptype IN ('n', 'a')";

constexpr const char* kExtensionsSql = R"SQL(
SELECT e.extname, en.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace en ON en.oid = e.extnamespace
 WHERE e.extname NOT IN ('metamigrate', 'plpgsql') AND e.extnamespace NOT IN (SELECT oid FROM nsp)
   AND e.extname = ANY ($2::pg_catalog.text[]))SQL";

constexpr std::size_t kBatch = 1024;

const std::string& cell(const Row& row, std::size_t column) { return required_cell(row, column, "snapshot scan"); }

unsigned long unsigned_cell(const Row& row, std::size_t column) {
  return std::strtoul(cell(row, column).c_str(), nullptr, 10);
}

// Oids and attnums fit the index's 32 bits (objsubid is an int4).
schema::CatalogAddress address(unsigned long classid, unsigned long objid, long subid) {
  return {static_cast<std::uint32_t>(classid), static_cast<std::uint32_t>(objid), static_cast<std::int32_t>(subid)};
}

}  // namespace

void ObjectKeys::add(unsigned long classid, unsigned long objid, long subid, const std::string& kind,
                     std::initializer_list<const std::string*> parts) {
  // The key's JSON text is printed here rather than through a JSON tree:
  // the model has tens of thousands of keys.
  Key key;
  key.kind = kind;
  key.json = "[";
  schema::append_json_string(key.json, kind);
  for (const std::string* part : parts) {
    if (!part) continue;
    key.json += ',';
    schema::append_json_string(key.json, *part);
  }
  key.json += ']';
  if (kind == "extension" && parts.size() > 0 && *parts.begin()) key.extension = **parts.begin();
  key_of_.add(address(classid, objid, subid), keys_.size());
  keys_.push_back(std::move(key));
}

void add_dependencies(SpiSession& spi, const std::string& object_keys_sql, std::vector<Value> params, ObjectKeys& keys,
                      schema::ModelWriter& writer) {
  spi.for_each_row(object_keys_sql + kObjectsSql, params, kBatch, [&](Row& row) {
    if (row.size() != 8) throw Error(sqlstate::kInternal, "snapshot scan returned a bad row");
    auto part = [&](std::size_t column) { return row[column] ? &*row[column] : nullptr; };
    keys.add(unsigned_cell(row, 0), unsigned_cell(row, 1), std::strtol(cell(row, 2).c_str(), nullptr, 10), cell(row, 3),
             {part(4), part(5), part(6), part(7)});
  });
  auto address_at = [](const Row& row, std::size_t first) {
    return address(unsigned_cell(row, first), unsigned_cell(row, first + 1),
                   std::strtol(cell(row, first + 2).c_str(), nullptr, 10));
  };
  std::set<std::string> extensions_used;
  spi.for_each_row(kDependsSql, {}, kBatch, [&](Row& row) {
    // The other end is read only for rows whose dependent the model has.
    std::optional<schema::CatalogAddress> referenced;
    keys.key_of_.each(address_at(row, 0), [&](std::size_t dependent_number) {
      if (!referenced) referenced = address_at(row, 3);
      const bool automatic = cell(row, 6) == "a";
      const ObjectKeys::Key& a = keys.keys_[dependent_number];
      if (a.kind == "extension") return;
      if (a.kind == "sequence" && automatic) return;
      keys.key_of_.each(*referenced, [&](std::size_t referenced_number) {
        const ObjectKeys::Key& b = keys.keys_[referenced_number];
        if (a.json == b.json) return;
        if (b.kind == "extension") extensions_used.insert(b.extension);
        writer.add_dependency_text("[" + a.json + "," + b.json + "]");
      });
    });
  });
  if (extensions_used.empty()) return;
  params.push_back(text_array_literal(extensions_used));
  spi.for_each_row(object_keys_sql + kExtensionsSql, params, kBatch, [&](Row& row) {
    writer.add("extensions", nlohmann::json{{"name", cell(row, 0)}, {"schema", cell(row, 1)}});
  });
}

}  // namespace mm::pg
