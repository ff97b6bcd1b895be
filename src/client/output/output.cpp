#include "client/output/output.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace mmc {

namespace {
constexpr std::size_t kProgressThreshold = 3;  // "more than a few revisions"
constexpr std::size_t kProgressMessageWidth = 40;
}  // namespace

Output::Output(bool json, bool quiet, bool verbose)
    : json_(json), quiet_(quiet), verbose_(verbose && !quiet), stderr_is_terminal_(isatty(STDERR_FILENO) == 1) {}

void Output::result(const std::string& line) const {
  end_live();
  if (!json_) std::cout << line << '\n';
}

void Output::result_json(const nlohmann::json& document) const {
  end_live();
  std::cout << document.dump(2) << std::endl;
}

void Output::raw(const std::string& text) const {
  end_live();
  std::cout << text << std::flush;
}

void Output::note(const std::string& line) const {
  end_live();
  if (!quiet_) std::cerr << line << std::endl;
}

void Output::detail(const std::string& line) const {
  end_live();
  if (verbose_) std::cerr << line << std::endl;
}

void Output::warning(const std::string& line) const {
  end_live();
  std::cerr << "warning: " << line << std::endl;
}

void Output::message(const std::string& line) const {
  end_live();
  std::cerr << line << std::endl;
}

bool Output::wants_live() const { return (stderr_is_terminal_ && !quiet_ && !json_) || verbose_; }

void Output::live(const std::string& stable, const std::string& line) const {
  if (stderr_is_terminal_ && !quiet_ && !json_) {
    std::cerr << "\r\x1b[K" << line << std::flush;
    live_shown_ = true;
  } else if (verbose_ && stable != live_last_) {
    std::cerr << "live: " << line << std::endl;
  }
  live_last_ = stable;
}

void Output::end_live() const {
  live_last_.clear();
  if (!live_shown_) return;
  std::cerr << "\r\x1b[K" << std::flush;
  live_shown_ = false;
}

bool Output::wants_progress(std::size_t total_steps) const {
  return stderr_is_terminal_ && !quiet_ && !json_ && total_steps > kProgressThreshold;
}

void Output::progress(std::size_t index, std::size_t total, const std::string& revision, const std::string& message,
                      double duration_ms) const {
  end_live();
  std::string text = message;
  if (text.size() > kProgressMessageWidth) text = text.substr(0, kProgressMessageWidth - 3) + "...";
  std::cerr << "[" << index << "/" << total << "] " << revision << " " << text << " " << format_duration_ms(duration_ms)
            << std::endl;
}

std::string format_duration_ms(double ms) {
  char buffer[32];
  if (ms < 1000.0)
    std::snprintf(buffer, sizeof buffer, "%.1f ms", ms);
  else
    std::snprintf(buffer, sizeof buffer, "%.2f s", ms / 1000.0);
  return buffer;
}

}  // namespace mmc
