#include "client/autogenerate/comparison.hpp"

#include <algorithm>

#include "client/cli/cli.hpp"
#include "core/revisions/revision.hpp"
#include "client/migrate/runner.hpp"
#include "client/server/migration_session.hpp"
#include "client/server/server_api.hpp"
#include "client/os/signal_guard.hpp"
#include "client/server/version_table.hpp"

namespace mmc {

namespace {

using nlohmann::json;

bool lacks_extension(const ServerError& e) { return e.sqlstate() == "3F000" || e.sqlstate() == "42883"; }

OperationError no_extension(const std::string& what, const Connection& conn) {
  return OperationError(what + " (" + conn.describe() + ") has no metamigrate extension, which takes the snapshot",
                        "Run the setup SQL that 'metamigrate scaffold' prints there (CREATE EXTENSION metamigrate), "
                        "or compare with the local revisions: --from-revisions.");
}

// Where a replay in a scratch database runs the statements of
// non-transactional revisions: never the user's own login (a superuser's,
// who created the scratch database), but a temporary migration login the
// scratch database issues, dropped again after the replay (the scratch
// database, which holds its record, is dropped too, so the server would
// never reap it).
class ReplayLogin {
 public:
  ReplayLogin(Connection& scratch, const Manifest& manifest, ConnectTarget server, const Output& out)
      : scratch_(scratch), manifest_(manifest), server_(std::move(server)), out_(out) {}
  ~ReplayLogin() { drop(); }
  ReplayLogin(const ReplayLogin&) = delete;
  ReplayLogin& operator=(const ReplayLogin&) = delete;

  Connection& session() {
    if (!as_owner_) as_owner_ = logs_in_as(scratch_, manifest_.owner_role);
    if (*as_owner_) return scratch_;
    if (!login_) {
      json issued = json_value(scratch_.query(
          sql::migration_connection(migration_login_request(manifest_, scratch_, CredentialOptions{}.ttl_seconds))));
      login_ = connect_migration_login(issued, server_, scratch_.user(), out_);
      out_.detail("replaying non-transactional revisions as the temporary migration login " + login_->role);
    }
    return *login_->connection;
  }

  void drop() noexcept {
    if (!login_) return;
    const std::string role = login_->role;
    login_.reset();                // closing it cancels what still runs there
    scratch_.on_wait(nullptr, 0);  // no Interrupted out of a destructor
    try {
      scratch_.rollback_if_open();
      scratch_.run_statement("REASSIGN OWNED BY " + quote_identifier(role) + " TO " +
                             quote_identifier(manifest_.owner_role) + "; DROP OWNED BY " + quote_identifier(role) +
                             "; DROP ROLE " + quote_identifier(role));
    } catch (const std::exception& e) {
      out_.detail("could not drop the temporary migration login " + role + " (it expires on its own): " + e.what());
    }
    SignalGuard::watch(scratch_);
  }

