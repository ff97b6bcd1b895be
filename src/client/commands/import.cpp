// import: revision files from another tool's migrations, and with --adopt
// the version table stamped to what that tool's history table records.
#include <fstream>
#include <regex>

#include "client/cli/commands.hpp"
#include "client/output/errors.hpp"
#include "client/import/ownership.hpp"
#include "client/import/adopt.hpp"
#include "client/import/importers.hpp"
#include "client/import/history.hpp"
#include "client/migrate/runner.hpp"
#include "client/provider/new_revision.hpp"
#include "client/provider/revision_file.hpp"
#include "client/server/migration_session.hpp"
#include "client/provider/text_file.hpp"
#include "core/error.hpp"

namespace mmc {

namespace fs = std::filesystem;

namespace {

struct Written {
  std::vector<std::string> paths;      // new files
  std::vector<std::string> unchanged;  // ids already imported, identical
};

std::string file_text(const import::ImportedMigration& m, const std::string& tool) {
  std::string text = render_revision_file(m.revision, m.create_date.empty() ? utc_timestamp() : m.create_date);
  // Where it came from, between the header and the upgrade section.
  const std::string marker = "\n-- metamigrate:upgrade\n";
  text.insert(text.find(marker) + 1, "-- imported from " + tool + ": " + m.source + "\n");
  return text;
}

bool same_revision(const mm::Revision& a, const mm::Revision& b) {
  return a.down_revisions == b.down_revisions && a.depends_on == b.depends_on && a.branch_labels == b.branch_labels &&
         a.message == b.message && a.upgrade_sql == b.upgrade_sql && a.downgrade_sql == b.downgrade_sql &&
         a.transactional == b.transactional;
}

// Checks everything first, then writes: an import that would overwrite a
// revision, clash with an id or break the graph writes nothing.
Written write_revisions(const ProviderDir& provider, const import::ImportSet& set, const Output& out) {
  Written written;
  std::vector<std::pair<fs::path, std::string>> to_write;
  std::vector<mm::Revision> graph;
  for (const RevisionFile& f : provider.files()) graph.push_back(f.revision);
  for (const import::ImportedMigration& m : set.migrations) {
    const std::string text = file_text(m, set.tool);
    const fs::path relative = fs::path("versions") / provider.manifest().namespace_ /
                              (m.revision.id + "_" + slug_of(m.revision.message) + ".sql");
    const RevisionFile normalized = parse_revision_file(text, provider.display(relative), relative.generic_string());
    if (const RevisionFile* existing = provider.find_file(m.revision.id)) {
      if (existing->revision.id == m.revision.id && same_revision(existing->revision, normalized.revision)) {
        written.unchanged.push_back(m.revision.id);
        continue;
      }
      throw InputError(existing->path, existing->line_of("revision"),
                       "revision " + m.revision.id + " already exists and differs from the import of " + m.source +
                           "; refusing to overwrite it (nothing was written)");
    }
    if (fs::exists(provider.dir() / relative))
      throw InputError(provider.display(relative), 0, "already exists; refusing to overwrite it (nothing was written)");
    graph.push_back(normalized.revision);
    to_write.emplace_back(relative, text);
  }
  try {
    mm::RevisionGraph check(std::move(graph));
  } catch (const mm::Error& e) {
    throw UsageError(std::string("the imported revisions do not fit the provider's graph: ") + e.what() +
                     " (nothing was written)");
  }
  for (const auto& [relative, text] : to_write) {
    std::ofstream file(provider.dir() / relative, std::ios::binary);
    file << text;
    if (!file) throw OperationError("cannot write " + provider.display(relative));
    written.paths.push_back(provider.display(relative));
    out.detail("wrote " + provider.display(relative));
  }
  return written;
}

struct Adoption {
  std::string table;
  std::vector<std::string> targets;
  std::vector<std::string> before;
  bool stamped = false;
  std::vector<ForeignOwned> foreign_owned;   // objects revisions cannot alter as the owner role
  std::vector<std::string> ignored_missing;  // --ignore-missing: recorded versions the source lacks
};

// Alembic keeps reading its own table: stamping a second one would leave
// alembic_version behind, and the two tools would disagree about what is
// applied. The manifest must name Alembic's table; checked before the
// provider is registered, which would create the manifest's table.
void require_shared_alembic_table(const Connection& login, const ProviderDir& provider,
                                  const std::string& history_table) {
  const VersionTableSettings& vt = provider.manifest().version_table;
  const std::string manifest_table = quote_identifier(vt.schema) + "." + quote_identifier(vt.name);
  const PgResult r = login.query(
      "SELECT c.oid = pg_catalog.to_regclass($2), n.nspname, c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)",
      {history_table, manifest_table});
  if (r.rows() == 0 || r.value(0, 0).value_or("f") == "t") return;
  const nlohmann::json shared{{"schema", r.text(0, 1)}, {"name", r.text(0, 2)}};
  throw OperationError(
      "cannot adopt: Alembic's version table is " + history_table + ", but the manifest's version_table is " +
          vt.schema + "." + vt.name + "; adopting would stamp that second table and leave " + history_table +
          " behind, so Alembic and metamigrate would disagree about what is applied. Nothing was stamped or created",
      provider.display("metamigrate.json") + ":" + std::to_string(provider.manifest().line_of("version_table")) +
          ": share Alembic's table by writing \"version_table\": " + shared.dump() +
          " (the column stays version_num), then run import --adopt again.");
}

Adoption adopt(CommandLine& cl, const import::ImportSet& set, const std::string& table) {
  const ProviderDir provider = cl.load_provider();  // with the files just written
  provider.check_uploadable();
  std::unique_ptr<Connection> login = cl.connect();
  const import::HistoryState state = read_history(*login, set, table);
  if (set.tool == "alembic") require_shared_alembic_table(*login, provider, state.table);
  MigrationSession session(cl, provider, credential_options(cl), MigrationSession::VersionRow::Skip, std::move(login));
  Adoption adoption;
  // Checked up front: the tool migrated as a role of its own, and the first
  // revision that alters such an object would fail with "must be owner".
  adoption.table = state.table;
  adoption.foreign_owned = foreign_owned_objects(session.login(), provider.manifest(), state.table);
  adoption.targets =
      import::adopt_targets(set, state, {cl.parsed().count("ignore-missing") > 0, &adoption.ignored_missing});
  for (const std::string& version : adoption.ignored_missing)
    cl.out().warning(state.table + " records version " + version +
                     ", which the source no longer has; "
                     "left out (--ignore-missing)");
  adoption.before = column_values(session.login().query(sql::current(provider.manifest().key())));
  std::sort(adoption.before.begin(), adoption.before.end());
  if (adoption.before == adoption.targets) return adoption;  // adopted before (or one table for both tools)
  if (!adoption.before.empty())
    throw OperationError(
        "cannot adopt: metamigrate's version table already holds " + mm::join(adoption.before) + " (" + state.table +
            " says " + (adoption.targets.empty() ? std::string("nothing is applied") : mm::join(adoption.targets)) +
            "); nothing was stamped",
        "Adoption only sets an empty version table; use 'metamigrate stamp' to move it deliberately.");
  if (adoption.targets.empty()) return adoption;
  MigrationRunner runner(session.migration(), session.login(), provider, cl.out(),
                         [&session]() -> Connection& { return session.top_level(); });
  for (const std::string& target : adoption.targets) {
    // Several heads (Alembic branches): each stamp adds its head.
    MigrationRequest request;
    request.operation = Operation::Stamp;
    request.target = target;
    request.no_wait = cl.parsed().count("no-wait") > 0;
    runner.run(request);
  }
  adoption.stamped = true;
  return adoption;
}

// --alembic-metadata / --naming-convention, checked here so that a typo
// is a usage error before Alembic runs.
import::AlembicOptions alembic_options(const CommandLine& cl, const std::string& tool){import::AlembicOptions options;
const auto metadata = cl.optional_string("alembic-metadata");
const auto convention = cl.optional_string("naming-convention");
if ((metadata || convention) && tool != "alembic")
  throw UsageError("--alembic-metadata and --naming-convention only apply with --from alembic");
if (metadata && convention) throw UsageError("give either --alembic-metadata or --naming-convention, not both");
if (metadata) {
  static const std::regex reference(R"(^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.]*$)");
  if (!std::regex_match(*metadata, reference))
    throw UsageError("--alembic-metadata \"" + *metadata + "\" is not MODULE:ATTR (e.g. myapp.models:Base.metadata)");
  options.metadata = *metadata;
}
if (convention) {
  const bool inline_json = !convention->empty() && convention->front() == '{';
  const std::string where = inline_json ? std::string("--naming-convention") : *convention;
  std::error_code ec;
  if (!inline_json && !fs::is_regular_file(*convention, ec))
    throw UsageError("--naming-convention \"" + *convention + "\" is neither a JSON object nor a file");
  const std::string text = inline_json ? *convention : read_text_file(*convention, *convention);
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.empty())
    throw UsageError(where +
                     ": the naming convention must be a JSON object of templates, e.g. "
                     "{\"fk\": \"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\"}");
  for (const auto& [key, value] : doc.items())
    if (!value.is_string()) throw UsageError(where + ": the template for \"" + key + "\" must be a string");
  options.naming_convention = doc.dump();
}
return options;
}  // namespace

void warn_foreign_owned(const Output& out, const Manifest& manifest, const std::vector<ForeignOwned>& objects) {
  if (objects.empty()) return;
  constexpr std::size_t kShown = 5;
  out.warning(
      std::to_string(objects.size()) + " object(s) in " + manifest.key() +
      "'s schemas belong to roles other "
      "than the owner role " +
      manifest.owner_role + " (" + owners_summary(objects) + "): revisions run as " + manifest.owner_role +
      ", so one that alters or drops them fails with \"must be owner of ...\". Hand "
      "them over as a superuser: 'metamigrate adopt-ownership' (or review 'metamigrate adopt-ownership --sql'). "
      "The statements:");
  for (std::size_t i = 0; i < objects.size() && i < kShown; ++i) out.warning("  " + objects[i].statement + ";");
  if (objects.size() > kShown) out.warning("  ... and " + std::to_string(objects.size() - kShown) + " more");
}

}  // namespace mmc

