#include "client/migrate/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "client/output/output.hpp"
#include "core/revisions/planner.hpp"

namespace mmc {

namespace fs = std::filesystem;

namespace {
constexpr const char* kDir = ".metamigrate";
constexpr const char* kFile = "interrupted.json";
}  // namespace

nlohmann::json UnfinishedRevision::to_json() const {
  return {{"data_source_uid", data_source_uid},
          {"database", database},
          {"provider", provider},
          {"revision", revision},
          {"direction", direction},
          {"statements", statements},
          {"failed_statement", failed_statement},
          {"committed_statements", failed_statement - 1},
          {"location", location},
          {"sqlstate", sqlstate},
          {"error", error},
          {"at", at},
          {"state", state}};
}

UnfinishedRevision UnfinishedRevision::from_json(const nlohmann::json& doc) {
  UnfinishedRevision i;
  i.data_source_uid = doc.value("data_source_uid", "");
  i.database = doc.value("database", "");
  i.provider = doc.value("provider", "");
  i.revision = doc.value("revision", "");
  i.direction = doc.value("direction", "");
  i.statements = doc.value("statements", 0);
  i.failed_statement = doc.value("failed_statement", 0);
  i.location = doc.value("location", "");
  i.sqlstate = doc.value("sqlstate", "");
  i.error = doc.value("error", "");
  i.at = doc.value("at", "");
  i.state = doc.value("state", "failed");
  return i;
}

std::string UnfinishedRevision::describe() const {
  const int done = failed_statement - 1;
  std::string out = "revision " + revision + " (" + direction + ", non-transactional) was interrupted at " + at + ": ";
  out += done == 0
             ? std::string("none of its ") + std::to_string(statements) + " statements ran"
             : "statements 1-" + std::to_string(done) + " of " + std::to_string(statements) + " ran and are committed";
  if (state == "running")
    out += "; the client stopped (killed, crashed or lost its connection) while statement " +
           std::to_string(failed_statement) + " (" + location + ") ran: it may or may not have completed";
  else
    out +=
        "; statement " + std::to_string(failed_statement) + " (" + location + ") failed: [" + sqlstate + "] " + error;
  out += "\n  it is not recorded as applied. Resolve it with one of:";
  out += "\n    metamigrate repair --resume        run statements " + std::to_string(failed_statement) + "-" +
         std::to_string(statements) + " now and record the revision";
  out += "\n    metamigrate repair --mark-applied  record it as applied (you finished it by hand)";
  out += "\n    metamigrate repair --forget        drop this record (you undid statements 1-" + std::to_string(done) +
         " by hand; the next " + direction + " runs it from statement 1)";
  return out;
}

bool interruption_pending(const UnfinishedRevision& interrupted, const mm::RevisionGraph& graph,
                          const std::vector<std::string>& heads) {
  const std::size_t node = graph.find(interrupted.revision);
  if (node == mm::RevisionGraph::npos) return true;  // cannot tell: keep it
  const mm::Planner planner(graph, heads);
  const bool applied = planner.applied()[node] != 0;
  return interrupted.direction == "upgrade" ? !applied : applied;
}

namespace {

// Serializes the journal's read-modify-write between processes: a fleet
// runs several clients on one provider directory at once. Best effort:
// without the lock file the update proceeds as before.
class JournalLock {
 public:
  explicit JournalLock(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fd_ = ::open((dir / "interrupted.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~JournalLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

InterruptionJournal::InterruptionJournal(const ProviderDir& provider)
    : dir_(provider.dir() / kDir), shown_(provider.display(fs::path(kDir) / kFile)) {}

std::string InterruptionJournal::path() const { return shown_; }

nlohmann::json InterruptionJournal::load() const {
  std::ifstream in(dir_ / kFile, std::ios::binary);
  if (!in) return nlohmann::json::array();
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  return doc.is_array() ? doc : nlohmann::json::array();
}

void InterruptionJournal::save(const nlohmann::json& doc, const Output& out) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path ignore = dir_ / ".gitignore";
  if (!ec && !fs::exists(ignore, ec)) std::ofstream(ignore) << "# local state of the metamigrate client\n*\n";
  const fs::path target = dir_ / kFile,
                 temporary = dir_ / (std::string(kFile) + "." + std::to_string(::getpid()) + ".tmp");
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << doc.dump(2) << "\n";
    if (!file) ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec) fs::rename(temporary, target, ec);
  if (ec) out.warning("cannot write " + shown_ + " (" + ec.message() + "); the interruption is only in this message");
}

bool InterruptionJournal::empty() const {
  std::error_code ec;
  return !fs::exists(dir_ / kFile, ec) || load().empty();
}

std::optional<UnfinishedRevision> InterruptionJournal::find(const std::string& data_source_uid,
                                                            const std::string& provider) const {
  for (const auto& entry : load())
    if (entry.value("data_source_uid", "") == data_source_uid && entry.value("provider", "") == provider)
      return UnfinishedRevision::from_json(entry);
  return std::nullopt;
}

void InterruptionJournal::record(const UnfinishedRevision& entry, const Output& out) const {
  const JournalLock lock(dir_);
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& e : load())
    if (!(e.value("data_source_uid", "") == entry.data_source_uid && e.value("provider", "") == entry.provider))
      doc.push_back(e);
  doc.push_back(entry.to_json());
  save(doc, out);
}

void InterruptionJournal::clear(const std::string& data_source_uid, const std::string& provider,
                                const Output& out) const {
  std::error_code ec;
  if (!fs::exists(dir_ / kFile, ec)) return;
  const JournalLock lock(dir_);
  nlohmann::json doc = nlohmann::json::array();
  bool removed = false;
  for (const auto& e : load()) {
    if (e.value("data_source_uid", "") == data_source_uid && e.value("provider", "") == provider)
      removed = true;
    else
      doc.push_back(e);
  }
  if (removed) save(doc, out);
}

}  // namespace mmc
