#include "client/server/dba_setup.hpp"

#include <vector>

#include "client/server/connection.hpp"

namespace mmc {

std::string render_dba_setup(const Manifest& m) {
  const std::string owner = quote_identifier(m.owner_role);
  const std::string schema = quote_identifier(m.version_table.schema);
  std::string out;
  out += "-- metamigrate: one-time setup of provider " + m.key() + " in a database.\n";
  out += "-- Run it as a superuser in the target database, e.g.:  psql -v ON_ERROR_STOP=1 -d DBNAME -f setup.sql\n";
  out += "-- The owner role owns every object the provider's revisions create; revisions run as this role.\n";
  out += "DO $metamigrate$\nBEGIN\n  CREATE ROLE " + owner + " NOLOGIN;\nEXCEPTION WHEN duplicate_object THEN\n" +
         "  RAISE NOTICE 'role % already exists, keeping it', " + quote_literal(m.owner_role) +
         ";\nEND\n$metamigrate$;\n";
  out += "CREATE EXTENSION IF NOT EXISTS metamigrate;\n";
  out += "GRANT USAGE ON SCHEMA metamigrate TO " + owner + ";\n";
  if (m.version_table.schema != "public")
    out += "CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + owner + ";\n";
  out += "-- Objects in the version table's schema (PostgreSQL 15 no longer lets every role create\n";
  out += "-- in public):\n";
  out += "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + owner + ";\n";
  std::vector<std::string> others;
  for (const auto& s : m.schemas)
    if (s != m.version_table.schema) others.push_back(s);
  if (!others.empty()) {
    // Not created here: a history's own CREATE SCHEMA would then fail.
    out += "-- The manifest's other schemas: where one exists already, objects in it; one a revision\n";
    out += "-- creates (CREATE SCHEMA) belongs to the owner role anyway.\n";
    out += "DO $metamigrate$\nBEGIN\n";
    for (const std::string& s : others)
      out += "  IF to_regnamespace(" + quote_literal(s) + ") IS NOT NULL THEN\n    GRANT USAGE, CREATE ON SCHEMA " +
             quote_identifier(s) + " TO " + owner + ";\n  END IF;\n";
    out += "END\n$metamigrate$;\n";
  }
  out += "-- CREATE SCHEMA and CREATE EXTENSION of trusted extensions (pgcrypto, citext, uuid-ossp,\n";
  out += "-- hstore, ...) in revisions need CREATE on the database. Drop this grant if the revisions\n";
  out += "-- create neither. Untrusted extensions (postgis, ...) need a superuser: create them here\n";
  out += "-- first, e.g. CREATE EXTENSION IF NOT EXISTS postgis;\n";
  out += "DO $metamigrate$\nBEGIN\n  EXECUTE format('GRANT CREATE ON DATABASE %I TO %I', current_database(), " +
         quote_literal(m.owner_role) + ");\nEND\n$metamigrate$;\n";
  out += "-- The login role that runs `metamigrate upgrade` must be a member of the owner role\n";
  out += "-- (superusers need nothing more):\n";
  out += "-- GRANT " + owner + " TO your_migration_login_role;\n";
  return out;
}

}  // namespace mmc
