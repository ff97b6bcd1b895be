// Schema per tenant. A manifest with "tenant_schemas" describes a template;
// each tenant schema gets a provider of its own, derived here:
// - key     <package>:<namespace>.<tenant> (the server keys providers by
//           package:namespace, so every tenant has its own graph copy,
//           lock, history and checksums);
// - version table <tenant>.<version_table.name>; the server runs revision
//   SQL with search_path = the version table's schema, i.e. the tenant;
// - "schemas" and metatables' schema/identifier with the placeholder
//   replaced by the tenant name;
// - revision SQL with the placeholder replaced by the tenant as a quoted
//   identifier ("acme"), client-side before upload: each tenant's provider
//   stores (and checksums) its own text.
#pragma once

#include <string>

#include "client/provider/provider_dir.hpp"

namespace mmc {

// Throws UsageError unless `tenant` can name a tenant: a schema name that
// is also valid in a provider namespace (letters, digits, '_', '-', '.'),
// at most 63 bytes, not a system schema.
void validate_tenant_name(const std::string& tenant);

// The provider of `tenant` built from the template `base`. Throws
// UsageError when the manifest declares no tenant_schemas or the name is
// not usable.
ProviderDir tenant_provider(const ProviderDir& base, const std::string& tenant);

}  // namespace mmc
