// The dependency edges of the snapshot: pg_depend rows between objects the
// model knows, as [dependent key, referenced key] pairs, joined here from
// the objects' keys and one flat scan of pg_depend instead of a join of
// pg_depend with the key set twice in SQL, which sorted and hashed tens of
// thousands of text keys and was a third of the snapshot (bench/RESULTS.md).
// The table scans register the keys of the tables' objects as they read
// them (most of the keys: every column, default, constraint, index and row
// type), so only the other objects' keys are read by a query of their own.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "core/schema/address_index.hpp"
#include "core/schema/normalize.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

// Every catalog object the model knows, by catalog address, with its key
// in the model.
class ObjectKeys {
 public:
  // The key is the kind, then its parts (null where unused), as
  // ["column", schema, table, column]. Only trailing parts are ever null,
  // so keys that print the same are the same key.
  void add(unsigned long classid, unsigned long objid, long subid, const std::string& kind,
           std::initializer_list<const std::string*> parts);

 private:
  friend void add_dependencies(SpiSession&, const std::string&, std::vector<Value>, ObjectKeys&, schema::ModelWriter&);

  struct Key {
    std::string json;  // as the model prints it
    std::string kind;
    std::string extension;  // an extension key's extension name
  };

  std::vector<Key> keys_;
  schema::AddressIndex key_of_;  // address -> number in keys_
};

// Adds the edges to the writer, and the extensions outside the compared
// schemas that some object of the model depends on. `keys` holds the
// tables' objects (add_tables); `object_keys_sql` is a WITH clause (taking
// the text parameters `params`) that defines `nsp` (the compared schemas)
// and `objs` (classid, objid, objsubid, kind, k1, k2, k3, k4): the model's
// other objects, with their keys' parts (null where unused).
void add_dependencies(SpiSession& spi, const std::string& object_keys_sql, std::vector<Value> params, ObjectKeys& keys,
                      schema::ModelWriter& writer);

}  // namespace mm::pg
