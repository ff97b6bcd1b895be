#include "core/schema/plan.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "core/error.hpp"
#include "core/interrupts.hpp"
#include "core/schema/changes.hpp"
#include "core/schema/inherited_columns.hpp"
#include "core/schema/key_index.hpp"
#include "core/schema/partition_keys.hpp"
#include "core/schema/render_util.hpp"
#include "core/schema/sql.hpp"

namespace mm::schema {

namespace {

enum class Phase { Drop = 0, Alter = 1, Create = 2 };

struct Op {
  Phase phase;
  Kind kind;
  Key key;
  Statements statements;
  std::vector<std::string> frees;  // name slots this operation releases
  std::vector<std::string> takes;  // name slots this operation claims
};

// The columns of each table, in their order.
std::map<Key, std::vector<const Node*>> columns_by_table(const Catalog& catalog) {
  std::map<Key, std::vector<const Node*>> out;
  for (const Node* node : catalog.ordered_nodes())
    if (node->kind == Kind::Column)
      if (const Node* parent = catalog.find(node->parent); parent && parent->kind == Kind::Table)
        out[node->parent].push_back(node);
  for (auto& [table, columns] : out)
    std::stable_sort(columns.begin(), columns.end(),
                     [](const Node* a, const Node* b) { return a->position < b->position; });
  return out;
}

bool removes(Action a) { return a == Action::Drop || a == Action::Recreate; }
bool creates(Action a) { return a == Action::Create || a == Action::Recreate || a == Action::Replace; }

// Names that two objects cannot hold at once (relations, types and
// indexes share one namespace per schema).
std::vector<std::string> name_slots(const Node& n) {
  // The same text as the JSON array of the parts, without building one.
  auto slot = [](std::initializer_list<std::string_view> parts) { return key_of(parts); };
  switch (n.kind) {
    case Kind::Table:
    case Kind::View:
    case Kind::MaterializedView:
    case Kind::Sequence:
    case Kind::Index:
    case Kind::Type:
      return {slot({"relation", n.schema, n.name})};
    case Kind::Constraint: {
      std::vector<std::string> out{slot({"constraint", n.schema, n.relation, n.name})};
      const std::string type = n.spec.value("type", std::string());
      if (type == "primary key" || type == "unique" || type == "exclusion")
        out.push_back(slot({"relation", n.schema, n.name}));
      return out;
    }
    case Kind::Column:
      return {slot({"column", n.schema, n.relation, n.name})};
    case Kind::Trigger:
      return {slot({"trigger", n.schema, n.relation, n.name})};
    case Kind::Policy:
      return {slot({"policy", n.schema, n.relation, n.name})};
    case Kind::Function:
      return {slot({"function", n.schema, n.name, n.spec.value("identity_arguments", "")})};
    case Kind::Schema:
      return {slot({"schema", n.name})};
    case Kind::Extension:
      return {slot({"extension", n.name})};
    default:
      return {};
  }
}

class Planner {
 public:
  Planner(const Catalog& from, const Catalog& to) : from_(from), to_(to), changes_(compute_changes(from, to)) {
    for (const Catalog* c : {&from_, &to_})
      for (const Node* node : c->ordered_nodes())
        if (node->kind == Kind::Type && render::text(node->spec, "kind") == "domain")
          facts_.domain_base[qualify(node->schema, node->name)] = render::text(node->spec, "base_type");
    index_objects();
  }

  Statements run() {
    build_operations();
    build_edges();
    return ordered_statements();
  }

  std::vector<ColumnOrderNote> column_order_notes() const {
    std::vector<ColumnOrderNote> notes;
    // Only tables on both sides get a note.
    const std::map<Key, std::vector<const Node*>> before = columns_by_table(from_);
    if (before.empty()) return notes;
    const std::map<Key, std::vector<const Node*>> after = columns_by_table(to_);
    for (const auto& [table, declared] : after) {
      const auto old = before.find(table);
      // A table this plan creates gets the declared order.
      if (old == before.end() || creates(action(table))) continue;
      ColumnOrderNote note{declared.front()->schema, declared.front()->relation, {}, {}};
      for (const Node* column : declared) note.declared.push_back(column->name);
      for (const Node* column : old->second)
        if (!removes(action(column->key))) note.result.push_back(column->name);
      for (const Node* column : declared)  // added (or dropped and added again) at the end
        if (creates(action(column->key))) note.result.push_back(column->name);
      if (note.result != note.declared) notes.push_back(std::move(note));
    }
    return notes;
  }

