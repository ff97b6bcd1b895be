#include "client/migrate/report.hpp"

#include <libpq-fe.h>

#include "client/migrate/runner.hpp"
#include "core/lock_retry.hpp"
#include "core/protocol.hpp"

namespace mmc {

nlohmann::json MigrationReport::to_json() const {
  nlohmann::json steps_json = nlohmann::json::array();
  for (const AppliedStep& s : steps)
    steps_json.push_back({{"revision", s.revision},
                          {"direction", s.direction},
                          {"message", s.message},
                          {"statements", s.statements},
                          {"duration_ms", s.duration_ms},
                          {"transactional", s.transactional},
                          {"attempts", s.attempts},
                          {"lock_waits", s.lock_waits},
                          {"old_transactions", s.old_transactions}});
  nlohmann::json doc = {{"provider", provider},
                        {"operation", operation},
                        {"target", target},
                        {"mode", mode},
                        {"from", from},
                        {"to", to},
                        {"steps", steps_json},
                        {"transactions", transactions},
                        {"duration_ms", duration_ms}};
  if (!catalog.is_null()) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : catalog.value("tables", nlohmann::json::array()))
      tables.push_back({{"uid", t.value("uid", "")},
                        {"identifier", t.value("identifier", "")},
                        {"schema_name", t.value("schema_name", "")},
                        {"table_name", t.value("table_name", "")},
                        {"status", t.value("status", "")}});
    doc["catalog"] = {{"counts", catalog.value("counts", nlohmann::json::object())}, {"tables", tables}};
  }
  doc["after_register"] = hook.empty() ? nlohmann::json() : nlohmann::json(hook);
  nlohmann::json findings = nlohmann::json::array();
  for (const RevisionLintFinding& f : lint) findings.push_back(f.to_json());
  doc["lint"] = findings;
  doc["executed_by"] = executed_by;
  return doc;
}

void MigrationRunner::add_steps(MigrationReport& report, const nlohmann::json& server_result) {
  for (const auto& s : server_result.value("steps", nlohmann::json::array())) {
    AppliedStep step;
    step.revision = s.value("revision", "");
    step.direction = s.value("direction", "");
    step.statements = s.value("statements", 0);
    step.duration_ms = s.value("duration_ms", 0.0);
    if (const RevisionFile* file = provider_.find_file(step.revision)) step.message = file->revision.message;
    lock_waits_.fill(step, s);
    report_progress(step);
    report.steps.push_back(std::move(step));
  }
}

void MigrationRunner::on_server_notice(const PGresult* notice) {
  const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(notice, PG_DIAG_MESSAGE_DETAIL);
  const std::string text = message ? message : "";
  if (detail && text == mm::kLockRetryNotice) {
    // A revision's attempt could not get its lock; the server retries.
    if (std::optional<mm::LockWaitReport> wait = mm::parse_lock_wait_json(detail)) {
      lock_waits_.retrying(*wait, "revision " + wait->revision);
      return;
    }
  }
  if (detail && text == mm::kOldTransactionsNotice) {
    if (std::optional<mm::LockWaitReport> before = mm::parse_lock_wait_json(detail)) {
      lock_waits_.old_transactions(*before);
      return;
    }
  }
  if (detail && text == mm::protocol::kProgressNotice && progress_on_) {
    const nlohmann::json step = nlohmann::json::parse(detail, nullptr, false);
    if (!step.is_object()) return;
    const std::size_t total = step.value("of", std::size_t{0});
    const std::string revision = step.value("revision", "");
    const RevisionFile* file = provider_.find_file(revision);
    if (out_.wants_progress(total))
      out_.progress(step.value("step", std::size_t{0}), total, revision, file ? file->revision.message : "",
                    step.value("duration_ms", 0.0));
    server_reported_progress_ = true;
    return;
  }
  conn_.print_notice(notice);
}

std::vector<Query> MigrationRunner::progress_settings(bool local) {
  if (!out_.wants_progress(static_cast<std::size_t>(-1))) return {};
  progress_on_ = true;
  return {sql::set_config("metamigrate.progress", "on", local)};
}

void MigrationRunner::report_progress(const AppliedStep& step) {
  ++progress_index_;
  if (server_reported_progress_) return;  // already shown live
  if (out_.wants_progress(progress_total_))
    out_.progress(progress_index_, progress_total_, step.revision, step.message, step.duration_ms);
}

}  // namespace mmc
