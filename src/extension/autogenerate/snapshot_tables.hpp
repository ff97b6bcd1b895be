// The "tables" section of the snapshot, assembled from flat catalog scans:
// one scan each of the tables, their columns, constraints, indexes,
// triggers and policies, every scan sorted by table oid and merged here.
// The per-table subqueries this replaces ran a dozen index probes and
// deparse calls per table inside one plan and were most of the snapshot's
// time (bench/RESULTS.md).
#pragma once

#include <string>
#include <vector>

#include "core/schema/normalize.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

// A collation name as COLLATE takes it (schema-qualified outside
// pg_catalog), for a query that joins pg_collation co and its namespace cn.
extern const char* const kCollationNameSql;

class ObjectKeys;

// Adds every table of the model to the writer, and the keys of the
// tables' objects to `keys` unless it is null (a snapshot without
// dependency edges). `relation_sets_sql` is the WITH clause (taking the
// text parameters `params`) that defines `tab`: the model's tables (oid).
void add_tables(SpiSession& spi, const std::string& relation_sets_sql, const std::vector<Value>& params,
                schema::ModelWriter& writer, ObjectKeys* keys);

}  // namespace mm::pg
