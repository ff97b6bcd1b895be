// A table printed straight from its catalog rows (table_text) must be byte
// for byte what the JSON path prints for the same table: the item as the
// snapshot used to build it, normalize_model_item, dump().
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/schema/json_text.hpp"
#include "core/schema/normalize.hpp"
#include "core/schema/table_text.hpp"

namespace mm::schema {
namespace {

using nlohmann::json;

json text(const CatalogText& cell) { return cell ? json(*cell) : json(nullptr); }
json parsed(const CatalogText& cell) { return cell ? json::parse(*cell) : json(nullptr); }
json target(const std::optional<ForeignKeyTarget>& t) {
  return t ? json{{"schema", t->schema}, {"table", t->table}, {"columns", t->columns}} : json(nullptr);
}

// The table as a JSON item, field by field as the snapshot built it before
// table_text.
json item_of(const TableRow& t) {
  json columns = json::array(), constraints = json::array(), indexes = json::array(), triggers = json::array();
  json policies = nullptr;
  for (const ColumnRow& c : t.columns)
    columns.push_back({{"name", c.name},
                       {"type", c.type},
                       {"not_null", c.not_null},
                       {"default", text(c.default_value)},
                       {"default_source", text(c.default_source)},
                       {"generated", text(c.generated)},
                       {"identity", parsed(c.identity)},
                       {"collation", text(c.collation)},
                       {"comment", text(c.comment)}});
  for (const ConstraintRow& c : t.constraints)
    constraints.push_back({{"name", c.name},
                           {"type", c.type},
                           {"definition", c.definition},
                           {"columns", c.columns},
                           {"references", target(c.references)},
                           {"deferrable", c.deferrable},
                           {"deferred", c.deferred},
                           {"validated", c.validated},
                           {"partitions", parsed(c.partitions)},
                           {"comment", text(c.comment)}});
  for (const IndexRow& i : t.indexes)
    indexes.push_back({{"name", i.name},
                       {"definition", i.definition},
                       {"unique", i.unique},
                       {"method", i.method},
                       {"include", parsed(i.include)},
                       {"predicate", text(i.predicate)},
                       {"nulls_not_distinct", i.nulls_not_distinct},
                       {"options", parsed(i.options)},
                       {"partitions", parsed(i.partitions)},
                       {"comment", text(i.comment)}});
  for (const TriggerRow& g : t.triggers)
    triggers.push_back({{"name", g.name}, {"definition", g.definition}, {"comment", text(g.comment)}});
  for (const PolicyRow& p : t.policies) {
    if (policies.is_null()) policies = json::array();
    policies.push_back({{"name", p.name},
                        {"command", p.command},
                        {"permissive", p.permissive},
                        {"roles", parsed(p.roles)},
                        {"using", text(p.using_expression)},
                        {"with_check", text(p.with_check)},
                        {"comment", text(p.comment)}});
  }
  return {{"schema", t.schema},
          {"name", t.name},
          {"kind", t.kind},
          {"unlogged", t.unlogged},
          {"partition_by", text(t.partition_by)},
          {"partition_of", parsed(t.partition_of)},
          {"partition_bound", text(t.partition_bound)},
          {"inherits", parsed(t.inherits)},
          {"options", parsed(t.options)},
          {"comment", text(t.comment)},
          {"row_security", t.row_security ? json(true) : json(nullptr)},
          {"force_row_security", t.force_row_security ? json(true) : json(nullptr)},
          {"inherited_columns", parsed(t.inherited_columns)},
          {"columns", columns},
          {"constraints", constraints},
          {"indexes", indexes},
          {"triggers", triggers},
          {"policies", policies}};
}

std::string through_json(const TableRow& table) {
  json item = item_of(table);
  normalize_model_item("tables", item);
  return item.dump();
}

TableRow plain_table() {
  TableRow t;
  t.schema = "public";
  t.name = "orders";
  t.kind = "table";
  t.options = "[]";
  t.inherits = "[]";
  t.columns = {{"id", "bigint", true, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "the key"},
               {"amount", "numeric(12,2)", true, "0.00::numeric(12,2)", "0", std::nullopt, std::nullopt, std::nullopt,
                std::nullopt}};
  t.constraints = {{"orders_pkey",
                    "primary key",
                    "PRIMARY KEY (id)",
                    {"id"},
                    std::nullopt,
                    false,
                    false,
                    true,
                    std::nullopt,
                    std::nullopt}};
  t.indexes = {{"orders_amount_idx", "CREATE INDEX orders_amount_idx ON public.orders USING btree (amount)", "btree",
                false, false, "[]", std::nullopt, "[]", std::nullopt, std::nullopt}};
  return t;
}

TEST(TableText, APlainTablePrintsAsTheJsonPathDoes) {
  const TableRow t = plain_table();
  EXPECT_EQ(table_text(t), through_json(t));
  EXPECT_EQ(table_sort_name(t), std::string("public\x01orders\x01\x01"));
}

TEST(TableText, EveryOptionalFieldAndAwkwardTextPrintsAsTheJsonPathDoes) {
  TableRow t = plain_table();
  t.name = "Caf\xc3\xa9 \"orders\"\\";  // escaped and non-ASCII names
  t.kind = "partitioned table";
  t.unlogged = true;
  t.row_security = true;
  t.force_row_security = true;
  t.partition_by = "RANGE (id)";
  t.partition_of = R"({"schema" : "public", "name" : "parent"})";  // as json_build_object prints it
  t.partition_bound = "FOR VALUES FROM (1) TO (10)";
  t.inherits = R"([{"schema" : "public", "name" : "a"}, {"schema" : "public", "name" : "b"}])";
  t.options = R"(["fillfactor=70"])";
  t.comment = "line\none\ttab \x01";
  t.inherited_columns = R"j([{"name" : "z", "not_null" : true, "default" : null, "default_source" : null}, )j"
                        R"j({"name" : "a", "not_null" : false, "default" : "1", "default_source" : "(1)"}])j";
  // Columns in attnum order, which column_order keeps while the list sorts.
  t.columns.push_back(
      {"b", "text", false, std::nullopt, std::nullopt, "upper(name)", std::nullopt, "\"C\"", std::nullopt});
  t.columns.push_back({"a", "integer", true, std::nullopt, std::nullopt, std::nullopt,
                       R"({"generation" : "always", "start" : 1, "increment" : 1, "min" : 1, )"
                       R"("max" : 9223372036854775807, "cache" : 1, "cycle" : false})",
                       std::nullopt, std::nullopt});
  t.constraints.push_back({"fk",
                           "foreign key",
                           "FOREIGN KEY (a) REFERENCES public.\"t \"\"x\"\"\"(\"Other Id\") DEFERRABLE INITIALLY "
                           "DEFERRED NOT VALID",
                           {"a"},
                           ForeignKeyTarget{"public", "t \"x\"", {"Other Id"}},
                           true,
                           true,
                           false,
                           std::nullopt,
                           "fk \"comment\""});
  t.constraints.push_back({"a_check",
                           "check",
                           "CHECK ((a > 0))",
                           {"a"},
                           std::nullopt,
                           false,
                           false,
                           true,
                           R"([{"schema" : "public", "table" : "p1", "name" : "p1_a_check"}])",
                           std::nullopt});
  t.indexes.push_back({"b_idx", "CREATE UNIQUE INDEX b_idx ON public.t USING btree (lower(b) text_pattern_ops DESC, a)",
                       "btree", true, true, R"(["id"])", "(a > 0)", R"(["fillfactor=50"])",
                       R"([{"schema" : "public", "table" : "p1", "name" : "p1_b_idx"}])", "idx"});
  t.triggers = {{"t2", "CREATE TRIGGER t2 ...", std::nullopt}, {"t1", "CREATE TRIGGER t1 ...", "c"}};
  t.policies = {{"p2", "ALL", true, R"(["public"])", "(a > 0)", std::nullopt, std::nullopt},
                {"p1", "SELECT", false, R"(["alice", "bob"])", std::nullopt, "true", "policy"}};
  EXPECT_EQ(table_text(t), through_json(t));
}

TEST(TableText, AbsentFieldsAreLeftOutAsTheJsonPathLeavesThemOut) {
  TableRow t = plain_table();
  t.columns.clear();
  t.constraints.clear();
  t.indexes.clear();
  const std::string printed = table_text(t);
  EXPECT_EQ(printed, through_json(t));
  const json parsed_back = json::parse(printed);
  for (const char* absent : {"policies", "row_security", "force_row_security", "inherited_columns"})
    EXPECT_FALSE(parsed_back.contains(absent)) << absent;
  EXPECT_EQ(parsed_back["columns"], json::array());
}

TEST(JsonText, StringsPrintAsDumpPrintsThem) {
  for (const std::string& s : {std::string("plain"), std::string("q\"b\\"), std::string("\x7f del"),
                               std::string("caf\xc3\xa9"), std::string("nul\0x", 5), std::string("")})
    EXPECT_EQ(json_string(s), json(s).dump()) << s;
  EXPECT_THROW(json_string(std::string("bad \xff utf-8")), json::type_error);
  EXPECT_EQ(json_string(CatalogText()), "null");
}

// The printers add members in dump()'s order themselves; the writer
// refuses any other order rather than print an object dump() would not.
TEST(JsonText, ObjectMembersMustComeInDumpOrder) {
  std::string out;
  JsonObjectWriter object(out);
  object.member("a") += "1";
  object.member("b_c") += "2";
  EXPECT_THROW(object.member("b"), mm::Error);
  EXPECT_THROW(object.member("b_c"), mm::Error);
  object.member("bc") += "3";
  object.finish();
  EXPECT_EQ(out, R"({"a":1,"b_c":2,"bc":3})");
  EXPECT_EQ(json::parse(out).dump(), out);
}

}  // namespace
}  // namespace mm::schema