 private:
  Connection& scratch_;
  const Manifest& manifest_;
  ConnectTarget server_;
  const Output& out_;
  std::optional<bool> as_owner_;
  std::optional<MigrationLogin> login_;
};

// "tables: public.t, public.u; views: public.v" for the objects a model
// holds beyond an empty public schema ("" when there are none).
std::string objects_in(const json& model) {
  std::string out;
  for (auto it = model.begin(); it != model.end(); ++it) {
    if (!it->is_array() || it.key() == "dependencies" || it->empty()) continue;
    std::string names;
    for (const json& object : *it) {
      if (it.key() == "schemas" && object.value("name", "") == "public") continue;
      std::string name = object.value("name", "?");
      if (object.contains("schema") && object["schema"].is_string())
        name = object["schema"].get<std::string>() + "." + name;
      names += (names.empty() ? "" : ", ") + name;
    }
    if (!names.empty()) out += (out.empty() ? "" : "; ") + it.key() + ": " + names;
  }
  return out;
}

// snapshot_differences says "from"/"to"; the reader knows the two sides by name.
std::string name_sides(std::string difference, const std::string& baseline) {
  auto replace_suffix = [&](const std::string& suffix, const std::string& by) {
    if (difference.size() >= suffix.size() &&
        difference.compare(difference.size() - suffix.size(), suffix.size(), suffix) == 0)
      difference.replace(difference.size() - suffix.size(), suffix.size(), by);
  };
  replace_suffix(": only in from", ": only in " + baseline);
  replace_suffix(": only in to", ": only in the desired schema");
  return difference;
}

std::string heads_text(const std::vector<std::string>& heads) {
  return heads.empty() ? std::string("base") : mm::join(heads);
}

void require_heads(std::vector<std::string> database, std::vector<std::string> parents) {
  std::sort(database.begin(), database.end());
  std::sort(parents.begin(), parents.end());
  if (database == parents) return;
  throw OperationError("the database is at " + heads_text(database) + " but the new revision follows " +
                           heads_text(parents) +
                           ": autogenerate compares with the database, so it must be at the revision the new one "
                           "builds on; no revision written",
                       "Run 'metamigrate upgrade " + (parents.empty() ? std::string("base") : parents[0]) +
                           "' first, or compare with the local revisions instead: --from-revisions.");
}

}  // namespace

void add_comparison_options(cxxopts::Options& options) {
  options.add_options("Desired schema and baseline")(
      "dev-url",
      "load the schema files into this existing, empty database (with the extension) instead of a scratch database "
      "the client creates and drops; they run in a transaction that is rolled back, so it stays empty",
      cxxopts::value<std::string>(),
      "DSN")("from-revisions",
             "compare with the local revisions replayed in a scratch database instead of with the target database");
}

ComparisonOptions comparison_options(const CommandLine& cl) {
  ComparisonOptions options;
  options.dev_url = cl.optional_string("dev-url");
  if (options.dev_url && options.dev_url->empty()) throw UsageError("--dev-url needs a connection string");
  if (options.dev_url && holds_password(*options.dev_url))
    cl.out().warning(password_on_command_line_warning("--dev-url", ""));
  options.from_revisions = cl.parsed().count("from-revisions") > 0;
  return options;
}

SchemaComparison::SchemaComparison(const CommandLine& cl, const ProviderDir& provider, const ComparisonOptions& options)
    : provider_(provider), out_(cl.out()) {
  files_ = read_schema_files(provider);  // input errors before any database work
  if (options.from_revisions) provider.check_uploadable();
  std::string baseline_model;
  if (options.from_revisions) {
    baseline_model = baseline_from_revisions(cl, options.revisions_target);
    baseline_description_ = "the local revisions replayed to " +
                            (options.revisions_target.empty() ? std::string("base") : options.revisions_target);
  } else {
    baseline_from_database(cl, options);  // its snapshot is received below
  }
  SignalGuard::throw_if_received();
  const std::string desired_model =
      options.dev_url ? desired_in_dev_database(*options.dev_url) : desired_in_scratch(cl);
  SignalGuard::throw_if_received();
  if (!options.from_revisions) baseline_model = receive_snapshot(*target_, "the target database");

  out_.detail("server: metamigrate.compare_models (the diff and the differences of the two models)");
  json comparison = json::parse(
      desired_conn_->query("SELECT metamigrate.compare_models($1, $2)", {baseline_model, desired_model}).text(0, 0));
  diff_ = SchemaDiff::from_json(std::move(comparison.at("diff")));
  const std::string baseline_side = options.from_revisions ? "the revisions" : "the database";
  for (const json& d : comparison.at("differences"))
    differences_.push_back(name_sides(d.get<std::string>(), baseline_side));
}

SchemaComparison::~SchemaComparison() {
  if (dev_) {
    dev_->on_wait(nullptr, 0);
    dev_->cancel_running_query();
    dev_->rollback_if_open();  // the --dev-url database stays as it was
  }
}

std::string SchemaComparison::snapshot(const Connection& conn, const std::string& what) const {
  send_snapshot(conn);
  return receive_snapshot(conn, what);
}

void SchemaComparison::send_snapshot(const Connection& conn) const {
  conn.send_query("SELECT metamigrate.snapshot_text(ARRAY(SELECT pg_catalog.jsonb_array_elements_text($1::jsonb)))",
                  {json(provider_.manifest().schemas).dump()});
}

std::string SchemaComparison::receive_snapshot(const Connection& conn, const std::string& what) const {
  try {
    return conn.receive_result().text(0, 0);
  } catch (const ServerError& e) {
    if (!lacks_extension(e)) throw;
    throw no_extension(what, conn);
  }
}

void SchemaComparison::baseline_from_database(const CommandLine& cl, const ComparisonOptions& options) {
  target_ = cl.connect();
  SignalGuard::watch(*target_);
  bool exists = false;
  database_heads_ = read_version_table(*target_, provider_.manifest(), &exists);
  if (options.require_database_at) require_heads(*database_heads_, *options.require_database_at);
  baseline_description_ = target_->describe();
  // Said before the desired schema is built, not after (the snapshot's
  // own error comes only when it is received).
  if (target_->query("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'metamigrate'").rows() == 0)
    throw no_extension("the target database", *target_);
  // Taken by the target's server while the desired schema is built on
  // another connection (received after it).
  out_.detail("server: snapshot of the target database (while the desired schema is built)");
  send_snapshot(*target_);
}

std::string SchemaComparison::baseline_from_revisions(const CommandLine& cl, const std::string& target) {
  const Manifest& m = provider_.manifest();
  baseline_scratch_ =
      std::make_unique<ScratchDatabase>(resolve_connect_target(cl.globals().dsn), out_, "the local revisions");
  Connection& conn = baseline_scratch_->conn();
  if (conn.query("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", {m.owner_role}).rows() == 0)
    throw OperationError("the owner role \"" + m.owner_role + "\" does not exist on " + conn.describe() +
                             ", so the revisions cannot be replayed",
                         "Run the setup SQL that 'metamigrate scaffold' prints once on this server.");
  // What the setup SQL grants in a real database, and CREATE on the
  // database for revisions that create schemas.
  const std::string owner = quote_identifier(m.owner_role);
  std::string grants = "GRANT USAGE ON SCHEMA metamigrate TO " + owner + "; GRANT CREATE ON DATABASE " +
                       quote_identifier(baseline_scratch_->name()) + " TO " + owner + ";";
  if (m.version_table.schema != "public")
    grants +=
        " CREATE SCHEMA IF NOT EXISTS " + quote_identifier(m.version_table.schema) + " AUTHORIZATION " + owner + ";";
  for (const std::string& schema : m.schemas)
    if (schema == m.version_table.schema || schema == "public" ||
        conn.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {schema}).rows() > 0)
      grants += " GRANT USAGE, CREATE ON SCHEMA " + quote_identifier(schema) + " TO " + owner + ";";
  if (m.version_table.schema != "public" &&
      std::find(m.schemas.begin(), m.schemas.end(), m.version_table.schema) == m.schemas.end())
    grants += " GRANT USAGE, CREATE ON SCHEMA " + quote_identifier(m.version_table.schema) + " TO " + owner + ";";
  conn.run_statement(grants);
  conn.query(sql::register_provider(m));
  if (!target.empty() && !provider_.files().empty()) {
    MigrationRequest request;
    request.target = target;
    request.lint = false;  // these revisions are only replayed
    MigrationReport report;
    {
      ReplayLogin login(conn, m, resolve_connect_target(cl.globals().dsn), out_);
      MigrationRunner runner(conn, conn, provider_, out_, [&login]() -> Connection& { return login.session(); });
      SignalGuard::watch(conn);
      try {
        report = runner.run(request);
      } catch (ServerError& e) {
        e.notes.push_back("while replaying the local revisions in the scratch database (--from-revisions)");
        throw;
      }
    }
    SignalGuard::watch(conn);  // the runner resets the wait handler
    out_.detail("replayed " + std::to_string(report.steps.size()) + " revision(s) in " + baseline_scratch_->name());
  }
  out_.detail("server: snapshot of the replayed revisions");
  return snapshot(conn, "the scratch database");
}

