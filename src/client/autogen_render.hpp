// The result of metamigrate.diff() and how autogenerate writes it into
// revision sections. Pure (no connection), so the format is easy to check.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mmc {

struct SchemaDiff {
  std::vector<std::string> upgrade;             // statements, without ';'
  std::vector<std::string> downgrade;
  std::vector<std::size_t> upgrade_data_loss;   // indexes into upgrade
  std::vector<std::size_t> downgrade_data_loss;

  bool empty() const { return upgrade.empty() && downgrade.empty(); }
  // Parses diff()'s {"upgrade", "downgrade", "data_loss", "downgrade_data_loss"}.
  static SchemaDiff from_json(const nlohmann::json& doc);
  nlohmann::json to_json() const;
};

// What a data-losing statement may destroy, in a few words
// ("drops the column and its values").
std::string data_loss_reason(const std::string& statement);

// The SQL of one revision section: every statement ends with ';'; a
// "-- DATA LOSS: <reason>" comment precedes each one listed in
// `data_loss`; multi-line statements are set off by blank lines.
std::string render_section(const std::vector<std::string>& statements, const std::vector<std::size_t>& data_loss);

}  // namespace mmc
