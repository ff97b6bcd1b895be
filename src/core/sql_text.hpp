// Byte-offset arithmetic on revision SQL, for error positions.
#pragma once

#include <cstddef>
#include <string_view>

namespace mm {

// Offset of the first byte at or after `offset` that is neither whitespace
// nor part of a `--` or `/* */` comment (PostgreSQL reports the first
// statement as starting at offset 0, leading comments included).
std::size_t skip_blank_and_comments(std::string_view sql, std::size_t offset);

// 1-based line number of byte `offset` in `sql`.
int line_at(std::string_view sql, std::size_t offset);

}  // namespace mm
