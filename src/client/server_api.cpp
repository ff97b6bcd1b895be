#include "client/server_api.hpp"

#include <regex>

#include "client/provider_dir.hpp"

namespace mmc {

const char* operation_name(Operation op) {
  switch (op) {
    case Operation::Upgrade:
      return "upgrade";
    case Operation::Downgrade:
      return "downgrade";
    case Operation::Stamp:
      return "stamp";
  }
  return "?";
}

namespace sql {

namespace {
// The extension's advisory lock class for providers (catalog.cpp).
constexpr const char* kLockClass = "1835888493";
}  // namespace

Query begin() { return {"BEGIN", {}}; }
Query commit() { return {"COMMIT", {}}; }

Query register_provider(const Manifest& m) {
  return {"SELECT metamigrate.register_provider($1, $2, $3, $4, $5, $6)",
          {m.package, m.namespace_, m.owner_role, m.version_table.schema, m.version_table.name,
           m.version_table.column}};
}

Query provider_registered(const std::string& key) {
  return {"SELECT EXISTS (SELECT 1 FROM metamigrate.provider WHERE provider_key = $1)", {key}};
}

Query upload_revisions(const ProviderDir& provider) {
  return {"SELECT metamigrate.upload_revisions($1, $2::jsonb)",
          {provider.manifest().key(), provider.upload_document().dump()}};
}

Query migrate(Operation op, const std::string& key, const std::string& target, bool purge) {
  switch (op) {
    case Operation::Upgrade:
      return {"SELECT metamigrate.upgrade($1, $2)", {key, target}};
    case Operation::Downgrade:
      return {"SELECT metamigrate.downgrade($1, $2)", {key, target}};
    case Operation::Stamp:
      return {"SELECT metamigrate.stamp($1, $2, $3::boolean)", {key, target, std::string(purge ? "true" : "false")}};
  }
  return {};
}

Query current(const std::string& key) { return {"SELECT * FROM metamigrate.current($1)", {key}}; }

Query record_step(const std::string& key, const std::string& revision, const std::string& direction,
                  double duration_ms) {
  return {"SELECT metamigrate.record_step($1, $2, $3, $4::float8)",
          {key, revision, direction, std::to_string(duration_ms)}};
}

Query set_config(const std::string& name, const std::string& value, bool local) {
  return {"SELECT pg_catalog.set_config($1, $2, $3::boolean)", {name, value, std::string(local ? "true" : "false")}};
}

Query lock_provider(const std::string& key) {
  return {std::string("SELECT pg_catalog.pg_advisory_lock(") + kLockClass + ", pg_catalog.hashtext($1))", {key}};
}

Query unlock_provider(const std::string& key) {
  return {std::string("SELECT pg_catalog.pg_advisory_unlock(") + kLockClass + ", pg_catalog.hashtext($1))", {key}};
}

}  // namespace sql

std::vector<std::string> column_values(const PgResult& result) {
  std::vector<std::string> out;
  for (int row = 0; row < result.rows(); ++row) out.push_back(result.text(row, 0));
  return out;
}

nlohmann::json json_value(const PgResult& result) {
  if (result.rows() < 1) return nullptr;
  return nlohmann::json::parse(result.text(0, 0));
}

void annotate_server_error(ServerError& error, const ProviderDir* provider) {
  const bool names_extension = std::string(error.what()).find("metamigrate") != std::string::npos;
  if (names_extension && (error.sqlstate() == "3F000" || error.sqlstate() == "42883" || error.sqlstate() == "42P01"))
    error.notes.push_back(
        "The metamigrate extension is not installed in this database: run the SQL printed by "
        "'metamigrate scaffold' once as a superuser (it runs CREATE EXTENSION metamigrate).");
  if (!provider || !error.location.empty()) return;
  static const std::regex context_pattern(R"(revision (\S+) \((upgrade|downgrade)\), (?:statement (\d+), )?(?:parsing, )?line (\d+))");
  std::smatch match;
  const std::string context = error.context();
  if (std::regex_search(context, match, context_pattern)) {
    if (const RevisionFile* file = provider->find_file(match[1].str())) {
      const bool upgrade = match[2].str() == "upgrade";
      error.location = file->path + ":" + std::to_string(file->file_line(upgrade, std::stoi(match[4].str())));
    }
    return;
  }
  static const std::regex revision_pattern(R"(revision \"([^\"]+)\")");
  const std::string message = error.what();
  if (std::regex_search(message, match, revision_pattern))
    if (const RevisionFile* file = provider->find_file(match[1].str()))
      error.location = file->path + ":" + std::to_string(file->line_of("revision"));
}

}  // namespace mmc
