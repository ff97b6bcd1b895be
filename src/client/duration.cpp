#include "client/duration.hpp"

#include <cmath>
#include <regex>

#include "client/errors.hpp"

namespace mmc {

std::string parse_duration_ms(const std::string& text, const std::string& option) {
  static const std::regex pattern(R"(^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|min|h|d)?\s*$)");
  std::smatch match;
  if (!std::regex_match(text, match, pattern) || (!match[2].matched && std::stod(match[1].str()) != 0.0))
    throw UsageError(option + " \"" + text + "\" is not a duration: use a number with a unit, e.g. 500ms, 5s, 2min, 1h");
  const double value = std::stod(match[1].str());
  const std::string unit = match[2].matched ? match[2].str() : "ms";
  const double factor = unit == "ms" ? 1 : unit == "s" ? 1e3 : unit == "min" ? 6e4 : unit == "h" ? 3.6e6 : 8.64e7;
  const double ms = std::round(value * factor);
  if (ms > 2147483647.0) throw UsageError(option + " \"" + text + "\" is too long (at most about 24 days)");
  return std::to_string(static_cast<long long>(ms));
}

}  // namespace mmc
