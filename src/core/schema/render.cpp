// DDL of every node kind other than table internals (schema_render_tables.cpp).
#include "core/schema/render.hpp"

#include "core/schema/partition_keys.hpp"
#include "core/schema/render_util.hpp"
#include "core/schema/sql.hpp"

namespace mm::schema {

using namespace render;

namespace {

bool is_domain(const Node& type) { return text(type.spec, "kind") == "domain"; }

std::string type_keyword(const Node& type) { return is_domain(type) ? "DOMAIN " : "TYPE "; }

std::string function_signature(const Node& fn) {
  return own_name(fn) + "(" + text(fn.spec, "identity_arguments") + ")";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == ';')) s.pop_back();
  return s;
}

Statements create_type(const Node& type) {
  const json& t = type.spec;
  const std::string kind = text(t, "kind");
  Statements out;
  if (kind == "enum") {
    std::vector<std::string> labels;
    for (const std::string& label : texts(t, "labels")) labels.push_back(quote_literal(label));
    out.push_back(ddl("CREATE TYPE " + own_name(type) + " AS ENUM (" + join(labels, ", ") + ")"));
  } else if (kind == "domain") {
    std::string sql = "CREATE DOMAIN " + own_name(type) + " AS " + text(t, "base_type");
    if (present(t, "collation")) sql += " COLLATE " + text(t, "collation");
    if (present(t, "default")) sql += " DEFAULT " + text(t, "default");
    if (flag(t, "not_null")) sql += " NOT NULL";
    out.push_back(ddl(sql));
    // Constraints separately: CREATE DOMAIN cannot mark one NOT VALID.
    for (const json& c : t.value("constraints", json::array()))
      out.push_back(ddl("ALTER DOMAIN " + own_name(type) + " ADD CONSTRAINT " + quote_ident(text(c, "name")) + " " +
                        text(c, "definition")));
  } else {
    std::vector<std::string> attributes;
    for (const json& a : t.value("attributes", json::array())) {
      std::string attribute = quote_ident(text(a, "name")) + " " + text(a, "type");
      if (present(a, "collation")) attribute += " COLLATE " + text(a, "collation");
      attributes.push_back(attribute);
    }
    out.push_back(ddl("CREATE TYPE " + own_name(type) + " AS (" + join(attributes, ", ") + ")"));
  }
  append(out, comment_statements(type));
  return out;
}

// ALTER TYPE ... ADD VALUE for labels that `to` adds to `from`, or nothing
// when `from`'s labels are not an ordered subsequence of `to`'s.
bool enum_additions(const Node& from, const Node& to, Statements* out) {
  const std::vector<std::string> old_labels = texts(from.spec, "labels"), new_labels = texts(to.spec, "labels");
  std::size_t next = 0;
  for (const std::string& label : new_labels)
    if (next < old_labels.size() && old_labels[next] == label) ++next;
  if (next != old_labels.size()) return false;
  if (!out) return true;
  for (std::size_t i = 0; i < new_labels.size(); ++i) {
    bool existing = false;
    for (const std::string& old : old_labels) existing |= old == new_labels[i];
    if (existing) continue;
    std::string sql = "ALTER TYPE " + own_name(to) + " ADD VALUE " + quote_literal(new_labels[i]);
    if (i > 0) {
      sql += " AFTER " + quote_literal(new_labels[i - 1]);
    } else if (!old_labels.empty()) {
      sql += " BEFORE " + quote_literal(old_labels.front());
    }
    out->push_back(ddl(sql));
  }
  return true;
}

Statements alter_domain(const Node& from, const Node& to) {
  const json &f = from.spec, &t = to.spec;
  const std::string domain = "ALTER DOMAIN " + own_name(to);
  Statements out;
  if (f.value("default", json()) != t.value("default", json()))
    out.push_back(ddl(domain + (present(t, "default") ? " SET DEFAULT " + text(t, "default") : " DROP DEFAULT")));
  if (flag(f, "not_null") != flag(t, "not_null"))
    out.push_back(ddl(domain + (flag(t, "not_null") ? " SET NOT NULL" : " DROP NOT NULL")));
  const json old_constraints = f.value("constraints", json::array()),
             new_constraints = t.value("constraints", json::array());
  auto contains = [](const json& list, const json& c) {
    for (const json& x : list)
      if (x == c) return true;
    return false;
  };
  for (const json& c : old_constraints)
    if (!contains(new_constraints, c)) out.push_back(ddl(domain + " DROP CONSTRAINT " + quote_ident(text(c, "name"))));
  for (const json& c : new_constraints)
    if (!contains(old_constraints, c))
      out.push_back(ddl(domain + " ADD CONSTRAINT " + quote_ident(text(c, "name")) + " " + text(c, "definition")));
  return out;
}

