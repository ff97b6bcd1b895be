// The MetaTable catalog's rules, independent of PostgreSQL: request
// shapes of reserve/finalize (as in the seeds), how a reservation matches
// existing catalog rows, and the physical-state error text.
#pragma once

#include <string>
#include <vector>

namespace mm {

inline constexpr const char* kMetaTableKinds[] = {"meta_table", "time_index_meta_table", "alembic_version"};

struct TableReservation {
  std::string identifier;
  std::string namespace_;
  std::string data_source_uid;  // empty: this database's
  std::string kind = "meta_table";
  std::string schema_name = "public";
  std::string table_name;
  std::string contract_json;  // declared table_contract, as given
};

struct ProviderFields {
  std::string package;
  std::string namespace_;
  std::string provider_key;            // package:namespace
  std::string version_meta_table_uid;  // optional
};

struct ReserveRequest {
  ProviderFields provider;
  std::vector<TableReservation> tables;
};

struct FinalizeRequest {
  ProviderFields provider;
  std::vector<std::string> meta_table_uids;
  std::string alembic_revision;
  std::string operation = "upgrade";  // "downgrade": vanished tables are retired, not an error
};

// Parse and validate; throw mm::Error naming the offending field.
ReserveRequest parse_reserve_request(const std::string& json_text);
FinalizeRequest parse_finalize_request(const std::string& json_text);

// A catalog row as far as matching needs it.
struct CatalogRow {
  std::string uid;
  std::string identifier;
  std::string provider_key;
  std::string schema_name;
  std::string table_name;
  std::string kind;
  std::string status;  // reserved / active / retired
};

enum class ReserveOutcome { Create, Reuse, Revive };

struct ReserveMatch {
  ReserveOutcome outcome;
  std::string uid;         // of the reused or revived row
  std::string matched_by;  // "physical_table_name", "retired_row" or empty
};

// Decides how to reserve `request` for `provider_key` given the catalog
// rows that share its physical name or its identifier (any status).
// Throws mm::Error when the name or identity belongs to someone else.
ReserveMatch match_reservation(const TableReservation& request, const std::string& provider_key,
                               const std::vector<CatalogRow>& candidates);

// "identifier(table):status=reserved:physical_table_exists=false, ..."
std::string physical_state_message(const std::vector<CatalogRow>& missing);

}  // namespace mm
