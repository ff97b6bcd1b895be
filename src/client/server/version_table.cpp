#include "client/server/version_table.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "client/server/copy_text.hpp"
#include "client/server/server_api.hpp"

namespace mmc {

namespace {

// SET LOCAL holds for the script's implicit transaction only.
std::string copy_statements(const VersionTableSettings& table) {
  return "SET LOCAL row_security = off; COPY " + quote_identifier(table.schema) + "." + quote_identifier(table.name) +
         " (" + quote_identifier(table.column) + ") TO STDOUT";
}

// The heads in COPY's lines: NULLs skipped (as the extension does), sorted.
std::vector<std::string> heads_of(const std::vector<std::string>& lines) {
  std::vector<std::string> heads;
  for (const std::string& line : lines) {
    std::vector<std::optional<std::string>> columns;
    try {
      columns = decode_copy_text_row(line);
    } catch (const std::invalid_argument& e) {
      throw OperationError(std::string("unreadable COPY output of the version table: ") + e.what());
    }
    if (columns.size() == 1 && columns[0]) heads.push_back(std::move(*columns[0]));
  }
  std::sort(heads.begin(), heads.end());
  return heads;
}

void require_no_transaction(const Connection& conn) {
  if (conn.in_transaction()) throw std::logic_error("the version table is read outside a transaction block");
}

}  // namespace

std::vector<std::string> read_version_table(const Connection& conn, const Manifest& m, bool* exists) {
  require_no_transaction(conn);
  *exists = false;
  std::vector<Connection::StatementOutput> outputs;
  try {
    outputs = conn.run_script(copy_statements(m.version_table));
  } catch (const ServerError& e) {
    if (e.sqlstate() == "42P01" || e.sqlstate() == "3F000") return {};  // no such table or schema
    throw;
  }
  *exists = true;
  return heads_of(outputs.back().copy_lines);
}

std::optional<std::vector<std::string>> read_heads_if_registered_as(const Connection& conn, const Manifest& m) {
  require_no_transaction(conn);
  std::vector<Connection::StatementOutput> outputs;
  try {
    outputs = conn.run_script("SELECT * FROM metamigrate.provider_registration(" + quote_literal(m.key()) + "); " +
                              copy_statements(m.version_table));
  } catch (const ServerError&) {
    return std::nullopt;
  }
  const PgResult& registration = outputs.front().result;
  if (outputs.size() != 3 || registration.rows() != 1) return std::nullopt;
  const std::optional<std::string> schemas = registration.value(0, 4);
  const nlohmann::json state = {{"registered", true},
                                {"owner_role", registration.text(0, 0)},
                                {"version_schema", registration.text(0, 1)},
                                {"version_table", registration.text(0, 2)},
                                {"version_column", registration.text(0, 3)},
                                {"schemas", schemas ? nlohmann::json::parse(*schemas) : nlohmann::json()},
                                {"heads", nlohmann::json::array()}};
  if (!registered_as(state, m, false)) return std::nullopt;
  return heads_of(outputs.back().copy_lines);
}

}  // namespace mmc
