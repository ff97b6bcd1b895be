#include "client/os/process.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "client/os/child_process.hpp"
#include "client/output/errors.hpp"

extern char** environ;

namespace mmc {

namespace fs = std::filesystem;

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / program;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& workdir,
                          const std::vector<std::string>& extra_env) {
  const std::string program = argv.at(0).find('/') == std::string::npos ? find_on_path(argv[0]) : argv[0];
  if (program.empty()) throw OperationError(argv[0] + " is not on PATH");
  std::vector<std::string> environment(extra_env);
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);  // extra first: getenv takes the first
  ChildResult child = run_child(program, argv, environment, workdir.string());
  if (!child.failure.empty()) throw OperationError(child.failure);
  return {child.exit_code, std::move(child.out), std::move(child.err)};
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "metamigrate-import.XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    throw OperationError(std::string("cannot create a temporary directory: ") + std::strerror(errno));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace mmc
