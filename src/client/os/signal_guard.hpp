// Interrupting a command that owns server-side resources (scratch
// databases, a statement running on the server) without leaking them. While a SignalGuard lives, SIGINT,
// SIGTERM and SIGHUP only record the signal; connections watched by it
// give up their wait for the server within a fraction of a second by
// throwing Interrupted, so destructors (which drop the scratch databases)
// run before the process ends; a connection abandoned in the middle of a
// call cancels it on the server (Connection::cancel_running_query) before
// it is closed. run_interruptible then ends the process by the same
// signal, as if it had not been caught.
#pragma once

#include <functional>

#include "client/output/errors.hpp"

namespace mmc {

class Connection;

class Interrupted : public OperationError {
 public:
  explicit Interrupted(int signal_number);
  int signal_number() const { return signal_number_; }

 private:
  int signal_number_;
};

class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  // The signal received since the guard was installed (0 if none).
  static int received();
  // Throws Interrupted once a signal was received.
  static void throw_if_received();
  // Makes `conn` throw Interrupted while it waits for the server after a
  // signal (see Connection::on_wait). Harmless without a guard.
  static void watch(Connection& conn);
  // How soon a waiting call notices a signal.
  static constexpr int kPollIntervalMs = 100;
};

// Runs `body` under a SignalGuard. When it is interrupted, prints what
// happened on stderr and re-raises the signal with its default action
// (exit status 128 + signal for the shell).
int run_interruptible(const std::function<int()>& body);

}  // namespace mmc
