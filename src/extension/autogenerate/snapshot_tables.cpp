#include "extension/autogenerate/snapshot_tables.hpp"

#include <cstdlib>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/schema/table_text.hpp"
#include "extension/autogenerate/composed_definitions.hpp"
#include "extension/autogenerate/snapshot.hpp"
#include "extension/autogenerate/snapshot_dependencies.hpp"

namespace mm::pg {

const char* const kCollationNameSql =
    "CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname) "
    "ELSE pg_catalog.quote_ident(cn.nspname) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) "
    "pg_catalog.quote_ident(co.collname) END";

namespace {

// The model's tables, after the relation sets' WITH clause (which defines
// `tab`): their oids as one text[] literal, in order.
constexpr const char* kTableOidsSql = "\nSELECT pg_catalog.array_agg(oid ORDER BY oid)::pg_catalog.text FROM tab";

// The scans below take the tables' oids as $1 and return rows in table
// oid order, the table's oid first; the catalog oids they end with are
// for the dependency edges' keys (ObjectKeys).

// The tables themselves. Small nested values (parents, options, a child's
// own settings on inherited columns) come as JSON text.
constexpr const char* kTablesSql = R"SQL(
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence = 'u',
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
       c.relispartition,
       (SELECT pg_catalog.json_build_object('schema', pn.nspname, 'name', pc.relname)
          FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class pc ON pc.oid = h.inhparent
          JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE h.inhrelid = c.oid AND c.relispartition),
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, 0) END,
       CASE WHEN child.inhrelid IS NULL THEN '[]'::pg_catalog.json ELSE
       (SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object('schema', pn.nspname, 'name', pc.relname)
                                            ORDER BY h.inhseqno), '[]')
          FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class pc ON pc.oid = h.inhparent
          JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE h.inhrelid = c.oid AND NOT c.relispartition) END,
       COALESCE(pg_catalog.to_json(c.reloptions), '[]'),
       ds.description,
       c.relrowsecurity, c.relforcerowsecurity,
       -- A partition's or inheritance child's own default or NOT NULL on a
       -- column it inherits, where it differs from the first parent that
       -- has the column (null when none do).
       CASE WHEN child.inhrelid IS NOT NULL THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
           'name', a.attname, 'not_null', a.attnotnull, 'default', own.expression, 'default_source', own.source))
          FROM pg_catalog.pg_attribute a
          LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
          CROSS JOIN LATERAL (SELECT COALESCE(f.folded, pg_catalog.pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END)) AS expression,
                                     CASE WHEN f.folded IS NOT NULL THEN pg_catalog.pg_get_expr(ad.adbin, 0) END AS source
                                FROM (SELECT metamigrate.folded_default(ad.adbin, ad.adrelid) AS folded) f) own
          CROSS JOIN LATERAL (SELECT pa.attnotnull,
                                     COALESCE(metamigrate.folded_default(pd.adbin, pd.adrelid),
                                              pg_catalog.pg_get_expr(pd.adbin, CASE WHEN pa.attgenerated = '' THEN 0 ELSE pd.adrelid END)) AS expression
                                FROM pg_catalog.pg_inherits h
                                JOIN pg_catalog.pg_attribute pa ON pa.attrelid = h.inhparent AND pa.attname = a.attname
                                                                AND NOT pa.attisdropped
                                LEFT JOIN pg_catalog.pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum
                               WHERE h.inhrelid = a.attrelid ORDER BY h.inhseqno LIMIT 1) parent
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND NOT a.attislocal AND a.attgenerated = ''
           AND (a.attnotnull <> parent.attnotnull OR own.expression IS DISTINCT FROM parent.expression)) END,
       rt.oid, rt.typarray
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_class c ON c.oid = tables.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_type rt ON rt.oid = c.reltype
  -- Only children have parents to read, so the rest skip those subqueries.
  LEFT JOIN (SELECT DISTINCT inhrelid FROM pg_catalog.pg_inherits) child ON child.inhrelid = c.oid
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 ORDER BY c.oid)SQL";

