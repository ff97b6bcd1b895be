// Reading text input files (manifest, revision files) in one normal form.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>

namespace mmc {

// Revision files are uploaded as one JSON document and run as one
// statement list: 16 MiB is far above any hand-written migration (bulk
// data belongs in COPY from a file, outside the revision).
inline constexpr std::uintmax_t kMaxRevisionFileBytes = 16u << 20;
inline constexpr std::uintmax_t kMaxManifestBytes = 1u << 20;

// Reads `path` and returns its text with a leading UTF-8 byte order mark
// removed and CRLF line endings turned into LF, so that a file saved on
// Windows hashes and uploads exactly like the same file saved on Linux.
// Throws InputError naming `display` and the line of the first NUL byte
// or invalid UTF-8 sequence; OperationError when the file cannot be read.
// Files larger than `max_bytes` are refused (InputError) before reading.
// `read_stat`, when given, receives the status of the file as opened.
std::string read_text_file(const std::string& path, const std::string& display,
                           std::uintmax_t max_bytes = kMaxRevisionFileBytes, struct stat* read_stat = nullptr);

// Normalization and validation of text already in memory (same rules).
std::string normalize_text(std::string bytes, const std::string& display);

// 1-based line of byte `offset` in `text`.
int line_of_offset(const std::string& text, std::size_t offset);

}  // namespace mmc
