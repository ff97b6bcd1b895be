// Catalog addresses (classid, objid, objsubid) to numbers, for the
// snapshot's dependency edges: every pg_depend row is looked up by both of
// its ends among the model's objects (about 16 per table). An open
// addressing table whose slots follow the objects' oids, so the scan of
// pg_depend (in creation order, so mostly in oid order) walks it almost
// in order; the node-based multimap it replaces cost a cache miss a lookup
// and was 7% of a snapshot of 10,000 tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mm::schema {

struct CatalogAddress {
  std::uint32_t classid = 0, objid = 0;
  std::int32_t subid = 0;
  bool operator==(const CatalogAddress& other) const {
    return classid == other.classid && objid == other.objid && subid == other.subid;
  }
};

class AddressIndex {
 public:
  // An address may be added more than once, with other numbers.
  void add(const CatalogAddress& address, std::size_t number);
  // Calls visit(number) for each number added with `address`.
  template <typename Visit>
  void each(const CatalogAddress& address, Visit visit) const {
    if (slots_.empty()) return;
    for (std::size_t at = home(address);; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (!slot.used) return;
      if (slot.address == address) visit(slot.number);
    }
  }
  std::size_t size() const { return used_; }

 private:
  struct Slot {
    CatalogAddress address;
    bool used = false;
    std::size_t number = 0;
  };
  // Neighbouring oids go to neighbouring slots; a table's columns (one
  // oid, attnums 1..n) spread over the slots after the table's.
  std::size_t home(const CatalogAddress& a) const {
    return (static_cast<std::size_t>(a.objid) * 4 + static_cast<std::size_t>(a.subid) + a.classid) & mask_;
  }
  void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t used_ = 0;
};

}  // namespace mm::schema
