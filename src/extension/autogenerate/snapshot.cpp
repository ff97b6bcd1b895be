#include "extension/autogenerate/snapshot.hpp"

#include "extension/autogenerate/snapshot_dependencies.hpp"
#include "extension/autogenerate/snapshot_tables.hpp"

#include "core/error.hpp"
#include "core/schema/normalize.hpp"
#include "extension/base/security.hpp"
#include "extension/base/spi.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
extern "C" {
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/ruleutils.h"
}
#pragma GCC diagnostic pop

namespace mm::pg {

namespace {

// One query builds the raw model but for the tables (snapshot_tables.cpp
// assembles those from flat scans). Its rows are built as json, not jsonb:
// they are only printed for C++ to parse, and json_build_object writes text
// directly where jsonb builds (and sorts) a tree first (bench/RESULTS.md;
// the types keep jsonb for its || and are cast). Comments are read from pg_description
// directly: obj_description() is a SQL function that is not inlined, and
// calling it for every object and column dominated the query.
// Object sets come first (kRelationSetsSql, shared with the table scans:
// the compared schemas' objects minus extension members, the extension's
// own schema and every provider's version table), then `objs` gives each catalog
// object that the model knows its model key, so pg_depend rows become
// [dependent key, referenced key] pairs, each key as its parts (kind,
// then names) in columns that C++ joins: building JSON or jsonb keys in
// SQL cost a third of the snapshot.
// Expressions that cannot name a column (plain defaults, partition
// bounds) are deparsed with pg_get_expr(expr, 0): given the table's oid,
// pg_get_expr opens and locks the table to name its columns.
// The result is one row per model item (section, json, key parts).
// Sorting happens in C++ (bytewise), not here, so the database's
// collation cannot change the order.
constexpr const char* kRelationSetsSql = R"SQL(
WITH
nsp AS (
  SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n
   WHERE n.nspname = ANY ($1::pg_catalog.text[]) AND n.nspname <> 'metamigrate'),
member AS (
  SELECT d.classid, d.objid, e.extname FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
   WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'),
version_table AS (
  SELECT c.oid FROM metamigrate.provider p
    JOIN pg_catalog.pg_namespace n ON n.nspname = p.version_schema
    JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.version_table),
rel AS (
  SELECT c.oid, c.relname, c.relkind, n.nspname FROM pg_catalog.pg_class c JOIN nsp n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c')
     AND NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid)
     AND NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND m.objid = c.reltype)
     AND c.oid NOT IN (SELECT oid FROM version_table)
     -- Identity sequences belong to their column. (Asked of sequences only:
     -- as a NOT EXISTS of its own it was planned as an anti join that
     -- probed pg_depend for every table, a third of this set's cost.)
     AND (c.relkind <> 'S' OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                           WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                             AND d.objid = c.oid AND d.deptype = 'i'))),
tab AS (SELECT * FROM rel WHERE relkind IN ('r', 'p')))SQL";

// After the relation sets: the catalog objects the model knows, with their
// model keys (`objs`), for the dependency edges (snapshot_dependencies.cpp),
// but for the tables and their objects (columns, defaults, constraints,
// indexes, row types, triggers, policies), whose keys add_tables registers.
constexpr const char* kObjectKeysSql = R"SQL(,
idx AS (
  SELECT i.indexrelid AS oid, ic.relname, r.oid AS relid, r.nspname, r.relname AS relation
    FROM pg_catalog.pg_index i JOIN rel r ON r.oid = i.indrelid AND r.relkind = 'm'
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
   WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = i.indexrelid
                        AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x'))
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid)),
typ AS (
  SELECT t.oid, t.typname, n.nspname, t.typtype, t.typrelid, t.typarray FROM pg_catalog.pg_type t
    JOIN nsp n ON n.oid = t.typnamespace
   WHERE (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND t.typrelid IN (SELECT oid FROM rel WHERE relkind = 'c')))
     AND NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND m.objid = t.oid)),
fn AS (
  SELECT p.oid, p.proname, n.nspname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity
    FROM pg_catalog.pg_proc p JOIN nsp n ON n.oid = p.pronamespace
   WHERE p.prokind IN ('f', 'p')
     AND NOT EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid)),
