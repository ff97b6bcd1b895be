#include "client/autogenerate/render.hpp"

#include <algorithm>
#include <cctype>

namespace mmc {

namespace {

std::string upper(const std::string& text) {
  std::string out = text;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

SchemaDiff SchemaDiff::from_json(const nlohmann::json& doc) {
  SchemaDiff d;
  d.upgrade = doc.value("upgrade", std::vector<std::string>{});
  d.downgrade = doc.value("downgrade", std::vector<std::string>{});
  d.upgrade_data_loss = doc.value("data_loss", std::vector<std::size_t>{});
  d.downgrade_data_loss = doc.value("downgrade_data_loss", std::vector<std::size_t>{});
  if (auto it = doc.find("column_order"); it != doc.end() && it->is_array()) d.column_order = *it;
  return d;
}

nlohmann::json SchemaDiff::to_json() const {
  return {{"upgrade", upgrade},
          {"downgrade", downgrade},
          {"data_loss", upgrade_data_loss},
          {"downgrade_data_loss", downgrade_data_loss},
          {"column_order", column_order}};
}

std::vector<std::string> column_order_messages(const nlohmann::json& column_order) {
  auto listed = [](const nlohmann::json& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n.get<std::string>();
    return "(" + out + ")";
  };
  std::vector<std::string> out;
  for (const auto& t : column_order)
    out.push_back(t.value("schema", "") + "." + t.value("table", "") + ": its columns will be in the order " +
                  listed(t.value("result", nlohmann::json::array())) + "; the schema files declare " +
                  listed(t.value("declared", nlohmann::json::array())) +
                  ". PostgreSQL cannot move a column (ADD COLUMN appends), so this is left as it is; "
                  "recreate the table by hand if the order matters");
  return out;
}

std::string data_loss_reason(const std::string& statement) {
  const std::string s = upper(statement);
  const std::string renames = " (a rename is never guessed: it shows as a drop plus an add)";
  if (starts_with(s, "DROP TABLE")) return "drops the table and every row in it" + renames;
  if (starts_with(s, "DROP SEQUENCE")) return "drops the sequence and its current value";
  if (starts_with(s, "DROP MATERIALIZED VIEW")) return "drops the materialized view and its stored rows";
  if (starts_with(s, "ALTER TABLE") && s.find(" DROP COLUMN ") != std::string::npos)
    return "drops the column and its values" + renames;
  if (starts_with(s, "ALTER TABLE") && s.find(" ALTER COLUMN ") != std::string::npos &&
      s.find(" TYPE ") != std::string::npos)
    return "converts the column's values to another type: may fail, or lose values or precision";
  return "this statement may lose data";
}

std::string render_section(const std::vector<std::string>& statements, const std::vector<std::size_t>& data_loss) {
  std::string out;
  bool previous_multiline = false;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const bool multiline = statements[i].find('\n') != std::string::npos;
    const bool loses = std::find(data_loss.begin(), data_loss.end(), i) != data_loss.end();
    if (i > 0 && (multiline || previous_multiline)) out += "\n";
    if (loses) out += "-- DATA LOSS: " + data_loss_reason(statements[i]) + "; review before applying\n";
    out += statements[i] + ";\n";
    previous_multiline = multiline;
  }
  return out;
}

}  // namespace mmc
