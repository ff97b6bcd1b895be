#include "extension/base/sha256.hpp"

#include "core/error.hpp"
#include "extension/base/boundary.hpp"

namespace mm::pg {

std::string sha256_hex(const std::string& data) {
  uint8 digest[PG_SHA256_DIGEST_LENGTH];
  const bool ok = pg_guard([&] {
    pg_cryptohash_ctx* ctx = pg_cryptohash_create(PG_SHA256);
    bool done = ctx != nullptr && pg_cryptohash_init(ctx) == 0 &&
                pg_cryptohash_update(ctx, reinterpret_cast<const uint8*>(data.data()), data.size()) == 0 &&
                pg_cryptohash_final(ctx, digest, sizeof digest) == 0;
    pg_cryptohash_free(ctx);
    return done;
  });
  if (!ok) throw Error(sqlstate::kInternal, "could not compute sha256");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (uint8 byte : digest) {
    out.push_back(hex[byte >> 4]);
    out.push_back(hex[byte & 15]);
  }
  return out;
}

}  // namespace mm::pg