relkey AS (
  SELECT oid, CASE relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
           WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type' ELSE 'table' END AS kind,
         nspname::pg_catalog.text AS k1, relname::pg_catalog.text AS k2
    FROM rel WHERE relkind NOT IN ('r', 'p')),
objs (classid, objid, objsubid, kind, k1, k2, k3, k4) AS (
  SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, oid, 0, kind, k1, k2, NULL::pg_catalog.text, NULL::pg_catalog.text FROM relkey
  UNION ALL
  SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, a.attrelid, a.attnum, k.kind, k.k1, k.k2, NULL, NULL
    FROM pg_catalog.pg_attribute a JOIN relkey k ON k.oid = a.attrelid
   WHERE a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass::pg_catalog.oid, co.oid, 0, 'type', t.nspname, t.typname, NULL, NULL
    FROM pg_catalog.pg_constraint co JOIN typ t ON t.oid = co.contypid
  UNION ALL
  SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, oid, 0, 'index', nspname, relname, NULL, NULL FROM idx
  UNION ALL
  SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::pg_catalog.oid, x.oid, 0, 'type', t.nspname, t.typname, NULL, NULL
    FROM typ t CROSS JOIN LATERAL (VALUES (t.oid), (t.typarray)) AS x(oid) WHERE t.typtype <> 'c'
  UNION ALL
  SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::pg_catalog.oid, x.oid, 0, k.kind, k.k1, k.k2, NULL, NULL   -- row types of relations and their arrays
    FROM relkey k JOIN pg_catalog.pg_class rc ON rc.oid = k.oid
    JOIN pg_catalog.pg_type t ON t.oid = rc.reltype
    CROSS JOIN LATERAL (VALUES (t.oid), (t.typarray)) AS x(oid) WHERE x.oid <> 0
  UNION ALL
  SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass::pg_catalog.oid, oid, 0, 'function', nspname, proname, identity, NULL FROM fn
  UNION ALL
  SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass::pg_catalog.oid, rw.oid, 0, k.kind, k.k1, k.k2, NULL, NULL
    FROM pg_catalog.pg_rewrite rw JOIN rel r ON r.oid = rw.ev_class AND r.relkind IN ('v', 'm') JOIN relkey k ON k.oid = r.oid
  UNION ALL
  SELECT 'pg_catalog.pg_extension'::pg_catalog.regclass::pg_catalog.oid, oid, 0, 'extension', extname, NULL, NULL, NULL
    FROM pg_catalog.pg_extension
  UNION ALL
  SELECT classid, objid, 0, 'extension', extname, NULL, NULL, NULL FROM member))SQL";

// The model's objects but for the tables (add_tables) and the dependency
// edges (add_dependencies), after the relation sets and object keys, one
// row per object: (section, json). Extensions outside the compared schemas
// that the model depends on are added by add_dependencies.
constexpr const char* kSectionsSql = R"SQL(,
ext AS (
  SELECT e.extname, en.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace en ON en.oid = e.extnamespace
   WHERE e.extname NOT IN ('metamigrate', 'plpgsql') AND e.extnamespace IN (SELECT oid FROM nsp))
SELECT 'schemas'::pg_catalog.text AS section, pg_catalog.json_build_object(
                'name', nspname, 'comment', (SELECT ds.description FROM pg_catalog.pg_description ds WHERE ds.objoid = oid AND ds.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND ds.objsubid = 0)) AS item FROM nsp
 UNION ALL
SELECT 'extensions'::pg_catalog.text AS section, pg_catalog.json_build_object('name', extname, 'schema', nspname) AS item FROM ext
 UNION ALL
