// Where the client writes: results on stdout (human text or JSON),
// diagnostics on stderr, progress on stderr only for a terminal.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace mmc {

class Output {
 public:
  Output(bool json, bool quiet, bool verbose);

  bool json() const { return json_; }
  bool quiet() const { return quiet_; }
  bool verbose() const { return verbose_; }

  // Human result text on stdout; suppressed with --json.
  void result(const std::string& line) const;
  // The JSON document of a command on stdout.
  void result_json(const nlohmann::json& document) const;
  // Raw text on stdout whatever the mode (scripts printed by --sql).
  void raw(const std::string& text) const;

  // Diagnostics on stderr: note (not under -q), detail (only -v), warning (always).
  void note(const std::string& line) const;
  void detail(const std::string& line) const;
  void warning(const std::string& line) const;
  // A diagnostic line printed as is, always (lint findings).
  void message(const std::string& line) const;

  // Progress of long operations: only when stderr is a terminal, not under
  // -q or --json, and only for more than a few steps.
  bool wants_progress(std::size_t total_steps) const;
  void progress(std::size_t index, std::size_t total, const std::string& revision, const std::string& message,
                double duration_ms) const;

  // The live line of a long wait (what the server is doing now): on a
  // terminal one line rewritten in place (not under -q or --json); under
  // -v elsewhere, a detail line each time `stable` (the line without its
  // clock) changes. Any other output ends it first.
  bool wants_live() const;
  void live(const std::string& stable, const std::string& line) const;
  void end_live() const;

 private:
  bool json_, quiet_, verbose_, stderr_is_terminal_;
  mutable bool live_shown_ = false;  // a live line is on the terminal
  mutable std::string live_last_;    // the last `stable` said under -v
};

// "12.3 ms", "1.20 s": short human durations.
std::string format_duration_ms(double ms);

}  // namespace mmc
