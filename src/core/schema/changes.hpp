// What happens to each object between two catalogs: kept, created, dropped,
// altered in place, recreated, replaced (types) or renamed (constraints and
// indexes that differ only by name), after propagating to the objects that
// depend on something that goes away.
#pragma once

#include <map>
#include <string_view>

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

// Keyed by views of the catalogs' own keys: valid while both catalogs are
// (copying every key cost a tenth of a plan that creates every table).
using Changes = std::map<std::string_view, Change>;

Changes compute_changes(const Catalog& from, const Catalog& to);

}  // namespace mm::schema