SELECT 'types'::pg_catalog.text AS section,
      (pg_catalog.jsonb_build_object('schema', t.nspname, 'name', t.typname,
                                    'comment', (SELECT ds.description FROM pg_catalog.pg_description ds WHERE ds.objoid = t.oid AND ds.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND ds.objsubid = 0)) ||
      CASE t.typtype
      WHEN 'e' THEN pg_catalog.jsonb_build_object('kind', 'enum', 'labels',
          (SELECT pg_catalog.jsonb_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
      WHEN 'd' THEN pg_catalog.jsonb_build_object('kind', 'domain',
          'base_type', pg_catalog.format_type(tt.typbasetype, tt.typtypmod),
          'not_null', tt.typnotnull,
          'default', COALESCE(metamigrate.folded_default(tt.typdefaultbin, 0), pg_catalog.pg_get_expr(tt.typdefaultbin, 0)),
          'collation', (SELECT @COLLATION@ FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                         JOIN pg_catalog.pg_type bt ON bt.oid = tt.typbasetype
                        WHERE co.oid = tt.typcollation AND tt.typcollation <> bt.typcollation),
          'constraints', (SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                             'name', co.conname, 'definition', pg_catalog.pg_get_constraintdef(co.oid))), '[]')
                            FROM pg_catalog.pg_constraint co WHERE co.contypid = t.oid))
      ELSE pg_catalog.jsonb_build_object('kind', 'composite', 'attributes',
          (SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                     'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                     'collation', (SELECT @COLLATION@ FROM pg_catalog.pg_collation co
                                     JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                                    WHERE co.oid = a.attcollation AND a.attcollation <> at.typcollation))
                   ORDER BY a.attnum), '[]')
             FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
            WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
      END)::pg_catalog.json
      AS item FROM typ t JOIN pg_catalog.pg_type tt ON tt.oid = t.oid
 UNION ALL
SELECT 'sequences'::pg_catalog.text AS section, pg_catalog.json_build_object(
      'schema', r.nspname, 'name', r.relname,
      'data_type', pg_catalog.format_type(s.seqtypid, NULL),
      'start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin, 'max', s.seqmax,
      'cache', s.seqcache, 'cycle', s.seqcycle,
      'owned_by', (SELECT pg_catalog.json_build_object('schema', tn.nspname, 'table', tc.relname, 'column', ta.attname)
                     FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
                     JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
                     JOIN pg_catalog.pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
                    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = r.oid
                      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a'
                      AND d.refobjsubid > 0),
      'comment', (SELECT ds.description FROM pg_catalog.pg_description ds WHERE ds.objoid = r.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = 0)) AS item
      FROM rel r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid WHERE r.relkind = 'S'
 UNION ALL
SELECT 'views'::pg_catalog.text AS section, pg_catalog.json_build_object(
      'schema', r.nspname, 'name', r.relname, 'materialized', r.relkind = 'm',
      'definition', pg_catalog.pg_get_viewdef(c.oid),
      'options', COALESCE(pg_catalog.to_json(c.reloptions), '[]'),
      'comment', (SELECT ds.description FROM pg_catalog.pg_description ds WHERE ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = 0),
      'indexes', @INDEXES@) AS item
      FROM rel r JOIN pg_catalog.pg_class c ON c.oid = r.oid WHERE r.relkind IN ('v', 'm')
 UNION ALL
SELECT 'functions'::pg_catalog.text AS section, pg_catalog.json_build_object(
      'schema', f.nspname, 'name', f.proname, 'identity_arguments', f.identity,
      'kind', CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
      'arguments', pg_catalog.pg_get_function_arguments(p.oid),
      'returns', pg_catalog.pg_get_function_result(p.oid),
      'language', l.lanname,
      'volatility', CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
      'security_definer', p.prosecdef,
      'definition', pg_catalog.pg_get_functiondef(p.oid),
      'comment', (SELECT ds.description FROM pg_catalog.pg_description ds WHERE ds.objoid = p.oid AND ds.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND ds.objsubid = 0)) AS item
      FROM fn f JOIN pg_catalog.pg_proc p ON p.oid = f.oid JOIN pg_catalog.pg_language l ON l.oid = p.prolang)SQL";

