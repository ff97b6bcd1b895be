// Running another program (the `alembic` command) and collecting what it
// printed. No shell is involved: arguments are passed as they are.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mmc {

struct ProcessResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out, err;
};

// The full path of `program` found on PATH ("" when it is not there).
std::string find_on_path(const std::string& program);

// Runs `argv` (argv[0] looked up on PATH) in `workdir` with `extra_env`
// ("NAME=value") added to the environment, through run_child
// (child_process.hpp). Throws OperationError when it cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& workdir,
                          const std::vector<std::string>& extra_env);

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace mmc
