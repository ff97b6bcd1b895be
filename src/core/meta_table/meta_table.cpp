#include "core/meta_table/meta_table.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace mm {

namespace {

using nlohmann::json;

json parse_object(const std::string& text, const char* what) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(sqlstate::kInvalidParameter, std::string(what) + " is not valid JSON: " + e.what());
  }
  if (!doc.is_object()) throw Error(sqlstate::kInvalidParameter, std::string(what) + " must be a JSON object");
  return doc;
}

std::string optional_string(const json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key) || obj[key].is_null()) return {};
  if (!obj[key].is_string()) throw Error(sqlstate::kInvalidParameter, where + ": \"" + key + "\" must be a string");
  return obj[key].get<std::string>();
}

std::string required_string(const json& obj, const char* key, const std::string& where) {
  std::string value = optional_string(obj, key, where);
  if (value.empty()) throw Error(sqlstate::kInvalidParameter, where + ": \"" + key + "\" is required");
  return value;
}

ProviderFields parse_provider(const json& doc, const char* what) {
  ProviderFields p;
  p.package = optional_string(doc, "migration_package", what);
  p.namespace_ = optional_string(doc, "migration_namespace", what);
  p.provider_key = optional_string(doc, "migration_provider_key", what);
  p.version_meta_table_uid = optional_string(doc, "alembic_version_meta_table_uid", what);
  const std::string derived = p.package.empty() || p.namespace_.empty() ? "" : p.package + ":" + p.namespace_;
  if (p.provider_key.empty()) p.provider_key = derived;
  if (p.provider_key.empty())
    throw Error(sqlstate::kInvalidParameter,
                std::string(what) + ": give migration_provider_key or migration_package and migration_namespace");
  if (!derived.empty() && derived != p.provider_key)
    throw Error(sqlstate::kInvalidParameter, std::string(what) + ": migration_provider_key \"" + p.provider_key +
                                                 "\" does not match package and namespace (\"" + derived + "\")");
  return p;
}

bool valid_kind(const std::string& kind) {
  for (const char* k : kMetaTableKinds)
    if (kind == k) return true;
  return false;
}

}  // namespace

ReserveRequest parse_reserve_request(const std::string& json_text) {
  json doc = parse_object(json_text, "reserve request");
  ReserveRequest req;
  req.provider = parse_provider(doc, "reserve request");
  if (!doc.contains("tables") || !doc["tables"].is_array())
    throw Error(sqlstate::kInvalidParameter, "reserve request: \"tables\" must be an array");
  for (std::size_t i = 0; i < doc["tables"].size(); ++i) {
    const json& t = doc["tables"][i];
    const std::string where = "tables[" + std::to_string(i) + "]";
    if (!t.is_object()) throw Error(sqlstate::kInvalidParameter, where + " must be an object");
    TableReservation r;
    r.identifier = required_string(t, "identifier", where);
    r.namespace_ = optional_string(t, "namespace", where);  // empty: the provider's package
    r.data_source_uid = optional_string(t, "data_source_uid", where);
    std::string kind = optional_string(t, "kind", where);
    if (!kind.empty()) r.kind = kind;
    if (!valid_kind(r.kind) || r.kind == "alembic_version")
      throw Error(sqlstate::kInvalidParameter,
                  where + ": kind must be \"meta_table\" or \"time_index_meta_table\", not \"" + r.kind + "\"");
    if (!t.contains("table_contract") || !t["table_contract"].is_object())
      throw Error(sqlstate::kInvalidParameter, where + " (" + r.identifier + "): \"table_contract\" must be an object");
    const json& contract = t["table_contract"];
    if (!contract.contains("physical") || !contract["physical"].is_object())
      throw Error(sqlstate::kInvalidParameter,
                  where + " (" + r.identifier + "): table_contract.physical.table_name is required");
    r.table_name = required_string(contract["physical"], "table_name", where + ".table_contract.physical");
    std::string schema = optional_string(contract["physical"], "schema", where + ".table_contract.physical");
    if (!schema.empty()) r.schema_name = schema;
    if (r.table_name.size() > 63 || r.schema_name.size() > 63)
      throw Error(sqlstate::kInvalidParameter, where + ": physical names are limited to 63 bytes");
    r.contract_json = contract.dump();
    for (const auto& seen : req.tables)
      if (seen.schema_name == r.schema_name && seen.table_name == r.table_name)
        throw Error(sqlstate::kInvalidParameter, where + ": table " + r.table_name + " is listed twice");
    req.tables.push_back(std::move(r));
  }
  return req;
}

