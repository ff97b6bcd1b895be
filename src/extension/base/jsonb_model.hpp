// jsonb Datums to and from nlohmann::json without going through text: a
// schema model of a large database is megabytes, and printing it only to
// parse it again (jsonb_out then json::parse, or dump then jsonb_in) cost
// as much as the work done on it.
#pragma once

#include <nlohmann/json.hpp>

#include "extension/base/postgres.hpp"

namespace mm::pg {

// The value of a jsonb Datum. Numbers read as json::parse reads their text
// (integers stay integers).
nlohmann::json jsonb_to_json(Datum jsonb);

// A jsonb Datum, in the current memory context, equal to jsonb_in of
// value.dump().
Datum json_to_jsonb(const nlohmann::json& value);

}  // namespace mm::pg
