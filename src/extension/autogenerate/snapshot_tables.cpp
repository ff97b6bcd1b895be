#include "extension/autogenerate/snapshot_tables.hpp"

#include <cstdlib>
#include <unordered_map>

#include "core/error.hpp"

namespace mm::pg {

const char* const kCollationNameSql =
    "CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname) "
    "ELSE pg_catalog.quote_ident(cn.nspname) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) "
    "pg_catalog.quote_ident(co.collname) END";

namespace {

using nlohmann::json;

// The model's tables, after the relation sets' WITH clause (which defines
// `tab`): their oids as one text[] literal, in order.
constexpr const char* kTableOidsSql = "\nSELECT pg_catalog.array_agg(oid ORDER BY oid)::pg_catalog.text FROM tab";

// The scans below take the tables' oids as $1 and return rows in table
// oid order, the table's oid first.

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
           AND (a.attnotnull <> parent.attnotnull OR own.expression IS DISTINCT FROM parent.expression)) END
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_class c ON c.oid = tables.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  -- Only children have parents to read, so the rest skip those subqueries.
  LEFT JOIN (SELECT DISTINCT inhrelid FROM pg_catalog.pg_inherits) child ON child.inhrelid = c.oid
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 ORDER BY c.oid)SQL";

// A table's columns, in attnum order: the inherited ones only by name (the
// constraints' column lists use them), the table's own ones in full.
constexpr const char* kColumnsSql = R"SQL(
SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN COALESCE(df.folded, pg_catalog.pg_get_expr(ad.adbin, 0)) END,
       CASE WHEN df.folded IS NOT NULL THEN pg_catalog.pg_get_expr(ad.adbin, 0) END,
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
       ds.description, a.attnum, a.attislocal
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = tables.oid
  JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum AND a.attislocal
  LEFT JOIN LATERAL (SELECT CASE WHEN a.attgenerated = '' THEN metamigrate.folded_default(ad.adbin, ad.adrelid) END
                       AS folded) df ON true
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                        AND ds.objsubid = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum)SQL";

// A table's own constraints (not those inherited or cloned from a parent).
constexpr const char* kConstraintsSql = R"SQL(
SELECT co.conrelid, co.conname, co.contype, pg_catalog.pg_get_constraintdef(co.oid),
       pg_catalog.array_to_string(co.conkey, ','),
       CASE WHEN co.contype = 'f' THEN pg_catalog.json_build_object(
           'schema', fns.nspname, 'table', fc.relname,
           'columns', (SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord)
                         FROM pg_catalog.unnest(co.confkey) WITH ORDINALITY AS k(attnum, ord)
                         JOIN pg_catalog.pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum)) END,
       co.condeferrable, co.condeferred, co.convalidated,
       -- A key of a partitioned table: what its partitions' keys are called.
       CASE WHEN co.contype IN ('p', 'u', 'x') AND c.relkind = 'p' THEN
           (SELECT pg_catalog.json_agg(pg_catalog.json_build_object('schema', pn.nspname, 'table', pc.relname, 'name', ch.conname)
                                       ORDER BY pn.nspname COLLATE "C", pc.relname COLLATE "C")
              FROM pg_catalog.pg_constraint ch JOIN pg_catalog.pg_class pc ON pc.oid = ch.conrelid
              JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE ch.conparentid = co.oid) END,
       ds.description
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_constraint co ON co.conrelid = tables.oid
  JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  LEFT JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid
  LEFT JOIN pg_catalog.pg_namespace fns ON fns.oid = fc.relnamespace
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = co.oid AND ds.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 WHERE co.contype IN ('p', 'u', 'c', 'x', 'f') AND co.conislocal AND co.conparentid = 0
 ORDER BY co.conrelid)SQL";

// A table's indexes other than those of its keys and those attached to a
// partitioned parent's index.
constexpr const char* kIndexesSql = R"SQL(
SELECT ix.indrelid, i.relname, pg_catalog.pg_get_indexdef(i.oid), ix.indisunique, am.amname,
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
       ds.description
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
SELECT tg.tgrelid, tg.tgname, pg_catalog.pg_get_triggerdef(tg.oid), ds.description
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
       ds.description
  FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS tables(oid)
  JOIN pg_catalog.pg_policy po ON po.polrelid = tables.oid
  LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = po.oid AND ds.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass
                                        AND ds.objsubid = 0
 ORDER BY po.polrelid)SQL";

// Rows fetched at a time per scan.
constexpr std::size_t kBatch = 256;

// A row's cell as a JSON value: text, null, or (for the JSON columns)
// parsed JSON, and booleans from 't'/'f'.
json text(const Value& cell) { return cell ? json(*cell) : json(nullptr); }
json parsed(const Value& cell) { return cell ? json::parse(*cell) : json(nullptr); }
bool boolean(const Value& cell) { return cell && *cell == "t"; }

const std::string& required(const Row& row, std::size_t column) { return required_cell(row, column, "snapshot scan"); }

