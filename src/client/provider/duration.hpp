// DURATION arguments (--lock-timeout, --statement-timeout, --retry-backoff).
#pragma once

#include <string>
#include <utility>

namespace mmc {

// Parses "500ms", "5s", "2min", "1h" (or "0") into whole milliseconds as
// PostgreSQL's timeout settings take them; throws UsageError otherwise.
std::string parse_duration_ms(const std::string& text, const std::string& option);

// "MIN:MAX", two durations with MIN <= MAX (the waits between lock
// retries): {min_ms, max_ms}; throws UsageError otherwise.
std::pair<std::string, std::string> parse_backoff_ms(const std::string& text, const std::string& option);

// A count of lock retries, 0..1000; throws UsageError otherwise.
std::string parse_retries(const std::string& text, const std::string& option);

}  // namespace mmc
