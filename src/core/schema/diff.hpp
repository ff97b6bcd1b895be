// metamigrate.diff(): the migration between two schema models, both ways.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mm::schema {

// {"upgrade": [sql...], "downgrade": [sql...],
//  "data_loss": [indexes into upgrade], "downgrade_data_loss": [indexes into downgrade],
//  "column_order": [{"schema", "table", "declared": [...], "result": [...]}],
//  "downgrade_column_order": [...]}
// column_order lists kept tables whose columns will not end up in the
// declared order (information: PostgreSQL cannot move a column).
// Each statement is complete SQL without a trailing semicolon. Identical
// models give empty arrays. Throws mm::Error on a malformed model or a
// dependency cycle.
nlohmann::json diff_models(const nlohmann::json& from, const nlohmann::json& to);
// The same, consuming the models (no copy of their objects).
nlohmann::json diff_models(nlohmann::json&& from, nlohmann::json&& to);
// How much of the two models' text to read: the objects the diff can
// depend on (relevant_subset.hpp; the whole models when the text is not
// what snapshot() writes), or all of them. Both give the same result.
enum class ModelScope { Relevant, Whole };
std::string diff_models_text(std::string_view from_json, std::string_view to_json,
                             ModelScope scope = ModelScope::Relevant);
// What autogenerate and check need, from the models as text (no jsonb on
// the way: parsing a model into jsonb cost as much as the diff itself):
// {"diff": diff_models(...), "differences": model_differences(...)}.
std::string compare_models_text(std::string_view from_json, std::string_view to_json,
                                ModelScope scope = ModelScope::Relevant);

}  // namespace mm::schema
