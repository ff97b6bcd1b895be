#include "client/os/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mmc {

namespace {

// Enough for any report; a runaway child cannot exhaust memory.
constexpr std::size_t kMaxCapture = 8 * 1024 * 1024;

class Pipe {
 public:
  Pipe() {
    if (pipe2(fds_, O_CLOEXEC) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  int fds_[2];
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Reads both pipes until both are closed (reading one to the end first
// could deadlock on a child blocked writing the other).
void drain(Pipe& out_pipe, Pipe& err_pipe, ChildResult& result) {
  struct pollfd fds[2] = {{out_pipe.read_end(), POLLIN, 0}, {err_pipe.read_end(), POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      result.failure = std::string("poll: ") + std::strerror(errno);
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        --open;
        continue;
      }
      if (sinks[i]->size() < kMaxCapture) sinks[i]->append(buffer, static_cast<std::size_t>(n));
    }
  }
}

}  // namespace

std::string self_executable() {
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return {};
  return std::string(path, static_cast<std::size_t>(n));
}

ChildResult run_child(const std::string& program, const std::vector<std::string>& argv,
                      const std::vector<std::string>& environment, const std::string& workdir) {
  ChildResult result;
  Pipe out_pipe, err_pipe;
  if (!out_pipe.ok() || !err_pipe.ok()) {
    result.failure = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  SpawnActions actions;
  posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // dup2 onto 1 and 2 clears close-on-exec for those two only.
  posix_spawn_file_actions_adddup2(actions.get(), out_pipe.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), err_pipe.write_end(), STDERR_FILENO);
  if (!workdir.empty()) posix_spawn_file_actions_addchdir_np(actions.get(), workdir.c_str());
  std::vector<char*> args = c_strings(argv), env = c_strings(environment);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), actions.get(), nullptr, args.data(), env.data());
  out_pipe.close_write();
  err_pipe.close_write();
  if (spawned != 0) {
    result.failure = "cannot start " + program + ": " + std::strerror(spawned);
    return result;
  }
  drain(out_pipe, err_pipe, result);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno == EINTR) continue;
    result.failure = std::string("waitpid: ") + std::strerror(errno);
    return result;
  }
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  return result;
}

}  // namespace mmc
