#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/schema/diff.hpp"
#include "core/schema/model.hpp"
#include "schema_fixtures.hpp"

namespace mm::schema {
namespace {

using nlohmann::json;

using namespace fixtures;

// The diff of two of them.
inline std::vector<std::string> upgrade(const json& from, const json& to) {
  return diff_models(from, to).at("upgrade").get<std::vector<std::string>>();
}

inline std::vector<std::string> downgrade(const json& from, const json& to) {
  return diff_models(from, to).at("downgrade").get<std::vector<std::string>>();
}

// Position of the first statement starting with `prefix`, or -1.
inline int position_of(const std::vector<std::string>& statements, const std::string& prefix) {
  for (std::size_t i = 0; i < statements.size(); ++i)
    if (statements[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
  return -1;
}

TEST(SchemaDiff, IdenticalModelsGiveNothing) {
  json m = empty_model();
  m["tables"] = json::array({table("t", json::array({column("id", "integer", true)}),
                                   json::array({constraint("t_pkey", "primary key", "PRIMARY KEY (id)")}))});
  json d = diff_models(m, m);
  EXPECT_TRUE(d["upgrade"].empty());
  EXPECT_TRUE(d["downgrade"].empty());
  EXPECT_TRUE(d["data_loss"].empty());
}

TEST(SchemaDiff, CreatesTableWithInlineConstraintsAndDropsIt) {
  json to = empty_model();
  to["tables"] = json::array({table(
      "account",
      json::array({column("id", "bigint", true), column("email", "text", true), column("n", "integer", false, "0")}),
      json::array({constraint("account_pkey", "primary key", "PRIMARY KEY (id)")}))});
  json d = diff_models(empty_model(), to);
  ASSERT_EQ(d["upgrade"].size(), 1u);
  EXPECT_EQ(d["upgrade"][0],
            "CREATE TABLE public.account (\n    id bigint NOT NULL,\n    email text NOT NULL,\n"
            "    n integer DEFAULT 0,\n    CONSTRAINT account_pkey PRIMARY KEY (id)\n)");
  EXPECT_EQ(d["downgrade"], json::array({"DROP TABLE public.account"}));
  EXPECT_EQ(d["downgrade_data_loss"], json::array({0}));
  EXPECT_TRUE(d["data_loss"].empty());
}

// Columns sorted by name, with their physical order apart, as snapshot()
// gives them.
json ordered_table(const std::string& name, std::vector<std::string> order) {
  json columns = json::array();
  std::vector<std::string> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& c : sorted) columns.push_back(column(c, "integer"));
  json t = table(name, columns);
  t["column_order"] = order;
  return t;
}

json policy(const std::string& name, const std::string& command, bool permissive, std::vector<std::string> roles,
            json using_expr, json with_check) {
  return json{{"name", name},        {"command", command},       {"permissive", permissive}, {"roles", roles},
              {"using", using_expr}, {"with_check", with_check}, {"comment", nullptr}};
}

TEST(SchemaDiff, RowLevelSecurityAndPoliciesComeWithTheirTable) {
  json to = empty_model();
  json t = table("doc", json::array({column("owner", "name")}));
  t["row_security"] = true;
  t["force_row_security"] = true;
  t["policies"] =
      json::array({policy("doc_owner", "SELECT", false, {"app", "public"}, "(owner = CURRENT_USER)", nullptr),
                   policy("doc_write", "ALL", true, {"public"}, nullptr, "(owner = CURRENT_USER)")});
  to["tables"] = json::array({t});
  const std::vector<std::string> up = upgrade(empty_model(), to);
  ASSERT_EQ(up.size(), 5u);
  EXPECT_EQ(up[1], "ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY");
  EXPECT_EQ(up[2], "ALTER TABLE public.doc FORCE ROW LEVEL SECURITY");
  EXPECT_EQ(
      up[3],
      "CREATE POLICY doc_owner ON public.doc AS RESTRICTIVE FOR SELECT TO app, PUBLIC USING ((owner = CURRENT_USER))");
  EXPECT_EQ(up[4], "CREATE POLICY doc_write ON public.doc WITH CHECK ((owner = CURRENT_USER))");
  // DROP TABLE drops its policies.
  EXPECT_EQ(downgrade(empty_model(), to), std::vector<std::string>{"DROP TABLE public.doc"});

  // Flags off, a policy changed: ALTER TABLE, and the policy dropped and created.
  json from = to;
  json& changed = to["tables"][0];
  changed.erase("row_security");
  changed.erase("force_row_security");
  changed["policies"][1]["with_check"] = "((owner = CURRENT_USER) AND true)";
  const std::vector<std::string> alter = upgrade(from, to);
  EXPECT_EQ(alter, (std::vector<std::string>{
                       "DROP POLICY doc_write ON public.doc", "ALTER TABLE public.doc DISABLE ROW LEVEL SECURITY",
                       "ALTER TABLE public.doc NO FORCE ROW LEVEL SECURITY",
                       "CREATE POLICY doc_write ON public.doc WITH CHECK (((owner = CURRENT_USER) AND true))"}));
}

json btree_index(const std::string& name, std::vector<std::string> columns, bool unique = false) {
  return json{{"name", name},         {"method", "btree"},           {"unique", unique},
              {"columns", columns},   {"include", json::array()},    {"options", json::array()},
              {"predicate", nullptr}, {"nulls_not_distinct", false}, {"comment", nullptr}};
}

json partition_entry(const std::string& table_name, const std::string& name) {
  return json{{"schema", "public"}, {"table", table_name}, {"name", name}};
}

// A partitioned table "sale" with one partition "sale_2025"; the partition
// has its own index on shop and its own key.
json partitioned_sale() {
  json m = empty_model();
  const json columns = json::array({column("id", "bigint", true), column("shop", "integer")});
  json parent = table("sale", columns);
  parent["partition_by"] = "LIST (id)";
  json child = table("sale_2025", columns);
  child["partition_of"] = json{{"schema", "public"}, {"name", "sale"}};
  child["partition_bound"] = "FOR VALUES IN ('1')";
  child["indexes"] = json::array({btree_index("sale_2025_by_shop", {"shop"})});
  json key = constraint("sale_2025_pkey", "primary key", "PRIMARY KEY (id)");
  key["columns"] = json::array({"id"});
  child["constraints"] = json::array({key});
  m["tables"] = json::array({parent, child});
  return m;
}

TEST(SchemaDiff, APartitionsMatchingIndexAndKeyAreAttachedNotRebuilt) {
  const json from = partitioned_sale();
  json to = from;
  json parent_index = btree_index("sale_shop", {"shop"});
  parent_index["partitions"] = json::array({partition_entry("sale_2025", "sale_2025_shop_idx")});
  json parent_key = constraint("sale_pkey", "primary key", "PRIMARY KEY (id)");
  parent_key["columns"] = json::array({"id"});
  parent_key["partitions"] = json::array({partition_entry("sale_2025", "sale_2025_pkey")});
  to["tables"][0]["indexes"] = json::array({parent_index});
  to["tables"][0]["constraints"] = json::array({parent_key});
  to["tables"][1]["indexes"] = json::array();
  to["tables"][1]["constraints"] = json::array();

  const std::vector<std::string> up = upgrade(from, to);
  // The partition's index is renamed to the name PostgreSQL will find it
  // under, then the parent's is created (which attaches it); its key keeps
  // its name. Nothing on the partition is dropped.
  EXPECT_EQ(up, (std::vector<std::string>{"ALTER TABLE public.sale ADD CONSTRAINT sale_pkey PRIMARY KEY (id)",
                                          "ALTER INDEX public.sale_2025_by_shop RENAME TO sale_2025_shop_idx",
                                          "CREATE INDEX sale_shop ON public.sale USING btree (shop)"}));
  // Going back, the parent's index takes the partition's with it
  // (PostgreSQL cannot detach an index partition): the partition's own are
  // created again.
  const std::vector<std::string> down = downgrade(from, to);
  EXPECT_GE(position_of(down, "CREATE INDEX sale_2025_by_shop ON public.sale_2025"), 0);
  EXPECT_GT(position_of(down, "CREATE INDEX sale_2025_by_shop"), position_of(down, "DROP INDEX public.sale_shop"));

  // A plain unique index on the partition becomes its key under a new parent key.
  json unique_from = partitioned_sale();
  unique_from["tables"][1]["constraints"] = json::array();
  unique_from["tables"][1]["indexes"] = json::array({btree_index("sale_2025_id", {"id"}, true)});
  json unique_to = unique_from;
  unique_to["tables"][0]["constraints"] = json::array({parent_key});
  unique_to["tables"][1]["indexes"] = json::array();
  EXPECT_EQ(upgrade(unique_from, unique_to),
            (std::vector<std::string>{
                "ALTER TABLE public.sale_2025 ADD CONSTRAINT sale_2025_pkey PRIMARY KEY USING INDEX sale_2025_id",
                "ALTER TABLE public.sale ADD CONSTRAINT sale_pkey PRIMARY KEY (id)"}));

  // An index that differs (another column) is not taken over.
  json other = to;
  other["tables"][0]["indexes"][0]["columns"] = json::array({"id"});
  const std::vector<std::string> rebuilt = upgrade(from, other);
  EXPECT_GE(position_of(rebuilt, "DROP INDEX public.sale_2025_by_shop"), 0);
  EXPECT_EQ(position_of(rebuilt, "ALTER INDEX"), -1);
}

// A partitioned "reading" with one partition that inherits every column
// and has `own` as its own settings on them ("inherited_columns").
json partitioned_reading(const std::string& parent_default, json own) {
  json m = empty_model();
  json parent =
      table("reading", json::array({column("id", "integer", true), column("unit", "text", false, parent_default)}));
  parent["partition_by"] = "LIST (id)";
  json child = table("reading_1", json::array());
  child["partition_of"] = json{{"schema", "public"}, {"name", "reading"}};
  child["partition_bound"] = "FOR VALUES IN (1)";
  if (!own.empty()) child["inherited_columns"] = std::move(own);
  m["tables"] = json::array({parent, child});
  return m;
}

TEST(SchemaDiff, AChildsOwnDefaultOnAnInheritedColumnIsSetAgainAfterTheParentsReachesIt) {
  const json own_f = json::array({json{{"name", "unit"}, {"not_null", false}, {"default", "'F'::text"}}});
  // The parent's default changes; ALTER COLUMN reaches the partition, whose
  // own default is then set again.
  const std::vector<std::string> up =
      upgrade(partitioned_reading("'C'::text", own_f), partitioned_reading("'K'::text", own_f));
  EXPECT_EQ(up, (std::vector<std::string>{"ALTER TABLE public.reading ALTER COLUMN unit SET DEFAULT 'K'::text",
                                          "ALTER TABLE public.reading_1 ALTER COLUMN unit SET DEFAULT 'F'::text"}));
  // Unchanged parent: nothing reaches the child, so nothing is repeated.
  EXPECT_TRUE(upgrade(partitioned_reading("'C'::text", own_f), partitioned_reading("'C'::text", own_f)).empty());
  // Own settings gained and lost on a kept partition, NOT NULL included.
  const json own_nn = json::array({json{{"name", "unit"}, {"not_null", true}, {"default", "'C'::text"}}});
  EXPECT_EQ(upgrade(partitioned_reading("'C'::text", json::array()), partitioned_reading("'C'::text", own_nn)),
            (std::vector<std::string>{"ALTER TABLE public.reading_1 ALTER COLUMN unit SET NOT NULL"}));
  EXPECT_EQ(upgrade(partitioned_reading("'C'::text", own_f), partitioned_reading("'C'::text", json::array())),
            (std::vector<std::string>{"ALTER TABLE public.reading_1 ALTER COLUMN unit SET DEFAULT 'C'::text"}));
  // A new partition copies the parent's settings, then gets its own.
  json without_child = partitioned_reading("'C'::text", json::array());
  without_child["tables"].erase(1);
  const std::vector<std::string> created = upgrade(without_child, partitioned_reading("'C'::text", own_f));
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[1], "ALTER TABLE public.reading_1 ALTER COLUMN unit SET DEFAULT 'F'::text");
}

TEST(SchemaDiff, NewTableHasTheDeclaredColumnOrder) {
  json to = empty_model();
  to["tables"] = json::array({ordered_table("t", {"zeta", "alpha", "mid"})});
  EXPECT_EQ(
      upgrade(empty_model(), to),
      std::vector<std::string>{"CREATE TABLE public.t (\n    zeta integer,\n    alpha integer,\n    mid integer\n)"});
  EXPECT_TRUE(diff_models(empty_model(), to).at("column_order").empty());
}

TEST(SchemaDiff, ColumnsAddedToAKeptTableFollowTheDeclaredOrderAndTheResultIsAnnounced) {
  json from = empty_model(), to = empty_model();
  from["tables"] = json::array({ordered_table("t", {"id", "b", "gone"})});
  to["tables"] = json::array({ordered_table("t", {"id", "z_new", "b", "a_new"})});
  const json d = diff_models(from, to);
  const auto up = d.at("upgrade").get<std::vector<std::string>>();
  ASSERT_GE(position_of(up, "ALTER TABLE public.t ADD COLUMN a_new"), 0);
  EXPECT_LT(position_of(up, "ALTER TABLE public.t ADD COLUMN z_new"),
            position_of(up, "ALTER TABLE public.t ADD COLUMN a_new"));
  ASSERT_EQ(d.at("column_order").size(), 1u);
  EXPECT_EQ(d["column_order"][0]["table"], "t");
  EXPECT_EQ(d["column_order"][0]["declared"], json::array({"id", "z_new", "b", "a_new"}));
  EXPECT_EQ(d["column_order"][0]["result"], json::array({"id", "b", "z_new", "a_new"}));
  // The downgrade drops both and re-adds "gone" last, where it was.
  EXPECT_TRUE(d.at("downgrade_column_order").empty());
}

TEST(SchemaDiff, ADifferentOrderAloneIsNoChange) {
  json from = empty_model(), to = empty_model();
  from["tables"] = json::array({ordered_table("t", {"a", "b"})});
  to["tables"] = json::array({ordered_table("t", {"b", "a"})});
  const json d = diff_models(from, to);
  EXPECT_TRUE(d.at("upgrade").empty());
  EXPECT_TRUE(d.at("downgrade").empty());
  ASSERT_EQ(d.at("column_order").size(), 1u);
  EXPECT_EQ(d["column_order"][0]["result"], json::array({"a", "b"}));
}

TEST(SchemaDiff, FoldedDefaultsAreWrittenAsTheSchemaFileWroteThem) {
  json from = empty_model(), to = empty_model();
  json price = column("price", "numeric", false, "'0'::numeric");
  price["default_source"] = "0";
  to["tables"] = json::array({table("t", json::array({price}))});
  EXPECT_EQ(upgrade(empty_model(), to),
            std::vector<std::string>{"CREATE TABLE public.t (\n    price numeric DEFAULT 0\n)"});
  // A default spelled otherwise but folding to the same is no change.
  json respelled = column("price", "numeric", false, "'0'::numeric");
  from["tables"] = json::array({table("t", json::array({respelled}))});
  EXPECT_TRUE(upgrade(from, to).empty());
  // A changed default is set as written.
  json five = column("price", "numeric", false, "'5'::numeric");
  five["default_source"] = "5";
  json changed = empty_model();
  changed["tables"] = json::array({table("t", json::array({five}))});
  EXPECT_EQ(upgrade(to, changed), std::vector<std::string>{"ALTER TABLE public.t ALTER COLUMN price SET DEFAULT 5"});
}

TEST(SchemaDiff, AddsAndDropsColumnsMarkingDataLoss) {
  json from = empty_model(), to = empty_model();
  from["tables"] = json::array({table("t", json::array({column("id", "integer"), column("old", "text")}))});
  to["tables"] =
      json::array({table("t", json::array({column("id", "integer"), column("status", "character varying(32)", true,
                                                                           "'a'::character varying")}))});
  json d = diff_models(from, to);
  EXPECT_EQ(d["upgrade"], json::array({"ALTER TABLE public.t DROP COLUMN old",
                                       "ALTER TABLE public.t ADD COLUMN status character varying(32) DEFAULT "
                                       "'a'::character varying NOT NULL"}));
  EXPECT_EQ(d["data_loss"], json::array({0}));
  EXPECT_EQ(d["downgrade_data_loss"], json::array({0}));
}

TEST(SchemaDiff, TypeChangeUsesUsingOnlyWithoutAssignmentCast) {
  json from = empty_model(), to = empty_model();
  from["tables"] = json::array(
      {table("t", json::array({column("a", "integer"), column("b", "text"), column("c", "character varying(10)")}))});
  to["tables"] = json::array(
      {table("t", json::array({column("a", "bigint"), column("b", "integer"), column("c", "character varying(20)")}))});
  json d = diff_models(from, to);
  EXPECT_EQ(d["upgrade"], json::array({"ALTER TABLE public.t ALTER COLUMN a TYPE bigint",
                                       "ALTER TABLE public.t ALTER COLUMN b TYPE integer USING b::integer",
                                       "ALTER TABLE public.t ALTER COLUMN c TYPE character varying(20)"}));
  // Widening keeps every value; text -> integer may not.
  EXPECT_EQ(d["data_loss"], json::array({1}));
  EXPECT_EQ(d["downgrade"][0], "ALTER TABLE public.t ALTER COLUMN a TYPE integer");
  EXPECT_EQ(d["downgrade"][1], "ALTER TABLE public.t ALTER COLUMN b TYPE text");
  EXPECT_EQ(d["downgrade_data_loss"], json::array({0, 2}));
}

TEST(SchemaDiff, ForeignKeyCycleAddsConstraintsAfterBothTables) {
  json to = empty_model();
  to["tables"] =
      json::array({table("a", json::array({column("id", "integer", true), column("b_id", "integer")}),
                         json::array({constraint("a_pkey", "primary key", "PRIMARY KEY (id)"),
                                      constraint("a_b_fk", "foreign key", "FOREIGN KEY (b_id) REFERENCES public.b(id)",
                                                 {{"schema", "public"}, {"table", "b"}, {"columns", {"id"}}})})),
                   table("b", json::array({column("id", "integer", true), column("a_id", "integer")}),
                         json::array({constraint("b_pkey", "primary key", "PRIMARY KEY (id)"),
                                      constraint("b_a_fk", "foreign key", "FOREIGN KEY (a_id) REFERENCES public.a(id)",
                                                 {{"schema", "public"}, {"table", "a"}, {"columns", {"id"}}})}))});
  to["dependencies"] = json::array(
      {json::array({key({"constraint", "public", "a", "a_b_fk"}), key({"constraint", "public", "b", "b_pkey"})}),
       json::array({key({"constraint", "public", "b", "b_a_fk"}), key({"constraint", "public", "a", "a_pkey"})})});
  auto up = upgrade(empty_model(), to);
  ASSERT_EQ(up.size(), 4u);
  EXPECT_EQ(position_of(up, "CREATE TABLE public.a"), 0);
  EXPECT_EQ(position_of(up, "CREATE TABLE public.b"), 1);
  EXPECT_GT(position_of(up, "ALTER TABLE public.a ADD CONSTRAINT a_b_fk"), 1);
  EXPECT_GT(position_of(up, "ALTER TABLE public.b ADD CONSTRAINT b_a_fk"), 1);
  auto down = downgrade(empty_model(), to);
  ASSERT_EQ(down.size(), 4u);
  // Foreign keys go first, then the tables in any order.
  EXPECT_EQ(down[0].rfind("ALTER TABLE", 0), 0u);
  EXPECT_EQ(down[1].rfind("ALTER TABLE", 0), 0u);
  EXPECT_EQ(down[2].rfind("DROP TABLE", 0), 0u);
}

TEST(SchemaDiff, TypesComeBeforeColumnsAndGoAfterThem) {
  json to = empty_model();
  to["types"] = json::array({enum_type("mood", {"sad", "ok"})});
  to["tables"] = json::array({table("t", json::array({column("m", "public.mood")}))});
  to["dependencies"] =
      json::array({json::array({key({"column", "public", "t", "m"}), key({"type", "public", "mood"})})});
  EXPECT_EQ(upgrade(empty_model(), to), (std::vector<std::string>{"CREATE TYPE public.mood AS ENUM ('sad', 'ok')",
                                                                  "CREATE TABLE public.t (\n    m public.mood\n)"}));
  EXPECT_EQ(downgrade(empty_model(), to), (std::vector<std::string>{"DROP TABLE public.t", "DROP TYPE public.mood"}));
}

TEST(SchemaDiff, EnumValuesAreAddedInPlaceAndRemovedByRecreatingTheType) {
  json from = empty_model(), to = empty_model();
  from["types"] = json::array({enum_type("mood", {"sad", "ok"})});
  to["types"] = json::array({enum_type("mood", {"awful", "sad", "meh", "ok", "happy"})});
  for (json* m : {&from, &to}) {
    (*m)["tables"] = json::array({table("t", json::array({column("m", "public.mood", true, "'ok'::public.mood")}))});
    (*m)["dependencies"] =
        json::array({json::array({key({"column", "public", "t", "m"}), key({"type", "public", "mood"})}),
                     json::array({key({"default", "public", "t", "m"}), key({"type", "public", "mood"})})});
  }
  EXPECT_EQ(upgrade(from, to), (std::vector<std::string>{
                                   "ALTER TYPE public.mood ADD VALUE 'awful' BEFORE 'sad'",
                                   "ALTER TYPE public.mood ADD VALUE 'meh' AFTER 'sad'",
                                   "ALTER TYPE public.mood ADD VALUE 'happy' AFTER 'ok'",
                               }));
  EXPECT_EQ(downgrade(from, to), (std::vector<std::string>{
                                     "ALTER TABLE public.t ALTER COLUMN m DROP DEFAULT",
                                     "ALTER TYPE public.mood RENAME TO mood__metamigrate_old",
                                     "CREATE TYPE public.mood AS ENUM ('sad', 'ok')",
                                     "ALTER TABLE public.t ALTER COLUMN m TYPE public.mood USING m::text::public.mood",
                                     "DROP TYPE public.mood__metamigrate_old",
                                     "ALTER TABLE public.t ALTER COLUMN m SET DEFAULT 'ok'::public.mood",
                                 }));
  EXPECT_EQ(diff_models(from, to)["downgrade_data_loss"], json::array({3}));
}

TEST(SchemaDiff, DomainOverAReplacedEnumIsReplacedToo) {
  json from = empty_model(), to = empty_model();
  json domain = {{"schema", "public"}, {"name", "warm"},     {"kind", "domain"},     {"base_type", "public.color"},
                 {"not_null", false},  {"default", nullptr}, {"collation", nullptr}, {"constraints", json::array()},
                 {"comment", nullptr}};
  from["types"] = json::array({enum_type("color", {"red", "green", "blue"}), domain});
  to["types"] = json::array({enum_type("color", {"red", "green"}), domain});
  for (json* m : {&from, &to}) {
    (*m)["tables"] = json::array({table("paint", json::array({column("c", "public.warm")}))});
    (*m)["dependencies"] =
        json::array({json::array({key({"type", "public", "warm"}), key({"type", "public", "color"})}),
                     json::array({key({"column", "public", "paint", "c"}), key({"type", "public", "warm"})})});
  }
  EXPECT_EQ(upgrade(from, to),
            (std::vector<std::string>{
                "ALTER DOMAIN public.warm RENAME TO warm__metamigrate_old",
                "ALTER TYPE public.color RENAME TO color__metamigrate_old",
                "CREATE TYPE public.color AS ENUM ('red', 'green')",
                "CREATE DOMAIN public.warm AS public.color",
                "ALTER TABLE public.paint ALTER COLUMN c TYPE public.warm USING c::text::public.warm",
                "DROP DOMAIN public.warm__metamigrate_old",
                "DROP TYPE public.color__metamigrate_old",
            }));
  // Adding the label back is in place: the domain is untouched.
  EXPECT_EQ(downgrade(from, to), (std::vector<std::string>{"ALTER TYPE public.color ADD VALUE 'blue' AFTER 'green'"}));
}

TEST(SchemaDiff, ViewIsRecreatedAroundATypeChangeOfAColumnItReads) {
  json from = empty_model(), to = empty_model();
  from["tables"] = json::array({table("t", json::array({column("a", "integer"), column("b", "integer")}))});
  to["tables"] = json::array({table("t", json::array({column("a", "numeric"), column("b", "integer")}))});
  for (json* m : {&from, &to}) {
    (*m)["views"] = json::array({view("v", "SELECT t.a\n   FROM public.t"), view("w", "SELECT t.b\n   FROM public.t")});
    (*m)["dependencies"] =
        json::array({json::array({key({"view", "public", "v"}), key({"column", "public", "t", "a"})}),
                     json::array({key({"view", "public", "w"}), key({"column", "public", "t", "b"})})});
  }
  EXPECT_EQ(upgrade(from, to), (std::vector<std::string>{
                                   "DROP VIEW public.v",
                                   "ALTER TABLE public.t ALTER COLUMN a TYPE numeric",
                                   "CREATE VIEW public.v AS\nSELECT t.a\n   FROM public.t",
                               }));
}

TEST(SchemaDiff, ViewsAreCreatedInDependencyOrderAndDroppedInReverse) {
  json to = empty_model();
  to["tables"] = json::array({table("t", json::array({column("a", "integer")}))});
  to["views"] =
      json::array({view("a_top", "SELECT z_base.a FROM public.z_base"), view("z_base", "SELECT t.a FROM public.t")});
  to["dependencies"] =
      json::array({json::array({key({"view", "public", "a_top"}), key({"view", "public", "z_base"})}),
                   json::array({key({"view", "public", "z_base"}), key({"column", "public", "t", "a"})})});
  auto up = upgrade(empty_model(), to);
  EXPECT_LT(position_of(up, "CREATE VIEW public.z_base"), position_of(up, "CREATE VIEW public.a_top"));
  auto down = downgrade(empty_model(), to);
  EXPECT_EQ(down,
            (std::vector<std::string>{"DROP VIEW public.a_top", "DROP VIEW public.z_base", "DROP TABLE public.t"}));
}

TEST(SchemaDiff, ConstraintThatDiffersOnlyByNameIsRenamed) {
  json from = empty_model(), to = empty_model();
  from["tables"] = json::array({table("t", json::array({column("id", "integer", true)}),
                                      json::array({constraint("t_pk", "primary key", "PRIMARY KEY (id)")}))});
  to["tables"] = json::array({table("t", json::array({column("id", "integer", true)}),
                                    json::array({constraint("t_pkey", "primary key", "PRIMARY KEY (id)")}))});
  EXPECT_EQ(upgrade(from, to), (std::vector<std::string>{"ALTER TABLE public.t RENAME CONSTRAINT t_pk TO t_pkey"}));
  EXPECT_EQ(downgrade(from, to), (std::vector<std::string>{"ALTER TABLE public.t RENAME CONSTRAINT t_pkey TO t_pk"}));
}

TEST(SchemaDiff, ConstraintValidationAndDeferrability) {
  json from = empty_model(), to = empty_model();
  json fk = constraint("c_fk", "foreign key", "FOREIGN KEY (p) REFERENCES public.p(id)",
                       {{"schema", "public"}, {"table", "p"}, {"columns", {"id"}}});
  json not_valid = fk;
  not_valid["validated"] = false;
  json deferred = fk;
  deferred["deferrable"] = true;
  deferred["deferred"] = true;
  from["tables"] = json::array({table("c", json::array({column("p", "integer")}), json::array({not_valid}))});
  to["tables"] = json::array({table("c", json::array({column("p", "integer")}), json::array({deferred}))});
  EXPECT_EQ(upgrade(from, to),
            (std::vector<std::string>{"ALTER TABLE public.c ALTER CONSTRAINT c_fk DEFERRABLE INITIALLY DEFERRED",
                                      "ALTER TABLE public.c VALIDATE CONSTRAINT c_fk"}));
  // Becoming NOT VALID again needs a drop and an add.
  EXPECT_EQ(downgrade(from, to),
            (std::vector<std::string>{
                "ALTER TABLE public.c DROP CONSTRAINT c_fk",
                "ALTER TABLE public.c ADD CONSTRAINT c_fk FOREIGN KEY (p) REFERENCES public.p(id) NOT VALID"}));
}

TEST(SchemaDiff, SerialSequenceIsOwnedAfterTheTableAndDroppedWithIt) {
  json to = empty_model();
  to["sequences"] = json::array({json{{"schema", "public"},
                                      {"name", "t_id_seq"},
                                      {"data_type", "integer"},
                                      {"start", 1},
                                      {"increment", 1},
                                      {"min", 1},
                                      {"max", 2147483647},
                                      {"cache", 1},
                                      {"cycle", false},
                                      {"comment", nullptr},
                                      {"owned_by", {{"schema", "public"}, {"table", "t"}, {"column", "id"}}}}});
  to["tables"] =
      json::array({table("t", json::array({column("id", "integer", true, "nextval('public.t_id_seq'::regclass)")}))});
  to["dependencies"] =
      json::array({json::array({key({"default", "public", "t", "id"}), key({"sequence", "public", "t_id_seq"})})});
  EXPECT_EQ(upgrade(empty_model(), to),
            (std::vector<std::string>{
                "CREATE SEQUENCE public.t_id_seq AS integer",
                "CREATE TABLE public.t (\n    id integer DEFAULT nextval('public.t_id_seq'::regclass) NOT NULL\n)",
                "ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id"}));
  // DROP TABLE also drops the sequence the column owns.
  EXPECT_EQ(downgrade(empty_model(), to), (std::vector<std::string>{"DROP TABLE public.t"}));
}

TEST(SchemaDiff, SequenceOptionsAreAltered) {
  json seq = {{"schema", "public"}, {"name", "s"},       {"data_type", "bigint"},        {"start", 1},
              {"increment", 1},     {"min", 1},          {"max", 9223372036854775807LL}, {"cache", 1},
              {"cycle", false},     {"comment", nullptr}};
  json changed = seq;
  changed["increment"] = 5;
  changed["cycle"] = true;
  json from = empty_model(), to = empty_model();
  from["sequences"] = json::array({seq});
  to["sequences"] = json::array({changed});
  EXPECT_EQ(upgrade(from, to), (std::vector<std::string>{"ALTER SEQUENCE public.s INCREMENT BY 5 CYCLE"}));
  EXPECT_EQ(upgrade(empty_model(), to), (std::vector<std::string>{"CREATE SEQUENCE public.s INCREMENT BY 5 CYCLE"}));
}

TEST(SchemaDiff, FunctionBodyIsReplacedButSignatureChangeRecreates) {
  json fn = {{"schema", "public"},
             {"name", "f"},
             {"identity_arguments", "x integer"},
             {"kind", "function"},
             {"arguments", "x integer"},
             {"returns", "integer"},
             {"language", "sql"},
             {"volatility", "volatile"},
             {"security_definer", false},
             {"comment", nullptr},
             {"definition",
              "CREATE OR REPLACE FUNCTION public.f(x integer)\n RETURNS integer\n LANGUAGE sql\nAS $function$ SELECT x "
              "$function$"}};
  json body = fn;
  body["definition"] =
      "CREATE OR REPLACE FUNCTION public.f(x integer)\n RETURNS integer\n LANGUAGE sql\nAS $function$ SELECT x + 1 "
      "$function$";
  json result = body;
  result["returns"] = "bigint";
  json from = empty_model(), to = empty_model();
  from["functions"] = json::array({fn});
  to["functions"] = json::array({body});
  EXPECT_EQ(upgrade(from, to), (std::vector<std::string>{body["definition"]}));
  to["functions"] = json::array({result});
  EXPECT_EQ(upgrade(from, to), (std::vector<std::string>{"DROP FUNCTION public.f(x integer)", result["definition"]}));
}

TEST(SchemaDiff, CommentsAreSetAndCleared) {
  json from = empty_model(), to = empty_model();
  json commented = table("t", json::array({column("id", "integer")}));
  commented["comment"] = "it's a table";
  from["tables"] = json::array({table("t", json::array({column("id", "integer")}))});
  to["tables"] = json::array({commented});
  EXPECT_EQ(upgrade(from, to), (std::vector<std::string>{"COMMENT ON TABLE public.t IS 'it''s a table'"}));
  EXPECT_EQ(downgrade(from, to), (std::vector<std::string>{"COMMENT ON TABLE public.t IS NULL"}));
}

TEST(SchemaDiff, NewSchemaIsCreatedFirstAndDroppedLast) {
  json to = empty_model();
  to["schemas"].push_back(json{{"name", "app"}, {"comment", nullptr}});
  json t = table("t", json::array({column("id", "integer")}));
  t["schema"] = "app";
  to["tables"] = json::array({t});
  EXPECT_EQ(upgrade(empty_model(), to),
            (std::vector<std::string>{"CREATE SCHEMA app", "CREATE TABLE app.t (\n    id integer\n)"}));
  EXPECT_EQ(downgrade(empty_model(), to), (std::vector<std::string>{"DROP TABLE app.t", "DROP SCHEMA app"}));
}

TEST(SchemaDiff, TableReplacedByViewOfTheSameNameDropsFirst) {
  json from = empty_model(), to = empty_model();
  from["tables"] = json::array({table("thing", json::array({column("id", "integer")}))});
  to["views"] = json::array({view("thing", "SELECT 1 AS id")});
  EXPECT_EQ(upgrade(from, to),
            (std::vector<std::string>{"DROP TABLE public.thing", "CREATE VIEW public.thing AS\nSELECT 1 AS id"}));
}

TEST(SchemaDiff, DependencyCycleIsReportedNotLooped) {
  json to = empty_model();
  to["views"] = json::array({view("a", "SELECT 1"), view("b", "SELECT 2")});
  to["dependencies"] = json::array({json::array({key({"view", "public", "a"}), key({"view", "public", "b"})}),
                                    json::array({key({"view", "public", "b"}), key({"view", "public", "a"})})});
  try {
    diff_models(empty_model(), to);
    FAIL() << "expected a cycle error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dependency cycle"), std::string::npos);
    EXPECT_NE(e.detail().find("\"view\",\"public\",\"a\""), std::string::npos);
  }
}

TEST(SchemaDiff, RejectsMalformedModels) {
  EXPECT_THROW(diff_models(json::object(), empty_model()), Error);
  EXPECT_THROW(diff_models(empty_model(), json{{"format", "other"}}), Error);
  json bad = empty_model();
  bad["tables"] = json::array({json{{"schema", "public"}}});
  EXPECT_THROW(diff_models(empty_model(), bad), Error);
  EXPECT_THROW(diff_models_text("{", "{}"), Error);
}

// The catalog orders its objects once, after reading them all: an object
// twice in a model is still refused, whole or as its text.
TEST(SchemaDiff, RejectsAnObjectTwice) {
  json twice = empty_model();
  twice["tables"] = json::array({table("t", json::array({column("id", "integer")})),
                                 table("u", json::array({column("id", "integer"), column("id", "bigint")}))});
  for (int as_text = 0; as_text < 2; ++as_text) {
    try {
      if (as_text)
        diff_models_text(empty_model().dump(), twice.dump());
      else
        diff_models(empty_model(), twice);
      FAIL() << "expected a duplicate object error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("duplicate object [\"column\",\"public\",\"u\",\"id\"]"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace mm::schema
