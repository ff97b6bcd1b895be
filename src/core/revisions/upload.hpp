// Validation of `upload_revisions` input and the rules for merging it into
// the revisions a provider already stores.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/revisions/revision.hpp"

namespace mm {

struct UploadedRevision {
  Revision revision;
  std::string source;  // optional file name given by the client, for messages
};

// Parses the JSON array documented in CONTRACT.md. Throws mm::Error naming
// the element (and its source file when given) for every malformed field.
std::vector<UploadedRevision> parse_upload(const std::string& json_text);

// The bytes whose sha256 is a revision's checksum: both SQL sections,
// length-prefixed so moving text between them changes the checksum.
std::string checksum_material(const Revision& revision);

struct StoredRevision {
  Revision revision;
  std::string checksum;
};

enum class UploadAction { Insert, Replace, Unchanged };

struct UploadDecision {
  std::size_t upload_index;
  UploadAction action;
  std::string checksum;
};

struct UploadPlan {
  std::vector<UploadDecision> decisions;  // one per uploaded revision
  std::vector<std::string> pruned;        // stored revisions to delete (prune only)
};

// Decides what to do with each uploaded revision and validates the graph
// that results. `applied` names revisions applied in the database: those
// may not change their SQL or their place in the graph. With `prune` the
// upload is the provider's whole set of revisions: stored ones missing
// from it are deleted, unless applied (an error naming them).
UploadPlan plan_upload(const std::vector<StoredRevision>& stored, const std::vector<UploadedRevision>& uploaded,
                       const std::set<std::string>& applied,
                       const std::function<std::string(const std::string&)>& sha256_hex, bool prune = false);

}  // namespace mm
