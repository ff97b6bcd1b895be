#include "extension/autogenerate/snapshot_dependencies.hpp"

#include <cstdlib>
#include <set>
#include <unordered_map>

#include "core/error.hpp"

namespace mm::pg {

namespace {

constexpr const char* kObjectsSql = "\nSELECT classid, objid, objsubid, kind, k1, k2, k3, k4 FROM objs";

// Normal and automatic dependencies only: internal ones tie an object to
// the one it is part of, extension ones are the membership read in `objs`.
constexpr const char* kDependsSql =
    "SELECT classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype FROM pg_catalog.pg_depend "
    "WHERE deptype IN ('n', 'a')";

// Extensions outside the compared schemas, by name ($2).
constexpr const char* kExtensionsSql = R"SQL(
SELECT e.extname, en.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace en ON en.oid = e.extnamespace
 WHERE e.extname NOT IN ('metamigrate', 'plpgsql') AND e.extnamespace NOT IN (SELECT oid FROM nsp)
   AND e.extname = ANY ($2::pg_catalog.text[]))SQL";

constexpr std::size_t kBatch = 1024;
constexpr std::size_t kKeyParts = 5;  // kind, k1 ... k4

struct ObjectAddress {
  unsigned long classid, objid;
  long subid;
  bool operator==(const ObjectAddress& other) const {
    return classid == other.classid && objid == other.objid && subid == other.subid;
  }
};

struct AddressHash {
  std::size_t operator()(const ObjectAddress& a) const {
    return std::hash<unsigned long>()(a.classid * 1000003UL ^ a.objid) ^ std::hash<long>()(a.subid);
  }
};

// A model key: as the edge prints it (its non-null parts, a JSON array),
// and all its parts with nulls marked, to tell two keys apart as SQL's IS
// DISTINCT FROM does.
struct ModelKey {
  std::string json;
  std::string parts;
  std::string kind;
  std::string first;  // k1: an extension key's extension name
};

const std::string& cell(const Row& row, std::size_t column) { return required_cell(row, column, "snapshot scan"); }

ObjectAddress address(const Row& row, std::size_t first) {
  return {std::strtoul(cell(row, first).c_str(), nullptr, 10), std::strtoul(cell(row, first + 1).c_str(), nullptr, 10),
          std::strtol(cell(row, first + 2).c_str(), nullptr, 10)};
}

ModelKey model_key(const Row& row) {
  ModelKey key;
  nlohmann::json parts = nlohmann::json::array();
  for (std::size_t i = 3; i < 3 + kKeyParts; ++i) {
    if (i >= row.size()) throw Error(sqlstate::kInternal, "snapshot scan returned a bad row");
    if (row[i]) {
      parts.push_back(*row[i]);
      key.parts += *row[i];
    } else {
      key.parts += '\x02';
    }
    key.parts += '\x01';
  }
  key.json = parts.dump();
  key.kind = cell(row, 3);
  if (row[4]) key.first = *row[4];
  return key;
}

}  // namespace

void add_dependencies(SpiSession& spi, const std::string& object_keys_sql, std::vector<Value> params,
                      schema::ModelWriter& writer) {
  // An object may stand in `objs` more than once; each of its keys makes
  // an edge, as the join did.
  std::vector<ModelKey> keys;
  std::unordered_multimap<ObjectAddress, std::size_t, AddressHash> key_of;
  spi.for_each_row(object_keys_sql + kObjectsSql, params, kBatch, [&](Row& row) {
    key_of.emplace(address(row, 0), keys.size());
    keys.push_back(model_key(row));
  });
  std::set<std::string> extensions_used;
  spi.for_each_row(kDependsSql, {}, kBatch, [&](Row& row) {
    auto [dependents, dependents_end] = key_of.equal_range(address(row, 0));
    if (dependents == dependents_end) return;
    auto [referenced_begin, referenced_end] = key_of.equal_range(address(row, 3));
    const bool automatic = cell(row, 6) == "a";
    for (; dependents != dependents_end; ++dependents) {
      const ModelKey& a = keys[dependents->second];
      if (a.kind == "extension") continue;
      // A sequence's dependency on the column that owns it is modelled as owned_by.
      if (a.kind == "sequence" && automatic) continue;
      for (auto referenced = referenced_begin; referenced != referenced_end; ++referenced) {
        const ModelKey& b = keys[referenced->second];
        if (a.parts == b.parts) continue;
        if (b.kind == "extension") extensions_used.insert(b.first);
        writer.add_dependency_text("[" + a.json + "," + b.json + "]");
      }
    }
  });
  if (extensions_used.empty()) return;
  params.push_back(text_array_literal(extensions_used));
  spi.for_each_row(object_keys_sql + kExtensionsSql, params, kBatch, [&](Row& row) {
    writer.add("extensions", nlohmann::json{{"name", cell(row, 0)}, {"schema", cell(row, 1)}});
  });
}

}  // namespace mm::pg
