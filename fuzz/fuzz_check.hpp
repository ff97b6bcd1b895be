// Helpers shared by the fuzz targets: an invariant that does not hold is a
// finding, reported like a crash so libFuzzer saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz {

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::abort();
}

inline void check(bool ok, const std::string& what) {
  if (!ok) finding(what);
}

}  // namespace fuzz
