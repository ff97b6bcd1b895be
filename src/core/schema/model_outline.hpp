// The outline of a schema model's JSON text: where each table's and view's
// own text lies and what it is called, the names of its indexes, and the
// dependency edges, read in one pass without building the objects.
// Autogenerate compares two models of thousands of tables that mostly
// agree; relevant_subset.hpp parses only the objects that differ.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mm::schema {

struct OutlinedForeignKey {
  std::string name, schema, table;  // the constraint, and the table it references
};

struct OutlinedRelation {
  std::string schema, name;
  // The object's JSON as written; in `like`'s text when taken from there
  // (outline_model), the same bytes: equal texts are often one address.
  std::string_view text;
  std::vector<std::string> indexes;  // names of its indexes
  // What build_catalog links it to besides the dependency edges: the
  // tables it inherits from or is a partition of, and its foreign keys.
  std::vector<std::pair<std::string, std::string>> parents;  // (schema, name)
  std::vector<OutlinedForeignKey> foreign_keys;
};

// One key array of a dependency edge, read without building its parts:
// thousands of edges are read for the few that differ.
struct OutlinedKey {
  std::string_view text;  // the array as written (key_parts_of reads its parts)
  // Its canonical text, what key_of(parts) gives, when that is not `text`.
  std::string rewritten;
  std::size_t parts = 0;
  std::string kind, schema, name;  // its first three parts (empty when fewer)

  // The canonical text (never empty: at least "[]").
  std::string_view key() const { return rewritten.empty() ? text : std::string_view(rewritten); }
};

struct OutlinedEdge {
  OutlinedKey dependent, referenced;
};

struct ModelOutline {
  // Every top-level member's value, as written.
  std::map<std::string, std::string_view> members;
  std::vector<OutlinedRelation> tables, views;
  // Shared with the outline of the other model when both write the list
  // the same way (a deque: thousands of edges are added without moving).
  std::shared_ptr<const std::deque<OutlinedEdge>> dependencies;
  std::string_view dependencies_text;  // the dependency list as written (`like`'s when shared)
};

// Whether two texts of outlines are equal: by address first, since a text
// taken from `like` is that outline's own view.
inline bool same_text(std::string_view a, std::string_view b) {
  return (a.data() == b.data() && a.size() == b.size()) || a == b;
}

// Empty when `text` is not a model of that shape (not JSON, a list that is
// not an array, an unnamed object, a key part that is not a string, no
// dependency list): the caller then parses it whole, which reports what
// is wrong.
// `like`, an outline of the model `text` is compared with, is read from
// where the two texts agree: a relation or the dependency list written
// exactly as there is taken from it (one memcmp) rather than read again,
// which is the same outline, since it depends on nothing but that text.
std::optional<ModelOutline> outline_model(std::string_view text, const ModelOutline* like = nullptr);

// The parts of an OutlinedKey's text (which outline_model has read).
std::vector<std::string> key_parts_of(std::string_view key_text);

}  // namespace mm::schema