// A table's columns, in attnum order: the inherited ones only by name (the
// constraints' column lists use them), the table's own ones in full.
constexpr const char* kColumnsSql = R"SQL(
SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0) END,
       -- A default that may be a cast of a constant, for folded_default
       -- (a bare constant is not).
       CASE WHEN a.attgenerated = '' AND ad.adbin::pg_catalog.text NOT LIKE '{CONST %' THEN ad.adbin END,
       CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
       CASE WHEN a.attidentity <> '' THEN (
           SELECT pg_catalog.json_build_object(
                    'generation', CASE a.attidentity WHEN 'a' THEN 'always' ELSE 'by default' END,
                    'start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin, 'max', s.seqmax,
                    'cache', s.seqcache, 'cycle', s.seqcycle)
             FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid
            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i') END,
       CASE WHEN a.attcollation <> at.typcollation THEN
         (SELECT @COLLATION@ FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
           WHERE co.oid = a.attcollation) END,
       ds.description, a.attnum, a.attislocal, ad.oid, a.attgenerated <> '', a.atttypid, a.attcollation
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = tables.oid
  JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum AND a.attislocal
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                        AND ds.objsubid = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum)SQL";

// A table's own constraints (not those inherited or cloned from a parent).
constexpr const char* kConstraintsSql = R"SQL(
SELECT co.conrelid, co.conname, co.contype,
       -- Deparsed here unless plain: then constraint_definition composes it.
       CASE WHEN NOT ((co.contype IN ('p', 'u') AND kx.indnatts = pg_catalog.cardinality(co.conkey)
                       AND NOT kx.indnullsnotdistinct)
                      OR (co.contype = 'f' AND co.confdelsetcols IS NULL))
            THEN pg_catalog.pg_get_constraintdef(co.oid) END,
       pg_catalog.array_to_string(co.conkey, ','),
       CASE WHEN co.contype = 'f' THEN fns.nspname END,
       co.condeferrable, co.condeferred, co.convalidated,
       -- A key of a partitioned table: what its partitions' keys are called.
       CASE WHEN co.contype IN ('p', 'u', 'x') AND c.relkind = 'p' THEN
           (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('schema', pn.nspname, 'table', pc.relname, 'name', ch.conname)
                                       ORDER BY pn.nspname COLLATE "C", pc.relname COLLATE "C")
              FROM pg_catalog.pg_constraint ch JOIN pg_catalog.pg_class pc ON pc.oid = ch.conrelid
              JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE ch.conparentid = co.oid) END,
       ds.description, co.oid, co.conindid, co.confmatchtype, co.confupdtype, co.confdeltype,
       -- A foreign key's referenced table (its schema is above) and columns,
       -- named by foreign_key_target.
       fc.relname, co.confrelid, pg_catalog.array_to_string(co.confkey, ',')
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_constraint co ON co.conrelid = tables.oid
  JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  LEFT JOIN pg_catalog.pg_index kx ON kx.indexrelid = co.conindid AND co.contype IN ('p', 'u')
  LEFT JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid
  LEFT JOIN pg_catalog.pg_namespace fns ON fns.oid = fc.relnamespace
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = co.oid AND ds.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 WHERE co.contype IN ('p', 'u', 'c', 'x', 'f') AND co.conislocal AND co.conparentid = 0
 ORDER BY co.conrelid)SQL";