// Indexes of the relation `c` (tables and materialized views alike). The
// per-relation subqueries read the catalogs by their indexed relation
// column; scanning the CTEs per relation made snapshots quadratic.
constexpr const char* kIndexesSql = R"SQL((SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(
          'name', i.relname,
          'definition', pg_catalog.pg_get_indexdef(i.oid),
          'unique', ix.indisunique,
          'method', am.amname,
          'include', (SELECT COALESCE(pg_catalog.json_agg(pg_catalog.pg_get_indexdef(i.oid, k, true) ORDER BY k), '[]')
                        FROM pg_catalog.generate_series(ix.indnkeyatts + 1, ix.indnatts) AS k),
          'predicate', pg_catalog.pg_get_expr(ix.indpred, ix.indrelid),
          'nulls_not_distinct', ix.indnullsnotdistinct,
          'options', COALESCE(pg_catalog.to_json(i.reloptions), '[]'),
          'partitions', @PARTITION_INDEXES@,
          'comment', (SELECT ds.description FROM pg_catalog.pg_description ds WHERE ds.objoid = i.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = 0))), '[]')
        FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
        JOIN pg_catalog.pg_am am ON am.oid = i.relam
       WHERE ix.indrelid = c.oid   -- as in idx; by the indexed column, not a scan of idx per relation
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = ix.indexrelid
                            AND co.conrelid = ix.indrelid AND co.contype IN ('p', 'u', 'x'))
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = ix.indexrelid)))SQL";

std::string replace_all(std::string text, const std::string& placeholder, const std::string& value) {
  for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos + value.size()))
    text.replace(pos, placeholder.size(), value);
  return text;
}

// An index of a partitioned table: what the partitions' indexes attached
// to it are called (null elsewhere).
constexpr const char* kPartitionIndexesSql = R"SQL((SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
              'schema', pn.nspname, 'table', pc.relname, 'name', ci.relname) ORDER BY pn.nspname COLLATE "C", pc.relname COLLATE "C")
            FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class ci ON ci.oid = h.inhrelid
            JOIN pg_catalog.pg_index cx ON cx.indexrelid = ci.oid JOIN pg_catalog.pg_class pc ON pc.oid = cx.indrelid
            JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
           WHERE h.inhparent = i.oid))SQL";

const std::string& sections_sql() {
  static const std::string sql = replace_all(
      replace_all(replace_all(std::string(kRelationSetsSql) + kObjectKeysSql + kSectionsSql, "@INDEXES@", kIndexesSql),
                  "@PARTITION_INDEXES@", kPartitionIndexesSql),
      "@COLLATION@", kCollationNameSql);
  return sql;
}

// Settings that change how PostgreSQL deparses names and prints constants,
// no JIT (the planner costs the catalog queries of a big schema above
// jit_above_cost, and compiling them with LLVM took a quarter of the
// snapshot of 2,000 tables), and a small work_mem: the table scans sort
// all their rows by table, and up to work_mem each held them in memory,
// which grew with the tables (test/resources: about 5.2 kB per extra table
// beyond the floor with the default 4 MB, 2.5-2.7 kB with 256 kB, for about
// 2% more time). They hold for the snapshot only (a GUC nest level, undone
// at the end and by transaction or subtransaction abort).
constexpr const char* kSettings[][2] = {
    {"jit", "off"},
    {"work_mem", "256kB"},
    {"search_path", "pg_catalog, pg_temp"},
    {"quote_all_identifiers", "off"},
    {"standard_conforming_strings", "on"},
    {"DateStyle", "ISO, YMD"},
    {"IntervalStyle", "postgres"},
    {"TimeZone", "UTC"},
    {"extra_float_digits", "1"},
    {"bytea_output", "hex"},
};