FinalizeRequest parse_finalize_request(const std::string& json_text) {
  json doc = parse_object(json_text, "finalize request");
  FinalizeRequest req;
  req.provider = parse_provider(doc, "finalize request");
  if (!doc.contains("meta_table_uids") || !doc["meta_table_uids"].is_array())
    throw Error(sqlstate::kInvalidParameter, "finalize request: \"meta_table_uids\" must be an array of uuids");
  for (const auto& uid : doc["meta_table_uids"]) {
    if (!uid.is_string()) throw Error(sqlstate::kInvalidParameter, "finalize request: meta_table_uids must be strings");
    req.meta_table_uids.push_back(uid.get<std::string>());
  }
  req.alembic_revision = optional_string(doc, "alembic_revision", "finalize request");
  std::string op = optional_string(doc, "operation", "finalize request");
  if (!op.empty()) req.operation = op;
  if (req.operation != "upgrade" && req.operation != "downgrade" && req.operation != "stamp")
    throw Error(sqlstate::kInvalidParameter,
                "finalize request: operation must be upgrade, downgrade or stamp, not \"" + req.operation + "\"");
  return req;
}

ReserveMatch match_reservation(const TableReservation& request, const std::string& provider_key,
                               const std::vector<CatalogRow>& candidates) {
  const CatalogRow* retired_match = nullptr;
  for (const auto& row : candidates) {
    const bool same_name = row.schema_name == request.schema_name && row.table_name == request.table_name;
    if (row.status == "retired") {
      if (same_name && row.provider_key == provider_key && row.identifier == request.identifier) retired_match = &row;
      continue;
    }
    if (same_name) {
      if (row.provider_key != provider_key)
        throw Error(sqlstate::kDuplicateObject,
                    "table " + request.schema_name + "." + request.table_name + " is managed by provider \"" +
                        row.provider_key + "\" as " + row.identifier,
                    {}, "Choose another physical table name for " + request.identifier + ".");
      if (row.identifier != request.identifier)
        throw Error(sqlstate::kDuplicateObject,
                    "table " + request.schema_name + "." + request.table_name + " is reserved for identifier \"" +
                        row.identifier + "\", not \"" + request.identifier + "\"",
                    "Provider \"" + provider_key + "\" owns it.", "Keep each identifier on its own physical table.");
      if (row.kind != request.kind)
        throw Error(sqlstate::kDuplicateObject,
                    "table " + request.table_name + " is registered as kind " + row.kind + ", not " + request.kind);
      return {ReserveOutcome::Reuse, row.uid, "physical_table_name"};
    }
    if (row.identifier == request.identifier && row.provider_key == provider_key)
      throw Error(sqlstate::kDuplicateObject,
                  "identifier \"" + request.identifier + "\" is already bound to table " + row.schema_name + "." +
                      row.table_name + ", not " + request.schema_name + "." + request.table_name,
                  {}, "Physical table names are the migration identity; rename the table in a revision instead.");
  }
  if (retired_match) return {ReserveOutcome::Revive, retired_match->uid, "retired_row"};
  return {ReserveOutcome::Create, {}, {}};
}

std::string physical_state_message(const std::vector<CatalogRow>& missing) {
  std::string out;
  for (std::size_t i = 0; i < missing.size(); ++i) {
    if (i) out += ", ";
    out += missing[i].identifier + "(" + missing[i].table_name + "):status=" + missing[i].status +
           ":physical_table_exists=false";
  }
  return out;
}

}  // namespace mm
