// fmgr entry points of autogenerate: snapshot, diff and the model
// comparison (see boundary.hpp for MM_SQL_FUNCTION).
#include "core/error.hpp"
#include "core/schema/compare.hpp"
#include "core/schema/diff.hpp"
#include "extension/base/set_result.hpp"
#include "extension/base/jsonb_model.hpp"
#include "extension/autogenerate/snapshot.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {
namespace {

Datum snapshot_fn(FunctionCallInfo fcinfo) {
  return json_to_jsonb(snapshot_model(text_array_arg(fcinfo, 0, "schema names")));
}

// The same model as text, as the client reads it (no jsonb built and printed).
Datum snapshot_text_fn(FunctionCallInfo fcinfo) {
  return string_to_text_datum(snapshot(text_array_arg(fcinfo, 0, "schema names")));
}

Datum compare_models_fn(FunctionCallInfo fcinfo) {
  return string_to_text_datum(schema::compare_models_text(text_arg_view(fcinfo, 0), text_arg_view(fcinfo, 1)));
}

Datum diff_fn(FunctionCallInfo fcinfo) {
  return json_to_jsonb(schema::diff_models(jsonb_to_json(PG_GETARG_DATUM(0)), jsonb_to_json(PG_GETARG_DATUM(1))));
}

Datum folded_default_fn(FunctionCallInfo fcinfo) {
  Datum folded = folded_default(PG_GETARG_DATUM(0));
  if (folded == (Datum)0) PG_RETURN_NULL();
  return folded;
}

Datum snapshot_differences_fn(FunctionCallInfo fcinfo) {
  const std::vector<std::string> lines =
      schema::model_differences(jsonb_to_json(PG_GETARG_DATUM(0)), jsonb_to_json(PG_GETARG_DATUM(1)));
  SetResult result(fcinfo);
  for (const std::string& line : lines) result.add({line});
  return (Datum)0;
}

}  // namespace
}  // namespace mm::pg

MM_SQL_FUNCTION(metamigrate_snapshot, mm::pg::snapshot_fn)
MM_SQL_FUNCTION(metamigrate_diff, mm::pg::diff_fn)
MM_SQL_FUNCTION(metamigrate_snapshot_text, mm::pg::snapshot_text_fn)
MM_SQL_FUNCTION(metamigrate_compare_models, mm::pg::compare_models_fn)
MM_SQL_FUNCTION(metamigrate_folded_default, mm::pg::folded_default_fn)
MM_SQL_FUNCTION(metamigrate_snapshot_differences, mm::pg::snapshot_differences_fn)
