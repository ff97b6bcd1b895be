// COPY ... TO STDOUT in text format, as the server sends it: one row per
// line, columns separated by tabs, backslash escapes, \N for NULL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmc {

// The columns of one row (a trailing newline is ignored); nullopt is NULL.
// Throws std::invalid_argument on an escape the server never writes.
std::vector<std::optional<std::string>> decode_copy_text_row(std::string_view line);

}  // namespace mmc