 private:
  // Every object of either catalog has an entry in changes_; the planner
  // numbers them in key order and keeps its per-object state in vectors,
  // reached through the catalogs' numbers (id_of() finds the few looked up
  // by key).
  void index_objects() {
    objects_.reserve(changes_.size());
    for (const auto& entry : changes_) objects_.push_back(&entry);
    const std::size_t n = objects_.size();
    // Both catalogs number their nodes in key order too: walk them along
    // (every node of either has a change).
    for (auto [catalog, ids, numbers] :
         {std::tuple{&from_, &from_ids_, &from_number_}, std::tuple{&to_, &to_ids_, &to_number_}}) {
      numbers->assign(n, kNone);
      ids->reserve(catalog->size());
      std::size_t id = 0;
      for (const Node* node : catalog->ordered_nodes()) {
        while (id < n && key_at(static_cast<int>(id)) != node->key) ++id;
        if (id == n) throw std::out_of_range("schema plan: a node without a change");
        (*numbers)[id] = static_cast<int>(ids->size());
        ids->push_back(static_cast<int>(id));
      }
    }
    drop_home_.assign(n, kNone);
    create_home_.assign(n, kNone);
    folded_into_create_.assign(n, {});
    drop_op_.assign(n, kNone);
    create_op_.assign(n, kNone);
    alter_op_.assign(n, kNone);
    rename_old_op_.assign(n, kNone);
    drop_old_op_.assign(n, kNone);
  }

  static constexpr int kNone = KeyIndex::kNone;

  // The object's number, or kNone for a key in neither catalog.
  int id_of(std::string_view key) const {
    if (id_of_.size() != objects_.size()) {  // the first lookup by key: index them all
      id_of_.reserve(objects_.size());
      for (std::size_t id = 0; id < objects_.size(); ++id) id_of_.emplace(objects_[id]->first, static_cast<int>(id));
    }
    return id_of_.find(key);
  }
  std::string_view key_at(int id) const { return objects_[id]->first; }
  const Change& change_at(int id) const { return objects_[id]->second; }

  Action action(std::string_view key) const {
    const int id = id_of(key);
    return id == kNone ? Action::Keep : change_at(id).action;
  }

  // The operation `op_by_object` holds for `id`, which the plan's
  // structure guarantees (as std::map::at did, fail loudly if not).
  static int required_op(const std::vector<int>& op_by_object, int id) {
    if (id == kNone || op_by_object[id] == kNone) throw std::out_of_range("schema plan: missing operation");
    return op_by_object[id];
  }

  // The object of the parent of the node numbered `number` in `catalog`
  // (whose objects by node number are `ids`), or kNone.
  static int parent_object(const Catalog& catalog, const std::vector<int>& ids, int number) {
    const int parent = catalog.parent_number(number);
    return parent == kNone ? kNone : ids[parent];
  }

  // The nodes of `id`'s key in each catalog: the change's own, but for a
  // rename, whose `from` is the old node under another key.
  const Node* from_node(int id) const {
    const Change& change = change_at(id);
    return change.action == Action::Rename ? nullptr : change.from;
  }
  const Node* to_node(int id) const { return change_at(id).to; }

  bool removes_object(int id) const { return id != kNone && removes(change_at(id).action); }

