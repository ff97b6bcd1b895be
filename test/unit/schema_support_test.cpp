// Quoting, type conversions, index definition parsing, normalization and
// model comparison.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "core/error.hpp"
#include "core/schema/compare.hpp"
#include "core/schema/model.hpp"
#include "core/schema/normalize.hpp"
#include "core/schema/sql.hpp"
#include "core/schema/types.hpp"

namespace mm::schema {
namespace {

using nlohmann::json;

// Dependency edges arrive as JSON arrays (make_key) and must meet the keys
// the catalog builds from names (key_of): both must write what dump() does.
TEST(SchemaModel, KeysFromPartsMatchDumpedArrays) {
  const std::vector<std::string> names = {"plain",
                                          "with \"quotes\" and \\",
                                          "tab\tnew\nline\r\b\f",
                                          std::string("nul\0and\x1f", 8),
                                          "caf\xc3\xa9 \xe2\x82\xac",
                                          "del\x7f",
                                          ""};
  for (const std::string& name : names) {
    const json parts = json::array({"column", "public", name, "c"});
    EXPECT_EQ(key_of({"column", "public", name, "c"}), parts.dump()) << name;
    EXPECT_EQ(make_key(parts), parts.dump()) << name;
  }
  const json mixed = json::array({"function", 1, nullptr});
  EXPECT_EQ(make_key(mixed), mixed.dump());
}

TEST(SchemaSql, QuotesLikePostgres) {
  EXPECT_EQ(quote_ident("account"), "account");
  EXPECT_EQ(quote_ident("Order"), "\"Order\"");
  EXPECT_EQ(quote_ident("select"), "\"select\"");
  EXPECT_EQ(quote_ident("name"), "name");  // unreserved keyword
  EXPECT_EQ(quote_ident("two words"), "\"two words\"");
  EXPECT_EQ(quote_ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_ident("1st"), "\"1st\"");
  EXPECT_EQ(qualify("public", "user"), "public.\"user\"");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
  EXPECT_EQ(quote_literal("a\\b"), "E'a\\\\b'");
}

TEST(SchemaTypes, StripsTypmods) {
  EXPECT_EQ(strip_typmod("character varying(20)"), "character varying");
  EXPECT_EQ(strip_typmod("timestamp(3) with time zone"), "timestamp with time zone");
  EXPECT_EQ(strip_typmod("numeric(10,2)[]"), "numeric[]");
  EXPECT_EQ(strip_typmod("public.\"odd(type)\""), "public.\"odd(type)\"");
}

TEST(SchemaTypes, KnowsWhenUsingIsNeeded) {
  TypeFacts facts;
  facts.domain_base["public.positive"] = "integer";
  EXPECT_EQ(using_clause("c", "integer", "bigint", facts), "");
  EXPECT_EQ(using_clause("c", "character varying(10)", "character varying(5)", facts), "");
  EXPECT_EQ(using_clause("c", "integer", "text", facts), "");
  EXPECT_EQ(using_clause("c", "text", "integer", facts), " USING c::integer");
  EXPECT_EQ(using_clause("c", "integer", "boolean", facts), " USING c::boolean");
  EXPECT_EQ(using_clause("c", "public.mood", "public.other", facts), " USING c::text::public.other");
  EXPECT_EQ(using_clause("c", "integer[]", "bigint[]", facts), "");
  EXPECT_EQ(using_clause("c", "text[]", "integer[]", facts), " USING c::integer[]");
  EXPECT_EQ(using_clause("c", "integer", "public.positive", facts), "");
  EXPECT_EQ(using_clause("Col", "text", "public.positive", facts), " USING \"Col\"::public.positive");
}

TEST(SchemaTypes, MarksOnlyWideningAsLossless) {
  EXPECT_TRUE(is_lossless_widening("integer", "bigint"));
  EXPECT_TRUE(is_lossless_widening("character varying(10)", "character varying(20)"));
  EXPECT_TRUE(is_lossless_widening("character varying(10)", "text"));
  EXPECT_FALSE(is_lossless_widening("bigint", "integer"));
  EXPECT_FALSE(is_lossless_widening("character varying(20)", "character varying(10)"));
  EXPECT_FALSE(is_lossless_widening("numeric", "numeric(10,2)"));
  EXPECT_FALSE(is_lossless_widening("integer", "numeric(5,0)"));
}

TEST(SchemaNormalize, ReadsIndexKeyColumns) {
  EXPECT_EQ(index_key_columns("CREATE INDEX i ON public.t USING btree (a)"), std::vector<std::string>{"a"});
  EXPECT_EQ(index_key_columns("CREATE UNIQUE INDEX \"i USING x\" ON ONLY public.\"t (\" USING btree "
                              "(lower(b) text_pattern_ops DESC, \"c,d\" NULLS FIRST, ((a || ')'::text))) "
                              "INCLUDE (e) WHERE (a > 0)"),
            (std::vector<std::string>{"lower(b) text_pattern_ops DESC", "\"c,d\" NULLS FIRST", "((a || ')'::text))"}));
  EXPECT_THROW(index_key_columns("CREATE INDEX i ON t"), std::exception);
}

TEST(SchemaNormalize, SplitsConstraintSuffixes) {
  EXPECT_EQ(constraint_body("FOREIGN KEY (a) REFERENCES public.p(id) DEFERRABLE INITIALLY DEFERRED NOT VALID", true,
                            true, false),
            "FOREIGN KEY (a) REFERENCES public.p(id)");
  EXPECT_EQ(constraint_body("UNIQUE (a) DEFERRABLE", true, false, true), "UNIQUE (a)");
  EXPECT_EQ(constraint_body("CHECK ((a > 0))", false, false, true), "CHECK ((a > 0))");
}

TEST(SchemaNormalize, SortsBytewiseAndDeduplicatesDependencies) {
  json raw = {
      {"schemas", {{{"name", "b"}}, {{"name", "B"}}, {{"name", "a"}}}},
      {"tables", nullptr},
      {"views", {{{"schema", "public"}, {"name", "v"}, {"definition", " SELECT 1;"}, {"indexes", json::array()}}}},
      {"functions",
       {{{"schema", "public"}, {"name", "f"}, {"identity_arguments", "b"}, {"definition", "x\n"}},
        {{"schema", "public"}, {"name", "f"}, {"identity_arguments", "a"}, {"definition", "y\n"}}}},
      {"dependencies",
       {{{"view", "p", "v"}, {"table", "p", "t"}},
        {{"view", "p", "v"}, {"table", "p", "t"}},
        {{"index", "p", "i"}, {"table", "p", "t"}}}}};
  json model = normalize_snapshot(raw);
  EXPECT_EQ(model["format"], "metamigrate.schema/1");
  EXPECT_EQ(model["schemas"][0]["name"], "B");
  EXPECT_EQ(model["schemas"][2]["name"], "b");
  EXPECT_EQ(model["tables"], json::array());
  EXPECT_EQ(model["views"][0]["definition"], "SELECT 1");
  EXPECT_EQ(model["functions"][0]["identity_arguments"], "a");
  EXPECT_EQ(model["functions"][0]["definition"], "y");
  ASSERT_EQ(model["dependencies"].size(), 2u);
  EXPECT_EQ(model["dependencies"][0][0][0], "index");
}

TEST(SchemaNormalize, TheWritersTextIsTheWholeModelsDump) {
  // The text is built object by object; it must be byte for byte what
  // printing the parsed model prints (models are compared as text).
  ModelWriter writer;
  writer.add("tables", json{{"schema", "public"},
                            {"name", "t\"2"},
                            {"columns", {{{"name", "b"}, {"default_source", nullptr}}, {{"name", "a"}}}},
                            {"constraints", json::array()},
                            {"indexes", json::array()},
                            {"triggers", json::array()},
                            {"policies", nullptr}});
  writer.add("tables", json{{"schema", "public"}, {"name", "t1"}, {"columns", json::array()}});
  writer.add("schemas", json{{"name", "public"}, {"comment", "caf\u00e9\n"}});
  writer.add_dependency(json{{"table", "public", "t1"}, {"schema", "public"}});
  writer.add_dependency(json{{"table", "public", "t1"}, {"schema", "public"}});
  const std::string text = writer.finish();
  const json model = json::parse(text);
  EXPECT_EQ(text, model.dump());
  EXPECT_EQ(model["tables"][0]["name"], "t\"2");  // '"' sorts before '1'
  EXPECT_EQ(model["tables"][0]["column_order"], json({"b", "a"}));
  EXPECT_EQ(model["tables"][0]["columns"][0]["name"], "a");
  EXPECT_FALSE(model["tables"][0].contains("policies"));
  EXPECT_EQ(model["dependencies"].size(), 1u);
  EXPECT_EQ(model["views"], json::array());
  EXPECT_THROW(writer.add("rules", json::object()), Error);
  EXPECT_EQ(json::parse(writer.finish())["tables"], json::array()) << "finish() empties the writer";
}

TEST(SchemaNormalize, AModelStreamedObjectByObjectIsPutTogetherAgainAsTheWholeModel) {
  // The state stored after a migration is one row per object (what a
  // streaming writer hands out); verify puts the model together again from
  // the rows, in whatever order they come back.
  auto add_objects = [](ModelWriter& writer) {
    writer.add("tables", json{{"schema", "public"}, {"name", "t2"}, {"columns", {{{"name", "b"}}, {{"name", "a"}}}}});
    writer.add("tables", json{{"schema", "public"}, {"name", "t1"}, {"columns", json::array()}});
    writer.add("functions", json{{"schema", "public"}, {"name", "f"}, {"identity_arguments", "a integer"}});
    writer.add("schemas", json{{"name", "public"}, {"comment", nullptr}});
  };
  ModelWriter whole;
  add_objects(whole);
  std::vector<std::tuple<std::string, std::string, std::string>> rows;
  ModelWriter streaming([&](const std::string& section, const std::string& name, std::string text) {
    rows.emplace_back(section, name, std::move(text));
  });
  add_objects(streaming);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(std::get<1>(rows[2]), std::string("public\x01"
                                              "f\x01"
                                              "a integer\x01"));
  EXPECT_EQ(json::parse(streaming.finish())["tables"], json::array()) << "a streaming writer keeps no object";
  std::reverse(rows.begin(), rows.end());
  ModelWriter again;
  for (auto& [section, name, text] : rows) again.add_printed(section, name, text);
  EXPECT_EQ(again.finish(), whole.finish());
}

TEST(SchemaCompare, NamesPathsByObjectName) {
  json a = {{"tables", {{{"schema", "public"}, {"name", "t"}, {"columns", {{{"name", "id"}, {"type", "integer"}}}}}}}};
  json b = {{"tables",
             {{{"schema", "public"},
               {"name", "t"},
               {"columns", {{{"name", "id"}, {"type", "bigint"}}, {{"name", "x"}, {"type", "text"}}}}}}}};
  EXPECT_EQ(model_differences(a, b),
            (std::vector<std::string>{"tables[public.t].columns[id].type: \"integer\" -> \"bigint\"",
                                      "tables[public.t].columns[x]: only in to"}));
  EXPECT_TRUE(model_differences(a, a).empty());
}

// Edges are a set: reported by text, whatever order (and repeats) either
// list has, and up to the limit.
TEST(SchemaCompare, DependencyEdgesOnOneSideInOrderOfTheirText) {
  auto edge = [](const char* from, const char* to) {
    return json::array({json::array({"t", from}), json::array({"t", to})});
  };
  json a = {{"dependencies", json::array({edge("c", "a"), edge("a", "b"), edge("b", "c"), edge("a", "b")})}};
  json b = {{"dependencies", json::array({edge("d", "a"), edge("b", "c"), edge("a", "a")})}};
  EXPECT_EQ(model_differences(a, b), (std::vector<std::string>{R"(dependencies[["t","a"],["t","a"]]: only in to)",
                                                               R"(dependencies[["t","a"],["t","b"]]: only in from)",
                                                               R"(dependencies[["t","c"],["t","a"]]: only in from)",
                                                               R"(dependencies[["t","d"],["t","a"]]: only in to)"}));
  EXPECT_EQ(model_differences(a, b, 2).size(), 2u);
  // The same as edge texts, one list sorted and one not.
  const EdgeTexts sorted = {R"([["t","a"],["t","b"]])", R"([["t","b"],["t","c"]])"};
  const EdgeTexts unsorted = {R"([["t","z"],["t","a"]])", R"([["t","b"],["t","c"]])", R"([["t","a"],["t","a"]])"};
  EXPECT_EQ(model_differences(json::object(), json::object(), sorted, unsorted),
            (std::vector<std::string>{R"(dependencies[["t","a"],["t","a"]]: only in to)",
                                      R"(dependencies[["t","a"],["t","b"]]: only in from)",
                                      R"(dependencies[["t","z"],["t","a"]]: only in to)"}));
}

}  // namespace
}  // namespace mm::schema
