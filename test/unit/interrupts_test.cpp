// A diff of thousands of tables asks mm::check_for_interrupts between
// objects (the extension installs PostgreSQL's CHECK_FOR_INTERRUPTS), so
// a cancel or statement_timeout ends it midway rather than after it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/interrupts.hpp"
#include "core/schema/diff.hpp"
#include "core/schema/model.hpp"
#include "schema_fixtures.hpp"

namespace mm {
namespace {

using nlohmann::json;

struct Stopped : std::runtime_error {
  Stopped() : std::runtime_error("stopped") {}
};

int checks = 0;
int stop_at = 0;  // the check that throws (0: none)

void counting_check() {
  if (++checks == stop_at) throw Stopped();
}

// A model of `tables` tables, written as snapshot() writes it (dump()'s
// text, with a dependency list), so that the diff reads it through the
// relevant subset.
std::string model_text(int tables) {
  json model = schema::fixtures::empty_model();
  model["tables"] = json::array();
  for (int i = 0; i < tables; ++i)
    model["tables"].push_back(schema::fixtures::table(
        "t" + std::to_string(i),
        json::array({schema::fixtures::column("id", "bigint", true), schema::fixtures::column("ref", "bigint")})));
  model["dependencies"] = json::array();
  return model.dump();
}

class Interrupts : public ::testing::Test {
 protected:
  void SetUp() override {
    checks = 0;
    stop_at = 0;
    set_interrupt_check(&counting_check);
  }
  void TearDown() override { set_interrupt_check(nullptr); }
};

TEST_F(Interrupts, ADiffOfManyTablesChecksBetweenThem) {
  const std::string none = model_text(0), many = model_text(600);
  for (const auto scope : {schema::ModelScope::Relevant, schema::ModelScope::Whole}) {
    checks = 0;
    schema::compare_models_text(none, many, scope);
    EXPECT_GE(checks, 600) << (scope == schema::ModelScope::Relevant ? "relevant" : "whole");
  }
}

TEST_F(Interrupts, AThrowingCheckEndsTheDiffMidway) {
  const std::string none = model_text(0), many = model_text(600);
  for (const auto scope : {schema::ModelScope::Relevant, schema::ModelScope::Whole}) {
    checks = 0;
    stop_at = 300;
    EXPECT_THROW(schema::compare_models_text(none, many, scope), Stopped);
    EXPECT_EQ(checks, 300);
  }
}

TEST_F(Interrupts, WithoutACheckNothingStops) {
  set_interrupt_check(nullptr);
  stop_at = 1;
  const std::string out = schema::compare_models_text(model_text(0), model_text(50));
  EXPECT_EQ(checks, 0);
  EXPECT_EQ(json::parse(out).at("diff").at("upgrade").size(), 50u);
}

}  // namespace
}  // namespace mm
