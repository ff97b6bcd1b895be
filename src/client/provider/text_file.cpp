#include "client/provider/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client/output/errors.hpp"

namespace mmc {

namespace {

// Length of the valid UTF-8 sequence at `i`, or 0 when it is invalid
// (truncated, overlong, surrogate, or beyond U+10FFFF).
std::size_t utf8_sequence_length(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t length;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return length;
}

}  // namespace

int line_of_offset(const std::string& text, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

std::string normalize_text(std::string bytes, const std::string& display) {
  if (bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);
  std::string text;
  text.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') continue;
    text.push_back(bytes[i]);
  }
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\0') throw InputError(display, line_of_offset(text, i), "NUL byte in text file");
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[i]));
      throw InputError(display, line_of_offset(text, i),
                       std::string("invalid UTF-8 (byte ") + hex + "); save the file as UTF-8");
    }
    i += length;
  }
  return text;
}

std::string read_text_file(const std::string& path, const std::string& display, std::uintmax_t max_bytes,
                           struct stat* read_stat) {
  // One open, fstat and read per file (a provider directory holds
  // thousands): O_NONBLOCK so that a FIFO is refused, not waited on.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw InputError(display, 0, std::string("cannot read file: ") + std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) throw InputError(display, 0, std::string("cannot read file: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw InputError(display, 0, "not a regular file");
  if (read_stat) *read_stat = st;
  const auto too_large = [&](std::uintmax_t size) {
    char text[64];
    std::snprintf(text, sizeof text, "%.1f MiB; at most %.0f MiB", static_cast<double>(size) / (1 << 20),
                  static_cast<double>(max_bytes) / (1 << 20));
    throw InputError(
        display, 0,
        std::string("file too large (") + text + ")" +
            (max_bytes == kMaxRevisionFileBytes ? ": keep bulk data out of revisions (COPY from a file, or batches in "
                                                  "the application)"
                                                : ""));
  };
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size > max_bytes) too_large(size);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  std::size_t done = 0;
  // The file may change size under us: read until EOF (one byte past the
  // limit tells that it grew too large).
  for (;;) {
    if (done == bytes.size()) {
      if (done > max_bytes) too_large(done);
      bytes.resize(std::min<std::uintmax_t>(max_bytes + 1, done + 4096));
    }
    const ssize_t got = ::read(fd, &bytes[done], bytes.size() - done);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(display, 0, std::string("cannot read file: ") + std::strerror(errno));
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  if (done > max_bytes) too_large(done);
  bytes.resize(done);
  return normalize_text(std::move(bytes), display);
}

}  // namespace mmc
