// Not a fuzz target of metamigrate: a deliberately broken one that
// fuzz/run.sh runs first, to prove that the build really has ASan and UBSan
// and that the runner reports what they find. Each seed in
// fuzz/canary-seeds/ triggers one kind of finding.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  switch (data[0]) {
    case 'A': {  // heap buffer overflow by one byte: only ASan sees it
      std::vector<char> buffer(size);
      std::memcpy(buffer.data(), data, size);
      volatile char past_end = buffer.data()[size];
      (void)past_end;
      break;
    }
    case 'U': {  // signed overflow: only UBSan sees it
      volatile int big = 0x7fffffff;
      volatile int sum = big + static_cast<int>(size);
      (void)sum;
      break;
    }
    case 'X':  // an exception the target does not expect
      throw std::logic_error("unexpected exception escaped the parser");
  }
  return 0;
}
