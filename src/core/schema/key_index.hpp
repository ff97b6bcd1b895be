// Numbers by key text, for keys that live elsewhere: open addressing in one
// array (a power of two of slots), so a key costs neither an allocation nor
// a division per lookup, as a std::unordered_map did (the catalogs and the
// planner look up hundreds of thousands of keys in a big diff).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mm::schema {

class KeyIndex {
 public:
  static constexpr int kNone = -1;

  // The number of `key`, or kNone.
  int find(std::string_view key) const;
  // Gives `key` (whose text must outlive the index) `number` unless it has
  // one; returns the number it then has.
  int emplace(std::string_view key, int number);
  // Gives `key` `number`, whether it had one or not.
  void assign(std::string_view key, int number);
  void reserve(std::size_t count);
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::string_view key;
    std::size_t hash = 0;
    int number = kNone;  // kNone: empty
  };
  // The slot of `key`: its own, or the empty one where it would go.
  Slot& slot_of(std::string_view key, std::size_t hash);
  const Slot& slot_of(std::string_view key, std::size_t hash) const;
  void grow_for(std::size_t count);

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace mm::schema
