// What `revision --autogenerate` and `check` compare: the desired schema
// (the manifest's schema_files loaded into a scratch database, or into an
// empty --dev-url database inside a transaction that is rolled back)
// against the baseline (the target database, or with --from-revisions a
// scratch database brought to head by replaying the local revisions),
// both restricted to the manifest's "schemas" by metamigrate.snapshot and
// compared by metamigrate.diff. The databases live as long as the object.
#pragma once

#include "client/cli/options_parser.hpp"
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/autogenerate/render.hpp"
#include "client/server/connection.hpp"
#include "client/provider/provider_dir.hpp"
#include "client/autogenerate/scratch_database.hpp"
#include "client/autogenerate/schema_files.hpp"

namespace mmc {

class CommandLine;

struct ComparisonOptions {
  std::optional<std::string> dev_url;      // an empty database for the desired state
  bool from_revisions = false;             // baseline: the local revisions replayed in a scratch database
  std::string revisions_target = "heads";  // how far they are replayed ("" = not at all: base)
  // Without --from-revisions: the version table must hold exactly these
  // heads (a new revision continues the database's history), checked
  // before the desired state is built.
  std::optional<std::vector<std::string>> require_database_at;
};

// --dev-url and --from-revisions for a command's parser.
void add_comparison_options(cxxopts::Options& options);
ComparisonOptions comparison_options(const CommandLine& cl);

class SchemaComparison {
 public:
  // Reads the schema files, builds both states and diffs them. Throws
  // InputError (schema files), OperationError/ServerError otherwise.
  SchemaComparison(const CommandLine& cl, const ProviderDir& provider, const ComparisonOptions& options);
  ~SchemaComparison();
  SchemaComparison(const SchemaComparison&) = delete;
  SchemaComparison& operator=(const SchemaComparison&) = delete;

  const SchemaDiff& diff() const { return diff_; }
  // Where the models differ, as paths ("tables[public.t].columns[x]: only in the database").
  const std::vector<std::string>& differences() const { return differences_; }
  const std::vector<SchemaFile>& files() const { return files_; }
  // "postgresql://u@h:5432/app" or "the local revisions replayed to head".
  const std::string& baseline_description() const { return baseline_description_; }
  // The version table's rows, when the baseline is the target database.
  const std::optional<std::vector<std::string>>& database_heads() const { return database_heads_; }
  // A connection to a database with the extension (for lint), valid while
  // this object lives.
  const Connection& server() const { return *desired_conn_; }

 private:
  const ProviderDir& provider_;
  const Output& out_;
  std::vector<SchemaFile> files_;
  std::unique_ptr<Connection> target_;
  std::unique_ptr<ScratchDatabase> baseline_scratch_;
  std::unique_ptr<ScratchDatabase> desired_scratch_;
  std::unique_ptr<Connection> dev_;
  Connection* desired_conn_ = nullptr;
  std::string baseline_description_;
  std::optional<std::vector<std::string>> database_heads_;
  SchemaDiff diff_;
  std::vector<std::string> differences_;

  // Checks the version table and sends the target's snapshot (see receive_snapshot).
  void baseline_from_database(const CommandLine& cl, const ComparisonOptions& options);
  std::string baseline_from_revisions(const CommandLine& cl, const std::string& target);
  std::string desired_in_scratch(const CommandLine& cl);
  std::string desired_in_dev_database(const std::string& dsn);
  std::string snapshot(const Connection& conn, const std::string& what) const;
  // snapshot() in two halves: the target database's is taken while the
  // desired schema is loaded elsewhere.
  void send_snapshot(const Connection& conn) const;
  std::string receive_snapshot(const Connection& conn, const std::string& what) const;
};

}  // namespace mmc
