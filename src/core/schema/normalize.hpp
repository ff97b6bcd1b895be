// Normalization of what the snapshot's catalog query returns into the
// schema model: fields PostgreSQL prints as part of a definition are split
// out (index key columns, DEFERRABLE / NOT VALID), trailing punctuation is
// removed, and every list is sorted bytewise by name so the model does not
// depend on the database's collation or on the order objects were created.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mm::schema {

// Key columns of a pg_get_indexdef() text, each with its collation,
// operator class and ordering as PostgreSQL prints them:
// "... USING btree (a, lower(b) text_pattern_ops DESC)" -> {"a", "lower(b) text_pattern_ops DESC"}.
std::vector<std::string> index_key_columns(const std::string& indexdef);

// pg_get_constraintdef() text without the trailing DEFERRABLE, INITIALLY
// DEFERRED and NOT VALID that the model keeps as separate fields.
std::string constraint_body(std::string definition, bool deferrable, bool deferred, bool validated);

// The raw snapshot (see extension/autogenerate/snapshot.cpp) as a model:
// {"schemas": [object...], ..., "dependencies": [[key, key]...]}.
nlohmann::json normalize_snapshot(nlohmann::json raw);

// A table's "inherited_columns" (a child's own settings on the columns it
// inherits) normalized in place.
void normalize_inherited_columns(nlohmann::json& columns);

// One object of a section ("tables", ...) normalized in place.
void normalize_model_item(const std::string& section, nlohmann::json& item);

// Builds the model's text one object at a time: each is normalized and
// printed as it arrives, so the whole model never exists as one JSON tree
// (for 2,000 tables that tree took about 55 MB of backend memory, and
// touching it cost more than the catalog query). The text is what
// normalize_snapshot(raw).dump() prints.
class ModelWriter {
 public:
  static constexpr const char* kSections[] = {"schemas", "extensions", "types",    "sequences",
                                              "tables",  "views",      "functions"};
  // Where a streaming writer hands each object, printed: its section, its
  // sort name (schema, name and identity arguments, \x01-separated) and its
  // text.
  using ObjectSink = std::function<void(const std::string& section, const std::string& sort_name, std::string text)>;

  ModelWriter() = default;
  // A writer that keeps no object: each goes to `sink` as it is added
  // (finish() then prints only the dependencies and empty sections).
  explicit ModelWriter(ObjectSink sink) : sink_(std::move(sink)) {}

  // Throws mm::Error (internal) on a section that is not one of kSections.
  void add(const std::string& section, nlohmann::json item);
  // An object already normalized and printed (by table_text, or as an
  // ObjectSink was given it, to put a model stored object by object
  // together again); a streaming writer hands it to its sink.
  void add_printed(const std::string& section, std::string sort_name, std::string text);
  void add_dependency(const nlohmann::json& edge);  // [dependent key, referenced key]
  // The same edge already printed as JSON text, as add_dependency prints it.
  void add_dependency_text(std::string edge) { dependencies_.push_back(std::move(edge)); }
  // The model; the writer is empty again afterwards.
  std::string finish();

 private:
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> sections_;  // (sort name, text)
  std::vector<std::string> dependencies_;
  ObjectSink sink_;

  std::vector<std::pair<std::string, std::string>>& section(const std::string& name);
};

}  // namespace mm::schema
