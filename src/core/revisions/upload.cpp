#include "core/revisions/upload.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/revisions/graph.hpp"

namespace mm {

namespace {

using nlohmann::json;

std::string where(std::size_t index, const std::string& id, const std::string& source) {
  std::string out = "revisions[" + std::to_string(index) + "]";
  if (!id.empty()) out += " (" + id + ")";
  if (!source.empty()) out += " from " + source;
  return out;
}

std::vector<std::string> string_list(const json& value, const std::string& field, const std::string& at,
                                     bool allow_scalar) {
  std::vector<std::string> out;
  if (value.is_null()) return out;
  if (allow_scalar && value.is_string()) {
    out.push_back(value.get<std::string>());
    return out;
  }
  if (!value.is_array())
    throw Error(sqlstate::kInvalidParameter, at + ": \"" + field + "\" must be " +
                                                 (allow_scalar ? "null, a string or " : "") + "an array of strings");
  for (const auto& item : value) {
    if (!item.is_string())
      throw Error(sqlstate::kInvalidParameter, at + ": \"" + field + "\" must contain strings only");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::vector<UploadedRevision> parse_upload(const std::string& json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw Error(sqlstate::kInvalidParameter, std::string("revisions is not valid JSON: ") + e.what());
  }
  if (!doc.is_array()) throw Error(sqlstate::kInvalidParameter, "revisions must be a JSON array of revision objects");
  static const std::set<std::string> known = {"revision",    "down_revision", "branch_labels", "depends_on",  "message",
                                              "upgrade_sql", "downgrade_sql", "transactional", "create_date", "source"};
  std::vector<UploadedRevision> out;
  out.reserve(doc.size());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const json& obj = doc[i];
    if (!obj.is_object()) throw Error(sqlstate::kInvalidParameter, where(i, "", "") + " is not an object");
    UploadedRevision up;
    if (obj.contains("source") && obj["source"].is_string()) up.source = obj["source"].get<std::string>();
    const json id = obj.value("revision", json());
    if (!id.is_string())
      throw Error(sqlstate::kInvalidParameter, where(i, "", up.source) + ": \"revision\" must be a string");
    Revision& rev = up.revision;
    rev.id = id.get<std::string>();
    const std::string at = where(i, rev.id, up.source);
    for (auto it = obj.begin(); it != obj.end(); ++it)
      if (!known.count(it.key())) throw Error(sqlstate::kInvalidParameter, at + ": unknown field \"" + it.key() + "\"");
    try {
      validate_revision_id(rev.id);
    } catch (const Error& e) {
      throw Error(e.sqlstate(), at + ": " + e.what(), e.detail(), e.hint());
    }
    rev.down_revisions = string_list(obj.value("down_revision", json()), "down_revision", at, true);
    rev.depends_on = string_list(obj.value("depends_on", json()), "depends_on", at, true);
    rev.branch_labels = string_list(obj.value("branch_labels", json()), "branch_labels", at, true);
    const json message = obj.value("message", json());
    if (!message.is_null() && !message.is_string())
      throw Error(sqlstate::kInvalidParameter, at + ": \"message\" must be a string");
    if (message.is_string()) rev.message = message.get<std::string>();
    const json up_sql = obj.value("upgrade_sql", json());
    if (!up_sql.is_string()) throw Error(sqlstate::kInvalidParameter, at + ": \"upgrade_sql\" must be a string");
    rev.upgrade_sql = up_sql.get<std::string>();
    const json down_sql = obj.value("downgrade_sql", json(""));
    if (!down_sql.is_string() && !down_sql.is_null())
      throw Error(sqlstate::kInvalidParameter, at + ": \"downgrade_sql\" must be a string");
    if (down_sql.is_string()) rev.downgrade_sql = down_sql.get<std::string>();
    const json transactional = obj.value("transactional", json(true));
    if (!transactional.is_boolean())
      throw Error(sqlstate::kInvalidParameter, at + ": \"transactional\" must be true or false");
    rev.transactional = transactional.get<bool>();
    if (rev.upgrade_sql.find('\0') != std::string::npos || rev.downgrade_sql.find('\0') != std::string::npos)
      throw Error(sqlstate::kInvalidParameter, at + ": SQL must not contain NUL bytes");
    out.push_back(std::move(up));
  }
  return out;
}

std::string checksum_material(const Revision& revision) {
  std::string out;
  out.reserve(revision.upgrade_sql.size() + revision.downgrade_sql.size() + 64);
  out += "upgrade:" + std::to_string(revision.upgrade_sql.size()) + "\n";
  out += revision.upgrade_sql;
  out += "\ndowngrade:" + std::to_string(revision.downgrade_sql.size()) + "\n";
  out += revision.downgrade_sql;
  return out;
}

namespace {
std::string graph_fields(const Revision& r) {
  return "down_revision [" + join(r.down_revisions) + "], depends_on [" + join(r.depends_on) + "], transactional " +
         (r.transactional ? "true" : "false");
}

bool same_place_in_graph(const Revision& a, const Revision& b) {
  return a.down_revisions == b.down_revisions && a.depends_on == b.depends_on && a.transactional == b.transactional;
}
}  // namespace

UploadPlan plan_upload(const std::vector<StoredRevision>& stored, const std::vector<UploadedRevision>& uploaded,
                       const std::set<std::string>& applied,
                       const std::function<std::string(const std::string&)>& sha256_hex, bool prune) {
  std::map<std::string, std::size_t> stored_index;
  for (std::size_t i = 0; i < stored.size(); ++i) stored_index.emplace(stored[i].revision.id, i);

  std::map<std::string, std::size_t> seen;
  std::vector<UploadDecision> decisions;
  decisions.reserve(uploaded.size());
  for (std::size_t i = 0; i < uploaded.size(); ++i) {
    const Revision& rev = uploaded[i].revision;
    auto [it, inserted] = seen.emplace(rev.id, i);
    if (!inserted)
      throw Error(sqlstate::kInvalidGraph, "revision \"" + rev.id + "\" appears twice in the upload" +
                                               (uploaded[i].source.empty() ? ""
                                                                           : " (" + uploaded[it->second].source +
                                                                                 " and " + uploaded[i].source + ")"));
    UploadDecision decision{i, UploadAction::Insert, sha256_hex(checksum_material(rev))};
    auto found = stored_index.find(rev.id);
    if (found != stored_index.end()) {
      const StoredRevision& old = stored[found->second];
      const bool same_sql = old.checksum == decision.checksum;
      const bool same_graph = same_place_in_graph(old.revision, rev);
      const bool same_all = same_sql && same_graph && old.revision.branch_labels == rev.branch_labels &&
                            old.revision.message == rev.message;
      if (same_all) {
        decision.action = UploadAction::Unchanged;
      } else if (applied.count(rev.id) && !same_sql) {
        throw Error(sqlstate::kChecksumMismatch, "revision \"" + rev.id + "\" is applied and its SQL has changed",
                    "stored checksum " + old.checksum + ", uploaded checksum " + decision.checksum,
                    "Restore the original file, or write a new revision for the change.");
      } else if (applied.count(rev.id) && !same_graph) {
        throw Error(sqlstate::kChecksumMismatch,
                    "revision \"" + rev.id +
                        "\" is applied and its down_revision, depends_on or transactional flag has changed",
                    "stored: " + graph_fields(old.revision) + "; uploaded: " + graph_fields(rev),
                    "Restore the original header, or write a new revision for the change.");
      } else {
        decision.action = UploadAction::Replace;
      }
    }
    decisions.push_back(std::move(decision));
  }

  UploadPlan plan{std::move(decisions), {}};
  std::vector<std::string> missing_applied;
  // The graph after the upload must be valid as a whole.
  std::vector<Revision> merged;
  merged.reserve(stored.size() + uploaded.size());
  for (const auto& s : stored) {
    if (seen.count(s.revision.id)) continue;
    if (!prune) {
      merged.push_back(s.revision);
    } else if (applied.count(s.revision.id)) {
      missing_applied.push_back(s.revision.id);
    } else {
      plan.pruned.push_back(s.revision.id);
    }
  }
  if (!missing_applied.empty())
    throw Error(sqlstate::kInvalidGraph,
                "applied revision" + std::string(missing_applied.size() > 1 ? "s " : " ") + join(missing_applied) +
                    " missing from the upload",
                "The database has them applied, so their files must stay in the provider directory.",
                "Restore the revision files, or downgrade past them before deleting them.");
  for (const auto& u : uploaded) merged.push_back(u.revision);
  RevisionGraph validated(std::move(merged));
  (void)validated;
  return plan;
}

}  // namespace mm
