// Error kinds of the client and the exit status each one maps to.
#pragma once

#include <stdexcept>
#include <string>

namespace mmc {

enum ExitStatus { kExitOk = 0, kExitFailed = 1, kExitUsage = 2 };

// Bad command-line usage (unknown option, missing argument): exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem in an input file. Printed as one line "file:line: message", exit 2.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, const std::string& message)
      : std::runtime_error(message), file_(std::move(file)), line_(line) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  // "file:line: message", or "file: message" for a problem with the whole file.
  std::string located() const {
    return file_ + (line_ > 0 ? ":" + std::to_string(line_) : std::string()) + ": " + what();
  }

 private:
  std::string file_;
  int line_;
};

// The operation itself failed (database unreachable, refused step...): exit 1.
class OperationError : public std::runtime_error {
 public:
  explicit OperationError(const std::string& message, std::string hint = {})
      : std::runtime_error(message), hint_(std::move(hint)) {}
  const std::string& hint() const { return hint_; }

 private:
  std::string hint_;
};

}  // namespace mmc
