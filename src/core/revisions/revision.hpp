// A revision as uploaded by the client: identity, graph edges and SQL.
#pragma once

#include <string>
#include <vector>

namespace mm {

inline constexpr std::size_t kMaxRevisionIdLength = 32;  // Alembic's version_num varchar(32)

struct Revision {
  std::string id;
  std::vector<std::string> down_revisions;  // none (root), one, or several (merge)
  std::vector<std::string> depends_on;
  std::vector<std::string> branch_labels;
  std::string message;
  std::string upgrade_sql;
  std::string downgrade_sql;
  bool transactional = true;
};

// Throws mm::Error when `id` cannot be a revision id (empty, too long,
// reserved word, characters that would clash with target syntax).
void validate_revision_id(const std::string& id, const char* what = "revision id");
// Whether an id would parse as a relative target: ends in '+' or '-'
// followed by digits (the shape parse_relative in planner.hpp accepts).
bool reads_as_relative_target(const std::string& id);

// Joins strings with a separator; used for error messages.
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace mm
