#include "client/autogenerate/schema_files.hpp"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "client/output/errors.hpp"
#include "client/provider/sql_split.hpp"
#include "client/provider/text_file.hpp"

namespace mmc {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> glob_matches(const std::string& pattern) {
  glob_t found{};
  std::unique_ptr<glob_t, decltype(&globfree)> owner(&found, &globfree);
  const int rc = glob(pattern.c_str(), 0, nullptr, &found);  // sorted by name
  std::vector<std::string> out;
  if (rc == 0)
    for (std::size_t i = 0; i < found.gl_pathc; ++i) out.emplace_back(found.gl_pathv[i]);
  return out;
}

[[noreturn]] void fail_on_manifest(const Manifest& m, const std::string& message) {
  const bool written = m.key_lines.count("schema_files") > 0;
  throw InputError(m.display, written ? m.line_of("schema_files") : 0,
                   message + (written ? "" : " (\"schema_files\" is not set; the default is [\"schema/*.sql\"])"));
}

// A statement failed with a syntax error at its very end: the splitter
// cut it too early (a BEGIN ATOMIC ... END body holds semicolons).
bool incomplete_statement(const ServerError& e, const std::string& text) {
  if (e.sqlstate() != "42601" || e.statement_position() <= 0) return false;
  const std::size_t at = byte_offset_of_character(text, e.statement_position());
  return text.find_first_not_of(" \t\r\n;", std::min(at, text.size())) == std::string::npos;
}

InputError statement_error(const SchemaFile& file, const std::string& statement, std::size_t offset,
                           const ServerError& e) {
  std::size_t at = offset;
  if (e.statement_position() > 0) at += byte_offset_of_character(statement, e.statement_position());
  std::string message = std::string(e.what()) + " [" + e.sqlstate() + "]";
  if (!e.detail().empty()) message += " (" + e.detail() + ")";
  if (e.sqlstate() == "25001")
    message += "; with --dev-url the schema files run in a transaction that is rolled back afterwards";
  return InputError(file.display, line_of_offset(file.text, std::min(at, file.text.size())), message);
}

}  // namespace

std::vector<SchemaFile> read_schema_files(const ProviderDir& provider) {
  const Manifest& m = provider.manifest();
  if (m.schema_files.empty())
    fail_on_manifest(m, "\"schema_files\" lists no file: autogenerate needs the desired schema");
  std::vector<SchemaFile> files;
  std::set<std::string> seen;
  for (const std::string& pattern : m.schema_files) {
    const bool relative = fs::path(pattern).is_relative();
    const std::vector<std::string> matches = glob_matches(relative ? (provider.dir() / pattern).string() : pattern);
    if (matches.empty())
      fail_on_manifest(m, "\"schema_files\" pattern \"" + pattern + "\" matches no file in " +
                              (relative ? provider.dir().generic_string() : std::string("the file system")));
    for (const std::string& path : matches) {
      if (!seen.insert(fs::path(path).lexically_normal().string()).second) continue;
      SchemaFile file;
      file.path = path;
      file.display = relative ? provider.display(fs::path(path).lexically_relative(provider.dir())) : path;
      std::error_code ec;
      if (!fs::is_regular_file(path, ec))
        throw InputError(file.display, 0, "not a regular file (a SQL schema file is expected)");
      file.text = read_text_file(path, file.display);
      files.push_back(std::move(file));
    }
  }
  return files;
}

void load_schema_files(const Connection& conn, const std::vector<SchemaFile>& files, bool in_transaction) {
  static const std::string savepoint = "metamigrate_schema_statement";
  bool savepoint_open = false;
  for (const SchemaFile& file : files) {
    const std::vector<SqlStatement> statements = split_sql(file.text);
    for (std::size_t i = 0; i < statements.size(); ++i) {
      const std::size_t offset = statements[i].offset;
      std::size_t last = i;  // statements[i..last] are sent as one
      for (;;) {
        const std::size_t end = statements[last].offset + statements[last].text.size();
        const std::string text = file.text.substr(offset, end - offset);
        if (in_transaction)
          conn.run_statement(savepoint_open ? "RELEASE SAVEPOINT " + savepoint + "; SAVEPOINT " + savepoint
                                            : "SAVEPOINT " + savepoint);
        savepoint_open = in_transaction;
        try {
          conn.run_statement(text);
          break;
        } catch (const ServerError& e) {
          if (last + 1 < statements.size() && incomplete_statement(e, text)) {
            if (in_transaction) conn.run_statement("ROLLBACK TO SAVEPOINT " + savepoint);
            ++last;
            continue;
          }
          throw statement_error(file, text, offset, e);
        }
      }
      i = last;
    }
  }
  if (savepoint_open) conn.run_statement("RELEASE SAVEPOINT " + savepoint);
}

std::string describe_schema_files(const std::vector<SchemaFile>& files) {
  std::string out;
  for (const SchemaFile& f : files) out += (out.empty() ? "" : ", ") + f.display;
  return out;
}

}  // namespace mmc