  // The object whose DROP statement also removes `id` (itself when none does).
  int drop_home(int id) const {
    const Node* n = from_node(id);
    if (!n) return id;
    const int parent = parent_object(from_, from_ids_, from_number_[id]);
    auto folded_into = [&](int container) { return removes_object(container) ? drop_home(container) : id; };
    switch (n->kind) {
      case Kind::Column:
      case Kind::Default:  // DROP COLUMN drops its default
      case Kind::Index:
      case Kind::Trigger:
      case Kind::Policy:  // DROP TABLE drops its policies
        return folded_into(parent);
      case Kind::Constraint:
        // Foreign keys are always dropped on their own, so tables that
        // reference each other can be dropped in any order.
        return n->spec.value("type", std::string()) == "foreign key" ? id : folded_into(parent);
      case Kind::Sequence: {
        // DROP TABLE / DROP COLUMN also drop the sequences the column owns.
        const int owner_id = id_of(key_of({"sequence owner", n->schema, n->name}));
        const Node* owner = owner_id == kNone ? nullptr : from_node(owner_id);
        if (!owner) return id;
        const int column = id_of(column_key(render::text(owner->spec, "schema"), render::text(owner->spec, "table"),
                                            render::text(owner->spec, "column")));
        return column != kNone && from_node(column) && removes_object(column) ? drop_home(column) : id;
      }
      case Kind::SequenceOwner:
        return folded_into(parent);
      default:
        return id;
    }
  }

  // The object whose CREATE statement also creates `id`.
  int create_home(int id) const {
    const Node* n = to_node(id);
    if (!n) return id;
    auto created = [&](int container) {
      if (container == kNone) return false;
      const Action a = change_at(container).action;
      return a == Action::Create || a == Action::Recreate;
    };
    switch (n->kind) {
      case Kind::Column:
      case Kind::Default: {
        const int container = parent_object(to_, to_ids_, to_number_[id]);
        return created(container) ? create_home(container) : id;
      }
      case Kind::Constraint: {
        const int container = parent_object(to_, to_ids_, to_number_[id]);
        const Node* table = container == kNone ? nullptr : to_node(container);
        const bool inline_ok = table && table->kind == Kind::Table && !render::present(table->spec, "partition_of") &&
                               n->spec.value("type", std::string()) != "foreign key" &&
                               render::flag(n->spec, "validated");
        return inline_ok && created(container) ? create_home(container) : id;
      }
      default:
        return id;
    }
  }

  int add_op(Phase phase, const Node& node, Statements statements) {
    ops_.push_back(Op{phase, node.kind, node.key, std::move(statements), {}, {}});
    return static_cast<int>(ops_.size()) - 1;
  }

  void build_operations() {
    const int n = static_cast<int>(objects_.size());
    // Homes first: folded children point at their container's operation.
    // Objects go in key order, so each container's folded list is too.
    for (int id = 0; id < n; ++id) {
      const Action a = change_at(id).action;
      if (removes(a)) drop_home_[id] = drop_home(id);
      if (creates(a)) {
        create_home_[id] = create_home(id);
        if (create_home_[id] != id) folded_into_create_[create_home_[id]].push_back(id);
      }
    }
    for (int id = 0; id < n; ++id)
      if (change_at(id).action == Action::Attached) attached_to_create_[id_of(change_at(id).attached_to)].push_back(id);
    for (int id = 0; id < n; ++id) {
      if (id % kObjectsBetweenChecks == 0) check_for_interrupts();
      const Change& change = change_at(id);
      switch (change.action) {
        case Action::Keep:
        case Action::RenamedAway:
        case Action::Attached:  // its statements run with the parent's create
          break;
        case Action::Alter: {
          Statements s = alter_statements(*change.from, *change.to, facts_, change.retype);
          alter_op_[id] = add_op(Phase::Alter, *change.to, std::move(s));
          break;
        }
        case Action::Rename: {
          int op = add_op(Phase::Alter, *change.to, rename_statements(*change.from, *change.to));
          alter_op_[id] = op;
          ops_[op].frees = name_slots(*change.from);
          ops_[op].takes = name_slots(*change.to);
          break;
        }
        case Action::Replace: {
          rename_old_op_[id] = add_op(Phase::Drop, *change.from, rename_type_out_of_the_way(*change.from));
          ops_[rename_old_op_[id]].frees = name_slots(*change.from);
          drop_old_op_[id] = add_op(Phase::Drop, *change.from, drop_replaced_type(*change.from));
          break;
        }
        default:
          break;
      }
      if (removes(change.action) && drop_home_[id] == id)
        drop_op_[id] = add_op(Phase::Drop, *change.from, drop_statements(*change.from, from_));
      if (creates(change.action) && create_home_[id] == id)
        create_op_[id] = add_op(Phase::Create, *change.to, render_create(id));
    }
    // Children's own settings on the columns they share with a parent,
    // after the parent's statements that reach them.
    for (InheritedColumnRepair& repair : inherited_column_repairs(from_, to_, changes_)) {
      const Node& table = *to_.find(repair.table);
      Op op{Phase::Create,
            Kind::Default,
            key_of({"inherited column", table.schema, table.name, repair.column}),
            std::move(repair.statements),
            {},
            {}};
      ops_.push_back(std::move(op));
      repair_op_[{repair.table, repair.column}] = static_cast<int>(ops_.size()) - 1;
    }
    // Name slots of everything each operation removes or creates, folded
    // children included: the nodes now, their slots in build_edges (only
    // when one operation frees some and another takes some).
    for (int id = 0; id < n; ++id) {
      if (drop_home_[id] != kNone)
        frees_of_nodes_.emplace_back(required_op(drop_op_, drop_home_[id]), change_at(id).from);
      if (create_home_[id] != kNone) {
        const Node& node = *change_at(id).to;
        // What name_slots reads of it that may throw, read here as before
        // (drop_home has read it of every removed constraint).
        if (node.kind == Kind::Constraint) (void)node.spec.value("type", std::string());
        takes_of_nodes_.emplace_back(required_op(create_op_, create_home_[id]), &node);
      }
    }
    // An attached partition index or key changes its name in its parent's create.
    for (int id = 0; id < n; ++id) {
      const Change& change = change_at(id);
      if (change.action != Action::Attached) continue;
      const int parent_id = id_of(change.attached_to);
      Op& parent = ops_[required_op(create_op_, create_home_.at(parent_id))];
      const Node& parent_node = *change_at(parent_id).to;
      for (const auto& s : name_slots(*change.from)) parent.frees.push_back(s);
      Node renamed = *change.from;
      renamed.name = change.attached_as;
      renamed.kind = parent_node.kind;
      renamed.spec["type"] = parent_node.spec.value("type", json());
      for (const auto& s : name_slots(renamed)) parent.takes.push_back(s);
    }
  }

