// scaffold: create the provider directory and print the one-time DBA SQL.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "client/cli/commands.hpp"
#include "client/server/dba_setup.hpp"
#include "client/output/errors.hpp"

namespace mmc {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file) throw OperationError("cannot write " + path.generic_string());
}

}  // namespace

int cmd_scaffold(CommandLine& cl) {
  cxxopts::Options o = cl.options(
      "Create a provider directory (manifest, schema/, versions/<namespace>/) and print "
      "the SQL a DBA runs once in each database.");
  o.add_options()("package", "package name (letters, digits, _ - .)", cxxopts::value<std::string>(), "P")(
      "namespace", "namespace of the provider (also the versions/ subdirectory)", cxxopts::value<std::string>(), "N")(
      "owner-role", "role that owns the provider's objects (default: <package>_owner)", cxxopts::value<std::string>(),
      "R")("dir", "directory to create (default: --provider, ./migrations)", cxxopts::value<std::string>(), "D")(
      "schema",
      "a schema the provider's revisions manage (repeat for several; default: public); the setup SQL "
      "grants what they need",
      cxxopts::value<std::vector<std::string>>(), "S");
  if (!cl.parse(
          o,
          "  metamigrate scaffold --package sdk_examples --namespace sdk-examples --owner-role sdk_examples_owner\n"
          "  metamigrate scaffold --package app --namespace main --dir db/migrations > setup.sql\n"
          "  metamigrate scaffold --package app --namespace main --schema public --schema billing > setup.sql\n"
          "  psql -v ON_ERROR_STOP=1 -d mydb -f setup.sql     # as a superuser, once per database\n"))
    return kExitOk;
  const auto package = cl.optional_string("package");
  const auto namespace_ = cl.optional_string("namespace");
  if (!package || !namespace_)
    throw UsageError("scaffold needs --package and --namespace (see 'metamigrate scaffold --help')");
  validate_key_part(*package, "--package");
  validate_key_part(*namespace_, "--namespace");
  const std::string version_table = default_manifest(*package, *namespace_, "").version_table.name;
  if (version_table.size() > 63)
    throw UsageError("--package \"" + *package + "\" is too long: its version table \"" + version_table +
                     "\" would exceed 63 bytes");
  const std::string owner = cl.optional_string("owner-role").value_or(*package + "_owner");
  if (owner.empty() || owner.size() > 63) throw UsageError("--owner-role must be 1 to 63 bytes long");
  const fs::path dir = cl.optional_string("dir").value_or(cl.globals().provider);

  Manifest manifest = default_manifest(*package, *namespace_, owner);
  if (cl.parsed().count("schema")) {
    manifest.schemas.clear();
    for (const std::string& schema : cl.parsed()["schema"].as<std::vector<std::string>>()) {
      if (schema.empty() || schema.size() > 63) throw UsageError("--schema must be 1 to 63 bytes long");
      if (std::find(manifest.schemas.begin(), manifest.schemas.end(), schema) == manifest.schemas.end())
        manifest.schemas.push_back(schema);
    }
  }
  const fs::path manifest_path = dir / kManifestFileName;
  if (fs::exists(manifest_path))
    throw UsageError(display_path(dir, kManifestFileName) + " already exists; scaffold never overwrites a provider");
  std::error_code ec;
  fs::create_directories(dir / "schema", ec);
  if (!ec) fs::create_directories(dir / "versions" / *namespace_, ec);
  if (ec) throw OperationError("cannot create " + dir.generic_string() + ": " + ec.message());
  write_file(manifest_path, render_manifest(manifest));
  write_file(dir / "schema" / ".gitkeep", "");
  write_file(dir / "versions" / *namespace_ / ".gitkeep", "");

  const std::string setup = render_dba_setup(manifest);
  const Output& out = cl.out();
  if (out.json()) {
    out.result_json({{"provider", manifest.key()},
                     {"manifest", display_path(dir, kManifestFileName)},
                     {"versions", display_path(dir, fs::path("versions") / *namespace_)},
                     {"dba_sql", setup}});
    return kExitOk;
  }
  out.note("created " + display_path(dir, kManifestFileName) + ", " + display_path(dir, "schema") + "/, " +
           display_path(dir, fs::path("versions") / *namespace_) + "/");
  out.note("Run the SQL below once per database as a superuser (it is on stdout: redirect it to a file):");
  out.raw(setup);
  return kExitOk;
}

}  // namespace mmc
