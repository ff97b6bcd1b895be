// The C++/PostgreSQL error boundary, in both directions.
//
// PostgreSQL reports errors with ereport(), which longjmps; C++ reports them
// with exceptions, which unwind and run destructors. Mixing them is only
// safe if a longjmp never crosses a frame that owns a live C++ object. Two
// rules keep that true everywhere in this extension:
//
// 1. Postgres -> C++: every call into PostgreSQL that may ereport is made
//    inside pg_guard([&] { ... }). The lambda body may only call PostgreSQL
//    and use plain C data (no std::string, no vector, nothing with a
//    destructor); pg_guard catches the longjmp in its own sigsetjmp frame,
//    copies the ErrorData and throws PgError, which unwinds C++ normally.
//
// 2. C++ -> Postgres: every SQL-callable function is declared with
//    MM_SQL_FUNCTION(name, impl). Its C entry point calls impl inside
//    try/catch, copies the message out of the exception into static
//    buffers, lets the catch scope close (so every destructor has run), and
//    only then raises ereport(ERROR) — or re-throws the original
//    PostgreSQL error unchanged, keeping its SQLSTATE, message and context.
#pragma once

#include <exception>

#include "extension/base/postgres.hpp"

namespace mm::pg {

// A PostgreSQL error caught by pg_guard. The ErrorData lives in the memory
// context that was current when pg_guard was entered.
class PgError : public std::exception {
 public:
  explicit PgError(ErrorData* edata) : edata_(edata) {}
  const char* what() const noexcept override {
    return edata_ && edata_->message ? edata_->message : "PostgreSQL error";
  }
  ErrorData* edata() const noexcept { return edata_; }

 private:
  ErrorData* edata_;
};

// Runs fn, which calls into PostgreSQL, converting ereport(ERROR) into
// PgError. See rule 1 above for what fn may contain.
// The one sigsetjmp frame: runs `body(context)`, copying an ereport into
// the returned ErrorData (nullptr when none).
ErrorData* run_guarded(void (*body)(void*), void* context);

template <typename Fn>
auto pg_guard(Fn&& fn) -> decltype(fn()) {
  using Result = decltype(fn());
  if constexpr (std::is_void_v<Result>) {
    ErrorData* caught = run_guarded([](void* f) { (*static_cast<Fn*>(f))(); }, &fn);
    if (caught) throw PgError(caught);
  } else {
    static_assert(std::is_trivially_copyable_v<Result>, "pg_guard returns plain C values only");
    struct Call {
      Fn* fn;
      Result result;
    } call{&fn, Result{}};
    ErrorData* caught = run_guarded(
        [](void* c) {
          auto* call = static_cast<Call*>(c);
          call->result = (*call->fn)();
        },
        &call);
    if (caught) throw PgError(caught);
    return call.result;
  }
}

// PostgreSQL's CHECK_FOR_INTERRUPTS for the core's long loops
// (mm::set_interrupt_check): a pending cancel, statement_timeout or
// termination is raised as PgError there. Free when none is pending.
void check_postgres_interrupts();

// Runs impl and turns any exception into a PostgreSQL error (rule 2).
Datum call_entry(FunctionCallInfo fcinfo, Datum (*impl)(FunctionCallInfo));

}  // namespace mm::pg

// Declares the C entry point `sql_name` of a SQL-callable function whose
// body is the C++ function `impl`.
#define MM_SQL_FUNCTION(sql_name, impl)                                         \
  extern "C" {                                                                  \
  PG_FUNCTION_INFO_V1(sql_name);                                                \
  Datum sql_name(PG_FUNCTION_ARGS) { return mm::pg::call_entry(fcinfo, impl); } \
  }
