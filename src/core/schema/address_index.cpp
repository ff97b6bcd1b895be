#include "core/schema/address_index.hpp"

#include <utility>

namespace mm::schema {

void AddressIndex::add(const CatalogAddress& address, std::size_t number) {
  if ((used_ + 1) * 2 > slots_.size()) grow();  // at most half full: short probes
  std::size_t at = home(address);
  while (slots_[at].used) at = (at + 1) & mask_;
  slots_[at] = Slot{address, true, number};
  ++used_;
}

void AddressIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot());
  mask_ = slots_.size() - 1;
  used_ = 0;
  for (const Slot& slot : old)
    if (slot.used) add(slot.address, slot.number);
}

}  // namespace mm::schema
