// Normalization of what the snapshot's catalog query returns into the
// schema model: fields PostgreSQL prints as part of a definition are split
// out (index key columns, DEFERRABLE / NOT VALID), trailing punctuation is
// removed, and every list is sorted bytewise by name so the model does not
// depend on the database's collation or on the order objects were created.
#pragma once

#include <string>
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

// The raw snapshot (see pg/snapshot.cpp) as a model.
nlohmann::json normalize_snapshot(nlohmann::json raw);

}  // namespace mm::schema
