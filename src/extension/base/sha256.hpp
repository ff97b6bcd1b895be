#pragma once
#include <string>

namespace mm::pg {
// Hex sha256 of the exact bytes given (the client's UTF-8), via pg_cryptohash.
std::string sha256_hex(const std::string& data);
}  // namespace mm::pg
