#include "core/schema/key_index.hpp"

#include <functional>
#include <utility>

namespace mm::schema {

const KeyIndex::Slot& KeyIndex::slot_of(std::string_view key, std::size_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.number == kNone || (slot.hash == hash && slot.key == key)) return slot;
  }
}

KeyIndex::Slot& KeyIndex::slot_of(std::string_view key, std::size_t hash) {
  return const_cast<Slot&>(std::as_const(*this).slot_of(key, hash));
}

int KeyIndex::find(std::string_view key) const {
  if (slots_.empty()) return kNone;
  return slot_of(key, std::hash<std::string_view>()(key)).number;
}

int KeyIndex::emplace(std::string_view key, int number) {
  grow_for(size_ + 1);
  const std::size_t hash = std::hash<std::string_view>()(key);
  Slot& slot = slot_of(key, hash);
  if (slot.number != kNone) return slot.number;
  slot = Slot{key, hash, number};
  ++size_;
  return number;
}

void KeyIndex::assign(std::string_view key, int number) {
  grow_for(size_ + 1);
  const std::size_t hash = std::hash<std::string_view>()(key);
  Slot& slot = slot_of(key, hash);
  if (slot.number == kNone) ++size_;
  slot = Slot{key, hash, number};
}

void KeyIndex::reserve(std::size_t count) { grow_for(count); }

void KeyIndex::grow_for(std::size_t count) {
  // At most half full: probes stay short.
  if (count * 2 <= slots_.size()) return;
  std::size_t capacity = 16;
  while (capacity < count * 2) capacity *= 2;
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(capacity));
  for (const Slot& slot : old)
    if (slot.number != kNone) slot_of(slot.key, slot.hash) = slot;
}

}  // namespace mm::schema
