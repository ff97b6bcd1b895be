// Interrupting a command that owns server-side resources (scratch
// databases) without leaking them. While a SignalGuard lives, SIGINT,
// SIGTERM and SIGHUP only record the signal; connections watched by it
// give up their wait for the server within a fraction of a second by
// throwing Interrupted, so destructors (which drop the scratch databases)
// run before the process ends. run_interruptible then ends the process by
// the same signal, as if it had not been caught.
#pragma once

#include <functional>

#include "client/errors.hpp"

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
  // signal (see Connection::on_wait).
  static void watch(Connection& conn);
};

// Runs `body` under a SignalGuard. When it is interrupted, prints what
// happened on stderr and re-raises the signal with its default action
// (exit status 128 + signal for the shell).
int run_interruptible(const std::function<int()>& body);

}  // namespace mmc