std::string SchemaComparison::desired_in_scratch(const CommandLine& cl) {
  desired_scratch_ =
      std::make_unique<ScratchDatabase>(resolve_connect_target(cl.globals().dsn), out_, "the desired schema");
  desired_conn_ = &desired_scratch_->conn();
  out_.detail("loading " + describe_schema_files(files_) + " into " + desired_scratch_->name());
  load_schema_files(*desired_conn_, files_, false);
  return snapshot(*desired_conn_, "the scratch database");
}

std::string SchemaComparison::desired_in_dev_database(const std::string& dsn) {
  ConnectTarget target = resolve_connect_target(dsn);
  target.origin = "--dev-url";
  try {
    dev_ = std::make_unique<Connection>(target, out_);
  } catch (const OperationError& e) {
    throw OperationError(std::string(e.what()) + " (--dev-url)",
                         "--dev-url names an existing empty database with the metamigrate extension, where the "
                         "schema files are loaded and rolled back.");
  }
  SignalGuard::watch(*dev_);
  desired_conn_ = dev_.get();
  dev_->run_statement("BEGIN");
  const std::string before = snapshot(*dev_, "the --dev-url database");
  const std::string objects = objects_in(json::parse(before));
  if (!objects.empty())
    throw OperationError(
        "the --dev-url database " + dev_->describe() + " is not empty in the compared schemas (" + objects + ")",
        "Give an empty database: the schema files are loaded into it to read the desired state "
        "(and rolled back). Or omit --dev-url to use a scratch database.");
  out_.detail("loading " + describe_schema_files(files_) + " into " + dev_->describe() + " (rolled back afterwards)");
  load_schema_files(*dev_, files_, true);
  return snapshot(*dev_, "the --dev-url database");
}

}  // namespace mmc