  Statements render_create(int id) const {
    const Node& node = *change_at(id).to;
    if (node.kind == Kind::Table) {
      TableParts parts;
      for (int folded : folded_into_create_[id]) {
        const Node& child = *change_at(folded).to;
        if (child.kind == Kind::Column) parts.columns.push_back(&child);
        if (child.kind == Kind::Default) parts.defaults[child.name] = &child;
        if (child.kind == Kind::Constraint) parts.constraints.push_back(&child);
      }
      std::stable_sort(parts.columns.begin(), parts.columns.end(),
                       [](const Node* a, const Node* b) { return a->position < b->position; });
      return create_table(node, parts);
    }
    if (node.kind == Kind::Column) {
      const int default_id = id_of(key_of({"default", node.schema, node.relation, node.name}));
      return add_column(node,
                        default_id != kNone && create_home_[default_id] != kNone ? change_at(default_id).to : nullptr);
    }
    if (node.kind == Kind::Index || node.kind == Kind::Constraint) {
      // Partitions' own indexes or keys it takes over: named (or made keys)
      // first, then attached by PostgreSQL as the parent's is created.
      Statements out;
      if (auto it = attached_to_create_.find(id); it != attached_to_create_.end())
        for (int child : it->second) {
          const Change& change = change_at(child);
          render::append(out, attach_statements(*change.from, node, change.attached_as));
        }
      render::append(out, create_statements(node));
      return out;
    }
    return create_statements(node);
  }

