// The result of metamigrate.diff() and how autogenerate writes it into
// revision sections. Pure (no connection), so the format is easy to check.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mmc {

struct SchemaDiff {
  std::vector<std::string> upgrade;  // statements, without ';'
  std::vector<std::string> downgrade;
  std::vector<std::size_t> upgrade_data_loss;  // indexes into upgrade
  std::vector<std::size_t> downgrade_data_loss;
  // Kept tables whose columns will not end up in the declared order
  // ([{"schema", "table", "declared", "result"}]); information only.
  nlohmann::json column_order = nlohmann::json::array();

  bool empty() const { return upgrade.empty() && downgrade.empty(); }
  // Parses diff()'s {"upgrade", "downgrade", "data_loss", "downgrade_data_loss"}.
  static SchemaDiff from_json(const nlohmann::json& doc);
  nlohmann::json to_json() const;
};

// One line per column_order entry: which table, both orders, and why the
// diff leaves it ("public.t: its columns will be in the order (id, note,
// name); the schema files declare (id, name, note). ...").
std::vector<std::string> column_order_messages(const nlohmann::json& column_order);

// What a data-losing statement may destroy, in a few words
// ("drops the column and its values").
std::string data_loss_reason(const std::string& statement);

// The SQL of one revision section: every statement ends with ';'; a
// "-- DATA LOSS: <reason>" comment precedes each one listed in
// `data_loss`; multi-line statements are set off by blank lines.
std::string render_section(const std::vector<std::string>& statements, const std::vector<std::size_t>& data_loss);

}  // namespace mmc
