// Index definitions as pg_get_indexdef(oid) prints them, composed from the
// catalog row for the common plain index (key columns only, default
// operator classes and collations, no expression, predicate, options or
// ordering) instead of deparsed: the deparse looked up the default
// operator class with an uncached scan of pg_opclass per column and was a
// sixth of a cold snapshot of 2,000 tables (bench/RESULTS.md). Any index
// this cannot prove plain is deparsed by pg_get_indexdef itself.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "extension/base/postgres.hpp"

namespace mm::pg {

// A table column, as the columns scan reads it.
struct TableColumn {
  std::string name;
  Oid type = InvalidOid;
  Oid collation = InvalidOid;
};
// By attnum, as the catalog's vectors spell it ("3").
using TableColumns = std::unordered_map<std::string, TableColumn>;

// One index row of the scan. `key_columns`, `operator_classes` and
// `collations` are the pg_index vectors as text ("1 3").
struct IndexFacts {
  Oid oid = InvalidOid;
  const std::string* schema = nullptr;  // the table's
  const std::string* table = nullptr;
  const std::string* name = nullptr;
  const std::string* method = nullptr;  // access method name
  Oid method_oid = InvalidOid;
  bool unique = false;
  const std::string* key_columns = nullptr;
  const std::string* operator_classes = nullptr;
  const std::string* collations = nullptr;
};

class IndexDefinitions {
 public:
  // The definition of an index whose structure the scan found plain.
  std::string of(const IndexFacts& index, const TableColumns& columns);

 private:
  // The composed text, or empty when a column needs more than its name.
  std::string composed(const IndexFacts& index, const TableColumns& columns);
  Oid default_operator_class(Oid type, Oid method);

  std::map<std::pair<Oid, Oid>, Oid> default_operator_classes_;  // (type, method)
};

}  // namespace mm::pg
