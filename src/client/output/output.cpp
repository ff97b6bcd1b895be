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
  if (!json_) std::cout << line << '\n';
}

void Output::result_json(const nlohmann::json& document) const { std::cout << document.dump(2) << std::endl; }

void Output::raw(const std::string& text) const { std::cout << text << std::flush; }

void Output::note(const std::string& line) const {
  if (!quiet_) std::cerr << line << std::endl;
}

void Output::detail(const std::string& line) const {
  if (verbose_) std::cerr << line << std::endl;
}

void Output::warning(const std::string& line) const { std::cerr << "warning: " << line << std::endl; }

void Output::message(const std::string& line) const { std::cerr << line << std::endl; }

bool Output::wants_progress(std::size_t total_steps) const {
  return stderr_is_terminal_ && !quiet_ && !json_ && total_steps > kProgressThreshold;
}

void Output::progress(std::size_t index, std::size_t total, const std::string& revision, const std::string& message,
                      double duration_ms) const {
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
