#include "client/fleet/fleet_report.hpp"

#include <algorithm>
#include <cstdio>

namespace mmc {

namespace {

const char* status_word(UnitStatus status) {
  switch (status) {
    case UnitStatus::Ok:
      return "ok";
    case UnitStatus::Failed:
      return "FAILED";
    case UnitStatus::Skipped:
      return "skipped";
  }
  return "?";
}

std::string join_heads(const std::vector<std::string>& heads) {
  if (heads.empty()) return "(base)";
  std::string text;
  for (const std::string& h : heads) text += (text.empty() ? "" : ",") + h;
  return text;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

}  // namespace

std::string UnitResult::name() const { return tenant ? target + " [tenant " + *tenant + "]" : target; }

std::string heads_text(const UnitResult& unit) {
  if (unit.status == UnitStatus::Skipped) return "-";
  if (unit.status == UnitStatus::Failed && unit.from.empty() && unit.to.empty()) return "-";
  if (unit.from != unit.to) return join_heads(unit.from) + " -> " + join_heads(unit.to);
  return "at " + join_heads(unit.to);
}

std::string live_line(const UnitResult& unit, std::size_t done, std::size_t total) {
  std::string line = "[" + std::to_string(done) + "/" + std::to_string(total) + "] " +
                     padded(status_word(unit.status), 7) + " " + unit.name() + "  " + heads_text(unit) + "  (" +
                     format_duration_ms(unit.duration_ms) + ")";
  if (!unit.error.empty()) line += ": " + first_line(unit.error);
  return line;
}

void print_fleet_table(const Output& out, const std::string& command, const std::vector<UnitResult>& units) {
  std::size_t width = 6;
  for (const UnitResult& u : units) width = std::max(width, u.name().size());
  width = std::min<std::size_t>(width, 100);
  out.result(padded("TARGET", width) + "  " + padded("STATUS", 7) + "  " + padded("DURATION", 10) + "  HEADS");
  std::size_t ok = 0, changed = 0, failed = 0, skipped = 0;
  for (const UnitResult& u : units) {
    out.result(padded(u.name(), width) + "  " + padded(status_word(u.status), 7) + "  " +
               padded(u.status == UnitStatus::Skipped ? "-" : format_duration_ms(u.duration_ms), 10) + "  " +
               heads_text(u));
    if (u.ok()) ++ok;
    if (u.ok() && u.changed) ++changed;
    if (u.status == UnitStatus::Failed) ++failed;
    if (u.status == UnitStatus::Skipped) ++skipped;
  }
  for (const UnitResult& u : units)
    if (!u.error.empty()) out.result(u.name() + ": " + first_line(u.error));
  out.result(command + ": " + std::to_string(units.size()) + (units.size() == 1 ? " target, " : " targets, ") +
             std::to_string(ok) + " ok (" + std::to_string(changed) + " changed), " + std::to_string(failed) +
             " failed, " + std::to_string(skipped) + " skipped");
}

nlohmann::json fleet_json(const std::string& command, const std::vector<UnitResult>& units) {
  nlohmann::json targets = nlohmann::json::array();
  std::size_t ok = 0, changed = 0, failed = 0, skipped = 0;
  for (const UnitResult& u : units) {
    nlohmann::json entry = {{"target", u.target}};
    if (u.tenant) entry["tenant"] = *u.tenant;
    entry["ok"] = u.ok();
    entry["status"] = u.status == UnitStatus::Ok ? "ok" : u.status == UnitStatus::Failed ? "failed" : "skipped";
    entry["changed"] = u.changed;
    entry["from"] = u.from;
    entry["to"] = u.to;
    entry["duration_ms"] = static_cast<long long>(u.duration_ms + 0.5);
    entry["error"] = u.error.empty() ? nlohmann::json() : nlohmann::json(u.error);
    entry["origin"] = u.origin;
    entry["result"] = u.result;
    targets.push_back(std::move(entry));
    if (u.ok()) ++ok;
    if (u.ok() && u.changed) ++changed;
    if (u.status == UnitStatus::Failed) ++failed;
    if (u.status == UnitStatus::Skipped) ++skipped;
  }
  return {{"command", command},
          {"targets", targets},
          {"summary",
           {{"total", units.size()}, {"ok", ok}, {"changed", changed}, {"failed", failed}, {"skipped", skipped}}}};
}

}  // namespace mmc
