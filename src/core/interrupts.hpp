// Long work in the plain C++ core (reading, planning and printing the
// diff of thousands of tables) asks here, between objects, whether to
// stop. The extension installs PostgreSQL's own check, so that a cancel,
// statement_timeout or pg_terminate_backend ends it as it ends any query
// (by throwing; the entry point reports the error). Without one installed
// (the client, the unit tests) nothing stops.
#pragma once

namespace mm {

using InterruptCheck = void (*)();

// The check check_for_interrupts() calls from now on (nullptr: none).
void set_interrupt_check(InterruptCheck check);

// Calls the installed check, which throws to stop the work.
void check_for_interrupts();

// Loops over single objects check once per this many (a table is checked
// on its own: it holds many).
inline constexpr int kObjectsBetweenChecks = 256;

}  // namespace mm