int enter_fixed_settings() {
  return pg_guard([&] {
    int level = NewGUCNestLevel();
    for (const auto& setting : kSettings)
      (void)set_config_option(setting[0], setting[1], PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    return level;
  });
}

void leave_fixed_settings(int level) {
  pg_guard([&] { AtEOXact_GUC(true, level); });
}

// Folding evaluates the cast, so its function must be PostgreSQL's own: a
// user-defined cast function would run as whoever takes the snapshot (a
// superuser's verify, the state stored after a migration) over schemas
// anyone may have written. Type input/output functions need not be
// checked: only a superuser can create a base type.
bool built_in(Oid oid) { return oid < FirstNormalObjectId; }

// A constant, or a cast (implicit or explicit, any coercion node) whose
// arguments are all such, through built-in cast functions only.
bool constant_cast(Node* node) {
  if (node == nullptr) return false;
  if (IsA(node, Const)) return true;
  if (IsA(node, RelabelType)) return constant_cast(reinterpret_cast<Node*>(castNode(RelabelType, node)->arg));
  if (IsA(node, CoerceViaIO)) return constant_cast(reinterpret_cast<Node*>(castNode(CoerceViaIO, node)->arg));
  if (IsA(node, FuncExpr)) {
    FuncExpr* f = castNode(FuncExpr, node);
    if (f->funcformat != COERCE_IMPLICIT_CAST && f->funcformat != COERCE_EXPLICIT_CAST) return false;
    if (!built_in(f->funcid)) return false;
    ListCell* cell;
    foreach (cell, f->args)
      if (!constant_cast(static_cast<Node*>(lfirst(cell)))) return false;
    return true;
  }
  return false;
}

// Rows fetched at a time: enough to amortize the fetch, few enough that
// the batch's text stays small.
constexpr std::size_t kSnapshotBatch = 256;

// The folded text of node tree `text`, or null. Plain C: called inside
// pg_guard.
char* fold_node_tree(const char* text) {
  Node* node = static_cast<Node*>(stringToNode(text));
  if (IsA(node, Const) || !constant_cast(node)) return nullptr;
  node = eval_const_expressions(nullptr, node);
  // A folded constant names no column, so it needs no deparse context
  // (building one opens and locks the table).
  return deparse_expression(node, NIL, false, false);
}

}  // namespace

Datum folded_default(Datum node_tree) {
  return pg_guard([&]() -> Datum {
    char* folded = fold_node_tree(TextDatumGetCString(node_tree));
    return folded ? CStringGetTextDatum(folded) : (Datum)0;
  });
}

std::optional<std::string> folded_default(const std::string& node_tree) {
  const char* text = node_tree.c_str();
  // The trees and the folding allocate in a context of their own, gone
  // after each default: the caller's lives as long as the snapshot.
  char* folded = pg_guard([&]() -> char* {
    MemoryContext caller = CurrentMemoryContext;
    MemoryContext scratch = AllocSetContextCreate(caller, "metamigrate folding", ALLOCSET_SMALL_SIZES);
    MemoryContextSwitchTo(scratch);
    char* printed = fold_node_tree(text);
    char* copy = printed ? MemoryContextStrdup(caller, printed) : nullptr;
    MemoryContextSwitchTo(caller);
    MemoryContextDelete(scratch);
    return copy;
  });
  if (!folded) return std::nullopt;
  std::string out = folded;
  pg_guard([&] { pfree(folded); });
  return out;
}

void snapshot_into(const std::vector<std::string>& schemas, SnapshotKind kind, schema::ModelWriter& writer) {
  for (const std::string& s : schemas) {
    if (is_system_schema(s))
      throw Error(sqlstate::kInvalidParameter, "cannot snapshot system schema \"" + s + "\"", "",
                  "List the application's own schemas.");
  }
  // One row per object, each normalized and printed as it arrives (see
  // ModelWriter), read through a cursor so only a batch of rows is held.
  SpiSession spi;
  const int level = enter_fixed_settings();  // deparsing happens as rows are fetched
  const std::vector<Value> params = {text_array_literal(schemas)};
  ObjectKeys keys;
  add_tables(spi, kRelationSetsSql, params, writer, kind == SnapshotKind::Full ? &keys : nullptr);
  spi.for_each_row(sections_sql(), params, kSnapshotBatch, [&](Row& row) {
    if (row.size() != 2 || !row[0] || !row[1]) throw Error(sqlstate::kInternal, "snapshot query returned a bad row");
    writer.add(*row[0], nlohmann::json::parse(*row[1]));
  });
  // The state stored after a migration leaves the edges out, and with them
  // the extensions found only through them.
  if (kind == SnapshotKind::Full)
    add_dependencies(spi, std::string(kRelationSetsSql) + kObjectKeysSql, params, keys, writer);
  leave_fixed_settings(level);
  spi.finish();
}

std::string snapshot(const std::vector<std::string>& schemas, SnapshotKind kind) {
  schema::ModelWriter writer;
  snapshot_into(schemas, kind, writer);
  return writer.finish();
}

nlohmann::json snapshot_model(const std::vector<std::string>& schemas, SnapshotKind kind) {
  return nlohmann::json::parse(snapshot(schemas, kind));
}

}  // namespace mm::pg
