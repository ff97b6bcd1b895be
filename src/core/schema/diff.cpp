#include "core/schema/diff.hpp"

#include "core/error.hpp"
#include "core/schema/compare.hpp"
#include "core/schema/json_reader.hpp"
#include "core/schema/json_text.hpp"
#include "core/schema/model.hpp"
#include "core/schema/plan.hpp"
#include "core/schema/relevant_subset.hpp"

namespace mm::schema {

namespace {

void add_direction(json& out, const char* name, const char* loss_name, Statements&& statements) {
  json sql = json::array(), loss = json::array();
  for (std::size_t i = 0; i < statements.size(); ++i) {
    sql.push_back(std::move(statements[i].sql));
    if (statements[i].data_loss) loss.push_back(i);
  }
  out[name] = sql;
  out[loss_name] = loss;
}

json notes_json(const std::vector<ColumnOrderNote>& notes) {
  json out = json::array();
  for (const ColumnOrderNote& n : notes)
    out.push_back({{"schema", n.schema}, {"table", n.table}, {"declared", n.declared}, {"result", n.result}});
  return out;
}

json parse(std::string_view text, const char* which) {
  try {
    return parse_json_text(text);
  } catch (const json::exception& e) {
    throw Error(sqlstate::kInvalidParameter, std::string("malformed schema model (") + which + "): " + e.what());
  }
}

json diff_catalogs(const Catalog& old_catalog, const Catalog& new_catalog) {
  json out = json::object();
  std::vector<ColumnOrderNote> upgrade_order, downgrade_order;
  add_direction(out, "upgrade", "data_loss", plan_migration(old_catalog, new_catalog, &upgrade_order));
  add_direction(out, "downgrade", "downgrade_data_loss", plan_migration(new_catalog, old_catalog, &downgrade_order));
  out["column_order"] = notes_json(upgrade_order);
  out["downgrade_column_order"] = notes_json(downgrade_order);
  return out;
}

// diff_catalogs(...).dump(), printed straight from the statements: the
// JSON tree of a diff that creates thousands of tables cost more to build,
// print and free than planning them.
void print_statements(std::string& out, const Statements& statements) {
  out += '[';
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, statements[i].sql);
  }
  out += ']';
}

void print_data_loss(std::string& out, const Statements& statements) {
  out += '[';
  bool first = true;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (!statements[i].data_loss) continue;
    if (!first) out += ',';
    first = false;
    out += std::to_string(i);
  }
  out += ']';
}

void print_diff(std::string& out, const Catalog& old_catalog, const Catalog& new_catalog) {
  std::vector<ColumnOrderNote> upgrade_order, downgrade_order;
  const Statements upgrade = plan_migration(old_catalog, new_catalog, &upgrade_order);
  const Statements downgrade = plan_migration(new_catalog, old_catalog, &downgrade_order);
  std::size_t size = 256;
  for (const Statements* statements : {&upgrade, &downgrade})
    for (const Statement& s : *statements) size += s.sql.size() + 8;
  out.reserve(out.size() + size);
  JsonObjectWriter diff(out);
  diff.member("column_order") += notes_json(upgrade_order).dump();
  print_data_loss(diff.member("data_loss"), upgrade);
  print_statements(diff.member("downgrade"), downgrade);
  diff.member("downgrade_column_order") += notes_json(downgrade_order).dump();
  print_data_loss(diff.member("downgrade_data_loss"), downgrade);
  print_statements(diff.member("upgrade"), upgrade);
  diff.finish();
}

}  // namespace

json diff_models(const json& from, const json& to) { return diff_catalogs(build_catalog(from), build_catalog(to)); }

json diff_models(json&& from, json&& to) {
  return diff_catalogs(build_catalog(std::move(from)), build_catalog(std::move(to)));
}

namespace {

// Both models flattened: only their relevant objects, or whole. The
// models themselves are compared (model_differences) first and then consumed by
// the catalogs (copying them cost about a tenth of a diff that creates
// every table).
struct ParsedCatalogs {
  Catalog from, to;
};

// With `differences`, also fills in model_differences of the two models.
ParsedCatalogs parse_models(std::string_view from_json, std::string_view to_json, ModelScope scope,
                            std::vector<std::string>* differences) {
  if (scope == ModelScope::Relevant) {
    const SubsetModelReader read_models = [&](const json& from, const json& to, const EdgeTexts& from_edges,
                                              const EdgeTexts& to_edges) {
      if (differences) *differences = model_differences(from, to, from_edges, to_edges);
    };
    if (std::optional<ModelSubset> subset = relevant_subset(from_json, to_json, read_models))
      return {std::move(subset->from_catalog), std::move(subset->to_catalog)};
  }
  json from = parse(from_json, "from"), to = parse(to_json, "to");
  if (differences) *differences = model_differences(from, to);
  return {build_catalog(std::move(from)), build_catalog(std::move(to))};
}

}  // namespace

std::string compare_models_text(std::string_view from_json, std::string_view to_json, ModelScope scope) {
  std::vector<std::string> differences;
  const ParsedCatalogs catalogs = parse_models(from_json, to_json, scope, &differences);
  std::string out;
  JsonObjectWriter comparison(out);
  print_diff(comparison.member("diff"), catalogs.from, catalogs.to);
  append_json_strings(comparison.member("differences"), differences);
  comparison.finish();
  return out;
}

std::string diff_models_text(std::string_view from_json, std::string_view to_json, ModelScope scope) {
  const ParsedCatalogs catalogs = parse_models(from_json, to_json, scope, nullptr);
  std::string out;
  print_diff(out, catalogs.from, catalogs.to);
  return out;
}

}  // namespace mm::schema
