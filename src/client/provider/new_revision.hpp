// Authoring new revision files: ids, file names, writing.
#pragma once

#include <string>

#include "client/output/output.hpp"
#include "client/provider/provider_dir.hpp"
#include "core/revisions/revision.hpp"

namespace mmc {

// A random 12-digit hex id, like Alembic's.
std::string random_revision_id();
// "Add account status!" -> "add_account_status" (at most 40 characters).
std::string slug_of(const std::string& message);
// Current UTC time as 2026-11-22T10:00:00Z.
std::string utc_timestamp();

// Checks `revision` against the provider's graph (id, labels, edges) and
// writes versions/<namespace>/<id>_<slug>.sql. Returns the path as shown.
// Throws UsageError for an id/label clash.
std::string write_new_revision(const ProviderDir& provider, const mm::Revision& revision, const Output& out);

}  // namespace mmc
