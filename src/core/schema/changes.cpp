#include "core/schema/changes.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "core/schema/key_index.hpp"
#include "core/schema/partition_keys.hpp"
#include "core/schema/render.hpp"

namespace mm::schema {

namespace {

bool goes_away(Action a) { return a == Action::Drop || a == Action::Recreate || a == Action::Replace; }

json without_name(const Node& node) {
  json spec = without_partition_names(node.spec);
  spec.erase("name");
  spec.erase("comment");
  return spec;
}

// Pairs a dropped constraint or index with a created one on the same
// relation that is equal but for its name: renaming keeps the index (and
// the foreign keys that rely on it) instead of rebuilding it.
void detect_renames(const Catalog& from, const Catalog& to, Changes& changes) {
  // Created constraints and indexes by relation, in key order (the first
  // equal one is taken), so each dropped one looks at its relation's only.
  // Only a dropped one can be renamed: most plans that create have none.
  if (std::none_of(changes.begin(), changes.end(), [](const Changes::value_type& entry) {
        const Change& c = entry.second;
        return c.action == Action::Drop && (c.from->kind == Kind::Constraint || c.from->kind == Kind::Index);
      }))
    return;
  std::map<std::string_view, std::vector<Changes::value_type*>> created_on;
  for (auto& entry : changes) {
    const Change& c = entry.second;
    if (c.action == Action::Create && (c.to->kind == Kind::Constraint || c.to->kind == Kind::Index))
      created_on[c.to->parent].push_back(&entry);
  }
  for (auto& [old_key, old_change] : changes) {
    if (old_change.action != Action::Drop) continue;
    const Node& old_node = *old_change.from;
    if (old_node.kind != Kind::Constraint && old_node.kind != Kind::Index) continue;
    const auto parent = changes.find(old_node.parent);
    if (parent == changes.end() || goes_away(parent->second.action)) continue;
    const auto candidates = created_on.find(old_node.parent);
    if (candidates == created_on.end()) continue;
    for (auto* created : candidates->second) {
      const std::string_view new_key = created->first;
      Change& new_change = created->second;
      if (new_change.action != Action::Create) continue;  // taken by an earlier rename
      const Node& new_node = *new_change.to;
      if (new_node.kind != old_node.kind) continue;
      if (without_name(old_node) != without_name(new_node)) continue;
      // A name that stays taken by another object cannot be renamed to.
      if (from.find(new_key) || to.find(old_key)) continue;
      old_change.action = Action::RenamedAway;
      old_change.renamed_to = new_key;
      new_change.action = Action::Rename;
      new_change.from = &old_node;
      break;
    }
  }
}

// Objects whose column-type change PostgreSQL refuses while they exist
// (views, triggers, functions, generated columns) or cannot carry over
// (defaults, foreign keys whose two sides change together).
bool rebuilt_around_type_change(const Node& dependent) {
  switch (dependent.kind) {
    case Kind::View:
    case Kind::MaterializedView:
    case Kind::Trigger:
    case Kind::Policy:  // "cannot alter type of a column used in a policy definition"
    case Kind::Function:
    case Kind::Default:
      return true;
    case Kind::Column:
      return dependent.spec.contains("generated") && !dependent.spec.at("generated").is_null();
    case Kind::Constraint:
      return dependent.spec.value("type", std::string()) == "foreign key";
    default:
      return false;
  }
}

}  // namespace

Changes::iterator Changes::find(std::string_view key) {
  const auto it =
      std::lower_bound(entries_.begin(), entries_.end(), key,
                       [](const value_type& entry, std::string_view wanted) { return entry.first < wanted; });
  return it != entries_.end() && it->first == key ? it : entries_.end();
}

Changes::const_iterator Changes::find(std::string_view key) const { return const_cast<Changes&>(*this).find(key); }

Change& Changes::at(std::string_view key) {
  const auto it = find(key);
  if (it == entries_.end()) throw std::out_of_range("map::at");
  return it->second;
}

Changes::value_type& Changes::append(std::string_view key, const Change& change) {
  if (!entries_.empty() && !(entries_.back().first < key)) throw std::logic_error("changes appended out of order");
  if (entries_.size() == entries_.capacity()) throw std::logic_error("changes appended beyond their room");
  return entries_.emplace_back(key, change);
}

Changes compute_changes(const Catalog& from, const Catalog& to) {
  Changes changes;
  changes.reserve(from.size() + to.size());
  std::vector<Changes::value_type*> from_entries;  // by number in `from`: each node's entry
  from_entries.reserve(from.size());
  // Both catalogs' nodes are in key order: walk them side by side, so each
  // key is compared once and appended at the end of the array rather than
  // looked up in the other catalog.
  const std::vector<const Node*>&old_nodes = from.ordered_nodes(), &new_nodes = to.ordered_nodes();
  std::size_t old_at = 0, new_at = 0;
  while (old_at < old_nodes.size() || new_at < new_nodes.size()) {
    if (old_at == old_nodes.size() || (new_at < new_nodes.size() && new_nodes[new_at]->key < old_nodes[old_at]->key)) {
      const Node& created = *new_nodes[new_at++];
      changes.append(created.key, Change{Action::Create, nullptr, &created, false, {}, {}, {}});
      continue;
    }
    const Node& node = *old_nodes[old_at++];
    const Node* target = new_at < new_nodes.size() && new_nodes[new_at]->key == node.key ? new_nodes[new_at] : nullptr;
    Change c;
    c.from = &node;
    c.to = target;
    if (!target) {
      c.action = Action::Drop;
    } else if (node.spec != target->spec || node.kind != target->kind) {
      c.action = needs_replace(node, *target)                                 ? Action::Replace
                 : needs_recreate(node, *target) || node.kind != target->kind ? Action::Recreate
                                                                              : Action::Alter;
    }
    from_entries.push_back(&changes.append(node.key, c));
    if (target) ++new_at;
  }
  detect_renames(from, to, changes);

  // Propagate: whatever depends on an object that goes away (or on a column
  // whose type changes) must go away first and come back afterwards.
  // The work holds entries of `changes` (a map's entries stay put) with
  // their numbers in `from`, by which their dependents are found: in a
  // plan that drops everything, every object's dependents are visited.
  using Entry = Changes::value_type;
  struct Work {
    Entry* entry;
    int from_number;  // KeyIndex::kNone: not a node of `from`, looked up by key
  };
  std::deque<Work> work;
  for (std::size_t number = 0; number < from_entries.size(); ++number) {
    const Change& c = from_entries[number]->second;
    if (goes_away(c.action) || (c.action == Action::Alter && changes_column_type(*c.from, *c.to)))
      work.push_back(Work{from_entries[number], static_cast<int>(number)});
  }
  // changes.at(key), for the keys that are no node of `from`.
  auto entry_at = [&](std::string_view key) -> Entry& {
    const auto found = changes.find(key);
    if (found == changes.end()) throw std::out_of_range("map::at");
    return *found;
  };
  while (!work.empty()) {
    const Work cause_work = work.front();
    work.pop_front();
    const std::string_view key = cause_work.entry->first;
    const Change& cause = cause_work.entry->second;
    const bool type_change = !goes_away(cause.action);  // an altered or retyped column
    const KeyRefs dependents =
        cause_work.from_number != KeyIndex::kNone ? from.dependents_of(cause_work.from_number) : from.dependents(key);
    for (auto it = dependents.begin(); it != dependents.end(); ++it) {
      const Key& dependent_key = *it;
      const bool a_node = static_cast<std::size_t>(it.number()) < from_entries.size();
      Entry& dependent_entry = a_node ? *from_entries[it.number()] : entry_at(dependent_key);
      const Work next{&dependent_entry, a_node ? it.number() : KeyIndex::kNone};
      Change& c = dependent_entry.second;
      if (goes_away(c.action)) continue;
      const Node& dependent = *c.from;
      if (type_change && !rebuilt_around_type_change(dependent)) continue;
      if (c.action == Action::RenamedAway) {
        // The renamed object must be rebuilt anyway: plain drop and create.
        Change& created = entry_at(c.renamed_to).second;
        created.action = Action::Create;
        created.from = nullptr;
        c.action = Action::Drop;
        c.renamed_to.clear();
        work.push_back(next);
        continue;
      }
      if (!c.to) continue;
      const bool still_uses = to.dependencies(dependent_key).contains(key);
      if (cause.action == Action::Replace && dependent.kind == Kind::Column && !type_change) {
        if (still_uses && !c.retype && !changes_column_type(*c.from, *c.to)) {
          c.retype = true;
          c.action = Action::Alter;
          work.push_back(next);
        }
        continue;
      }
      if (dependent.kind == Kind::Type) {
        c.action = Action::Replace;
      } else {
        c.action = Action::Recreate;
      }
      work.push_back(next);
    }
  }
  detect_attachments(from, changes);
  return changes;
}

}  // namespace mm::schema
