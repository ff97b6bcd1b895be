#include "pg/migration.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "core/planner.hpp"
#include "pg/revision_runner.hpp"
#include "pg/sha256.hpp"

namespace mm::pg {

namespace {

void validate_key_part(const std::optional<std::string>& value, const char* what) {
  if (!value || value->empty()) throw Error(sqlstate::kInvalidParameter, std::string(what) + " must not be empty");
  for (char c : *value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok)
      throw Error(sqlstate::kInvalidParameter, std::string(what) + " \"" + *value + "\" contains an invalid character",
                  {}, "Use letters, digits, '_', '-' and '.'.");
  }
}

void validate_name(const std::string& value, const char* what) {
  if (value.empty()) throw Error(sqlstate::kInvalidParameter, std::string(what) + " must not be empty");
  if (value.size() >= NAMEDATALEN)
    throw Error(sqlstate::kInvalidParameter, std::string(what) + " \"" + value + "\" is longer than " +
                                                 std::to_string(NAMEDATALEN - 1) + " bytes");
}


RevisionGraph load_graph(Catalog& catalog, const Provider& provider) {
  std::vector<Revision> revisions;
  for (auto& stored : catalog.load_revisions(provider)) revisions.push_back(std::move(stored.revision));
  return RevisionGraph(std::move(revisions));
}

// Per-revision memory: everything PostgreSQL allocates while one revision
// runs (parse trees, statement strings) is freed before the next one.
class RevisionMemory {
 public:
  RevisionMemory() {
    context_ = pg_guard([] {
      return AllocSetContextCreate(CurrentMemoryContext, "metamigrate revision", ALLOCSET_DEFAULT_SIZES);
    });
  }
  ~RevisionMemory() {
    if (std::uncaught_exceptions() == 0) MemoryContextDelete(context_);
  }
  // Switches into the context for one revision; resets it on leaving.
  class Scope {
   public:
    explicit Scope(MemoryContext context) : context_(context), previous_(MemoryContextSwitchTo(context)) {}
    ~Scope() {
      MemoryContextSwitchTo(previous_);
      if (std::uncaught_exceptions() == 0) MemoryContextReset(context_);
    }

   private:
    MemoryContext context_;
    MemoryContext previous_;
  };
  MemoryContext get() const { return context_; }

 private:
  MemoryContext context_;
};

double seconds_since(TimestampTz start) {
  return static_cast<double>(GetCurrentTimestamp() - start) / 1e6;
}

}  // namespace

std::string register_provider(const ProviderSettings& s) {
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
  p.owner_oid = role_oid(p.owner_role);
  require_member_of(p.owner_oid, p.owner_role, "register provider \"" + p.key + "\"");

  SpiSession spi;
  p.search_path = quote_ident(p.version_schema);
  Rows schema = spi.query("SELECT pg_catalog.to_regnamespace($1) IS NOT NULL", {p.search_path});
  if (schema.empty() || !schema[0][0] || *schema[0][0] != "t")
    throw Error(sqlstate::kUndefinedObject, "schema \"" + p.version_schema + "\" does not exist",
                {}, "Create the schema for the version table first, or use the default \"public\".");
  Catalog catalog(spi);
  catalog.register_provider(p);
  spi.finish();
  return p.key;
}

