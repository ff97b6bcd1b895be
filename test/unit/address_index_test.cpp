// AddressIndex against a plain multimap: the same numbers for every
// address, through growth, repeats and the neighbours of a table's oid.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "core/schema/address_index.hpp"

namespace mm::schema {
namespace {

using Triple = std::tuple<std::uint32_t, std::uint32_t, std::int32_t>;

std::vector<std::size_t> found(const AddressIndex& index, const CatalogAddress& a) {
  std::vector<std::size_t> out;
  index.each(a, [&](std::size_t n) { out.push_back(n); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AddressIndex, FindsEveryNumberOfAnAddressAndNothingElse) {
  AddressIndex index;
  std::multimap<Triple, std::size_t> expected;
  std::mt19937 random(17);
  std::size_t number = 0;
  auto add = [&](std::uint32_t classid, std::uint32_t objid, std::int32_t subid) {
    index.add({classid, objid, subid}, number);
    expected.emplace(Triple{classid, objid, subid}, number++);
  };
  // Tables with their columns, row types and indexes at neighbouring oids,
  // as a snapshot registers them; some addresses twice.
  for (std::uint32_t table = 16384; table < 16384 + 7 * 3000; table += 7) {
    add(1259, table, 0);
    for (std::int32_t attnum = 1; attnum <= static_cast<std::int32_t>(random() % 12) + 1; ++attnum)
      add(1259, table, attnum);
    add(1247, table + 1, 0);
    add(1259, table + 3, 0);
    if (random() % 5 == 0) add(1259, table + 3, 0);  // an index registered twice (as index and as key)
  }
  ASSERT_EQ(index.size(), expected.size());
  for (std::uint32_t objid = 16380; objid < 16384 + 7 * 3000 + 8; ++objid)
    for (std::uint32_t classid : {1247u, 1259u, 2606u})
      for (std::int32_t subid = 0; subid < 15; ++subid) {
        std::vector<std::size_t> want;
        auto [first, last] = expected.equal_range(Triple{classid, objid, subid});
        for (auto it = first; it != last; ++it) want.push_back(it->second);
        std::sort(want.begin(), want.end());
        ASSERT_EQ(found(index, {classid, objid, subid}), want) << classid << "/" << objid << "/" << subid;
      }
}

TEST(AddressIndex, EmptyFindsNothing) {
  AddressIndex index;
  EXPECT_TRUE(found(index, {1259, 16384, 0}).empty());
}

}  // namespace
}  // namespace mm::schema
