// The dependency edges of the snapshot: pg_depend rows between objects the
// model knows, as [dependent key, referenced key] pairs, joined here from
// two flat scans (the objects' keys and pg_depend) instead of a join of
// pg_depend with the key set twice in SQL, which sorted and hashed tens of
// thousands of text keys and was a third of the snapshot (bench/RESULTS.md).
#pragma once

#include <string>
#include <vector>

#include "core/schema/normalize.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

// Adds the edges to the writer, and the extensions outside the compared
// schemas that some object of the model depends on. `object_keys_sql` is
// a WITH clause (taking the text parameters `params`) that defines `nsp`
// (the compared schemas) and `objs` (classid, objid, objsubid, kind, k1,
// k2, k3, k4): every object the model knows, with its key's parts (null
// where unused).
void add_dependencies(SpiSession& spi, const std::string& object_keys_sql, std::vector<Value> params,
                      schema::ModelWriter& writer);

}  // namespace mm::pg
