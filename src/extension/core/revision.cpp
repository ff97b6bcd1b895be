#include "revision.hpp"

#include "error.hpp"

namespace mm {

namespace {
bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}
}  // namespace

void validate_revision_id(const std::string& id, const char* what) {
  if (id.empty()) throw Error(sqlstate::kInvalidGraph, std::string(what) + " must not be empty");
  if (id.size() > kMaxRevisionIdLength)
    throw Error(sqlstate::kInvalidGraph,
                std::string(what) + " \"" + id + "\" is " + std::to_string(id.size()) +
                    " characters long; at most " + std::to_string(kMaxRevisionIdLength) + " are allowed",
                "Alembic's version table stores revision ids in varchar(32).");
  for (char c : id) {
    if (!is_id_char(c))
      throw Error(sqlstate::kInvalidGraph,
                  std::string(what) + " \"" + id + "\" contains an invalid character",
                  "Use letters, digits, '_', '-' and '.' only.");
  }
  if (id == "head" || id == "heads" || id == "base")
    throw Error(sqlstate::kInvalidGraph, std::string(what) + " \"" + id + "\" is a reserved word");
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