// A table's indexes other than those of its keys and those attached to a
// partitioned parent's index.
constexpr const char* kIndexesSql = R"SQL(
SELECT ix.indrelid, i.relname,
       -- Deparsed here unless plain: then IndexDefinitions composes it.
       CASE WHEN NOT (i.relkind = 'i' AND ix.indexprs IS NULL AND ix.indpred IS NULL
                      AND ix.indnatts = ix.indnkeyatts AND NOT ix.indnullsnotdistinct AND i.reloptions IS NULL
                      AND ix.indoption::pg_catalog.text ~ '^[0 ]*$'
                      -- (per index, by its key: as NOT EXISTS it was planned as a scan of all attributes)
                      AND (SELECT pg_catalog.bool_and(ia.attoptions IS NULL) FROM pg_catalog.pg_attribute ia
                            WHERE ia.attrelid = i.oid AND ia.attnum > 0))
            THEN pg_catalog.pg_get_indexdef(i.oid) END,
       ix.indisunique, am.amname,
       CASE WHEN ix.indnatts = ix.indnkeyatts THEN '[]'::pg_catalog.json ELSE
       (SELECT pg_catalog.json_agg(pg_catalog.pg_get_indexdef(i.oid, k, true) ORDER BY k)
          FROM pg_catalog.generate_series(ix.indnkeyatts + 1, ix.indnatts) AS k) END,
       pg_catalog.pg_get_expr(ix.indpred, ix.indrelid),
       ix.indnullsnotdistinct,
       COALESCE(pg_catalog.to_json(i.reloptions), '[]'),
       -- An index of a partitioned table: what the partitions' indexes
       -- attached to it are called.
       CASE WHEN i.relkind = 'I' THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                 'schema', pn.nspname, 'table', pc.relname, 'name', ci.relname) ORDER BY pn.nspname COLLATE "C", pc.relname COLLATE "C")
          FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class ci ON ci.oid = h.inhrelid
          JOIN pg_catalog.pg_index cx ON cx.indexrelid = ci.oid JOIN pg_catalog.pg_class pc ON pc.oid = cx.indrelid
          JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE h.inhparent = i.oid) END,
       ds.description, i.oid, i.relam, ix.indkey::pg_catalog.text, ix.indclass::pg_catalog.text,
       ix.indcollation::pg_catalog.text
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_index ix ON ix.indrelid = tables.oid
  JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
  JOIN pg_catalog.pg_am am ON am.oid = i.relam
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = i.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = ix.indexrelid
                      AND co.conrelid = ix.indrelid AND co.contype IN ('p', 'u', 'x'))
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = ix.indexrelid)
 ORDER BY ix.indrelid)SQL";

// A table's own triggers (not the internal ones of foreign keys, nor
// clones of a partitioned parent's).
constexpr const char* kTriggersSql = R"SQL(
SELECT tg.tgrelid, tg.tgname, pg_catalog.pg_get_triggerdef(tg.oid), ds.description, tg.oid
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = tables.oid
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = tg.oid AND ds.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 WHERE NOT tg.tgisinternal AND tg.tgparentid = 0
 ORDER BY tg.tgrelid)SQL";

// Row-level security policies.
constexpr const char* kPoliciesSql = R"SQL(
SELECT po.polrelid, po.polname,
       CASE po.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                      WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
       po.polpermissive,
       (SELECT pg_catalog.json_agg(CASE WHEN ro.r OPERATOR(pg_catalog.=) 0 THEN 'public'
                                        ELSE pg_catalog.pg_get_userbyid(ro.r)::pg_catalog.text END
                                   ORDER BY CASE WHEN ro.r OPERATOR(pg_catalog.=) 0 THEN 'public'
                                        ELSE pg_catalog.pg_get_userbyid(ro.r)::pg_catalog.text END COLLATE "C")
          FROM pg_catalog.unnest(po.polroles) AS ro(r)),
       pg_catalog.pg_get_expr(po.polqual, po.polrelid),
       pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid),
       ds.description, po.oid
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_policy po ON po.polrelid = tables.oid
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = po.oid AND ds.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 ORDER BY po.polrelid)SQL";

// Rows fetched at a time per scan.
constexpr std::size_t kBatch = 256;

bool boolean(const Value& cell) { return cell && *cell == "t"; }

const std::string& required(const Row& row, std::size_t column) { return required_cell(row, column, "snapshot scan"); }

// A row's non-null cell as an oid (the table's, in the first cell).
unsigned long oid_of(const Row& row, std::size_t column = 0) {
  return std::strtoul(required(row, column).c_str(), nullptr, 10);
}

std::string with_collation(std::string sql) {
  const std::string placeholder = "@COLLATION@";
  const auto pos = sql.find(placeholder);
  if (pos != std::string::npos) sql.replace(pos, placeholder.size(), kCollationNameSql);
  return sql;
}

// One scan sorted by table oid, read alongside the tables: the rows of
// each table in turn.
class TableScan {
 public:
  TableScan(const std::string& sql, const std::string& oids) : cursor_(sql, {oids}, kBatch) {}

