// The record of an interrupted non-transactional revision.
//
// A non-transactional revision runs statement by statement at top level;
// if statement k fails, statements 1..k-1 stay committed while the
// revision is not recorded as applied (record_step runs only after the
// last statement). The client writes what happened to a journal in the
// provider directory, .metamigrate/interrupted.json, keyed by the
// database (metamigrate.data_source_uid()) and provider, so that
// `current` can report it and `upgrade`/`downgrade` refuse to run the
// revision again from its first statement until `repair` resolves it.
// The journal is local to the machine that ran the migration.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "client/provider/provider_dir.hpp"
#include "core/revisions/graph.hpp"

namespace mmc {

class Output;

struct UnfinishedRevision {
  std::string data_source_uid;  // which database
  std::string database;         // user@host:port/db, for messages (no password)
  std::string provider;
  std::string revision;
  std::string direction;     // upgrade / downgrade
  int statements = 0;        // in the section
  int failed_statement = 0;  // 1-based; statements before it are committed
  std::string location;      // file:line of the failed statement
  std::string sqlstate;
  std::string error;  // empty while the statement runs
  std::string at;     // UTC time
  // Written *before* each statement runs ("running") and replaced by the
  // outcome ("failed") or removed once the revision is recorded, so that
  // a client killed mid-statement (or a lost connection) leaves a record
  // too: statement failed_statement may or may not have completed.
  std::string state = "failed";

  nlohmann::json to_json() const;
  static UnfinishedRevision from_json(const nlohmann::json& doc);
  // Several lines: what ran, what failed, how to resolve it.
  std::string describe() const;
};

// Whether the interrupted step is still to do in a database whose
// version table holds `heads` (true when the revision is unknown).
bool interruption_pending(const UnfinishedRevision& interrupted, const mm::RevisionGraph& graph,
                          const std::vector<std::string>& heads);

class InterruptionJournal {
 public:
  explicit InterruptionJournal(const ProviderDir& provider);

  // Cheap: is there any record at all (no database needed)?
  bool empty() const;
  std::optional<UnfinishedRevision> find(const std::string& data_source_uid, const std::string& provider) const;
  // Replaces the record of the same database and provider. A journal
  // that cannot be written is reported (warning), never fatal.
  void record(const UnfinishedRevision& entry, const Output& out) const;
  void clear(const std::string& data_source_uid, const std::string& provider, const Output& out) const;

  std::string path() const;

 private:
  std::filesystem::path dir_;
  std::string shown_;
  nlohmann::json load() const;
  void save(const nlohmann::json& doc, const Output& out) const;
};

}  // namespace mmc
