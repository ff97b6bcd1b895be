// What the diff must know about converting a column from one type to
// another: whether ALTER COLUMN ... TYPE needs a USING clause (no implicit
// or assignment cast exists) and whether the change can lose data. Type
// names are format_type() spellings as they appear in the model.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mm::schema {

struct BuiltinCast {
  const char* source;
  const char* target;
  char context;  // 'i' implicit, 'a' assignment, 'e' explicit (pg_cast.castcontext)
};
// Casts between built-in types (generated from pg_cast).
const std::vector<BuiltinCast>& builtin_casts();

// Facts about user-defined types taken from the two models: the base type
// of each domain, keyed by the domain's format_type() spelling.
struct TypeFacts {
  std::map<std::string, std::string> domain_base;
};

// "character varying(20)" -> "character varying",
// "timestamp(3) with time zone" -> "timestamp with time zone", "numeric(10,2)[]" -> "numeric[]".
std::string strip_typmod(std::string_view type);
bool is_array_type(std::string_view type);
std::string array_element(std::string_view type);

enum class Conversion {
  Assignment,  // ALTER COLUMN TYPE converts by itself
  Explicit,    // needs USING col::new (a cast or an I/O conversion from a string type)
  ViaText,     // needs USING col::text::new (no cast known; I/O round trip)
};
Conversion conversion(const std::string& from, const std::string& to, const TypeFacts& facts);

// " USING col::new" (or through text), empty when no USING is needed.
std::string using_clause(const std::string& column, const std::string& from, const std::string& to,
                         const TypeFacts& facts);

// True for changes that keep every value exactly (int -> bigint,
// varchar(20) -> varchar(50), anything -> text); other changes are marked
// as possible data loss.
bool is_lossless_widening(const std::string& from, const std::string& to);

}  // namespace mm::schema
