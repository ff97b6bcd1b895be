// The diff of two models' relevant subset equals the diff of the whole
// models: on every pinned autogenerate case (snapshots of real databases)
// and on long chains of tables where one change reaches its neighbours.
#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/diff.hpp"
#include "core/schema/model.hpp"
#include "core/schema/model_outline.hpp"
#include "core/schema/relevant_subset.hpp"

namespace mm::schema {
namespace {

using nlohmann::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> pinned_cases() {
  const std::string root = "test/autogenerate/cases";
  std::vector<std::string> out;
  if (DIR* dir = opendir(root.c_str())) {
    while (dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name[0] != '.' && std::ifstream(root + "/" + name + "/pinned/a.json")) out.push_back(root + "/" + name);
    }
    closedir(dir);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void expect_same_as_whole(const std::string& from, const std::string& to, const std::string& what) {
  EXPECT_EQ(compare_models_text(from, to, ModelScope::Relevant), compare_models_text(from, to, ModelScope::Whole))
      << what;
  EXPECT_EQ(diff_models_text(from, to, ModelScope::Relevant), diff_models_text(from, to, ModelScope::Whole)) << what;
}

TEST(RelevantSubset, EveryPinnedCaseDiffsAsTheWholeModelsBothWays) {
  const std::vector<std::string> cases = pinned_cases();
  ASSERT_GE(cases.size(), 60u) << "run from the repository root (make unittest)";
  for (const std::string& dir : cases) {
    const std::string a = read_file(dir + "/pinned/a.json"), b = read_file(dir + "/pinned/b.json");
    // Snapshots are what the outline reads: no case may fall back.
    ASSERT_TRUE(relevant_subset(a, b).has_value()) << dir;
    expect_same_as_whole(a, b, dir + " a -> b");
    expect_same_as_whole(b, a, dir + " b -> a");
    expect_same_as_whole(a, a, dir + " a -> a");
    // Models without dependency edges (as verify stores them).
    json bare_a = json::parse(a), bare_b = json::parse(b);
    bare_a["dependencies"] = bare_b["dependencies"] = json::array();
    expect_same_as_whole(bare_a.dump(), bare_b.dump(), dir + " without edges");
    expect_same_as_whole(bare_b.dump(), bare_a.dump(), dir + " without edges, back");
  }
}

std::string relation_name(const json& relation) {
  return relation.at("schema").get<std::string>() + "." + relation.at("name").get<std::string>();
}

// The key array's table or view ("public.t"), or "" for other objects.
std::string edge_owner(const json& key, const json& model) {
  const std::string kind = key[0];
  if (kind == "index") {
    for (const char* section : {"tables", "views"})
      for (const json& r : model[section])
        for (const json& index : r.value("indexes", json::array()))
          if (r["schema"] == key[1] && index["name"] == key[2]) return relation_name(r);
    return "";
  }
  static const std::set<std::string> in_relation{"table",   "column", "default",           "constraint",
                                                 "trigger", "policy", "materialized view", "view"};
  return in_relation.count(kind) ? key[1].get<std::string>() + "." + key[2].get<std::string>() : "";
}

// `from` with one table or view as `to` has it (or added, or removed), and
// that relation's dependency edges from `to`: a change to one object
// among many that stay, which is what the subset must get right.
std::string with_one_relation_of(const json& from, const json& to, const std::string& section,
                                 const std::string& name) {
  json out = from;
  json& list = out[section];
  list.erase(std::remove_if(list.begin(), list.end(), [&](const json& r) { return relation_name(r) == name; }),
             list.end());
  for (const json& r : to[section])
    if (relation_name(r) == name) list.push_back(r);
  std::sort(list.begin(), list.end(), [](const json& a, const json& b) { return relation_name(a) < relation_name(b); });
  json edges = json::array();
  for (const json& e : from["dependencies"])
    if (edge_owner(e[0], from) != name) edges.push_back(e);
  for (const json& e : to["dependencies"])
    if (edge_owner(e[0], to) == name) edges.push_back(e);
  std::sort(edges.begin(), edges.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  out["dependencies"] = edges;
  return out.dump();
}

TEST(RelevantSubset, EveryPinnedCaseWithOneRelationChangedAtATimeDiffsAsTheWholeModels) {
  std::size_t variants = 0, reduced = 0;
  for (const std::string& dir : pinned_cases()) {
    const json a = json::parse(read_file(dir + "/pinned/a.json")), b = json::parse(read_file(dir + "/pinned/b.json"));
    for (auto [base, other] : {std::pair{&a, &b}, std::pair{&b, &a}})
      for (const char* section : {"tables", "views"}) {
        std::set<std::string> names;
        for (const json* model : {&a, &b})
          for (const json& r : (*model)[section]) names.insert(relation_name(r));
        for (const std::string& name : names) {
          const std::string from = base->dump(), to = with_one_relation_of(*base, *other, section, name);
          if (from == to) continue;
          ++variants;
          const std::optional<ModelSubset> subset = relevant_subset(from, to);
          ASSERT_TRUE(subset.has_value()) << dir << " " << name;
          reduced += subset->kept < subset->relations;
          expect_same_as_whole(from, to, dir + " with " + name + " of the other side");
          expect_same_as_whole(to, from, dir + " with " + name + " of the other side, back");
          json bare_from = json::parse(from), bare_to = json::parse(to);  // as verify stores models
          bare_from["dependencies"] = bare_to["dependencies"] = json::array();
          expect_same_as_whole(bare_from.dump(), bare_to.dump(), dir + " with " + name + ", without edges");
          expect_same_as_whole(bare_to.dump(), bare_from.dump(), dir + " with " + name + ", without edges, back");
        }
      }
  }
  EXPECT_GE(variants, 200u);
  // Many cases hold only two or three relations, all linked.
  EXPECT_GE(reduced * 3, variants) << "a third of the variants leave relations out";
}

// A model shaped as snapshot() writes it: `count` tables, each with a key,
// a foreign key to the one before, an index and an amount column.
struct Chain {
  int count = 200;
  std::string id_type_at;  // "t00042": that table's id column gets this type...
  std::string id_type = "bigint";
  std::string amount_at;    // ...and that one's amount becomes numeric(14,2)
  std::string no_key_at;    // that table loses its primary key
  std::string view_on;      // a view reads that table's amount
  bool extra_edge = false;  // t00010's key depends on t00020's name (an edge that differs alone)

  static std::string table(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "t%05d", i);
    return name;
  }

  static json column(const std::string& name, const std::string& type) {
    return json{{"name", name},         {"type", type},        {"not_null", false},    {"default", nullptr},
                {"generated", nullptr}, {"identity", nullptr}, {"collation", nullptr}, {"comment", nullptr}};
  }

  static json constraint(const std::string& name, const std::string& type, const std::string& definition, json columns,
                         json references) {
    return json{{"name", name},
                {"type", type},
                {"definition", definition},
                {"columns", columns},
                {"references", references},
                {"deferrable", false},
                {"deferred", false},
                {"validated", true},
                {"comment", nullptr}};
  }

  std::string text() const {
    json tables = json::array(), views = json::array(), edges = json::array();
    auto edge = [&](json a, json b) { edges.push_back(json::array({a, b})); };
    for (int i = 1; i <= count; ++i) {
      const std::string t = table(i), prev = table(i - 1);
      json columns = json::array({column("amount", t == amount_at ? "numeric(14,2)" : "numeric(12,2)"),
                                  column("id", t == id_type_at ? id_type : "bigint"), column("name", "text"),
                                  column("prev_id", "bigint")});
      json constraints = json::array();
      if (t != no_key_at) {
        constraints.push_back(constraint(t + "_pkey", "primary key", "PRIMARY KEY (id)", {"id"}, nullptr));
        edge({"constraint", "public", t, t + "_pkey"}, {"column", "public", t, "id"});
      }
      if (i > 1) {
        constraints.push_back(constraint(t + "_prev_id_fkey", "foreign key",
                                         "FOREIGN KEY (prev_id) REFERENCES public." + prev + "(id)", {"prev_id"},
                                         json{{"schema", "public"}, {"table", prev}, {"columns", {"id"}}}));
        const json fkey = {"constraint", "public", t, t + "_prev_id_fkey"};
        edge(fkey, {"column", "public", prev, "id"});
        edge(fkey, {"column", "public", t, "prev_id"});
        if (prev != no_key_at) edge(fkey, {"constraint", "public", prev, prev + "_pkey"});
      }
      json index = {{"name", t + "_name_idx"},  {"columns", {"name"}},  {"comment", nullptr},
                    {"include", json::array()}, {"method", "btree"},    {"nulls_not_distinct", false},
                    {"options", json::array()}, {"predicate", nullptr}, {"unique", false}};
      edge({"index", "public", t + "_name_idx"}, {"column", "public", t, "name"});
      tables.push_back(json{{"schema", "public"},
                            {"name", t},
                            {"kind", "table"},
                            {"column_order", {"id", "prev_id", "name", "amount"}},
                            {"columns", columns},
                            {"constraints", constraints},
                            {"indexes", json::array({index})},
                            {"triggers", json::array()},
                            {"inherits", json::array()},
                            {"options", json::array()},
                            {"comment", nullptr},
                            {"unlogged", false},
                            {"partition_by", nullptr},
                            {"partition_of", nullptr},
                            {"partition_bound", nullptr}});
    }
    if (extra_edge)
      edge({"constraint", "public", table(10), table(10) + "_pkey"}, {"column", "public", table(20), "name"});
    if (!view_on.empty()) {
      views.push_back(json{{"schema", "public"},
                           {"name", "amounts"},
                           {"materialized", false},
                           {"definition", " SELECT amount FROM public." + view_on + ";"},
                           {"options", json::array()},
                           {"comment", nullptr},
                           {"indexes", json::array()}});
      edge({"view", "public", "amounts"}, {"column", "public", view_on, "amount"});
    }
    std::sort(edges.begin(), edges.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
    return json{{"format", kModelFormat},
                {"schemas", json::array({json{{"name", "public"}, {"comment", nullptr}}})},
                {"extensions", json::array()},
                {"types", json::array()},
                {"sequences", json::array()},
                {"functions", json::array()},
                {"tables", tables},
                {"views", views},
                {"dependencies", edges}}
        .dump();
  }
};

std::size_t kept(const std::string& from, const std::string& to) {
  const std::optional<ModelSubset> subset = relevant_subset(from, to);
  EXPECT_TRUE(subset.has_value());
  return subset ? subset->kept : 0;
}

TEST(RelevantSubset, OneChangedColumnKeepsOnlyItsTable) {
  Chain before, after;
  after.amount_at = Chain::table(100);
  const std::string a = before.text(), b = after.text();
  EXPECT_EQ(kept(a, b), 1u);
  EXPECT_EQ(relevant_subset(a, b)->relations, 200u);
  expect_same_as_whole(a, b, "amount changed");
  expect_same_as_whole(b, a, "amount changed back");
  EXPECT_EQ(kept(a, a), 0u);
  expect_same_as_whole(a, a, "nothing changed");
}

TEST(RelevantSubset, ARetypedKeyKeepsTheForeignKeyThatReferencesIt) {
  Chain before, after;
  after.id_type_at = Chain::table(100);
  after.id_type = "integer";
  const std::string a = before.text(), b = after.text();
  EXPECT_EQ(kept(a, b), 2u);  // t00100 and t00101, whose foreign key is rebuilt around the new type
  expect_same_as_whole(a, b, "key retyped");
  expect_same_as_whole(b, a, "key retyped back");
  const json diff = json::parse(diff_models_text(a, b));
  bool rebuilt = false;
  for (const json& statement : diff["upgrade"])
    rebuilt |= statement.get<std::string>().find("t00101_prev_id_fkey") != std::string::npos;
  EXPECT_TRUE(rebuilt) << diff.dump();
}

TEST(RelevantSubset, ADroppedKeyAndAViewOverAChangedColumnAreReached) {
  Chain before, after;
  before.view_on = after.view_on = Chain::table(50);
  after.amount_at = Chain::table(50);
  after.no_key_at = Chain::table(150);
  const std::string a = before.text(), b = after.text();
  expect_same_as_whole(a, b, "key dropped, view column retyped");
  expect_same_as_whole(b, a, "back");
  EXPECT_EQ(kept(a, b), 4u);  // t00050, the view, t00150 and t00151
}

// The outline takes a key's written text as its canonical one, and what
// one side writes as the other does from the other's outline: keys with
// spaces or escapes, and sides written differently, read the same.
TEST(RelevantSubset, ModelsWrittenOtherwiseDiffAsTheWholeModels) {
  Chain before, after;
  after.amount_at = Chain::table(100);
  after.id_type_at = Chain::table(5);
  after.id_type = "integer";
  const std::string a = before.text(), b = after.text();
  auto pretty = [](const std::string& text) { return json::parse(text).dump(1); };
  // t00005 (inside strings only) becomes t"é00005, written with escapes
  // that key_of writes otherwise.
  auto escaped = [](std::string text) {
    const std::string name = "t00005", written = "t\\\"\\u00e900005";
    for (std::size_t at = 0; (at = text.find(name, at)) != std::string::npos; at += written.size())
      text.replace(at, name.size(), written);
    return text;
  };
  const std::vector<std::pair<std::string, std::string>> pairs = {{a, pretty(a)},
                                                                  {a, pretty(b)},
                                                                  {pretty(a), pretty(b)},
                                                                  {escaped(a), escaped(b)},
                                                                  {escaped(a), escaped(a)},
                                                                  {pretty(escaped(a)), escaped(b)},
                                                                  {a, a.substr(0, a.size() - 1) + " }"}};
  for (const auto& [from, to] : pairs) {
    ASSERT_TRUE(relevant_subset(from, to).has_value());
    expect_same_as_whole(from, to, from.substr(0, 60) + " -> " + to.substr(0, 60));
    expect_same_as_whole(to, from, to.substr(0, 60) + " -> " + from.substr(0, 60));
  }
  EXPECT_EQ(kept(escaped(a), escaped(b)), 3u);  // t00005, t00006 (its foreign key) and t00100
}

TEST(RelevantSubset, AnEdgeThatDiffersAloneKeepsBothEnds) {
  Chain before, after;
  after.extra_edge = true;
  const std::string a = before.text(), b = after.text();
  EXPECT_EQ(kept(a, b), 2u);
  expect_same_as_whole(a, b, "edge added");
  expect_same_as_whole(b, a, "edge removed");
  EXPECT_NE(compare_models_text(a, b).find("t00020"), std::string::npos) << "the edge is reported";
}

TEST(RelevantSubset, TextThatIsNotAModelIsLeftToTheWholeParse) {
  const std::string good = Chain{}.text();
  EXPECT_FALSE(relevant_subset("{", good).has_value());
  EXPECT_FALSE(relevant_subset(good, "[]").has_value());
  EXPECT_FALSE(relevant_subset(R"({"format":"metamigrate.schema/1","tables":[]})", good).has_value())
      << "no dependency list";
  EXPECT_FALSE(relevant_subset(R"({"tables":[{"name":"t"}],"dependencies":[]})", good).has_value()) << "no schema";
  EXPECT_FALSE(relevant_subset(R"({"tables":null,"dependencies":[]})", good).has_value());
  EXPECT_FALSE(
      relevant_subset(R"({"dependencies":[[["index","public","nowhere"],["schema","public"]]]})", good).has_value())
      << "an index no relation has";
  EXPECT_TRUE(outline_model(R"({"dependencies":[], "x": tru})").has_value()) << "scalars are skipped unread";
  EXPECT_FALSE(relevant_subset(R"({"dependencies":[], "x": tru})", good).has_value()) << "and read when parsed";
}

}  // namespace
}  // namespace mm::schema
