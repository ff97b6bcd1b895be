// Runs a program as a child process and collects what it printed: the
// client itself for each target of a fleet (each target then gets exactly
// a single-target run, and one target's crash cannot take others down),
// and `alembic` for an import (process.hpp). No shell is involved.
#pragma once

#include <string>
#include <vector>

namespace mmc {

struct ChildResult {
  int exit_code = -1;    // the child's status; 128+N when killed by signal N; -1 when it did not start
  std::string out, err;  // its stdout and stderr (capped, see kMaxCapture)
  std::string failure;   // why it could not be started or waited for
};

// The path of the running executable (/proc/self/exe).
std::string self_executable();

// Starts `program` with `argv` (argv[0] included) and exactly `environment`
// ("NAME=value"), stdin from /dev/null, in `workdir` when one is given, and
// waits for it. Safe to call from several threads at once: the pipes are
// close-on-exec, so no child inherits another's pipe and every reader sees
// end-of-file in time.
ChildResult run_child(const std::string& program, const std::vector<std::string>& argv,
                      const std::vector<std::string>& environment, const std::string& workdir = "");

}  // namespace mmc
