// metamigrate.snapshot(): reads the system catalogs of the given schemas
// into the schema model (docs/autogenerate.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/schema/normalize.hpp"
#include "extension/base/postgres.hpp"

namespace mm::pg {

// The model as JSON text. Runs with a fixed search_path (pg_catalog only)
// and fixed output settings so every deparsed name is schema-qualified and
// every literal is spelled the same way in every session.
// Without dependencies (kind StoredState) the dependency edges are left
// out, and with them the extensions found only through them: that is what
// verify stores after every migration and compares, at a fraction of the
// cost; autogenerate needs the edges to order its statements.
enum class SnapshotKind { Full, StoredState };
std::string snapshot(const std::vector<std::string>& schemas, SnapshotKind kind = SnapshotKind::Full);
// The same, each object handed to `writer` as it is read (a streaming
// writer keeps none of them).
void snapshot_into(const std::vector<std::string>& schemas, SnapshotKind kind, schema::ModelWriter& writer);
// The same model as a JSON value.
nlohmann::json snapshot_model(const std::vector<std::string>& schemas, SnapshotKind kind = SnapshotKind::Full);

// metamigrate.folded_default(expr pg_node_tree, relid oid): a default that
// is only a cast of a constant (DEFAULT 0 on a numeric column, DEFAULT
// 0::numeric, DEFAULT '0') deparsed after folding the cast, so the three
// spellings give one text; NULL for any other expression (the snapshot
// then uses pg_get_expr). `relid` is not read: a constant names no column.
Datum folded_default(Datum node_tree);
// The same for a node tree as text (pg_attrdef.adbin), for the columns
// scan to fold as it reads them: through the SQL function, whose SET
// search_path is saved and restored around every call, the thousands of
// defaults of a big schema cost a tenth of the columns scan.
std::optional<std::string> folded_default(const std::string& node_tree);

}  // namespace mm::pg
