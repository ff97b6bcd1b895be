// A fixed number of threads taking task indices in order.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace mmc {

// Calls task(i) for i = 0..count-1 on min(jobs, count) threads. Before an
// index is handed out, `stop()` is asked (under no lock: it must be
// thread-safe); once it says true, no further task starts. Returns the
// number of tasks started (those are 0..started-1). `task` must not throw.
inline std::size_t run_pool(std::size_t count, std::size_t jobs, const std::function<void(std::size_t)>& task,
                            const std::function<bool()>& stop) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> started{0};
  auto worker = [&] {
    for (;;) {
      if (stop()) return;
      const std::size_t index = next.fetch_add(1);
      if (index >= count) return;
      started.fetch_add(1);
      task(index);
    }
  };
  std::vector<std::thread> threads;
  const std::size_t n = std::max<std::size_t>(1, std::min(jobs, count));
  for (std::size_t i = 0; i < n; ++i) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  return std::min(started.load(), count);
}

}  // namespace mmc