Statements create_sequence(const Node& seq) {
  const json& s = seq.spec;
  const std::string type = s.value("data_type", std::string("bigint"));
  std::string sql = "CREATE SEQUENCE " + own_name(seq);
  if (type != "bigint") sql += " AS " + type;
  for (const std::string& option : sequence_options(s, type)) sql += " " + option;
  Statements out{ddl(sql)};
  append(out, comment_statements(seq));
  return out;
}

Statements alter_sequence(const Node& from, const Node& to) {
  const json &f = from.spec, &t = to.spec;
  std::vector<std::string> options;
  if (f.value("data_type", json()) != t.value("data_type", json())) {
    // Changing AS moves the bounds PostgreSQL chose; state them explicitly.
    options.push_back("AS " + text(t, "data_type"));
    json f_without_bounds = f;
    f_without_bounds.erase("min");
    f_without_bounds.erase("max");
    for (const std::string& o : changed_sequence_options(f_without_bounds, t)) options.push_back(o);
  } else {
    options = changed_sequence_options(f, t);
  }
  Statements out;
  if (!options.empty()) out.push_back(ddl("ALTER SEQUENCE " + own_name(to) + " " + join(options, " ")));
  return out;
}

std::string owner_target(const Node& owner) {
  const json& o = owner.spec;
  return qualify(text(o, "schema"), text(o, "table")) + "." + quote_ident(text(o, "column"));
}

Statements create_view(const Node& view) {
  const bool materialized = view.kind == Kind::MaterializedView;
  Statements out{ddl(std::string("CREATE ") + (materialized ? "MATERIALIZED VIEW " : "VIEW ") + own_name(view) +
                     with_options(view.spec) + " AS\n" + trimmed(text(view.spec, "definition")))};
  append(out, comment_statements(view));
  return out;
}

// CREATE POLICY as pg_dump writes it: the command, roles and expressions
// the catalog holds ("public" is the keyword PUBLIC).
Statements create_policy(const Node& policy) {
  std::string sql = "CREATE POLICY " + quote_ident(policy.name) + " ON " + relation_name(policy);
  if (policy.spec.contains("permissive") && !flag(policy.spec, "permissive")) sql += " AS RESTRICTIVE";
  const std::string command = text(policy.spec, "command");
  if (!command.empty() && command != "ALL") sql += " FOR " + command;
  std::vector<std::string> roles;
  for (const std::string& role : texts(policy.spec, "roles"))
    roles.push_back(role == "public" ? "PUBLIC" : quote_ident(role));
  if (!roles.empty() && roles != std::vector<std::string>{"PUBLIC"}) sql += " TO " + join(roles, ", ");
  if (present(policy.spec, "using")) sql += " USING (" + text(policy.spec, "using") + ")";
  if (present(policy.spec, "with_check")) sql += " WITH CHECK (" + text(policy.spec, "with_check") + ")";
  Statements out{ddl(sql)};
  append(out, comment_statements(policy));
  return out;
}

bool comment_differs(const Node& from, const Node& to) {
  return from.spec.value("comment", json()) != to.spec.value("comment", json());
}

}  // namespace

std::string object_reference(const Node& node) {
  switch (node.kind) {
    case Kind::Schema:
      return "SCHEMA " + quote_ident(node.name);
    case Kind::Extension:
      return "EXTENSION " + quote_ident(node.name);
    case Kind::Type:
      return type_keyword(node) + own_name(node);
    case Kind::Sequence:
    case Kind::SequenceOwner:
      return "SEQUENCE " + own_name(node);
    case Kind::Table:
      return "TABLE " + own_name(node);
    case Kind::Column:
    case Kind::Default:
      return "COLUMN " + relation_name(node) + "." + quote_ident(node.name);
    case Kind::Constraint:
      return "CONSTRAINT " + quote_ident(node.name) + " ON " + relation_name(node);
    case Kind::Index:
      return "INDEX " + own_name(node);
    case Kind::View:
      return "VIEW " + own_name(node);
    case Kind::MaterializedView:
      return "MATERIALIZED VIEW " + own_name(node);
    case Kind::Function:
      return (text(node.spec, "kind") == "procedure" ? "PROCEDURE " : "FUNCTION ") + function_signature(node);
    case Kind::Trigger:
      return "TRIGGER " + quote_ident(node.name) + " ON " + relation_name(node);
    case Kind::Policy:
      return "POLICY " + quote_ident(node.name) + " ON " + relation_name(node);
  }
  return "";
}

