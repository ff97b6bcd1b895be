// DDL of tables and what lives in them: columns, defaults, constraints,
// indexes (triggers are rendered from their definition in schema_render.cpp).
#include "core/schema/render_util.hpp"
#include "core/schema/sql.hpp"

namespace mm::schema {

using namespace render;

namespace render {

namespace {

std::string identity_clause(const json& identity, const std::string& type) {
  std::string out = std::string(" GENERATED ") + (text(identity, "generation") == "always" ? "ALWAYS" : "BY DEFAULT") +
                    " AS IDENTITY";
  std::vector<std::string> options = sequence_options(identity, type);
  if (!options.empty()) out += " (" + join(options, " ") + ")";
  return out;
}

std::string alter_column_prefix(const Node& column) {
  return "ALTER TABLE " + relation_name(column) + " ALTER COLUMN " + quote_ident(column.name);
}

}  // namespace

void append_column_definition(std::string& out, const Node& column, const Node* default_node) {
  const json& c = column.spec;
  const std::string& type = text(c, "type");
  out.append(quote_ident(column.name)).append(1, ' ').append(type);
  if (present(c, "collation")) out.append(" COLLATE ").append(text(c, "collation"));
  if (present(c, "generated")) out.append(" GENERATED ALWAYS AS (").append(text(c, "generated")).append(") STORED");
  if (present(c, "identity")) out.append(identity_clause(c.at("identity"), type));
  if (default_node) out.append(" DEFAULT ").append(default_expression(*default_node));
  if (flag(c, "not_null")) out.append(" NOT NULL");
}

std::string column_definition(const Node& column, const Node* default_node) {
  std::string out;
  append_column_definition(out, column, default_node);
  return out;
}

void append_constraint_clause(std::string& out, const Node& constraint) {
  const json& c = constraint.spec;
  out.append("CONSTRAINT ").append(quote_ident(constraint.name)).append(1, ' ').append(text(c, "definition"));
  if (flag(c, "deferrable")) out.append(" DEFERRABLE");
  if (flag(c, "deferred")) out.append(" INITIALLY DEFERRED");
}

std::string constraint_clause(const Node& constraint) {
  std::string out;
  append_constraint_clause(out, constraint);
  return out;
}

Statements create_index(const Node& index) {
  const json& i = index.spec;
  std::string sql = std::string("CREATE ") + (flag(i, "unique") ? "UNIQUE " : "") + "INDEX " + quote_ident(index.name) +
                    " ON " + relation_name(index) + " USING " + text(i, "method") + " (" +
                    join(texts(i, "columns"), ", ") + ")";
  std::vector<std::string> include = texts(i, "include");
  if (!include.empty()) sql += " INCLUDE (" + join(include, ", ") + ")";
  if (flag(i, "nulls_not_distinct")) sql += " NULLS NOT DISTINCT";
  sql += with_options(i);
  if (present(i, "predicate")) sql += " WHERE " + text(i, "predicate");
  return {ddl(sql)};
}

Statements alter_column(const Node& from, const Node& to, const TypeFacts& facts, bool retype) {
  const json &f = from.spec, &t = to.spec;
  const std::string prefix = alter_column_prefix(to);
  Statements out;
  if (present(f, "identity") && !present(t, "identity")) out.push_back(ddl(prefix + " DROP IDENTITY"));
  if (present(f, "generated") && !present(t, "generated")) out.push_back(ddl(prefix + " DROP EXPRESSION"));
  const std::string from_type = text(f, "type"), to_type = text(t, "type");
  if (retype) {
    // The type keeps its name but is a new type: convert through text.
    out.push_back(ddl(prefix + " TYPE " + to_type + " USING " + quote_ident(to.name) + "::text::" + to_type, true));
  } else if (from_type != to_type || f.value("collation", json()) != t.value("collation", json())) {
    std::string sql = prefix + " TYPE " + to_type;
    if (present(t, "collation")) sql += " COLLATE " + text(t, "collation");
    sql += using_clause(to.name, from_type, to_type, facts);
    out.push_back(ddl(sql, !is_lossless_widening(from_type, to_type)));
  }
  if (flag(f, "not_null") && !flag(t, "not_null")) out.push_back(ddl(prefix + " DROP NOT NULL"));
  if (!flag(f, "not_null") && flag(t, "not_null")) out.push_back(ddl(prefix + " SET NOT NULL"));
  if (!present(f, "identity") && present(t, "identity")) {
    out.push_back(ddl(prefix + " ADD" + identity_clause(t.at("identity"), to_type)));
  } else if (present(f, "identity") && present(t, "identity")) {
    const json &fi = f.at("identity"), &ti = t.at("identity");
    if (text(fi, "generation") != text(ti, "generation"))
      out.push_back(ddl(prefix + " SET GENERATED " + (text(ti, "generation") == "always" ? "ALWAYS" : "BY DEFAULT")));
    std::vector<std::string> options = changed_sequence_options(fi, ti);
    if (!options.empty()) out.push_back(ddl(prefix + " SET " + join(options, " SET ")));
  }
  if (f.value("comment", json()) != t.value("comment", json())) append(out, comment_change(to));
  return out;
}

bool column_needs_recreate(const Node& from, const Node& to) {
  // A generation expression cannot be changed in place (PostgreSQL 15),
  // nor can an ordinary column become generated.
  const json &f = from.spec, &t = to.spec;
  return present(t, "generated") && f.value("generated", json()) != t.at("generated");
}

// ENABLE / FORCE ROW LEVEL SECURITY and back, from `f` to `t` (specs; an
// absent flag is off).
Statements row_security_change(const json& f, const json& t, const std::string& table) {
  Statements out;
  if (flag(f, "row_security") != flag(t, "row_security"))
    out.push_back(
        ddl("ALTER TABLE " + table + (flag(t, "row_security") ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY"));
  if (flag(f, "force_row_security") != flag(t, "force_row_security"))
    out.push_back(
        ddl("ALTER TABLE " + table + (flag(t, "force_row_security") ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY"));
  return out;
}

bool table_needs_recreate(const Node& from, const Node& to) {
  const json &f = from.spec, &t = to.spec;
  auto differs = [&](const char* field) { return f.value(field, json()) != t.value(field, json()); };
  if (differs("kind") || differs("partition_by") || differs("inherits")) return true;
  // Becoming or ceasing to be a partition changes who owns the columns.
  return present(f, "partition_of") != present(t, "partition_of");
}

Statements alter_table(const Node& from, const Node& to) {
  const json &f = from.spec, &t = to.spec;
  const std::string table = own_name(to);
  Statements out;
  if (flag(f, "unlogged") != flag(t, "unlogged"))
    out.push_back(ddl("ALTER TABLE " + table + (flag(t, "unlogged") ? " SET UNLOGGED" : " SET LOGGED")));
  if (f.value("partition_of", json()) != t.value("partition_of", json()) ||
      f.value("partition_bound", json()) != t.value("partition_bound", json())) {
    const json &fp = f.at("partition_of"), &tp = t.at("partition_of");
    out.push_back(ddl("ALTER TABLE " + qualify(text(fp, "schema"), text(fp, "name")) + " DETACH PARTITION " + table));
    out.push_back(ddl("ALTER TABLE " + qualify(text(tp, "schema"), text(tp, "name")) + " ATTACH PARTITION " + table +
                      " " + text(t, "partition_bound")));
  }
  std::vector<std::string> from_options = texts(f, "options"), to_options = texts(t, "options");
  if (from_options != to_options) {
    std::vector<std::string> reset;
    for (const std::string& option : from_options) {
      const std::string name = option.substr(0, option.find('='));
      bool kept = false;
      for (const std::string& o : to_options) kept |= o.substr(0, o.find('=')) == name;
      if (!kept) reset.push_back(name);
    }
    if (!reset.empty()) out.push_back(ddl("ALTER TABLE " + table + " RESET (" + join(reset, ", ") + ")"));
    if (!to_options.empty()) out.push_back(ddl("ALTER TABLE " + table + " SET (" + join(to_options, ", ") + ")"));
  }
  append(out, row_security_change(f, t, table));
  if (f.value("comment", json()) != t.value("comment", json())) append(out, comment_change(to));
  return out;
}

bool constraint_needs_recreate(const Node& from, const Node& to) {
  json f = from.spec, t = to.spec;
  for (const char* mutable_field : {"comment", "validated", "deferrable", "deferred", "partitions"}) {
    f.erase(mutable_field);
    t.erase(mutable_field);
  }
  if (f != t) return true;
  // VALIDATE CONSTRAINT goes one way only; ALTER CONSTRAINT only changes
  // the deferrability of foreign keys.
  if (flag(from.spec, "validated") && !flag(to.spec, "validated")) return true;
  const bool deferrability_changed = flag(from.spec, "deferrable") != flag(to.spec, "deferrable") ||
                                     flag(from.spec, "deferred") != flag(to.spec, "deferred");
  return deferrability_changed && text(to.spec, "type") != "foreign key";
}

Statements alter_constraint(const Node& from, const Node& to) {
  const std::string table = relation_name(to);
  Statements out;
  if (flag(from.spec, "deferrable") != flag(to.spec, "deferrable") ||
      flag(from.spec, "deferred") != flag(to.spec, "deferred")) {
    out.push_back(ddl("ALTER TABLE " + table + " ALTER CONSTRAINT " + quote_ident(to.name) +
                      (flag(to.spec, "deferrable") ? " DEFERRABLE" : " NOT DEFERRABLE") +
                      (flag(to.spec, "deferred") ? " INITIALLY DEFERRED" : " INITIALLY IMMEDIATE")));
  }
  if (!flag(from.spec, "validated") && flag(to.spec, "validated"))
    out.push_back(ddl("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote_ident(to.name)));
  if (from.spec.value("comment", json()) != to.spec.value("comment", json())) append(out, comment_change(to));
  return out;
}

}  // namespace render

Statements create_table(const Node& table, const TableParts& parts) {
  const json& t = table.spec;
  std::string sql = std::string("CREATE ") + (flag(t, "unlogged") ? "UNLOGGED " : "") + "TABLE " + own_name(table);
  if (present(t, "partition_of")) {
    const json& parent = t.at("partition_of");
    sql += " PARTITION OF " + qualify(text(parent, "schema"), text(parent, "name")) + " " + text(t, "partition_bound");
  } else {
    // Each column and constraint on a line of its own, appended in place.
    const char* separator = " (\n    ";
    for (const Node* column : parts.columns) {
      sql += separator;
      separator = ",\n    ";
      auto d = parts.defaults.find(column->name);
      append_column_definition(sql, *column, d == parts.defaults.end() ? nullptr : d->second);
    }
    for (const Node* constraint : parts.constraints) {
      sql += separator;
      separator = ",\n    ";
      append_constraint_clause(sql, *constraint);
    }
    sql += parts.columns.empty() && parts.constraints.empty() ? " ()" : "\n)";
    if (auto inherits = t.find("inherits"); inherits != t.end() && inherits->is_array() && !inherits->empty()) {
      std::vector<std::string> parents;
      for (const json& parent : *inherits) parents.push_back(qualify(text(parent, "schema"), text(parent, "name")));
      sql += " INHERITS (" + join(parents, ", ") + ")";
    }
  }
  if (present(t, "partition_by")) sql += " PARTITION BY " + text(t, "partition_by");
  sql += with_options(t);
  Statements out{ddl(std::move(sql))};
  if (flag(t, "row_security") || flag(t, "force_row_security"))
    append(out, row_security_change(json::object(), t, own_name(table)));
  append(out, comment_statements(table));
  for (const Node* column : parts.columns) append(out, comment_statements(*column));
  for (const Node* constraint : parts.constraints) append(out, comment_statements(*constraint));
  return out;
}

Statements add_column(const Node& column, const Node* default_node) {
  Statements out{
      ddl("ALTER TABLE " + relation_name(column) + " ADD COLUMN " + column_definition(column, default_node))};
  append(out, comment_statements(column));
  return out;
}

}  // namespace mm::schema
