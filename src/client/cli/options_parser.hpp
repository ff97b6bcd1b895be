// cxxopts, the command-line parser, without its regular expressions: it
// keeps them as namespace-scope statics in the header, so every file that
// included it compiled six std::regex at process start, half of what
// `metamigrate --version` took. Include this instead of <cxxopts.hpp>.
#pragma once

#define CXXOPTS_NO_REGEX
#include <cxxopts.hpp>
