// DURATION arguments (--lock-timeout, --statement-timeout).
#pragma once

#include <string>

namespace mmc {

// Parses "500ms", "5s", "2min", "1h" (or "0") into whole milliseconds as
// PostgreSQL's timeout settings take them; throws UsageError otherwise.
std::string parse_duration_ms(const std::string& text, const std::string& option);

}  // namespace mmc
