#include "core/interrupts.hpp"

namespace mm {

namespace {
InterruptCheck installed_check = nullptr;
}  // namespace

void set_interrupt_check(InterruptCheck check) { installed_check = check; }

void check_for_interrupts() {
  if (installed_check) installed_check();
}

}  // namespace mm