int cmd_import(CommandLine& cl) {
  std::string tools;
  for (const std::string& name : import::tool_names()) tools += (tools.empty() ? "" : ", ") + name;
  cxxopts::Options o = cl.options(
      "Write revision files into the provider from another tool's migrations in SRC (its native layout), chained in "
      "the tool's order, with ids derived from the tool's versions. Existing revisions are never overwritten (an "
      "identical one is kept). Down migrations that do not exist become empty downgrade sections with a warning "
      "comment.\n\nTOOL: " +
          tools +
          ". alembic takes each revision's SQL from Alembic's offline mode (`alembic` must "
          "be on PATH).\n\nWith --adopt, also read the tool's history table in the database (schema_migrations, "
          "flyway_schema_history, __diesel_schema_migrations, sqitch.changes, alembic_version) and stamp the version "
          "table "
          "to match, without running SQL, so that 'upgrade' runs only what the tool had not applied.\n",
      "--from TOOL SRC");
  o.add_options()("from", "the tool that wrote SRC: " + tools, cxxopts::value<std::string>(), "TOOL")(
      "adopt", "also stamp the version table to what the tool's history table in the database records")(
      "history-table", "the tool's history table (sqitch: registry schema) when not the default",
      cxxopts::value<std::string>(),
      "NAME")("no-wait", "with --adopt: fail at once when another migration of the provider is in progress")(
      "ignore-missing",
      "with --adopt: leave out versions the history table records that the source no longer has (migrations "
      "deleted on purpose; Flyway's ignoreMigrationPatterns \"*:missing\"), each named in a warning");
  o.add_options("Alembic")(
      "alembic-metadata",
      "the project's MetaData whose naming convention names unnamed constraints as the project's env.py does "
      "(imported with the project's directory on sys.path)",
      cxxopts::value<std::string>(),
      "MODULE:ATTR")("naming-convention",
                     "that naming convention itself: a JSON object ({\"fk\": \"fk_%(table_name)s_...\", ...}) or a "
                     "file holding one",
                     cxxopts::value<std::string>(), "JSON|FILE");
  add_credential_options(o);
  o.add_options("Arguments")("source", "the other tool's migration directory",
                             cxxopts::value<std::vector<std::string>>());
  o.parse_positional({"source"});
  if (!cl.parse(o,
                "  metamigrate import --from dbmate db/migrations\n"
                "  metamigrate import --from golang-migrate migrations --adopt   # also stamp from schema_migrations\n"
                "  metamigrate import --from flyway src/main/resources/db/migration\n"
                "  metamigrate import --from diesel migrations\n"
                "  metamigrate import --from sqitch . --adopt\n"
                "  metamigrate import --from alembic alembic/ --adopt --history-table alembic_version\n"
                "  metamigrate import --from alembic alembic/ --alembic-metadata myapp.models:Base.metadata\n"))
    return kExitOk;
  const auto tool = cl.optional_string("from");
  if (!tool) throw UsageError("import needs --from TOOL (see 'metamigrate import --help')");
  const std::string source = cl.positionals("source", 1, 1)[0];
  const bool adopting = cl.parsed().count("adopt") > 0;
  if (!adopting &&
      (cl.parsed().count("history-table") || cl.parsed().count("no-wait") || cl.parsed().count("ignore-missing")))
    throw UsageError("--history-table, --no-wait and --ignore-missing only apply with --adopt");
  const std::string history_table = cl.optional_string("history-table").value_or(default_history_table(*tool));

  const import::ImportSet set = import::read_source_migrations(*tool, source, alembic_options(cl, *tool));
  const ProviderDir provider = cl.load_provider();
  for (const std::string& warning : set.warnings) cl.out().warning(warning);
  const Written written = write_revisions(provider, set, cl.out());
  std::optional<Adoption> adoption;
  if (adopting) adoption = adopt(cl, set, history_table);

  const Output& out = cl.out();
  if (out.json()) {
    nlohmann::json revisions = nlohmann::json::array();
    for (const auto& m : set.migrations)
      revisions.push_back({{"revision", m.revision.id}, {"version", m.version}, {"source", m.source}});
    nlohmann::json doc{{"tool", set.tool},       {"source", source},         {"provider", provider.manifest().key()},
                       {"revisions", revisions}, {"written", written.paths}, {"unchanged", written.unchanged}};
    if (adoption) {
      nlohmann::json foreign = nlohmann::json::array();
      for (const ForeignOwned& f : adoption->foreign_owned)
        foreign.push_back({{"statement", f.statement}, {"owner", f.owner}});
      doc["adopt"] = {{"history_table", adoption->table},
                      {"stamped", adoption->stamped},
                      {"heads", adoption->targets},
                      {"foreign_owned", foreign},
                      {"ignored_missing", adoption->ignored_missing}};
    }
    out.result_json(doc);
    return kExitOk;
  }
  for (const std::string& path : written.paths) out.result("wrote " + path);
  out.result("imported " + std::to_string(set.migrations.size()) + " " + set.tool + " migrations from " + source +
             " into " + provider.manifest().key() + ": " + std::to_string(written.paths.size()) + " written, " +
             std::to_string(written.unchanged.size()) + " already there");
  if (adoption) {
    const std::string heads = adoption->targets.empty() ? std::string("(base)") : mm::join(adoption->targets);
    if (adoption->stamped)
      out.result("adopted " + adoption->table + ": version table stamped to " + heads + " (no SQL run)");
    else if (adoption->targets.empty())
      out.result("adopted " + adoption->table + ": it records nothing applied; version table left empty");
    else
      out.result("adopted " + adoption->table + ": version table already at " + heads + "; nothing to stamp");
    warn_foreign_owned(out, provider.manifest(), adoption->foreign_owned);
  }
  return kExitOk;
}

}  // namespace mmc
