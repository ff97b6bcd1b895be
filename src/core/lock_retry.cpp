#include "core/lock_retry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace mm {

int backoff_ms(const LockRetryPolicy& policy, int attempt, double unit_random) {
  const double low = std::max(0, policy.min_ms);
  const double high = std::max(low, static_cast<double>(policy.max_ms));
  const double exponential = std::min(high, low * std::pow(2.0, std::max(0, attempt - 1)));
  const double jitter = std::clamp(unit_random, 0.0, 1.0);
  return static_cast<int>(std::lround(exponential / 2 + jitter * exponential / 2));
}

nlohmann::json blocker_document(const LockBlocker& b) {
  return {{"pid", b.pid},
          {"user", b.user},
          {"application", b.application},
          {"state", b.state},
          {"xact_age_s", b.xact_age_s},
          {"query", b.query},
          {"lock_mode", b.lock_mode},
          {"relation", b.relation},
          {"granted", b.granted}};
}

nlohmann::json lock_wait_document(const LockWaitReport& report) {
  nlohmann::json blockers = nlohmann::json::array();
  for (const LockBlocker& b : report.blockers) blockers.push_back(blocker_document(b));
  nlohmann::json doc = {{"revision", report.revision}, {"attempt", report.attempt},     {"attempts", report.attempts},
                        {"wait_ms", report.wait_ms},   {"waited_ms", report.waited_ms}, {"blockers", blockers}};
  if (report.old_age_ms > 0) doc["old_age_ms"] = report.old_age_ms;
  return doc;
}

std::string lock_wait_json(const LockWaitReport& report) { return lock_wait_document(report).dump(); }

std::optional<LockWaitReport> parse_lock_wait_json(const std::string& text) {
  return read_lock_wait(nlohmann::json::parse(text, nullptr, false));
}

std::optional<LockWaitReport> read_lock_wait(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("blockers") || !doc["blockers"].is_array() ||
      !doc.value("revision", nlohmann::json()).is_string())
    return std::nullopt;
  LockWaitReport report;
  report.revision = doc["revision"].get<std::string>();
  report.attempt = doc.value("attempt", 0);
  report.attempts = doc.value("attempts", 0);
  report.wait_ms = doc.value("wait_ms", 0);
  report.waited_ms = doc.value("waited_ms", 0);
  report.old_age_ms = doc.value("old_age_ms", 0);
  for (const auto& b : doc["blockers"]) {
    if (!b.is_object()) continue;
    LockBlocker blocker;
    blocker.pid = b.value("pid", 0);
    blocker.user = b.value("user", "");
    blocker.application = b.value("application", "");
    blocker.state = b.value("state", "");
    blocker.xact_age_s = b.value("xact_age_s", 0.0);
    blocker.query = b.value("query", "");
    blocker.lock_mode = b.value("lock_mode", "");
    blocker.relation = b.value("relation", "");
    blocker.granted = b.value("granted", true);
    report.blockers.push_back(std::move(blocker));
  }
  return report;
}

std::vector<LockBlocker> older_than(const std::vector<LockBlocker>& blockers, int age_ms) {
  std::vector<LockBlocker> out;
  for (const LockBlocker& b : blockers)
    if (b.xact_age_s > 0 && b.xact_age_s * 1000.0 >= age_ms) out.push_back(b);
  return out;
}

std::vector<LockBlocker> maybe_older_than(const std::vector<LockBlocker>& blockers, int age_ms) {
  std::vector<LockBlocker> out;
  for (const LockBlocker& b : blockers)
    if (b.state.empty() || (b.xact_age_s > 0 && b.xact_age_s * 1000.0 >= age_ms)) out.push_back(b);
  return out;
}

std::vector<BlockerSignal> blockers_to_signal(const LockWaitReport& report, int after_ms) {
  std::vector<BlockerSignal> out;
  if (after_ms <= 0 || report.waited_ms + report.wait_ms < after_ms) return out;
  for (const LockBlocker& b : report.blockers) {
    if (!b.granted || b.pid <= 0) continue;
    if (std::any_of(out.begin(), out.end(), [&](const BlockerSignal& s) { return s.pid == b.pid; })) continue;
    out.push_back({b.pid, b.state.rfind("idle in transaction", 0) == 0});
  }
  return out;
}

std::string describe_blocker(const LockBlocker& b) {
  char age[32];
  std::snprintf(age, sizeof age, "%.1f", b.xact_age_s);
  // pg_stat_activity hides other roles' queries from the unprivileged.
  std::string query = b.query == "<insufficient privilege>" ? std::string() : b.query;
  for (char& c : query)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (query.size() > 80) query = query.substr(0, 77) + "...";
  return "pid " + std::to_string(b.pid) + " (user " + (b.user.empty() ? "?" : b.user) +
         (b.application.empty() ? "" : ", application " + b.application) + (b.state.empty() ? "" : ", " + b.state) +
         (b.xact_age_s > 0 ? ", transaction " + std::string(age) + " s old" : "") + ") " +
         (b.granted ? "holds " : "waits for ") + b.lock_mode + " on " + b.relation +
         (query.empty() ? "" : ": " + query);
}

}  // namespace mm
