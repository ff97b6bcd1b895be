// Index and constraint definitions as pg_get_indexdef(oid) and
// pg_get_constraintdef(oid) print them, composed from the catalog rows for
// the common plain cases instead of deparsed. The deparse was a fifth of a
// cold snapshot of 2,000 tables (bench/RESULTS.md): pg_get_indexdef looks
// up the default operator class with an uncached scan of pg_opclass per
// column, pg_get_constraintdef reads its row with a catalog scan. Plain
// means: an index of key columns only, with their default operator
// classes and collations and no expression, predicate, options or
// ordering; a primary key or unique constraint without INCLUDE or NULLS
// NOT DISTINCT; a foreign key without ON DELETE SET NULL/DEFAULT columns.
// Anything else is deparsed by PostgreSQL itself.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/schema/table_text.hpp"
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

// "1 3" (an int2vector or oidvector as text) or "2,1" (an int2[] joined
// by array_to_string) as its items.
std::vector<std::string> list_items(const std::string& list, char separator);

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

// One constraint row of the scan whose definition the scan left out.
struct ConstraintFacts {
  Oid oid = InvalidOid;
  char type = 0;                             // contype: 'p', 'u' or 'f'
  const std::string* key_columns = nullptr;  // conkey as "2,1"
  bool deferrable = false, deferred = false, validated = true;
  // Foreign keys: what they reference, and the match type and actions as
  // pg_constraint spells them.
  const schema::ForeignKeyTarget* references = nullptr;
  char match = 's', on_update = 'a', on_delete = 'a';
};

// The definition of a constraint the scan found plain.
std::string constraint_definition(const ConstraintFacts& constraint, const TableColumns& columns);

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
