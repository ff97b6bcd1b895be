#include "core/schema/inherited_columns.hpp"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/schema/render_util.hpp"
#include "core/schema/sql.hpp"

namespace mm::schema {

using render::flag;
using render::present;
using render::text;

std::vector<Key> parent_tables(const Node& table) {
  std::vector<Key> out;
  const json& t = table.spec;
  auto add = [&](const json& parent) {
    if (parent.is_object()) out.push_back(relation_key(Kind::Table, text(parent, "schema"), text(parent, "name")));
  };
  if (auto it = t.find("partition_of"); it != t.end()) add(*it);
  if (auto it = t.find("inherits"); it != t.end() && it->is_array())
    for (const json& parent : *it) add(parent);
  return out;
}

namespace {

// What a table's column holds: its default (the model's form, compared,
// and as DDL writes it) and NOT NULL.
struct Setting {
  bool exists = false;
  bool generated = false;  // follows its parent whatever is set here
  std::optional<std::string> default_expression;
  std::string default_written;
  bool not_null = false;
};

bool same_default(const Setting& a, const Setting& b) { return a.default_expression == b.default_expression; }

const json* inherited_entry(const Node& table, const std::string& column) {
  auto it = table.spec.find("inherited_columns");
  if (it == table.spec.end() || !it->is_array()) return nullptr;
  for (const json& entry : *it)
    if (entry.is_object() && text(entry, "name") == column) return &entry;
  return nullptr;
}

// `column` of `table` in `catalog`: its own settings when it is local or
// listed in the table's inherited_columns, else those of the first parent
// that has the column (as the snapshot compares them).
Setting setting_in(const Catalog& catalog, const Key& table_key, const std::string& column, int depth = 0) {
  const Node* table = catalog.find(table_key);
  if (!table || depth > 100) return {};  // the depth guards a malformed model's cycle
  if (const Node* local = catalog.find(column_key(table->schema, table->name, column))) {
    Setting s;
    s.exists = true;
    s.generated = present(local->spec, "generated");
    s.not_null = flag(local->spec, "not_null");
    if (const Node* d = catalog.find(key_of({"default", table->schema, table->name, column}))) {
      s.default_expression = text(d->spec, "expression");
      s.default_written = render::default_expression(*d);
    }
    return s;
  }
  if (const json* own = inherited_entry(*table, column)) {
    Setting s;
    s.exists = true;
    s.not_null = flag(*own, "not_null");
    if (present(*own, "default")) {
      s.default_expression = text(*own, "default");
      s.default_written = present(*own, "default_source") ? text(*own, "default_source") : *s.default_expression;
    }
    return s;
  }
  for (const Key& parent : parent_tables(*table)) {
    Setting s = setting_in(catalog, parent, column, depth + 1);
    if (s.exists) return s;
  }
  return {};
}

bool creates(Action a) { return a == Action::Create || a == Action::Recreate; }

class Repairer {
 public:
  Repairer(const Catalog& from, const Catalog& to, const Changes& changes) : from_(from), to_(to), changes_(changes) {}

  std::vector<InheritedColumnRepair> run() {
    // Only a changed column, default or table can leave a child's column
    // other than its target (the common case is a diff with none).
    bool relevant = false;
    for (const auto& [key, change] : changes_) {
      const Node* node = change.to ? change.to : change.from;
      relevant |= change.action != Action::Keep &&
                  (node->kind == Kind::Column || node->kind == Kind::Default || node->kind == Kind::Table);
      if (relevant) break;
    }
    if (!relevant) return {};
    for (const Node* table : to_.ordered_nodes()) {
      const Node& node = *table;
      const Key& key = node.key;
      if (node.kind != Kind::Table || parent_tables(node).empty()) continue;
      if (!columns_read_) {  // the first child table: the tables' columns are read
        columns_read_ = true;
        for (const Node* column : to_.ordered_nodes())
          if (column->kind == Kind::Column) columns_of_[column->parent].insert(column->name);
      }
      for (const std::string& column : shared_columns(node)) repaired(key, column);
    }
    return std::move(out_);
  }

 private:
  // Which of the column's two settings a statement of this plan sets on
  // the table (and, recursing, on its descendants).
  struct Sets {
    bool default_ = false;
    bool not_null = false;
  };

  Action action(const Key& key) const {
    auto it = changes_.find(key);
    return it == changes_.end() ? Action::Keep : it->second.action;
  }

  // Names of the columns the table shares with a parent.
  std::set<std::string> shared_columns(const Node& table) const {
    std::set<std::string> names;
    std::set<Key> seen;
    collect_ancestor_columns(table, names, seen);
    return names;
  }

  void collect_ancestor_columns(const Node& table, std::set<std::string>& names, std::set<Key>& seen) const {
    for (const Key& parent_key : parent_tables(table)) {
      const Node* parent = to_.find(parent_key);
      if (!parent || !seen.insert(parent_key).second) continue;
      if (auto it = columns_of_.find(parent_key); it != columns_of_.end())
        names.insert(it->second.begin(), it->second.end());
      if (auto it = parent->spec.find("inherited_columns"); it != parent->spec.end() && it->is_array())
        for (const json& entry : *it) names.insert(text(entry, "name"));
      collect_ancestor_columns(*parent, names, seen);
    }
  }

