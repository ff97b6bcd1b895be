// parse_json_text gives what nlohmann::json::parse gives: the same values
// of the same types, or the same error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/json_reader.hpp"

namespace mm::schema {
namespace {

using nlohmann::json;

// Equal values, and equal types all the way down (json's == holds
// between an unsigned and a signed 5).
void expect_identical(const json& a, const json& b, const std::string& text) {
  ASSERT_EQ(a.type(), b.type()) << text;
  ASSERT_EQ(a, b) << text;
  if (a.is_object())
    for (auto it = a.begin(); it != a.end(); ++it) expect_identical(it.value(), b.at(it.key()), text);
  if (a.is_array())
    for (std::size_t i = 0; i < a.size(); ++i) expect_identical(a[i], b[i], text);
}

TEST(JsonReader, ReadsAsNlohmannDoes) {
  const std::vector<std::string> texts = {
      R"({"a":1,"b":[true,false,null],"c":"x"})",
      " { \"b\" : 2 , \"a\" : { } , \"c\" : [ ] } \n",
      R"({"z":1,"a":2,"m":3})",  // keys out of order
      R"([0,-0,-7,123456789012345678,1234567890123456789,18446744073709551615,18446744073709551616])",
      R"([-9223372036854775808,-9223372036854775809,1.5,-2e3,1E2,0.0])",
      R"(["plain","esc \" \\ \/ \b \f \n \r \t","\u00e9\ud83d\ude00","caf)"
      "\xc3\xa9"
      R"(","del)"
      "\x7f"
      R"("])",
      R"({"nested":{"deeper":[{"k":[[[]]]}]}})",
      "\"just a string\"",
      "42",
      "null",
      std::string(200, '[') + std::string(200, ']'),
      R"({"a":1,"a":2})",  // a repeated key: the last one wins
  };
  for (const std::string& text : texts) expect_identical(parse_json_text(text), json::parse(text), text);
}

TEST(JsonReader, FailsAsNlohmannDoes) {
  const std::vector<std::string> texts = {"",         "{",        "[1,]",        R"({"a" 1})", "01",
                                          "1.",       "-",        "tru",         "[1] x",      R"("a\x")",
                                          "\"\x01\"", "\"\xff\"", R"({"a":1,})", "[\"open]",   "{\"a\":nul}"};
  for (const std::string& text : texts) {
    std::string expected;
    try {
      const json parsed = json::parse(text);
      FAIL() << "nlohmann parsed " << text << " as " << parsed.dump();
    } catch (const json::exception& e) {
      expected = e.what();
    }
    try {
      const json parsed = parse_json_text(text);
      ADD_FAILURE() << "parsed " << text << " as " << parsed.dump();
    } catch (const json::exception& e) {
      EXPECT_EQ(e.what(), expected) << text;
    }
  }
}

}  // namespace
}  // namespace mm::schema
