#include "client/provider/duration.hpp"

#include <cmath>
#include <cstdlib>

#include "client/output/errors.hpp"

namespace mmc {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

template <typename Predicate>
std::size_t skip(const std::string& text, std::size_t i, Predicate predicate) {
  while (i < text.size() && predicate(text[i])) ++i;
  return i;
}

}  // namespace

// Scanned by hand: std::regex recursed once per character (a long value
// overflowed the stack) and std::stod threw out_of_range past 1e308.
std::string parse_duration_ms(const std::string& text, const std::string& option) {
  const UsageError not_a_duration(option + " \"" + text +
                                  "\" is not a duration: use a number with a unit, e.g. 500ms, 5s, 2min, 1h");
  // [blanks] digits [. digits] [blanks] [unit] [blanks]
  const std::size_t number_start = skip(text, 0, is_space);
  std::size_t i = skip(text, number_start, is_digit);
  if (i == number_start) throw not_a_duration;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = i + 1;
    i = skip(text, fraction, is_digit);
    if (i == fraction) throw not_a_duration;
  }
  const std::string number = text.substr(number_start, i - number_start);
  const std::size_t unit_start = skip(text, i, is_space);
  i = skip(text, unit_start, is_letter);
  const std::string unit = text.substr(unit_start, i - unit_start);
  if (skip(text, i, is_space) != text.size()) throw not_a_duration;
  if (!unit.empty() && unit != "ms" && unit != "s" && unit != "min" && unit != "h" && unit != "d") throw not_a_duration;
  const double value = std::strtod(number.c_str(), nullptr);  // HUGE_VAL when out of range
  if (unit.empty() && value != 0.0) throw not_a_duration;
  const double factor = unit.empty() || unit == "ms" ? 1
                        : unit == "s"                ? 1e3
                        : unit == "min"              ? 6e4
                        : unit == "h"                ? 3.6e6
                                                     : 8.64e7;
  const double ms = std::round(value * factor);
  if (ms > 2147483647.0) throw UsageError(option + " \"" + text + "\" is too long (at most about 24 days)");
  return std::to_string(static_cast<long long>(ms));
}

std::pair<std::string, std::string> parse_backoff_ms(const std::string& text, const std::string& option) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos)
    throw UsageError(option + " takes MIN:MAX, two durations such as 1s:60s, not \"" + text + "\"");
  std::pair<std::string, std::string> range{parse_duration_ms(text.substr(0, colon), option + " (MIN)"),
                                            parse_duration_ms(text.substr(colon + 1), option + " (MAX)")};
  if (std::stoll(range.first) > std::stoll(range.second))
    throw UsageError(option + ": MIN (" + text.substr(0, colon) + ") is longer than MAX (" + text.substr(colon + 1) +
                     ")");
  if (std::stoll(range.second) > 3600000) throw UsageError(option + ": MAX may be 1h at the most");
  return range;
}

std::string parse_retries(const std::string& text, const std::string& option) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(text) > 1000)
    throw UsageError(option + " takes a number of retries from 0 to 1000, not \"" + text + "\"");
  return std::to_string(std::stoi(text));
}

}  // namespace mmc
