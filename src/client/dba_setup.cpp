#include "client/dba_setup.hpp"

#include "client/connection.hpp"

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
  // PostgreSQL 15 no longer lets every role create objects in public.
  out += "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + owner + ";\n";
  for (const auto& s : m.schemas)
    if (s != m.version_table.schema) out += "GRANT USAGE, CREATE ON SCHEMA " + quote_identifier(s) + " TO " + owner + ";\n";
  out += "-- The login role that runs `metamigrate upgrade` must be a member of the owner role\n";
  out += "-- (superusers need nothing more):\n";
  out += "-- GRANT " + owner + " TO your_migration_login_role;\n";
  return out;
}

}  // namespace mmc