  // The operations on one object, by number (kNone when it has none).
  std::optional<int> drop_id(int id) const {
    if (id == kNone) return std::nullopt;
    if (rename_old_op_[id] != kNone) return rename_old_op_[id];
    if (drop_home_[id] != kNone) return required_op(drop_op_, drop_home_[id]);
    return std::nullopt;
  }
  std::optional<int> drop_old_id(int id) const {
    if (id != kNone && drop_old_op_[id] != kNone) return drop_old_op_[id];
    return drop_id(id);
  }
  std::optional<int> create_id(int id) const {
    if (id != kNone && create_home_[id] != kNone) return required_op(create_op_, create_home_[id]);
    return std::nullopt;
  }
  std::optional<int> alter_id(int id) const {
    if (id == kNone) return std::nullopt;
    const Change& change = change_at(id);
    if (change.action == Action::RenamedAway) return alter_id(id_of(change.renamed_to));
    if (alter_op_[id] != kNone) return alter_op_[id];
    return std::nullopt;
  }
  // The same, by key.
  std::optional<int> drop_id(std::string_view key) const { return drop_id(id_of(key)); }
  std::optional<int> drop_old_id(std::string_view key) const { return drop_old_id(id_of(key)); }
  std::optional<int> create_id(std::string_view key) const { return create_id(id_of(key)); }
  std::optional<int> alter_id(std::string_view key) const { return alter_id(id_of(key)); }

  // Repeated edges are dropped before ordering (ordered_statements).
  void before(std::optional<int> first, std::optional<int> then) {
    if (first && then && *first != *then) edges_[*first].push_back(*then);
  }

  // Only changed objects have operations, and an edge needs one at both
  // ends: unchanged pairs (all of them when nothing changed) are skipped.
  bool changed(std::string_view key) const { return action(key) != Action::Keep; }
  bool changed(int id) const { return change_at(id).action != Action::Keep; }

  void build_edges() {
    edges_.assign(ops_.size(), {});
    const int n = static_cast<int>(objects_.size());
    // Edges form a set, so the changed objects may be visited in any
    // order: by number, rather than every node of both catalogs.
    for (int id = 0; id < n; ++id) {
      if (!changed(id)) continue;
      if (from_number_[id] != kNone)
        for (const int dep_number : from_.dependencies_of(from_number_[id]).numbers()) {
          const int dep = from_ids_[dep_number];
          if (!changed(dep)) continue;
          before(drop_id(id), drop_id(dep));
          before(alter_id(id), drop_old_id(dep));
          before(drop_id(id), alter_id(dep));
          // A replaced type over a replaced type (a domain over an enum):
          // the old dependent goes before the old type it uses.
          if (drop_old_op_[id] != kNone) before(drop_old_op_[id], drop_old_id(dep));
        }
      if (to_number_[id] != kNone)
        for (const int dep_number : to_.dependencies_of(to_number_[id]).numbers()) {
          const int dep = to_ids_[dep_number];
          if (!changed(dep)) continue;
          before(create_id(dep), create_id(id));
          before(create_id(dep), alter_id(id));
          before(alter_id(dep), create_id(id));
          before(alter_id(dep), alter_id(id));
        }
    }
    for (int id = 0; id < n; ++id) {
      before(drop_id(id), create_id(id));
      if (change_at(id).action == Action::Replace) before(create_id(id), required_op(drop_old_op_, id));
    }
    inherited_column_edges();
    name_slot_edges();
  }

  // A name freed by one operation and taken by another: the one that
  // frees it first.
  void name_slot_edges() {
    auto any = [&](std::vector<std::string> Op::*slots, const std::vector<std::pair<int, const Node*>>& of_nodes) {
      return !of_nodes.empty() ||
             std::any_of(ops_.begin(), ops_.end(), [&](const Op& op) { return !(op.*slots).empty(); });
    };
    // Nothing to pair in a plan that only creates or only drops.
    if (!any(&Op::frees, frees_of_nodes_) || !any(&Op::takes, takes_of_nodes_)) return;
    for (const auto& [op, node] : frees_of_nodes_)
      for (auto& s : name_slots(*node)) ops_[op].frees.push_back(std::move(s));
    for (const auto& [op, node] : takes_of_nodes_)
      for (auto& s : name_slots(*node)) ops_[op].takes.push_back(std::move(s));
    std::unordered_map<std::string, std::vector<int>> freed_by;
    for (int i = 0; i < static_cast<int>(ops_.size()); ++i)
      for (const auto& s : ops_[i].frees) freed_by[s].push_back(i);
    for (int i = 0; i < static_cast<int>(ops_.size()); ++i)
      for (const auto& s : ops_[i].takes)
        if (auto it = freed_by.find(s); it != freed_by.end())
          for (int d : it->second) before(d, i);
  }

