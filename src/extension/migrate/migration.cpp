#include "extension/migrate/migration.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "core/revisions/planner.hpp"
#include "extension/migrate/advisory_locks.hpp"
#include "extension/base/guc_scope.hpp"
#include "extension/meta_table/meta_catalog.hpp"
#include "extension/migrate/migrating_scope.hpp"
#include "extension/verify/schema_state.hpp"
#include "extension/migrate/step_applier.hpp"
#include "extension/base/sha256.hpp"

namespace mm::pg {

namespace {

void validate_key_part(const std::optional<std::string>& value, const char* what) {
  if (!value || value->empty()) throw Error(sqlstate::kInvalidParameter, std::string(what) + " must not be empty");
  for (char c : *value) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok)
      throw Error(sqlstate::kInvalidParameter, std::string(what) + " \"" + *value + "\" contains an invalid character",
                  {}, "Use letters, digits, '_', '-' and '.'.");
  }
}

void validate_name(const std::string& value, const char* what) {
  if (value.empty()) throw Error(sqlstate::kInvalidParameter, std::string(what) + " must not be empty");
  if (value.size() >= NAMEDATALEN)
    throw Error(sqlstate::kInvalidParameter,
                std::string(what) + " \"" + value + "\" is longer than " + std::to_string(NAMEDATALEN - 1) + " bytes");
}

// System and temporary schemas hold no version table: their tables belong
// to the bootstrap superuser or live in one session only.
void refuse_system_schema(const std::string& schema) {
  if (is_system_schema(schema) || schema == "metamigrate")
    throw Error(sqlstate::kInvalidParameter, "version_schema \"" + schema + "\" is a system or temporary schema", {},
                "Keep the version table in an application schema, e.g. the default \"public\".");
}

RevisionGraph load_graph(ProviderCatalog& catalog, const Provider& provider) {
  std::vector<Revision> revisions;
  for (auto& stored : catalog.load_revisions(provider)) revisions.push_back(std::move(stored.revision));
  return RevisionGraph(std::move(revisions));
}

// The start of every change to a provider: its registration, the caller's
// right to change it, its lock, its version table, its graph and heads.
struct LockedProvider {
  Provider provider;
  RevisionGraph graph;
  std::vector<std::string> heads;
};

LockedProvider lock_for_change(ProviderCatalog& catalog, const std::string& key, const std::string& action) {
  refuse_inside_migration(action + " provider \"" + key + "\"");
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, action + " provider \"" + key + "\"");
  catalog.lock_provider(provider);
  catalog.ensure_version_table(provider);
  RevisionGraph graph = load_graph(catalog, provider);
  std::vector<std::string> heads = catalog.read_heads(provider);
  return LockedProvider{std::move(provider), std::move(graph), std::move(heads)};
}

}  // namespace

std::string register_provider(const ProviderSettings& s) {
  refuse_inside_migration("register a provider");
  validate_key_part(s.package, "package");
  validate_key_part(s.namespace_, "namespace");
  if (!s.owner_role || s.owner_role->empty()) throw Error(sqlstate::kInvalidParameter, "owner_role must not be empty");
  Provider p;
  p.package = *s.package;
  p.namespace_ = *s.namespace_;
  p.key = p.package + ":" + p.namespace_;
  p.owner_role = *s.owner_role;
  p.version_schema = s.version_schema.value_or("public");
  p.version_table = s.version_table.value_or(p.package + "_alembic_version");
  p.version_column = s.version_column.value_or("version_num");
  validate_name(p.version_schema, "version_schema");
  validate_name(p.version_table, "version_table");
  validate_name(p.version_column, "version_column");
  refuse_system_schema(p.version_schema);
  p.owner_oid = role_oid(p.owner_role);
  require_member_of(p.owner_oid, p.owner_role, "register provider \"" + p.key + "\"");

  SpiSession spi;
  p.search_path = quote_ident(p.version_schema);
  ProviderCatalog catalog(spi);
  // Registered already, as asked (what every schema command sends first):
  // nothing to check or store.
  if (std::optional<Provider> existing = catalog.find_provider(p.key); existing && same_registration(*existing, p)) {
    spi.finish();
    return p.key;
  }
  Rows schema = spi.query("SELECT pg_catalog.to_regnamespace($1) IS NOT NULL", {p.search_path});
  if (schema.empty() || !schema[0][0] || *schema[0][0] != "t")
    throw Error(sqlstate::kUndefinedObject, "schema \"" + p.version_schema + "\" does not exist", {},
                "Create the schema for the version table first, or use the default \"public\".");
  catalog.version_table_exists(p);  // refuses another role's table or a view before anything is stored
  catalog.register_provider(p);
  spi.finish();
  return p.key;
}

