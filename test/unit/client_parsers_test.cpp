// The client's input parsers (manifest, revision files): regression tests
// for inputs the fuzzers (fuzz/) found. Every bad input must be an
// InputError naming the file and line, never another exception.
#include <gtest/gtest.h>

#include <string>

#include "client/errors.hpp"
#include "client/manifest.hpp"
#include "client/revision_file.hpp"
#include "client/text_file.hpp"

namespace {

// Runs `parse` and returns the InputError it throws ("" when none).
template <typename F>
std::string input_error(F parse) {
  try {
    parse();
  } catch (const mmc::InputError& e) {
    return e.located();
  }
  return "";
}

const std::string kManifestStart = "{\"package\": \"p\", \"namespace\": \"n\", \"owner_role\": \"o\"";

TEST(ManifestParser, NumberOutOfRangeIsAnInputErrorOnItsLine) {
  // nlohmann/json parses the syntax but throws out_of_range.406, which
  // escaped parse_manifest and terminated the client.
  const std::string text = kManifestStart + ",\n\"lock_timeout\":\n 1e400}";
  EXPECT_EQ(input_error([&] { mmc::parse_manifest(text, "m.json"); }),
            "m.json:3: invalid JSON: number overflow parsing '1e400'");
  EXPECT_NE(input_error([&] { mmc::parse_manifest("10000000000312010E0719976", "m.json"); }), "");
}

}  // namespace
