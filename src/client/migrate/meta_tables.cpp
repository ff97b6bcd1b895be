#include "client/migrate/meta_tables.hpp"

#include <map>

#include "client/server/server_api.hpp"

namespace mmc {

MetaTableLifecycle::MetaTableLifecycle(const Manifest& manifest) : manifest_(manifest) {
  if (manifest.after_register.is_string()) hook_ = manifest.after_register.get<std::string>();
}

nlohmann::json MetaTableLifecycle::provider_fields() const {
  nlohmann::json fields = {{"migration_package", manifest_.package},
                           {"migration_namespace", manifest_.namespace_},
                           {"migration_provider_key", manifest_.key()}};
  if (!version_uid_.empty()) fields["alembic_version_meta_table_uid"] = version_uid_;
  return fields;
}

Query MetaTableLifecycle::reserve() const {
  nlohmann::json request = provider_fields();
  nlohmann::json tables = nlohmann::json::array();
  for (const MetaTableEntry& t : manifest_.metatables) {
    // The contract declares the physical name; finalize introspects the
    // columns from the table the revisions created.
    nlohmann::json table = {{"identifier", t.identifier},
                            {"kind", t.kind},
                            {"table_contract",
                             {{"version", "relational-table.v1"},
                              {"physical", {{"table_name", t.table}, {"schema", t.schema}}},
                              {"columns", nlohmann::json::array()}}}};
    if (!t.namespace_.empty()) table["namespace"] = t.namespace_;
    tables.push_back(std::move(table));
  }
  request["tables"] = std::move(tables);
  return sql::reserve(request);
}

void MetaTableLifecycle::reserved(const nlohmann::json& result) {
  uids_.clear();
  for (const auto& table : result.value("tables", nlohmann::json::array())) uids_.push_back(table.value("uid", ""));
  version_uid_ = result.value("alembic_version_meta_table_uid", "");
}

Query MetaTableLifecycle::finalize(const std::string& operation) const {
  nlohmann::json request = provider_fields();
  request["meta_table_uids"] = uids_;
  request["operation"] = operation;
  return sql::finalize(manifest_.key(), request, hook_);
}

std::string describe_catalog(const nlohmann::json& finalized) {
  std::map<std::string, std::vector<std::string>> by_status;
  for (const auto& table : finalized.value("tables", nlohmann::json::array()))
    by_status[table.value("status", "?")].push_back(table.value("table_name", "?"));
  std::string out;
  for (const char* status : {"active", "reserved", "retired"}) {
    auto it = by_status.find(status);
    if (it == by_status.end()) continue;
    out += (out.empty() ? "" : "; ") + std::to_string(it->second.size()) + " " + status + " (";
    for (std::size_t i = 0; i < it->second.size(); ++i) out += (i ? ", " : "") + it->second[i];
    out += ")";
  }
  // Rows no longer declared whose table a revision dropped are retired too.
  const int retired = finalized.value("counts", nlohmann::json::object()).value("retired", 0);
  const int listed = by_status.count("retired") ? static_cast<int>(by_status["retired"].size()) : 0;
  if (retired > listed)
    out += (out.empty() ? "" : "; ") + std::to_string(retired - listed) + " retired (no longer declared, table gone)";
  return out.empty() ? "no managed tables" : out;
}

}  // namespace mmc
