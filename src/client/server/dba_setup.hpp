// The SQL a DBA runs once per database for a provider (printed by scaffold).
#pragma once

#include <string>

#include "client/provider/manifest.hpp"

namespace mmc {

std::string render_dba_setup(const Manifest& manifest);

}  // namespace mmc