  // Calls visit(row) for every row of table `oid`.
  template <typename Visit>
  void each(unsigned long oid, Visit visit) {
    for (Row* row = cursor_.row(); row != nullptr; cursor_.advance(), row = cursor_.row()) {
      const unsigned long row_oid = oid_of(*row);
      if (row_oid > oid) return;
      if (row_oid < oid) throw Error(sqlstate::kInternal, "snapshot scans are not in table order");
      visit(*row);
    }
  }

  // Appends `convert(row)` for every row of table `oid` to `list`.
  template <typename List, typename Convert>
  void take(unsigned long oid, List& list, Convert convert) {
    each(oid, [&](Row& row) { list.push_back(convert(row)); });
  }

 private:
  SpiCursor cursor_;
};

// The cells are moved out of the rows: each row is read once.
schema::ColumnRow column(Row& row) {
  schema::ColumnRow out;
  out.name = required(row, 1);
  out.type = required(row, 2);
  out.not_null = boolean(row[3]);
  // A default that is a cast of a constant is written folded; its
  // source is kept too (ColumnRow).
  std::optional<std::string> folded = row[5] ? folded_default(*row[5]) : std::nullopt;
  if (folded) {
    out.default_value = std::move(folded);
    out.default_source = std::move(row[4]);
  } else {
    out.default_value = std::move(row[4]);
  }
  out.generated = std::move(row[6]);
  out.identity = std::move(row[7]);
  out.collation = std::move(row[8]);
  out.comment = std::move(row[9]);
  return out;
}

const char* constraint_type(const std::string& contype) {
  if (contype == "p") return "primary key";
  if (contype == "u") return "unique";
  if (contype == "c") return "check";
  if (contype == "x") return "exclusion";
  return "foreign key";
}

// "2,1" (a conkey) as the names of those columns.
std::vector<std::string> column_names(const Value& attnums, const TableColumns& columns) {
  std::vector<std::string> out;
  if (!attnums) return out;
  for (const std::string& attnum : list_items(*attnums, ','))
    if (auto it = columns.find(attnum); it != columns.end()) out.push_back(it->second.name);
  return out;
}

// The name of column `attnum` ("3") of relation `relid`.
std::string attribute_name(Oid relid, const std::string& attnum) {
  const auto number = static_cast<AttrNumber>(std::strtol(attnum.c_str(), nullptr, 10));
  char* name = pg_guard([&] { return get_attname(relid, number, true); });
  // The scan's rows are of its own snapshot, the syscache's of the latest
  // catalog (as for pg_get_constraintdef): a table dropped in between.
  if (!name)
    throw Error(sqlstate::kSerializationFailure,
                "the schema changed while the snapshot was taken: a foreign key's referenced table or column is gone",
                "", "Take the snapshot again.");
  std::string out(name);
  pg_guard([&] { pfree(name); });
  return out;
}

// What a foreign key references, from a row of kConstraintsSql (nothing
// for other constraints). The columns are named from the syscache: the
// scan's subquery per key, printed as JSON and read back twice (for the
// definition and for the model), cost more.
std::optional<schema::ForeignKeyTarget> foreign_key_target(const Row& row) {
  if (!row[5]) return std::nullopt;
  schema::ForeignKeyTarget target;
  target.schema = *row[5];
  target.table = required(row, 16);
  const auto relid = static_cast<Oid>(oid_of(row, 17));
  for (const std::string& attnum : list_items(required(row, 18), ','))
    target.columns.push_back(attribute_name(relid, attnum));
  return target;
}

// The facts constraint_definition composes a definition from.
ConstraintFacts constraint_facts(const Row& row, const std::optional<schema::ForeignKeyTarget>& references) {
  static const std::string none;
  auto text = [&](std::size_t column) { return row[column] ? &*row[column] : &none; };
  auto letter = [&](std::size_t column, char absent) { return row[column] ? (*row[column])[0] : absent; };
  ConstraintFacts facts;
  facts.oid = static_cast<Oid>(oid_of(row, 11));
  facts.type = required(row, 2)[0];
  facts.key_columns = text(4);
  facts.deferrable = boolean(row[6]);
  facts.deferred = boolean(row[7]);
  facts.validated = boolean(row[8]);
  facts.references = references ? &*references : nullptr;
  facts.match = letter(13, 's');
  facts.on_update = letter(14, 'a');
  facts.on_delete = letter(15, 'a');
  return facts;
}

