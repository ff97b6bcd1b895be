// Quoting of identifiers and literals for the DDL the schema diff writes.
// Pure C++: it reproduces PostgreSQL's quote_identifier() rules so the
// statements read the way pg_dump would write them.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mm::schema {

// Keywords PostgreSQL quotes when used as identifiers (generated table).
const std::set<std::string_view>& quoted_keywords();

// "name" when it needs quoting (upper case, odd characters, keyword), else name.
std::string quote_ident(std::string_view name);
// schema.name, each part quoted as needed.
std::string qualify(std::string_view schema, std::string_view name);
// A string literal that means the same whatever standard_conforming_strings is.
std::string quote_literal(std::string_view text);
// "a, b, c" of quoted identifiers.
std::string join_idents(const std::vector<std::string>& names);
// Joins strings with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace mm::schema
