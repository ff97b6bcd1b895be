#include "extension/migrate/activity.hpp"

#include "core/protocol.hpp"
#include "extension/base/boundary.hpp"
#include "extension/base/postgres.hpp"

namespace mm::pg {

namespace {

MigrationActivity activity;
bool published = false;

// At most `limit` bytes, not cutting a UTF-8 sequence, on one line.
std::string excerpt(const std::string& text, std::size_t limit) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (out.size() <= limit) return out;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
  return out.substr(0, end) + "...";
}

}  // namespace

MigrationActivity& current_activity() { return activity; }

void publish_activity() {
  // Short enough for the default track_activity_query_size (1024 bytes).
  const std::string text =
      std::string(protocol::kActivityPrefix) + nlohmann::json{{"provider", activity.provider},
                                                              {"revision", activity.revision},
                                                              {"direction", activity.direction},
                                                              {"step", activity.step},
                                                              {"of", activity.of},
                                                              {"statement", activity.statement},
                                                              {"statements", activity.statements},
                                                              {"text", excerpt(activity.text, 300)},
                                                              {"attempt", activity.attempt},
                                                              {"since", activity.since}}
                                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  pg_guard([&] { pgstat_report_activity(STATE_RUNNING, text.c_str()); });
  published = true;
}

void end_activity() {
  if (!published) return;
  published = false;
  activity = MigrationActivity{};
  pg_guard([] { pgstat_report_activity(STATE_RUNNING, debug_query_string ? debug_query_string : ""); });
}

}  // namespace mm::pg