int upload_revisions(const std::string& key, const std::string& revisions_json, bool prune) {
  refuse_inside_migration("upload revisions of provider \"" + key + "\"");
  std::vector<UploadedRevision> uploaded = parse_upload(revisions_json);
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "upload revisions of provider \"" + key + "\"");
  catalog.lock_provider(provider);

  std::vector<StoredRevision> stored = catalog.load_revisions(provider);
  std::set<std::string> applied;
  {
    std::vector<Revision> revisions;
    for (const auto& s : stored) revisions.push_back(s.revision);
    RevisionGraph graph(std::move(revisions));
    std::vector<std::size_t> heads;
    for (const auto& id : catalog.read_heads(provider)) {
      std::size_t node = graph.find(id);
      if (node != RevisionGraph::npos) heads.push_back(node);
    }
    NodeSet set = graph.ancestors(heads);
    for (std::size_t i = 0; i < graph.size(); ++i)
      if (set[i]) applied.insert(graph.id(i));
  }
  UploadPlan plan = plan_upload(stored, uploaded, applied, sha256_hex, prune);
  int changed = 0;
  for (const auto& id : plan.pruned) {
    catalog.delete_revision(provider, id);
    ++changed;
  }
  for (const auto& d : plan.decisions) {
    if (d.action == UploadAction::Unchanged) continue;
    catalog.store_revision(provider, uploaded[d.upload_index], d.checksum);
    ++changed;
  }
  spi.finish();
  return changed;
}

std::string migrate(const std::string& key, Operation op, const std::string& target, bool purge) {
  const char* verb = op == Operation::Upgrade ? "upgrade" : op == Operation::Downgrade ? "downgrade" : "stamp";
  SpiSession spi;
  ProviderCatalog catalog(spi);
  LockedProvider locked = lock_for_change(catalog, key, verb);
  const Provider& provider = locked.provider;
  const RevisionGraph& graph = locked.graph;
  const std::vector<std::string>& heads = locked.heads;
  if (op != Operation::Stamp)
    warn_if_search_path_writable(spi, provider.version_schema, provider.owner_oid, provider.owner_role);
  Planner planner(graph, heads);
  Plan plan = op == Operation::Upgrade     ? planner.upgrade(target)
              : op == Operation::Downgrade ? planner.downgrade(target)
                                           : planner.stamp(target, purge);

  require_transactional(graph, plan);
  const StepApplier::Checksums checksums = load_checksums(catalog, provider);
  StepApplier applier(catalog, provider, checksums, plan.heads_before);
  applier.set_progress(0, static_cast<int>(plan.steps.size()));
  nlohmann::json steps = nlohmann::json::array();
  for (const PlanStep& step : plan.steps)
    steps.push_back(applier.apply(graph.id(step.node), step.direction, step.delete_rows, step.insert_rows));

  if (op == Operation::Stamp) {
    std::vector<std::string> deletes, inserts;
    for (const auto& h : heads)
      if (!std::binary_search(plan.heads_after.begin(), plan.heads_after.end(), h)) deletes.push_back(h);
    for (const auto& h : plan.heads_after)
      if (std::find(heads.begin(), heads.end(), h) == heads.end()) inserts.push_back(h);
    catalog.update_heads(provider, deletes, inserts);
    for (const auto& h : inserts) catalog.record_history(provider, h, "stamp", 0.0, checksums.at(h), plan.heads_after);
    if (inserts.empty() && !deletes.empty())
      catalog.record_history(provider, "base", "stamp", 0.0, std::nullopt, plan.heads_after);
  }
  capture_schema_state(catalog, provider);
  spi.finish();

  nlohmann::json result = {{"provider", provider.key},  {"operation", verb},      {"target", target},
                           {"from", plan.heads_before}, {"to", plan.heads_after}, {"steps", steps}};
  return result.dump();
}

