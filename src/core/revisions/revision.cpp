#include "core/revisions/revision.hpp"

#include "core/error.hpp"

namespace mm {

namespace {
bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}
}  // namespace

bool reads_as_relative_target(const std::string& id) {
  const std::size_t sign = id.find_last_of("+-");
  if (sign == std::string::npos || sign + 1 >= id.size()) return false;
  for (std::size_t i = sign + 1; i < id.size(); ++i)
    if (id[i] < '0' || id[i] > '9') return false;
  return true;
}

void validate_revision_id(const std::string& id, const char* what) {
  if (id.empty()) throw Error(sqlstate::kInvalidGraph, std::string(what) + " must not be empty");
  if (id.size() > kMaxRevisionIdLength)
    throw Error(sqlstate::kInvalidGraph,
                std::string(what) + " \"" + id + "\" is " + std::to_string(id.size()) + " characters long; at most " +
                    std::to_string(kMaxRevisionIdLength) + " are allowed",
                "Alembic's version table stores revision ids in varchar(32).");
  for (char c : id) {
    if (!is_id_char(c))
      throw Error(sqlstate::kInvalidGraph, std::string(what) + " \"" + id + "\" contains an invalid character",
                  "Use letters, digits, '_', '-' and '.' only.");
  }
  if (id == "head" || id == "heads" || id == "base")
    throw Error(sqlstate::kInvalidGraph, std::string(what) + " \"" + id + "\" is a reserved word");
  // "-1" or "abc-2" would read as a relative target (-N, REV-N): `downgrade
  // -1` must never mean a revision named "-1".
  if (reads_as_relative_target(id))
    throw Error(sqlstate::kInvalidGraph, std::string(what) + " \"" + id + "\" reads as a relative target (REV-N)",
                "Targets such as -1 and abc-2 count steps; end the id with something other than '-' and digits.");
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace mm