int upload_revisions(const std::string& key, const std::string& revisions_json) {
  std::vector<UploadedRevision> uploaded = parse_upload(revisions_json);
  SpiSession spi;
  Catalog catalog(spi);
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
  std::vector<UploadDecision> decisions = plan_upload(stored, uploaded, applied, sha256_hex);
  int changed = 0;
  for (const auto& d : decisions) {
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
  Catalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, std::string(verb) + " provider \"" + key + "\"");
  catalog.lock_provider(provider);
  catalog.ensure_version_table(provider);

  RevisionGraph graph = load_graph(catalog, provider);
  const std::vector<std::string> heads = catalog.read_heads(provider);
  Planner planner(graph, heads);
  Plan plan = op == Operation::Upgrade     ? planner.upgrade(target)
              : op == Operation::Downgrade ? planner.downgrade(target)
                                           : planner.stamp(target, purge);

  for (const PlanStep& step : plan.steps)
    if (!graph.at(step.node).transactional)
      throw Error("0A000",
                  "revision \"" + graph.id(step.node) + "\" is non-transactional and cannot run inside the server",
                  "Statements such as CREATE INDEX CONCURRENTLY must run outside a transaction block.",
                  "Apply this provider with the metamigrate client, which runs such revisions at top level.");

  nlohmann::json steps = nlohmann::json::array();
  std::vector<std::string> live_heads = plan.heads_before;
  std::map<std::string, std::string> checksums;
  for (auto& s : catalog.load_revisions(provider)) checksums[s.revision.id] = s.checksum;

  {
  RevisionMemory memory;  // destroyed before SPI_finish frees its parent
  for (const PlanStep& step : plan.steps) {
    const std::string& id = graph.id(step.node);
    const TimestampTz started = GetCurrentTimestamp();
    int statements = 0;
    {
      RevisionMemory::Scope scope(memory.get());
      RevisionRun run{&provider, id, to_string(step.direction),
                      catalog.load_sql(provider, id, step.direction == Direction::Upgrade)};
      statements = run_revision_sql(run);
    }
    catalog.update_heads(provider, step.delete_rows, step.insert_rows);
    for (const auto& gone : step.delete_rows) live_heads.erase(std::remove(live_heads.begin(), live_heads.end(), gone), live_heads.end());
    for (const auto& added : step.insert_rows) live_heads.push_back(added);
    std::sort(live_heads.begin(), live_heads.end());
    const double seconds = seconds_since(started);
    catalog.record_history(provider, id, to_string(step.direction), seconds, checksums[id], live_heads);
    steps.push_back({{"revision", id},
                     {"direction", to_string(step.direction)},
                     {"statements", statements},
                     {"duration_ms", std::round(seconds * 1e6) / 1e3}});
  }
  }

  if (op == Operation::Stamp) {
    std::vector<std::string> deletes, inserts;
    for (const auto& h : heads)
      if (!std::binary_search(plan.heads_after.begin(), plan.heads_after.end(), h)) deletes.push_back(h);
    for (const auto& h : plan.heads_after)
      if (std::find(heads.begin(), heads.end(), h) == heads.end()) inserts.push_back(h);
    catalog.update_heads(provider, deletes, inserts);
    for (const auto& h : inserts) catalog.record_history(provider, h, "stamp", 0.0, checksums[h], plan.heads_after);
    if (inserts.empty() && !deletes.empty())
      catalog.record_history(provider, "base", "stamp", 0.0, std::nullopt, plan.heads_after);
  }
  spi.finish();

  nlohmann::json result = {{"provider", provider.key},
                           {"operation", verb},
                           {"target", target},
                           {"from", plan.heads_before},
                           {"to", plan.heads_after},
                           {"steps", steps}};
  return result.dump();
}

std::string record_step(const std::string& key, const std::string& revision, const std::string& direction,
                        double duration_ms) {
  const Direction dir = parse_direction(direction);
  SpiSession spi;
  Catalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  require_member_of(provider.owner_oid, provider.owner_role, "record a step of provider \"" + key + "\"");
  catalog.lock_provider(provider);
  catalog.ensure_version_table(provider);
  RevisionGraph graph = load_graph(catalog, provider);
  Planner planner(graph, catalog.read_heads(provider));
  Plan p = planner.single_step(graph.id(graph.resolve_id(revision)), dir);
  const PlanStep& step = p.steps.at(0);
  std::optional<std::string> checksum;
  for (auto& s : catalog.load_revisions(provider))
    if (s.revision.id == graph.id(step.node)) checksum = s.checksum;
  catalog.update_heads(provider, step.delete_rows, step.insert_rows);
  catalog.record_history(provider, graph.id(step.node), to_string(dir), duration_ms / 1000.0, checksum, p.heads_after);
  spi.finish();
  return nlohmann::json({{"provider", key},
                         {"revision", graph.id(step.node)},
                         {"direction", to_string(dir)},
                         {"from", p.heads_before},
                         {"to", p.heads_after}})
      .dump();
}

std::vector<PlannedStep> plan(const std::string& key, const std::string& direction, const std::string& target) {
  SpiSession spi;
  Catalog catalog(spi);
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

std::vector<std::string> current_heads(const std::string& key) {
  SpiSession spi;
  Catalog catalog(spi);
  Provider provider = catalog.load_provider(key);
  std::vector<std::string> heads = catalog.read_heads(provider);
  spi.finish();
  return heads;
}

}  // namespace mm::pg
