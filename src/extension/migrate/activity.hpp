// What the running migration is doing, published as this backend's
// pg_stat_activity.query (protocol::kActivityPrefix + JSON), so that other
// sessions read it through the view metamigrate.progress while the
// migration's transaction is still open. Per backend; one migration at a
// time runs in a backend.
#pragma once

#include <string>

namespace mm::pg {

struct MigrationActivity {
  std::string provider;
  std::string revision;
  std::string direction;
  int step = 0;  // 1-based, of `of` in this call
  int of = 0;
  int statement = 0;  // 1-based; 0 before the first
  int statements = 0;
  std::string text;  // the statement's first characters
  int attempt = 1;
  std::string since;  // when the step began (timestamptz text)
};

// The activity being published; change it, then publish().
MigrationActivity& current_activity();
void publish_activity();
// Back to the statement the client sent (the function call).
void end_activity();

}  // namespace mm::pg