  // The first parent (in the target) that has the column.
  std::optional<Key> parent_with(const Node& table, const std::string& column) const {
    for (const Key& parent : parent_tables(table))
      if (setting_in(to_, parent, column).exists) return parent;
    return std::nullopt;
  }

  // What the plan's own statements for the table's column (not the
  // repairs) set. A dropped column sets nothing on what stays of it in
  // the children.
  Sets own_statements_set(const Node& table, const std::string& column) const {
    const Key column_node = column_key(table.schema, table.name, column);
    const Node* target = to_.find(column_node);
    if (!target) return {};
    const Action column_action = action(column_node);
    if (creates(column_action)) return {true, true};
    Sets sets;
    sets.default_ = action(key_of({"default", table.schema, table.name, column})) != Action::Keep;
    const Node* source = from_.find(column_node);
    sets.not_null = source && flag(source->spec, "not_null") != flag(target->spec, "not_null");
    return sets;
  }

  // Whether the plan sets the column on `table` itself, repairs included;
  // computes (and records) the table's repair on first use.
  Sets repaired(const Key& table_key, const std::string& column) {
    const auto id = std::make_pair(table_key, column);
    if (auto it = done_.find(id); it != done_.end()) return it->second;
    done_[id] = {};  // a malformed model's cycle ends here
    const Node& table = *to_.find(table_key);
    const bool created = creates(action(table_key));
    Sets sets = created ? Sets{false, false} : own_statements_set(table, column);
    const Setting target = setting_in(to_, table_key, column);
    const std::optional<Key> parent = parent_with(table, column);
    if (!target.exists || target.generated || !parent) return done_[id] = sets;
    repaired(*parent, column);  // parents first
    const Setting parent_target = setting_in(to_, *parent, column);

    // What the column holds after the rest of the plan.
    Setting before;
    if (created) {
      // CREATE TABLE copies the parent's settings; INHERITS merges a local
      // column with the parent's: its own default, else the parent's, and
      // NOT NULL if either has it.
      before = parent_target;
      const bool local = to_.find(column_key(table.schema, table.name, column)) != nullptr;
      if (local && target.default_expression) before.default_expression = target.default_expression;
      if (local) before.not_null = target.not_null || parent_target.not_null;
    } else {
      // The table's own statement wins, else the nearest ancestor's that
      // reached it (ancestors run first), else it is unchanged.
      before.default_expression = sets.default_ ? target.default_expression : nearest_default(table, column);
      before.not_null = sets.not_null ? target.not_null : nearest_not_null(table, column);
    }

    InheritedColumnRepair repair{table_key, column, {}};
    const std::string prefix =
        "ALTER TABLE " + qualify(table.schema, table.name) + " ALTER COLUMN " + quote_ident(column);
    if (!same_default(before, target)) {
      repair.statements.push_back(render::ddl(
          target.default_expression ? prefix + " SET DEFAULT " + target.default_written : prefix + " DROP DEFAULT"));
      sets.default_ = true;
    }
    if (before.not_null != target.not_null) {
      repair.statements.push_back(render::ddl(prefix + (target.not_null ? " SET NOT NULL" : " DROP NOT NULL")));
      sets.not_null = true;
    }
    if (!repair.statements.empty()) out_.push_back(std::move(repair));
    return done_[id] = sets;
  }

  // The target setting of the nearest ancestor whose statements set it
  // (a created one's CREATE does not reach a kept table attached to it),
  // else the table's own before the plan.
  template <typename Pick, typename Value>
  Value nearest(const Node& table, const std::string& column, Pick picks, Value Setting::*field) {
    int depth = 0;
    for (const Node* t = &table; depth++ < 100;) {
      const std::optional<Key> parent = parent_with(*t, column);
      if (!parent) break;
      if (!creates(action(*parent)) && picks(repaired(*parent, column))) return setting_in(to_, *parent, column).*field;
      t = to_.find(*parent);
    }
    return setting_in(from_, table.key, column).*field;
  }
  std::optional<std::string> nearest_default(const Node& table, const std::string& column) {
    return nearest(
        table, column, [](const Sets& s) { return s.default_; }, &Setting::default_expression);
  }
  bool nearest_not_null(const Node& table, const std::string& column) {
    return nearest(
        table, column, [](const Sets& s) { return s.not_null; }, &Setting::not_null);
  }

  const Catalog& from_;
  const Catalog& to_;
  const Changes& changes_;
  std::map<Key, std::set<std::string>> columns_of_;  // read by run() at the first table with parents
  bool columns_read_ = false;
  std::map<std::pair<Key, std::string>, Sets> done_;
  std::vector<InheritedColumnRepair> out_;
};

}  // namespace

std::vector<InheritedColumnRepair> inherited_column_repairs(const Catalog& from, const Catalog& to,
                                                            const Changes& changes) {
  return Repairer(from, to, changes).run();
}

}  // namespace mm::schema
