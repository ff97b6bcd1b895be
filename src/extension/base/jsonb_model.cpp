#include "extension/base/jsonb_model.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "extension/base/boundary.hpp"

namespace mm::pg {

namespace {

using nlohmann::json;

json numeric_value(Numeric number) {
  char* text = pg_guard([&] { return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(number))); });
  std::string digits(text);
  pg_guard([&] { pfree(text); });
  return json::parse(digits);
}

json scalar_value(const JsonbValue& v) {
  switch (v.type) {
    case jbvNull:
      return nullptr;
    case jbvBool:
      return static_cast<bool>(v.val.boolean);
    case jbvString:
      return std::string(v.val.string.val, static_cast<std::size_t>(v.val.string.len));
    case jbvNumeric:
      return numeric_value(v.val.numeric);
    default:
      throw Error(sqlstate::kInternal, "unexpected jsonb scalar");
  }
}

// Where the next value goes: the top, an array, or an object under `key`.
json& place(std::vector<json*>& open, json& root, const std::string& key, json value) {
  if (open.empty()) {
    root = std::move(value);
    return root;
  }
  json& parent = *open.back();
  if (parent.is_array()) {
    parent.push_back(std::move(value));
    return parent.back();
  }
  json& slot = parent[key];
  slot = std::move(value);
  return slot;
}

class JsonbBuilder {
 public:
  Datum build(const json& value) {
    if (!value.is_object() && !value.is_array()) {
      const std::string text = value.dump();
      const char* chars = text.c_str();
      return pg_guard([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(chars)); });
    }
    walk(value);
    JsonbValue* done = result_;
    return pg_guard([&] { return JsonbPGetDatum(JsonbValueToJsonb(done)); });
  }

 private:
  JsonbParseState* state_ = nullptr;
  JsonbValue* result_ = nullptr;

  void push(JsonbIteratorToken token, JsonbValue* value) {
    JsonbParseState** state = &state_;
    result_ = pg_guard([&] { return pushJsonbValue(state, token, value); });
  }

  // A scalar as jsonb_in would read value.dump().
  void push_scalar(JsonbIteratorToken token, const json& value) {
    JsonbValue v;
    if (value.is_null()) {
      v.type = jbvNull;
    } else if (value.is_boolean()) {
      v.type = jbvBool;
      v.val.boolean = value.get<bool>();
    } else if (value.is_string()) {
      const std::string& s = value.get_ref<const std::string&>();
      v.type = jbvString;
      v.val.string.len = static_cast<int>(s.size());
      v.val.string.val = const_cast<char*>(s.data());  // copied when the jsonb is built
    } else if (value.is_number_integer() || value.is_number_unsigned()) {
      v.type = jbvNumeric;
      if (value.is_number_unsigned() &&
          value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        v.val.numeric = numeric_from_text(value.dump());
      } else {
        const int64 n = value.get<std::int64_t>();
        v.val.numeric = pg_guard([&] { return int64_to_numeric(n); });
      }
    } else if (value.is_number_float()) {
      if (!std::isfinite(value.get<double>())) {
        v.type = jbvNull;  // dump() writes null for them
      } else {
        v.type = jbvNumeric;
        v.val.numeric = numeric_from_text(value.dump());
      }
    } else {
      throw Error(sqlstate::kInternal, "unexpected JSON value in a model");
    }
    push(token, &v);
  }

  static Numeric numeric_from_text(const std::string& text) {
    const char* chars = text.c_str();
    return pg_guard([&] {
      return DatumGetNumeric(
          DirectFunctionCall3(numeric_in, CStringGetDatum(chars), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
    });
  }

  void walk(const json& value) {
    if (value.is_object()) {
      push(WJB_BEGIN_OBJECT, nullptr);
      for (auto it = value.begin(); it != value.end(); ++it) {
        JsonbValue key;
        key.type = jbvString;
        key.val.string.len = static_cast<int>(it.key().size());
        key.val.string.val = const_cast<char*>(it.key().data());
        push(WJB_KEY, &key);
        if (it->is_structured())
          walk(*it);
        else
          push_scalar(WJB_VALUE, *it);
      }
      push(WJB_END_OBJECT, nullptr);
    } else {
      push(WJB_BEGIN_ARRAY, nullptr);
      for (const json& element : value) {
        if (element.is_structured())
          walk(element);
        else
          push_scalar(WJB_ELEM, element);
      }
      push(WJB_END_ARRAY, nullptr);
    }
  }
};

}  // namespace

json jsonb_to_json(Datum datum) {
  Jsonb* jsonb = pg_guard([&] { return DatumGetJsonbP(datum); });
  JsonbIterator* it = pg_guard([&] { return JsonbIteratorInit(&jsonb->root); });
  JsonbIterator** iterator = &it;
  JsonbValue v;
  json root;
  std::vector<json*> open;
  std::string key;
  bool raw_scalar = false;
  for (;;) {
    const JsonbIteratorToken token = pg_guard([&] { return JsonbIteratorNext(iterator, &v, false); });
    switch (token) {
      case WJB_DONE:
        return root;
      case WJB_BEGIN_ARRAY:
        // A top-level scalar comes as a one-element "raw scalar" array.
        if (v.val.array.rawScalar)
          raw_scalar = true;
        else
          open.push_back(&place(open, root, key, json::array()));
        break;
      case WJB_BEGIN_OBJECT:
        open.push_back(&place(open, root, key, json::object()));
        break;
      case WJB_KEY:
        key.assign(v.val.string.val, static_cast<std::size_t>(v.val.string.len));
        break;
      case WJB_VALUE:
      case WJB_ELEM:
        place(open, root, key, scalar_value(v));
        break;
      case WJB_END_ARRAY:
      case WJB_END_OBJECT:
        if (raw_scalar && open.empty()) break;
        open.pop_back();
        break;
    }
  }
}

Datum json_to_jsonb(const json& value) { return JsonbBuilder().build(value); }

}  // namespace mm::pg
