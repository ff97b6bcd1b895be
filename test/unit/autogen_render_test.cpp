// How revision --autogenerate writes diff() results into revision sections
// (src/client/autogenerate/render.cpp, pure client code linked into this suite).
#include <gtest/gtest.h>

#include "client/autogenerate/render.hpp"

namespace mmc {
namespace {

TEST(AutogenRender, EveryStatementEndsWithASemicolon) {
  EXPECT_EQ(render_section({"ALTER TABLE public.t ADD COLUMN a integer", "CREATE INDEX i ON public.t (a)"}, {}),
            "ALTER TABLE public.t ADD COLUMN a integer;\nCREATE INDEX i ON public.t (a);\n");
}

TEST(AutogenRender, EmptyDiffGivesEmptySection) { EXPECT_EQ(render_section({}, {}), ""); }

TEST(AutogenRender, DataLossCommentOnlyAboveTheListedStatements) {
  const std::string section =
      render_section({"ALTER TABLE public.t ADD COLUMN b text", "ALTER TABLE public.t DROP COLUMN a"}, {1});
  EXPECT_EQ(section,
            "ALTER TABLE public.t ADD COLUMN b text;\n"
            "-- DATA LOSS: drops the column and its values (a rename is never guessed: it shows as a drop plus an "
            "add); review before applying\n"
            "ALTER TABLE public.t DROP COLUMN a;\n");
}

TEST(AutogenRender, MultiLineStatementsAreSetOffByBlankLines) {
  EXPECT_EQ(
      render_section({"CREATE SCHEMA s", "CREATE TABLE s.t (\n    a integer\n)", "CREATE INDEX i ON s.t (a)"}, {}),
      "CREATE SCHEMA s;\n\nCREATE TABLE s.t (\n    a integer\n);\n\nCREATE INDEX i ON s.t (a);\n");
}

TEST(AutogenRender, DataLossReasons) {
  EXPECT_NE(data_loss_reason("DROP TABLE public.t").find("drops the table and every row"), std::string::npos);
  EXPECT_NE(data_loss_reason("ALTER TABLE public.t DROP COLUMN a").find("drops the column"), std::string::npos);
  EXPECT_NE(data_loss_reason("ALTER TABLE public.t ALTER COLUMN a TYPE integer USING a::integer").find("converts"),
            std::string::npos);
  EXPECT_NE(data_loss_reason("DROP SEQUENCE public.s").find("sequence"), std::string::npos);
  EXPECT_EQ(data_loss_reason("ALTER TYPE public.mood RENAME TO mood__metamigrate_old"), "this statement may lose data");
}

TEST(AutogenRender, ParsesTheServersDiff) {
  const SchemaDiff d = SchemaDiff::from_json(nlohmann::json::parse(
      R"json({"upgrade": ["DROP TABLE public.t"], "downgrade": ["CREATE TABLE public.t ()"],
          "data_loss": [0], "downgrade_data_loss": []})json"));
  EXPECT_FALSE(d.empty());
  EXPECT_EQ(d.upgrade_data_loss, std::vector<std::size_t>{0});
  EXPECT_TRUE(d.downgrade_data_loss.empty());
  EXPECT_EQ(d.to_json()["downgrade"][0], "CREATE TABLE public.t ()");
  EXPECT_TRUE(SchemaDiff::from_json(nlohmann::json::parse(R"({"upgrade": [], "downgrade": []})")).empty());
}

}  // namespace
}  // namespace mmc
