// What happens to each object between two catalogs: kept, created, dropped,
// altered in place, recreated, replaced (types) or renamed (constraints and
// indexes that differ only by name), after propagating to the objects that
// depend on something that goes away.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "core/schema/model.hpp"

namespace mm::schema {

enum class Action {
  Keep,
  Create,
  Drop,
  Alter,
  Recreate,     // drop, then create again
  Replace,      // types: rename the old one away, create, convert columns, drop the old one
  Rename,       // on the new key: ALTER ... RENAME from `from`
  RenamedAway,  // on the old key of a rename: nothing of its own
  Attached,     // a partition's index or key a created parent takes over (partition_keys.hpp)
};

struct Change {
  Action action = Action::Keep;
  const Node* from = nullptr;  // node in the old catalog (absent for Create)
  const Node* to = nullptr;    // node in the new catalog (absent for Drop)
  bool retype = false;         // column converted to a replaced type of the same name
  Key renamed_to;              // on RenamedAway: the new key
  Key attached_to;             // on Attached: the parent index's or key's key
  std::string attached_as;     // on Attached: its name in the target
};

// Every object of either catalog and its change, in key order: what a
// std::map of them gave (find, at, iteration), in one array built in order
// (a node per object and a copy of each key cost a tenth of a plan that
// creates every table). Keyed by views of the catalogs' own keys: valid
// while both catalogs are.
class Changes {
 public:
  using value_type = std::pair<const std::string_view, Change>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }

  iterator find(std::string_view key);
  const_iterator find(std::string_view key) const;
  // Throws std::out_of_range, as std::map::at, for a key of neither catalog.
  Change& at(std::string_view key);

  // Building, in key order: room for `count` entries (no entry moves while
  // they are appended) and one more after the last.
  void reserve(std::size_t count) { entries_.reserve(count); }
  value_type& append(std::string_view key, const Change& change);

 private:
  std::vector<value_type> entries_;
};

Changes compute_changes(const Catalog& from, const Catalog& to);

}  // namespace mm::schema
