// Commands of the contract that later versions implement. They say so
// instead of pretending to work.
#include <iostream>

#include "client/commands.hpp"
#include "client/errors.hpp"

namespace mmc {

int cmd_not_implemented(CommandLine& cl) {
  throw UsageError("'" + cl.command() + "' is not implemented yet in this version (" METAMIGRATE_VERSION ")");
}

}  // namespace mmc