std::string record_step(const std::string& key, const std::string& revision, const std::string& direction,
                        double duration_ms) {
  const Direction dir = parse_direction(direction);
  SpiSession spi;
  ProviderCatalog catalog(spi);
  LockedProvider locked = lock_for_change(catalog, key, "record a step of");
  const Provider& provider = locked.provider;
  const RevisionGraph& graph = locked.graph;
  Plan p = Planner(graph, locked.heads).single_step(graph.id(graph.resolve_id(revision)), dir);
  const PlanStep& step = p.steps.at(0);
  std::optional<std::string> checksum;
  for (auto& s : catalog.load_revisions(provider))
    if (s.revision.id == graph.id(step.node)) checksum = s.checksum;
  catalog.update_heads(provider, step.delete_rows, step.insert_rows);
  catalog.record_history(provider, graph.id(step.node), to_string(dir), duration_ms / 1000.0, checksum, p.heads_after);
  capture_schema_state(catalog, provider);
  spi.finish();
  return nlohmann::json({{"provider", key},
                         {"revision", graph.id(step.node)},
                         {"direction", to_string(dir)},
                         {"from", p.heads_before},
                         {"to", p.heads_after}})
      .dump();
}

std::string apply_step(const std::string& key, const std::string& revision, const std::string& direction) {
  const Direction dir = parse_direction(direction);
  SpiSession spi;
  ProviderCatalog catalog(spi);
  LockedProvider locked = lock_for_change(catalog, key, "apply a step of");
  const Provider& provider = locked.provider;
  const RevisionGraph& graph = locked.graph;
  Plan plan = Planner(graph, locked.heads).single_step(graph.id(graph.resolve_id(revision)), dir);
  require_transactional(graph, plan);
  const StepApplier::Checksums checksums = load_checksums(catalog, provider);
  nlohmann::json result;
  {
    StepApplier applier(catalog, provider, checksums, plan.heads_before);
    applier.set_progress(0, 1);
    const PlanStep& step = plan.steps.at(0);
    nlohmann::json summary = applier.apply(graph.id(step.node), step.direction, step.delete_rows, step.insert_rows);
    result = {{"provider", key}, {"from", plan.heads_before}, {"to", applier.heads()}, {"steps", {summary}}};
  }
  capture_schema_state(catalog, provider);
  spi.finish();
  return result.dump();
}

