#include "client/autogenerate/scratch_database.hpp"

#include <nlohmann/json.hpp>

#include "client/provider/new_revision.hpp"
#include "client/output/output.hpp"
#include "client/os/signal_guard.hpp"

namespace mmc {

namespace {

// CREATE DATABASE options that make the scratch database compare like the
// target: same encoding, collation and ctype (collation-dependent
// defaults, indexes and checks deparse alike). Read as JSON so that the
// column names of other server versions do not break the query.
std::string locale_options(const Connection& conn) {
  const nlohmann::json db = nlohmann::json::parse(
      conn.query("SELECT pg_catalog.to_jsonb(d) || pg_catalog.jsonb_build_object('encoding_name', "
                 "pg_catalog.pg_encoding_to_char(d.encoding)) FROM pg_catalog.pg_database d "
                 "WHERE d.datname = pg_catalog.current_database()")
          .text(0, 0));
  auto text = [&](const char* key) {
    return db.contains(key) && db[key].is_string() ? db[key].get<std::string>() : "";
  };
  std::string out = " ENCODING " + quote_literal(text("encoding_name"));
  if (!text("datcollate").empty()) out += " LC_COLLATE " + quote_literal(text("datcollate"));
  if (!text("datctype").empty()) out += " LC_CTYPE " + quote_literal(text("datctype"));
  if (text("datlocprovider") == "i") {
    const std::string icu = !text("daticulocale").empty() ? text("daticulocale") : text("datlocale");
    out += " LOCALE_PROVIDER icu";
    if (!icu.empty()) out += " ICU_LOCALE " + quote_literal(icu);
  }
  return out;
}

}  // namespace

ScratchDatabase::ScratchDatabase(const ConnectTarget& server, const Output& out, const std::string& purpose)
    : server_(server), out_(out), name_(kScratchPrefix + random_revision_id()) {
  try {
    create(purpose);
  } catch (...) {
    drop();
    throw;
  }
}

ScratchDatabase::~ScratchDatabase() { drop(); }

void ScratchDatabase::create(const std::string& purpose) {
  maintenance_ = std::make_unique<Connection>(server_, out_);
  SignalGuard::watch(*maintenance_);
  const std::string options = locale_options(*maintenance_);
  // Marked created before the statement: an interrupt while it runs must
  // still lead to the drop (IF EXISTS covers a create that did not happen).
  created_ = true;
  try {
    maintenance_->run_statement("CREATE DATABASE " + quote_identifier(name_) + " TEMPLATE template0" + options);
  } catch (const ServerError& e) {
    throw OperationError("cannot create a scratch database for " + purpose + " on " + maintenance_->describe() + ": " +
                             e.what() + " [" + e.sqlstate() + "]",
                         "The client creates (and drops) a throwaway database on the target's server, which needs "
                         "the CREATEDB privilege; or give an empty database with the extension as --dev-url DSN.");
  }
  out_.detail("created scratch database " + name_ + " for " + purpose);
  ConnectTarget target = server_;
  target.overrides.emplace_back("dbname", name_);
  conn_ = std::make_unique<Connection>(target, out_);
  SignalGuard::watch(*conn_);
  try {
    conn_->run_statement("CREATE EXTENSION metamigrate");
  } catch (const ServerError& e) {
    throw OperationError("cannot create the metamigrate extension in the scratch database " + name_ + ": " + e.what() +
                             " [" + e.sqlstate() + "]",
                         "The extension is not trusted: creating it needs a superuser. Or give an empty database "
                         "where it exists as --dev-url DSN.");
  }
}

void ScratchDatabase::drop() noexcept {
  if (!created_) return;
  created_ = false;
  const std::string statement = "DROP DATABASE IF EXISTS " + quote_identifier(name_) + " WITH (FORCE)";
  try {
    if (conn_) conn_->cancel_running_query();
    conn_.reset();
    if (maintenance_) {
      maintenance_->on_wait(nullptr, 0);  // no Interrupted out of a destructor
      maintenance_->cancel_running_query();
      maintenance_->rollback_if_open();
      try {
        maintenance_->run_statement(statement);
        out_.detail("dropped scratch database " + name_);
        maintenance_.reset();
        return;
      } catch (const std::exception&) {
        // The connection may be gone; try once more on a new one.
      }
    }
    maintenance_ = std::make_unique<Connection>(server_, out_);
    maintenance_->run_statement(statement);
    out_.detail("dropped scratch database " + name_);
  } catch (const std::exception& e) {
    out_.warning("could not drop the scratch database " + name_ + ": " + e.what() + "; drop it by hand: " + statement);
  }
  maintenance_.reset();
}

}  // namespace mmc