  // Every operation on the object `key` (its drop, alter, create).
  std::vector<int> ops_of(std::string_view key) const {
    std::vector<int> out;
    for (const std::optional<int>& id : {drop_id(key), drop_old_id(key), alter_id(key), create_id(key)})
      if (id) out.push_back(*id);
    return out;
  }

  // The tables `table` inherits from, transitively (target catalog).
  std::vector<Key> ancestors(const Key& table) const {
    std::vector<Key> out;
    std::set<Key> seen;
    std::vector<Key> work{table};
    while (!work.empty()) {
      const Node* node = to_.find(work.back());
      work.pop_back();
      if (!node) continue;
      for (const Key& parent : parent_tables(*node))
        if (seen.insert(parent).second) {
          out.push_back(parent);
          work.push_back(parent);
        }
    }
    return out;
  }

  // Operations on `column` of `table`: its column, its default and its
  // repair.
  std::vector<int> column_ops(const Key& table, const std::string& column) const {
    std::vector<int> out;
    const Node* t = to_.find(table);
    if (!t) return out;
    for (const Key& key : {column_key(t->schema, t->name, column), key_of({"default", t->schema, t->name, column})})
      for (int op : ops_of(key)) out.push_back(op);
    if (auto it = repair_op_.find({table, column}); it != repair_op_.end()) out.push_back(it->second);
    return out;
  }

  // ALTER COLUMN on a parent reaches its descendants, so what a child sets
  // on the same column runs after it: the child's own column and default
  // statements, its repair (inherited_columns.hpp), and a child's CREATE
  // (which copies the parent's settings).
  void inherited_column_edges() {
    // Every edge below ends at a table that inherits or is a partition in
    // the target (repairs are made for those only): without one, the
    // common case, there is nothing to add, and the per-column keys below
    // cost as much as the rest of the edges.
    if (std::none_of(to_.ordered_nodes().begin(), to_.ordered_nodes().end(),
                     [](const Node* node) { return node->kind == Kind::Table && !parent_tables(*node).empty(); }))
      return;
    // Per table, the columns with changes of their own (column or default).
    std::map<Key, std::set<std::string>> changed_columns;
    for (const auto& [key, change] : changes_) {
      const Node* node = change.to ? change.to : change.from;
      if (change.action != Action::Keep && (node->kind == Kind::Column || node->kind == Kind::Default))
        changed_columns[relation_key(Kind::Table, node->schema, node->relation)].insert(node->name);
    }
    for (const auto& [id, op] : repair_op_) changed_columns[id.first].insert(id.second);
    for (const Node* table : to_.ordered_nodes()) {
      const Node& node = *table;
      const Key& key = node.key;
      if (node.kind != Kind::Table || parent_tables(node).empty() || !changed(key)) continue;
      for (const Key& ancestor : ancestors(key))
        for (const std::string& column : changed_columns[ancestor])
          for (int op : column_ops(ancestor, column)) before(op, create_id(key));
    }
    for (const auto& [key, change] : changes_) {
      const Node* node = change.to ? change.to : change.from;
      if (change.action == Action::Keep || (node->kind != Kind::Column && node->kind != Kind::Default)) continue;
      const Key table = relation_key(Kind::Table, node->schema, node->relation);
      const Node* t = to_.find(table);
      if (!t || t->kind != Kind::Table || parent_tables(*t).empty()) continue;
      // The statements that set the child's column: ADD or ALTER COLUMN,
      // SET DEFAULT, and DROP DEFAULT where the column stays.
      std::vector<std::optional<int>> setters{alter_id(key), create_id(key)};
      const Key column = column_key(node->schema, node->relation, node->name);
      if (node->kind == Kind::Default && to_.find(column) && !removes(action(column))) setters.push_back(drop_id(key));
      for (const Key& ancestor : ancestors(table))
        for (int op : column_ops(ancestor, node->name))
          for (const std::optional<int>& then : setters) before(op, then);
    }
    for (const auto& [id, repair] : repair_op_) {
      const auto& [table, column] = id;
      before(create_id(table), repair);
      std::vector<Key> owners = ancestors(table);
      owners.push_back(table);
      for (const Key& owner : owners)
        for (int op : column_ops(owner, column)) before(op, repair);
    }
  }