std::string migrate_per_revision(const std::string& key, Operation op, const std::string& target) {
  const char* verb = op == Operation::Upgrade ? "upgrade" : "downgrade";
  SpiSession spi(SpiSession::Mode::NonAtomic);
  Provider provider;
  std::optional<RevisionGraph> graph;
  Plan plan;
  StepApplier::Checksums checksums;
  {
    // Plan once, in the first transaction.
    GucScope catalog_path;
    catalog_path.set("search_path", kCatalogSearchPath);
    ProviderCatalog catalog(spi);
    LockedProvider locked = lock_for_change(catalog, key, verb);
    provider = locked.provider;
    warn_if_search_path_writable(spi, provider.version_schema, provider.owner_oid, provider.owner_role);
    graph.emplace(std::move(locked.graph));
    Planner planner(*graph, locked.heads);
    plan = op == Operation::Upgrade ? planner.upgrade(target) : planner.downgrade(target);
    require_transactional(*graph, plan);
    checksums = load_checksums(catalog, provider);
  }
  spi.commit();

  // Then one transaction per revision: take the lock again and re-check
  // the step against the version table, so a concurrent migrator can
  // never make a revision run twice; a failure keeps the committed prefix.
  nlohmann::json steps = nlohmann::json::array();
  std::vector<std::string> heads = plan.heads_before;
  for (const PlanStep& planned : plan.steps) {
    {
      GucScope catalog_path;
      catalog_path.set("search_path", kCatalogSearchPath);
      ProviderCatalog catalog(spi);
      catalog.lock_provider(provider);
      Planner now(*graph, catalog.read_heads(provider));
      const bool applied = now.applied()[planned.node] != 0;
      if (applied == (planned.direction == Direction::Upgrade)) continue;  // done by someone else meanwhile
      Plan step = now.single_step(graph->id(planned.node), planned.direction);
      StepApplier applier(catalog, provider, checksums, step.heads_before);
      applier.set_progress(static_cast<int>(steps.size()), static_cast<int>(plan.steps.size()));
      const PlanStep& s = step.steps.at(0);
      steps.push_back(applier.apply(graph->id(s.node), s.direction, s.delete_rows, s.insert_rows));
      heads = applier.heads();
      retire_dropped_tables(catalog, provider);
    }
    spi.commit();
  }
  {
    GucScope catalog_path;
    catalog_path.set("search_path", kCatalogSearchPath);
    ProviderCatalog catalog(spi);
    catalog.lock_provider(provider);
    capture_schema_state(catalog, provider);
  }
  spi.finish();
  return nlohmann::json{
      {"provider", provider.key},  {"operation", verb}, {"target", target}, {"transaction_per_revision", true},
      {"from", plan.heads_before}, {"to", heads},       {"steps", steps}}
      .dump();
}

std::vector<PlannedStep> plan(const std::string& key, const std::string& direction, const std::string& target) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  RevisionGraph graph = load_graph(catalog, provider);
  Planner planner(graph, catalog.read_heads(provider));
  Plan p = parse_direction(direction) == Direction::Upgrade ? planner.upgrade(target) : planner.downgrade(target);
  spi.finish();
  std::vector<PlannedStep> out;
  int n = 0;
  for (const auto& step : p.steps) out.push_back({++n, graph.id(step.node), to_string(step.direction)});
  return out;
}

void try_lock_provider(const std::string& key) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "lock provider \"" + key + "\"");
  catalog.lock_provider(provider, false);
  spi.finish();
}

bool lock_provider_session(const std::string& key, bool wait) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "lock provider \"" + key + "\"");
  spi.finish();
  return take_lock(kMigrationLockClass, provider.key, LockDuration::Session, wait);
}

bool unlock_provider_session(const std::string& key) { return release_session_lock(kMigrationLockClass, key); }

std::string unregister_provider(const std::string& key) {
  refuse_inside_migration("unregister provider \"" + key + "\"");
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "unregister provider \"" + key + "\"");
  catalog.lock_provider(provider);
  // Only a provider that never changed a database can go without a trace:
  // once it migrated, its history and version table are the record.
  Rows steps = spi.query("SELECT pg_catalog.count(*)::text FROM metamigrate.history WHERE provider = $1", {key});
  const std::vector<std::string> heads = catalog.read_heads(provider);
  if (steps.at(0).at(0).value_or("0") != "0" || !heads.empty())
    throw Error("55000", "provider \"" + key + "\" has migrated this database and cannot be unregistered",
                std::to_string(heads.size()) + " head(s) in " + provider.version_schema + "." + provider.version_table +
                    ", " + steps[0][0].value_or("0") + " history row(s).",
                "Downgrade it to base first if its schema should go; the history stays as the audit record.");
  const bool version_table = catalog.version_table_exists(provider);
  {
    RunAs as_catalog_owner(catalog.owner());
    // Revisions, catalog rows and stored state go with it (ON DELETE CASCADE).
    spi.execute("DELETE FROM metamigrate.provider WHERE provider_key = $1", {key});
  }
  spi.finish();
  nlohmann::json result = {{"provider", key}, {"unregistered", true}};
  if (version_table) result["version_table_left"] = provider.version_schema + "." + provider.version_table;
  return result.dump();
}

std::vector<std::string> current_heads(const std::string& key) {
  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  std::vector<std::string> heads = catalog.read_heads(provider);
  spi.finish();
  return heads;
}

}  // namespace mm::pg
