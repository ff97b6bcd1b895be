// KeyIndex: numbers by key text, kept across growth.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "core/schema/key_index.hpp"

namespace mm::schema {
namespace {

TEST(KeyIndex, FindsWhatItWasGivenAcrossGrowth) {
  std::deque<std::string> keys;  // the index holds views: the texts stay put
  KeyIndex index;
  EXPECT_EQ(index.find("absent"), KeyIndex::kNone);
  for (int i = 0; i < 5000; ++i) {
    keys.push_back("[\"column\",\"public\",\"t" + std::to_string(i / 7) + "\",\"c" + std::to_string(i) + "\"]");
    EXPECT_EQ(index.emplace(keys.back(), i), i);
  }
  EXPECT_EQ(index.size(), 5000u);
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(index.find(keys[i]), i) << keys[i];
  EXPECT_EQ(index.find("[\"column\",\"public\",\"t0\",\"c7\"]"), KeyIndex::kNone);
  EXPECT_EQ(index.find(""), KeyIndex::kNone);
}

TEST(KeyIndex, EmplaceKeepsAndAssignReplaces) {
  const std::string a = "a", b = "b", empty;
  KeyIndex index;
  EXPECT_EQ(index.emplace(a, 1), 1);
  EXPECT_EQ(index.emplace(std::string("a"), 2), 1) << "equal text, another address";
  index.assign(a, 3);
  EXPECT_EQ(index.find(a), 3);
  index.assign(b, 4);
  EXPECT_EQ(index.find(b), 4);
  EXPECT_EQ(index.emplace(empty, 5), 5);
  EXPECT_EQ(index.find(""), 5);
  EXPECT_EQ(index.size(), 3u);
}

}  // namespace
}  // namespace mm::schema