  Statements ordered_statements() {
    const int n = static_cast<int>(ops_.size());
    std::vector<int> waiting(n, 0);
    for (std::vector<int>& targets : edges_) {
      std::sort(targets.begin(), targets.end());
      targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
      for (int t : targets) ++waiting[t];
    }
    // Ready operations by (phase, kind order, key): drops as early as
    // possible and dependents-first, creates as late as possible.
    // (The key is a view: of the operation's own key, or of its column
    // order key, kept in column_keys.)
    using Priority = std::tuple<int, int, std::string_view, int>;
    std::vector<std::string> column_keys(n);
    auto priority = [&](int i) {
      const Op& op = ops_[i];
      const int rank = op.phase == Phase::Drop ? -kind_rank(op.kind) : kind_rank(op.kind);
      std::string_view key = op.key;
      if (added_column(op)) key = column_keys[i] = column_order_key(op);
      return Priority{static_cast<int>(op.phase), rank, key, i};
    };
    std::set<Priority> ready;
    for (int i = 0; i < n; ++i)
      if (!waiting[i]) ready.insert(priority(i));
    Statements out;
    int done = 0;
    while (!ready.empty()) {
      const int i = std::get<3>(*ready.begin());
      ready.erase(ready.begin());
      if (++done % kObjectsBetweenChecks == 0) check_for_interrupts();
      for (Statement& statement : ops_[i].statements) out.push_back(std::move(statement));  // each runs once
      for (int t : edges_[i])
        if (--waiting[t] == 0) ready.insert(priority(t));
    }
    if (done != n) {
      std::vector<std::string> stuck;
      for (int i = 0; i < n; ++i)
        if (waiting[i] > 0) stuck.push_back(ops_[i].key);
      throw Error(sqlstate::kInvalidParameter, "cannot order the schema changes: dependency cycle",
                  "Objects involved: " + join(stuck, ", "),
                  "Split the change into two revisions, or write this part of the migration by hand.");
    }
    return out;
  }

  // Added columns of one table follow their declared order; everything
  // else goes by key.
  static bool added_column(const Op& op) { return op.kind == Kind::Column && op.phase == Phase::Create; }
  std::string column_order_key(const Op& op) const {
    const Node& column = *to_.find(op.key);
    char position[16];
    std::snprintf(position, sizeof position, "%010d", column.position);
    return column.parent + '\x01' + position;
  }

  const Catalog& from_;
  const Catalog& to_;
  Changes changes_;
  TypeFacts facts_;
  // Per node number of each catalog, its object's number; per object, its
  // node's number in each catalog (kNone where it has none).
  std::vector<int> from_ids_, to_ids_, from_number_, to_number_;
  // changes_'s entries in key order, and each one's number.
  std::vector<const Changes::value_type*> objects_;
  mutable KeyIndex id_of_;  // built by the first id_of()
  std::vector<Op> ops_;
  // Per object (by number; kNone where there is none): the object whose
  // DROP / CREATE also drops / creates it.
  std::vector<int> drop_home_, create_home_;
  // Per created container, in key order, what its CREATE also creates.
  std::vector<std::vector<int>> folded_into_create_;
  // Per created parent index or key, the partitions' own ones it takes over.
  std::unordered_map<int, std::vector<int>> attached_to_create_;
  // Per object, its operations (kNone where there is none).
  std::vector<int> drop_op_, create_op_, alter_op_, rename_old_op_, drop_old_op_;
  // Per (child table, column), the operation that sets its own settings again.
  std::map<std::pair<Key, std::string>, int> repair_op_;
  // (operation, node) for each node whose name slots the operation frees
  // or takes, besides its own frees and takes.
  std::vector<std::pair<int, const Node*>> frees_of_nodes_, takes_of_nodes_;
  // Per operation, those that must run after it (repeats until ordered).
  std::vector<std::vector<int>> edges_;
};

}  // namespace

Statements plan_migration(const Catalog& from, const Catalog& to, std::vector<ColumnOrderNote>* column_order) {
  Planner planner(from, to);
  Statements statements = planner.run();
  if (column_order) *column_order = planner.column_order_notes();
  return statements;
}

}  // namespace mm::schema
