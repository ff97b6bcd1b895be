#include "client/fleet/tenant.hpp"

#include "client/server/connection.hpp"
#include "client/output/errors.hpp"

namespace mmc {

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

void validate_tenant_name(const std::string& tenant) {
  if (tenant.empty()) throw UsageError("a tenant schema name must not be empty");
  if (tenant.size() > 63) throw UsageError("tenant schema \"" + tenant + "\" is longer than 63 bytes");
  for (char c : tenant) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok)
      throw UsageError("tenant schema \"" + tenant +
                       "\" cannot be part of a provider namespace: use letters, digits, '_', '-' and '.' only");
  }
  if (tenant.rfind("pg_", 0) == 0 || tenant == "information_schema" || tenant == "metamigrate")
    throw UsageError("\"" + tenant + "\" is a system schema, not a tenant schema");
}

ProviderDir tenant_provider(const ProviderDir& base, const std::string& tenant) {
  const Manifest& m = base.manifest();
  if (!m.tenant_schemas.enabled())
    throw UsageError("--tenant needs a manifest with \"tenant_schemas\" (" + m.display + " has none)");
  validate_tenant_name(tenant);
  const std::string& placeholder = m.tenant_schemas.placeholder;
  Manifest t = m;
  t.namespace_ = m.namespace_ + "." + tenant;
  t.version_table.schema = tenant;
  for (std::string& schema : t.schemas) schema = replace_all(schema, placeholder, tenant);
  for (MetaTableEntry& table : t.metatables) {
    table.schema = replace_all(table.schema, placeholder, tenant);
    table.identifier = replace_all(table.identifier, placeholder, tenant);
  }
  const std::string identifier = quote_identifier(tenant);
  return base.rewritten(std::move(t),
                        [&](const std::string& sql) { return replace_all(sql, placeholder, identifier); });
}

}  // namespace mmc
