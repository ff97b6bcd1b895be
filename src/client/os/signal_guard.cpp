#include "client/os/signal_guard.hpp"

#include <csignal>
#include <iterator>
#include <cstring>
#include <iostream>

#include "client/server/connection.hpp"

namespace mmc {

namespace {

constexpr int kWatchedSignals[] = {SIGINT, SIGTERM, SIGHUP};

volatile std::sig_atomic_t received_signal = 0;

extern "C" void record_signal(int signal_number) {
  if (received_signal == 0) received_signal = signal_number;
}

struct sigaction previous_actions[sizeof kWatchedSignals / sizeof kWatchedSignals[0]];

}  // namespace

Interrupted::Interrupted(int signal_number)
    : OperationError(std::string("interrupted by ") + (signal_number == SIGINT    ? "SIGINT"
                                                       : signal_number == SIGTERM ? "SIGTERM"
                                                                                  : "SIGHUP")),
      signal_number_(signal_number) {}

SignalGuard::SignalGuard() {
  received_signal = 0;
  for (std::size_t i = 0; i < std::size(kWatchedSignals); ++i) {
    sigaction(kWatchedSignals[i], nullptr, &previous_actions[i]);
    // Under nohup, SIGHUP stays ignored.
    if (kWatchedSignals[i] == SIGHUP && previous_actions[i].sa_handler == SIG_IGN) continue;
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = record_signal;
    sigemptyset(&action.sa_mask);
    sigaction(kWatchedSignals[i], &action, nullptr);
  }
}

SignalGuard::~SignalGuard() {
  for (std::size_t i = 0; i < std::size(kWatchedSignals); ++i)
    sigaction(kWatchedSignals[i], &previous_actions[i], nullptr);
}

int SignalGuard::received() { return received_signal; }

void SignalGuard::throw_if_received() {
  if (received_signal != 0) throw Interrupted(received_signal);
}

void SignalGuard::watch(Connection& conn) {
  conn.on_wait(&SignalGuard::throw_if_received, SignalGuard::kPollIntervalMs);
}

int run_interruptible(const std::function<int()>& body) {
  int signal_number = 0;
  {
    SignalGuard guard;
    try {
      return body();
    } catch (const Interrupted& e) {
      // Every scope of `body` has been left: its scratch databases are gone.
      std::cerr << "metamigrate: " << e.what() << "; stopped after cleaning up" << std::endl;
      signal_number = e.signal_number();
    }
  }
  std::cout.flush();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
  return 128 + signal_number;  // only if the default action did not end the process
}

}  // namespace mmc
