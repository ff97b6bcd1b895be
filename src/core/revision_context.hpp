// The CONTEXT line that places an error in a revision's SQL. The extension
// writes it (errcontext with the formats below), the client's top-level
// runner writes the same line for statements it ran itself, and the client
// reads it back to point at file:line and to find the failing statement:
// one definition, so neither side matches a copy of the other's wording.
#pragma once

#include <optional>
#include <string>

namespace mm::protocol {

inline constexpr const char* kStatementContextFormat =
    "metamigrate provider %s, revision %s (%s), statement %d, line %d";
inline constexpr const char* kParsingContextFormat = "metamigrate provider %s, revision %s (%s), parsing, line %d";

struct RevisionContext {
  std::string provider;
  std::string revision;
  std::string direction;  // upgrade / downgrade
  int statement = 0;      // 1-based; 0 while the section was being parsed
  int line = 0;           // in the section
};

// The line the formats above give.
std::string format_revision_context(const RevisionContext& where);
// The first such line in an error's CONTEXT (several lines, innermost
// first), if any.
std::optional<RevisionContext> find_revision_context(const std::string& context);

}  // namespace mm::protocol