schema::ConstraintRow constraint(Row& row, const TableColumns& columns) {
  schema::ConstraintRow out;
  out.name = required(row, 1);
  out.type = constraint_type(required(row, 2));
  out.references = foreign_key_target(row);
  out.definition = row[3] ? std::move(*row[3]) : constraint_definition(constraint_facts(row, out.references), columns);
  out.columns = column_names(row[4], columns);
  out.deferrable = boolean(row[6]);
  out.deferred = boolean(row[7]);
  out.validated = boolean(row[8]);
  out.partitions = std::move(row[9]);
  out.comment = std::move(row[10]);
  return out;
}

// `definition` gives the text of an index the scan did not deparse.
schema::IndexRow index(Row& row, const std::function<std::string(const Row&)>& definition) {
  schema::IndexRow out;
  out.name = required(row, 1);
  out.definition = row[2] ? std::move(*row[2]) : definition(row);
  out.unique = boolean(row[3]);
  out.method = required(row, 4);
  out.include = std::move(row[5]);
  out.predicate = std::move(row[6]);
  out.nulls_not_distinct = boolean(row[7]);
  out.options = std::move(row[8]);
  out.partitions = std::move(row[9]);
  out.comment = std::move(row[10]);
  return out;
}

schema::TriggerRow trigger(Row& row) { return {required(row, 1), required(row, 2), std::move(row[3])}; }

schema::PolicyRow policy(Row& row) {
  schema::PolicyRow out;
  out.name = required(row, 1);
  out.command = required(row, 2);
  out.permissive = boolean(row[3]);
  out.roles = std::move(row[4]);
  out.using_expression = std::move(row[5]);
  out.with_check = std::move(row[6]);
  out.comment = std::move(row[7]);
  return out;
}

// The table's own fields, from a row of kTablesSql.
schema::TableRow table(Row& row) {
  schema::TableRow out;
  out.schema = required(row, 1);
  out.name = required(row, 2);
  out.kind = required(row, 3) == "p" ? "partitioned table" : "table";
  out.unlogged = boolean(row[4]);
  out.partition_by = std::move(row[5]);
  out.partition_of = std::move(row[7]);
  out.partition_bound = std::move(row[8]);
  out.inherits = std::move(row[9]);
  out.options = std::move(row[10]);
  out.comment = std::move(row[11]);
  out.row_security = boolean(row[12]);
  out.force_row_security = boolean(row[13]);
  out.inherited_columns = std::move(row[14]);
  return out;
}

// The keys of one table's objects, registered for the dependency edges as
// the scans read them (when the snapshot has edges: `keys` is not null).
class TableKeys {
 public:
  TableKeys(ObjectKeys* keys, unsigned long oid, const std::string& schema, const std::string& name)
      : keys_(keys), oid_(oid), schema_(schema), name_(name) {
    if (keys_) keys_->add(RelationRelationId, oid_, 0, "table", {&schema_, &name_});
  }

  // The table's row type and its array type, from kTablesSql's cells.
  void add_row_types(const Row& row, std::size_t first) {
    if (!keys_ || !row.at(first)) return;  // a table without a row type
    for (std::size_t column = first; column < first + 2; ++column) {
      const unsigned long type = oid_of(row, column);
      if (type != 0) keys_->add(TypeRelationId, type, 0, "table", {&schema_, &name_});
    }
  }

  // A column (its own, or inherited: then it counts as the table) and its
  // default or generation expression, from a row of kColumnsSql.
  void add_column(const Row& row) {
    if (!keys_) return;
    const std::string& column = required(row, 1);
    const bool own = boolean(row.at(11));
    keys_->add(RelationRelationId, oid_, std::strtol(required(row, 10).c_str(), nullptr, 10), own ? "column" : "table",
               {&schema_, &name_, own ? &column : nullptr});
    if (row.at(12)) {  // only own columns' defaults are read
      keys_->add(AttrDefaultRelationId, oid_of(row, 12), 0, boolean(row.at(13)) ? "column" : "default",
                 {&schema_, &name_, &column});
    }
  }