unsigned long oid_of(const Row& row) { return std::strtoul(required(row, 0).c_str(), nullptr, 10); }

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

  // Appends `to_json(row)` for every row of table `oid` to `list`.
  template <typename ToJson>
  void take(unsigned long oid, json& list, ToJson to_json) {
    each(oid, [&](const Row& row) {
      if (list.is_null()) list = json::array();
      list.push_back(to_json(row));
    });
  }

 private:
  SpiCursor cursor_;
};

json column(const Row& row) {
  return {{"name", required(row, 1)},   {"type", required(row, 2)},       {"not_null", boolean(row[3])},
          {"default", text(row[4])},    {"default_source", text(row[5])}, {"generated", text(row[6])},
          {"identity", parsed(row[7])}, {"collation", text(row[8])},      {"comment", text(row[9])}};
}

const char* constraint_type(const std::string& contype) {
  if (contype == "p") return "primary key";
  if (contype == "u") return "unique";
  if (contype == "c") return "check";
  if (contype == "x") return "exclusion";
  return "foreign key";
}

using ColumnNames = std::unordered_map<std::string, std::string>;  // attnum -> name

// "2,1" (a conkey) as the names of those columns.
json column_names(const Value& attnums, const ColumnNames& names) {
  json out = json::array();
  if (!attnums) return out;
  std::size_t start = 0;
  while (start <= attnums->size()) {
    std::size_t end = attnums->find(',', start);
    if (end == std::string::npos) end = attnums->size();
    if (auto it = names.find(attnums->substr(start, end - start)); it != names.end()) out.push_back(it->second);
    start = end + 1;
  }
  return out;
}

json constraint(const Row& row, const ColumnNames& names) {
  return {{"name", required(row, 1)},       {"type", constraint_type(required(row, 2))},
          {"definition", required(row, 3)}, {"columns", column_names(row[4], names)},
          {"references", parsed(row[5])},   {"deferrable", boolean(row[6])},
          {"deferred", boolean(row[7])},    {"validated", boolean(row[8])},
          {"partitions", parsed(row[9])},   {"comment", text(row[10])}};
}

json index(const Row& row) {
  return {{"name", required(row, 1)},
          {"definition", required(row, 2)},
          {"unique", boolean(row[3])},
          {"method", required(row, 4)},
          {"include", parsed(row[5])},
          {"predicate", text(row[6])},
          {"nulls_not_distinct", boolean(row[7])},
          {"options", parsed(row[8])},
          {"partitions", parsed(row[9])},
          {"comment", text(row[10])}};
}

json trigger(const Row& row) {
  return {{"name", required(row, 1)}, {"definition", required(row, 2)}, {"comment", text(row[3])}};
}

json policy(const Row& row) {
  return {{"name", required(row, 1)}, {"command", required(row, 2)}, {"permissive", boolean(row[3])},
          {"roles", parsed(row[4])},  {"using", text(row[5])},       {"with_check", text(row[6])},
          {"comment", text(row[7])}};
}

// The table's own fields, from a row of kTablesSql.
json table(const Row& row) {
  json item = {{"schema", required(row, 1)},
               {"name", required(row, 2)},
               {"kind", required(row, 3) == "p" ? "partitioned table" : "table"},
               {"unlogged", boolean(row[4])},
               {"partition_by", text(row[5])},
               {"partition_of", parsed(row[7])},
               {"partition_bound", text(row[8])},
               {"inherits", parsed(row[9])},
               {"options", parsed(row[10])},
               {"comment", text(row[11])},
               {"row_security", boolean(row[12]) ? json(true) : json(nullptr)},
               {"force_row_security", boolean(row[13]) ? json(true) : json(nullptr)},
               {"inherited_columns", parsed(row[14])}};
  return item;
}

}  // namespace

void add_tables(SpiSession& spi, const std::string& relation_sets_sql, const std::vector<Value>& params,
                schema::ModelWriter& writer) {
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
  for (Row* row = tables.row(); row != nullptr; tables.advance(), row = tables.row()) {
    const unsigned long oid = oid_of(*row);
    json item = table(*row);
    json& column_list = item["columns"] = json::array();
    ColumnNames names;
    columns.each(oid, [&](const Row& column_row) {
      names.emplace(required(column_row, 10), required(column_row, 1));
      if (boolean(column_row[11])) column_list.push_back(column(column_row));
    });
    json& constraint_list = item["constraints"] = json::array();
    constraints.take(oid, constraint_list,
                     [&](const Row& constraint_row) { return constraint(constraint_row, names); });
    json& index_list = item["indexes"] = json::array();
    indexes.take(oid, index_list, index);
    json& trigger_list = item["triggers"] = json::array();
    triggers.take(oid, trigger_list, trigger);
    json& policy_list = item["policies"] = nullptr;  // absent unless the table has some
    policies.take(oid, policy_list, policy);
    writer.add("tables", std::move(item));
  }
}

}  // namespace mm::pg