Statements comment_statements(const Node& node) {
  if (!present(node.spec, "comment")) return {};
  return {ddl("COMMENT ON " + object_reference(node) + " IS " + quote_literal(text(node.spec, "comment")))};
}

Statements comment_change(const Node& to) {
  if (present(to.spec, "comment")) return comment_statements(to);
  return {ddl("COMMENT ON " + object_reference(to) + " IS NULL")};
}

Statements create_statements(const Node& node) {
  Statements out;
  switch (node.kind) {
    case Kind::Schema:
      out.push_back(ddl("CREATE SCHEMA " + quote_ident(node.name)));
      append(out, comment_statements(node));
      return out;
    case Kind::Extension:
      return {ddl("CREATE EXTENSION IF NOT EXISTS " + quote_ident(node.name) + " WITH SCHEMA " +
                  quote_ident(text(node.spec, "schema")))};
    case Kind::Type:
      return create_type(node);
    case Kind::Sequence:
      return create_sequence(node);
    case Kind::SequenceOwner:
      return {ddl("ALTER SEQUENCE " + own_name(node) + " OWNED BY " + owner_target(node))};
    case Kind::Table:
      return create_table(node, {});
    case Kind::Column:
      return add_column(node, nullptr);
    case Kind::Default:
      return {ddl("ALTER TABLE " + relation_name(node) + " ALTER COLUMN " + quote_ident(node.name) + " SET DEFAULT " +
                  default_expression(node))};
    case Kind::Constraint:
      out.push_back(ddl("ALTER TABLE " + relation_name(node) + " ADD " + constraint_clause(node) +
                        (flag(node.spec, "validated") ? "" : " NOT VALID")));
      append(out, comment_statements(node));
      return out;
    case Kind::Index:
      out = create_index(node);
      append(out, comment_statements(node));
      return out;
    case Kind::View:
    case Kind::MaterializedView:
      return create_view(node);
    case Kind::Function:
    case Kind::Trigger:
      out.push_back(ddl(trimmed(text(node.spec, "definition"))));
      append(out, comment_statements(node));
      return out;
    case Kind::Policy:
      return create_policy(node);
  }
  return out;
}

Statements drop_statements(const Node& node, const Catalog& catalog) {
  const bool loses = drop_loses_data(node);
  switch (node.kind) {
    case Kind::Schema:
      return {ddl("DROP SCHEMA " + quote_ident(node.name))};
    case Kind::Extension:
      // Only an extension living in a compared schema is the model's to
      // drop; one elsewhere may serve other schemas.
      if (!catalog.schemas().count(text(node.spec, "schema"))) return {};
      return {ddl("DROP EXTENSION IF EXISTS " + quote_ident(node.name))};
    case Kind::Type:
      return {ddl("DROP " + type_keyword(node) + own_name(node))};
    case Kind::Sequence:
      return {ddl("DROP SEQUENCE " + own_name(node), loses)};
    case Kind::SequenceOwner:
      return {ddl("ALTER SEQUENCE " + own_name(node) + " OWNED BY NONE")};
    case Kind::Table:
      return {ddl("DROP TABLE " + own_name(node), loses)};
    case Kind::Column:
      return {ddl("ALTER TABLE " + relation_name(node) + " DROP COLUMN " + quote_ident(node.name), loses)};
    case Kind::Default:
      return {ddl("ALTER TABLE " + relation_name(node) + " ALTER COLUMN " + quote_ident(node.name) + " DROP DEFAULT")};
    case Kind::Constraint:
      return {ddl("ALTER TABLE " + relation_name(node) + " DROP CONSTRAINT " + quote_ident(node.name))};
    case Kind::Index:
      return {ddl("DROP INDEX " + own_name(node))};
    case Kind::View:
      return {ddl("DROP VIEW " + own_name(node))};
    case Kind::MaterializedView:
      return {ddl("DROP MATERIALIZED VIEW " + own_name(node))};
    case Kind::Function:
      return {ddl("DROP " + object_reference(node))};
    case Kind::Trigger:
    case Kind::Policy:
      return {ddl("DROP " + object_reference(node))};
  }
  return {};
}