  // A constraint, and the index of a key or exclusion constraint (which
  // counts as the constraint), from a row of kConstraintsSql.
  void add_constraint(const Row& row) {
    if (!keys_) return;
    add_child(ConstraintRelationId, row, 11, "constraint");
    const std::string& type = required(row, 2);
    if (type == "p" || type == "u" || type == "x") add_child(RelationRelationId, row, 12, "constraint");
  }

  // An object of the table named by the row's second cell, its oid in
  // cell `oid_column`: [kind, schema, table, name].
  void add_child(Oid classid, const Row& row, std::size_t oid_column, const char* kind) {
    if (!keys_) return;
    keys_->add(classid, oid_of(row, oid_column), 0, kind, {&schema_, &name_, &required(row, 1)});
  }

  // An index, from a row of kIndexesSql: [index, schema, index name].
  void add_index(const Row& row) {
    if (!keys_) return;
    keys_->add(RelationRelationId, oid_of(row, 11), 0, "index", {&schema_, &required(row, 1)});
  }

 private:
  ObjectKeys* keys_;
  unsigned long oid_;
  const std::string& schema_;
  const std::string& name_;
};

}  // namespace

void add_tables(SpiSession& spi, const std::string& relation_sets_sql, const std::vector<Value>& params,
                schema::ModelWriter& writer, ObjectKeys* keys) {
  const Rows oid_rows = spi.query(relation_sets_sql + kTableOidsSql, params);
  if (oid_rows.size() != 1 || oid_rows[0].size() != 1) throw Error(sqlstate::kInternal, "snapshot found no table set");
  if (!oid_rows[0][0]) return;  // no table
  const std::string& oids = *oid_rows[0][0];
  SpiCursor tables(kTablesSql, {oids}, kBatch);
  TableScan columns(with_collation(kColumnsSql), oids);
  TableScan constraints(kConstraintsSql, oids);
  TableScan indexes(kIndexesSql, oids);
  TableScan triggers(kTriggersSql, oids);
  TableScan policies(kPoliciesSql, oids);
  IndexDefinitions index_definitions;
  for (Row* row = tables.row(); row != nullptr; tables.advance(), row = tables.row()) {
    const unsigned long oid = oid_of(*row);
    schema::TableRow item = table(*row);
    TableKeys table_keys(keys, oid, item.schema, item.name);
    table_keys.add_row_types(*row, 15);
    TableColumns table_columns;
    columns.each(oid, [&](Row& column_row) {
      table_keys.add_column(column_row);
      table_columns.emplace(required(column_row, 10),
                            TableColumn{required(column_row, 1), static_cast<Oid>(oid_of(column_row, 14)),
                                        static_cast<Oid>(oid_of(column_row, 15))});
      if (boolean(column_row[11])) item.columns.push_back(column(column_row));
    });
    constraints.take(oid, item.constraints, [&](Row& constraint_row) {
      table_keys.add_constraint(constraint_row);
      return constraint(constraint_row, table_columns);
    });
    indexes.take(oid, item.indexes, [&](Row& index_row) {
      table_keys.add_index(index_row);
      return index(index_row, [&](const Row& plain) {
        IndexFacts facts;
        facts.oid = static_cast<Oid>(oid_of(plain, 11));
        facts.schema = &item.schema;
        facts.table = &item.name;
        facts.name = &required(plain, 1);
        facts.method = &required(plain, 4);
        facts.method_oid = static_cast<Oid>(oid_of(plain, 12));
        facts.unique = boolean(plain[3]);
        facts.key_columns = &required(plain, 13);
        facts.operator_classes = &required(plain, 14);
        facts.collations = &required(plain, 15);
        return index_definitions.of(facts, table_columns);
      });
    });
    triggers.take(oid, item.triggers, [&](Row& trigger_row) {
      table_keys.add_child(TriggerRelationId, trigger_row, 4, "trigger");
      return trigger(trigger_row);
    });
    policies.take(oid, item.policies, [&](Row& policy_row) {
      table_keys.add_child(PolicyRelationId, policy_row, 8, "policy");
      return policy(policy_row);
    });
    writer.add_printed("tables", schema::table_sort_name(item), schema::table_text(item));
  }
}

}  // namespace mm::pg
