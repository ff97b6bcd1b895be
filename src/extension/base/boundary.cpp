#include "extension/base/boundary.hpp"

#include <cstring>
#include <new>

#include "core/error.hpp"

namespace mm::pg {

namespace {

// Static so that nothing needs freeing once ereport has longjmp'd away.
char message_buf[8192];
char detail_buf[8192];
char hint_buf[2048];

void copy_text(char* dst, std::size_t size, const char* src) {
  std::strncpy(dst, src ? src : "", size - 1);
  dst[size - 1] = '\0';
}

int sqlstate_code(const char* text) {
  if (!text || std::strlen(text) != 5) return ERRCODE_INTERNAL_ERROR;
  return MAKE_SQLSTATE(text[0], text[1], text[2], text[3], text[4]);
}

}  // namespace

ErrorData* run_guarded(void (*body)(void*), void* context) {
  MemoryContext caller_context = CurrentMemoryContext;
  ErrorData* volatile caught = nullptr;
  PG_TRY();
  { body(context); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller_context);
    caught = CopyErrorData();
    FlushErrorState();
  }
  PG_END_TRY();
  return caught;
}

void check_postgres_interrupts() {
  // A flag read first: the guarded call costs a sigsetjmp.
  if (!INTERRUPTS_PENDING_CONDITION()) return;
  pg_guard([] { CHECK_FOR_INTERRUPTS(); });
}

Datum call_entry(FunctionCallInfo fcinfo, Datum (*impl)(FunctionCallInfo)) {
  ErrorData* postgres_error = nullptr;
  int code = ERRCODE_INTERNAL_ERROR;
  message_buf[0] = detail_buf[0] = hint_buf[0] = '\0';
  try {
    return impl(fcinfo);
  } catch (const PgError& e) {
    postgres_error = e.edata();
  } catch (const mm::Error& e) {
    code = sqlstate_code(e.sqlstate());
    copy_text(message_buf, sizeof message_buf, e.what());
    copy_text(detail_buf, sizeof detail_buf, e.detail().c_str());
    copy_text(hint_buf, sizeof hint_buf, e.hint().c_str());
  } catch (const std::bad_alloc&) {
    code = ERRCODE_OUT_OF_MEMORY;
    copy_text(message_buf, sizeof message_buf, "out of memory in metamigrate");
  } catch (const std::exception& e) {
    copy_text(message_buf, sizeof message_buf, e.what());
  } catch (...) {
    copy_text(message_buf, sizeof message_buf, "unknown C++ exception in metamigrate");
  }
  // Every C++ object of this call has been destroyed by now.
  if (postgres_error) ReThrowError(postgres_error);
  ereport(ERROR, (errcode(code), errmsg_internal("%s", message_buf),
                  detail_buf[0] ? errdetail_internal("%s", detail_buf) : 0, hint_buf[0] ? errhint("%s", hint_buf) : 0));
  pg_unreachable();
}

}  // namespace mm::pg
