// Reading text input files (manifest, revision files) in one normal form.
#pragma once

#include <string>

namespace mmc {

// Reads `path` and returns its text with a leading UTF-8 byte order mark
// removed and CRLF line endings turned into LF, so that a file saved on
// Windows hashes and uploads exactly like the same file saved on Linux.
// Throws InputError naming `display` and the line of the first NUL byte
// or invalid UTF-8 sequence; OperationError when the file cannot be read.
std::string read_text_file(const std::string& path, const std::string& display);

// Normalization and validation of text already in memory (same rules).
std::string normalize_text(std::string bytes, const std::string& display);

// 1-based line of byte `offset` in `text`.
int line_of_offset(const std::string& text, std::size_t offset);

}  // namespace mmc