Statements alter_statements(const Node& from, const Node& to, const TypeFacts& facts, bool retype) {
  Statements out;
  switch (to.kind) {
    case Kind::Column:
      return alter_column(from, to, facts, retype);
    case Kind::Table:
      return alter_table(from, to);
    case Kind::Constraint:
      out = alter_constraint(from, to);
      append(out, partition_renames(from, to));
      return out;
    case Kind::Index:
      out = partition_renames(from, to);
      break;
    case Kind::Default:
      return create_statements(to);
    case Kind::SequenceOwner:
      return create_statements(to);
    case Kind::Sequence:
      out = alter_sequence(from, to);
      break;
    case Kind::Extension:
      if (text(from.spec, "schema") != text(to.spec, "schema"))
        out.push_back(
            ddl("ALTER EXTENSION " + quote_ident(to.name) + " SET SCHEMA " + quote_ident(text(to.spec, "schema"))));
      return out;
    case Kind::Type:
      if (text(to.spec, "kind") == "enum") enum_additions(from, to, &out);
      if (text(to.spec, "kind") == "domain") out = alter_domain(from, to);
      break;
    case Kind::Function: {
      json f = from.spec, t = to.spec;
      f.erase("comment");
      t.erase("comment");
      if (f != t) out.push_back(ddl(trimmed(text(to.spec, "definition"))));  // CREATE OR REPLACE
      break;
    }
    default:
      break;
  }
  if (comment_differs(from, to)) append(out, comment_change(to));
  return out;
}

Statements rename_statements(const Node& from, const Node& to) {
  Statements out;
  out.push_back(to.kind == Kind::Index ? rename_index(from.schema, from.name, to.name)
                                       : rename_constraint(to.schema, to.relation, from.name, to.name));
  append(out, partition_renames(from, to));
  if (comment_differs(from, to)) append(out, comment_change(to));
  return out;
}

std::string replaced_type_name(const Node& type) {
  // PostgreSQL truncates names to 63 bytes; keep the suffix visible.
  const std::string suffix = "__metamigrate_old";
  return type.name.substr(0, 63 - suffix.size()) + suffix;
}

Statements rename_type_out_of_the_way(const Node& type) {
  return {ddl("ALTER " + type_keyword(type) + own_name(type) + " RENAME TO " + quote_ident(replaced_type_name(type)))};
}

Statements drop_replaced_type(const Node& type) {
  return {ddl("DROP " + type_keyword(type) + qualify(type.schema, replaced_type_name(type)))};
}

bool needs_recreate(const Node& from, const Node& to) {
  auto without_comment = [](json spec) {
    spec.erase("comment");
    return spec;
  };
  switch (to.kind) {
    case Kind::Table:
      return table_needs_recreate(from, to);
    case Kind::Column:
      return column_needs_recreate(from, to);
    case Kind::Constraint:
      return constraint_needs_recreate(from, to);
    case Kind::Index:
      return without_comment(without_partition_names(from.spec)) != without_comment(without_partition_names(to.spec));
    case Kind::View:
    case Kind::MaterializedView:
    case Kind::Trigger:
    case Kind::Policy:  // drop and create, also where ALTER POLICY could: one rule, in one transaction
      return without_comment(from.spec) != without_comment(to.spec);
    case Kind::Function:
      // CREATE OR REPLACE cannot change the result type, argument names or
      // defaults, or turn a function into a procedure.
      return text(from.spec, "kind") != text(to.spec, "kind") ||
             text(from.spec, "arguments") != text(to.spec, "arguments") ||
             text(from.spec, "returns") != text(to.spec, "returns");
    default:
      return false;
  }
}

bool needs_replace(const Node& from, const Node& to) {
  if (to.kind != Kind::Type) return false;
  const json &f = from.spec, &t = to.spec;
  if (text(f, "kind") != text(t, "kind")) return true;
  const std::string kind = text(t, "kind");
  if (kind == "enum") return !enum_additions(from, to, nullptr);
  if (kind == "domain")
    return text(f, "base_type") != text(t, "base_type") || f.value("collation", json()) != t.value("collation", json());
  return f.value("attributes", json()) != t.value("attributes", json());
}

bool changes_column_type(const Node& from, const Node& to) {
  return from.kind == Kind::Column && (text(from.spec, "type") != text(to.spec, "type") ||
                                       from.spec.value("collation", json()) != to.spec.value("collation", json()));
}

bool drop_loses_data(const Node& node) {
  switch (node.kind) {
    case Kind::Table:
    case Kind::Sequence:
      return true;
    case Kind::Column:
      return !present(node.spec, "generated");
    default:
      return false;
  }
}

}  // namespace mm::schema
