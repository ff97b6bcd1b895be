#include "client/import/importers.hpp"

#include "client/output/errors.hpp"
#include "client/import/util.hpp"

namespace mmc::import {

const std::vector<std::string>& tool_names() {
  static const std::vector<std::string> names{"alembic", "dbmate", "diesel", "flyway", "golang-migrate", "sqitch"};
  return names;
}

ImportSet read_source_migrations(const std::string& tool, const std::filesystem::path& src,
                                 const AlembicOptions& alembic) {
  ImportSet set;
  if (tool == "dbmate")
    set = read_dbmate(src);
  else if (tool == "golang-migrate")
    set = read_golang_migrate(src);
  else if (tool == "diesel")
    set = read_diesel(src);
  else if (tool == "flyway")
    set = read_flyway(src);
  else if (tool == "sqitch")
    set = read_sqitch(src);
  else if (tool == "alembic")
    set = read_alembic(src, alembic);
  else {
    std::string known;
    for (const std::string& name : tool_names()) known += (known.empty() ? "" : ", ") + name;
    throw UsageError("unknown tool \"" + tool + "\" for --from (known: " + known + ")");
  }
  if (set.migrations.empty()) throw InputError(src.generic_string(), 0, "no " + tool + " migrations found");
  check_unique(set);
  return set;
}

}  // namespace mmc::import
