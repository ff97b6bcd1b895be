// A table of the schema model, from its catalog rows straight to the
// model's text: the same text ModelWriter::add prints for the same table
// given as JSON (normalize_model_item, then dump()), without building a
// JSON tree for every table, column and index (for 2,000 tables that cost
// a fifth of the snapshot).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mm::schema {

using CatalogText = std::optional<std::string>;  // a catalog cell: text or null

struct ColumnRow {
  std::string name, type;
  bool not_null = false;
  CatalogText default_value, default_source, generated;
  CatalogText identity;  // JSON text
  CatalogText collation, comment;
};

// The table and columns a foreign key references (the model's
// "references": {"columns", "schema", "table"}).
struct ForeignKeyTarget {
  std::string schema, table;
  std::vector<std::string> columns;
};

struct ConstraintRow {
  std::string name;
  std::string type;        // the model's word: "primary key", "foreign key", ...
  std::string definition;  // pg_get_constraintdef()
  std::vector<std::string> columns;
  std::optional<ForeignKeyTarget> references;  // foreign keys
  bool deferrable = false, deferred = false, validated = true;
  CatalogText partitions;  // JSON text
  CatalogText comment;
};

struct IndexRow {
  std::string name;
  std::string definition;  // pg_get_indexdef()
  std::string method;
  bool unique = false, nulls_not_distinct = false;
  CatalogText include;  // JSON text
  CatalogText predicate;
  CatalogText options, partitions;  // JSON text
  CatalogText comment;
};

struct TriggerRow {
  std::string name, definition;
  CatalogText comment;
};

struct PolicyRow {
  std::string name, command;
  bool permissive = true;
  CatalogText roles;  // JSON text
  CatalogText using_expression, with_check, comment;
};

struct TableRow {
  std::string schema, name;
  std::string kind;  // "table" or "partitioned table"
  bool unlogged = false, row_security = false, force_row_security = false;
  CatalogText partition_by;
  CatalogText partition_of;  // JSON text
  CatalogText partition_bound;
  CatalogText inherits, options;  // JSON text
  CatalogText comment;
  CatalogText inherited_columns;   // JSON text
  std::vector<ColumnRow> columns;  // the table's own, in attnum order
  std::vector<ConstraintRow> constraints;
  std::vector<IndexRow> indexes;
  std::vector<TriggerRow> triggers;
  std::vector<PolicyRow> policies;
};

// The name ModelWriter sorts the table by.
std::string table_sort_name(const TableRow& table);

// The table's model text. Throws mm::Error on an index definition whose
// key columns cannot be read, and nlohmann's errors on bad JSON cells.
std::string table_text(const TableRow& table);

}  // namespace mm::schema
