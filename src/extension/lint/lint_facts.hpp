// Builds lint facts from PostgreSQL's raw parse tree of revision SQL,
// with the few catalog facts the rules need (current column types,
// function volatility, validated NOT NULL checks).
#pragma once

#include "core/lint/facts.hpp"
#include "extension/base/spi.hpp"

namespace mm::pg {

std::vector<StatementFacts> statement_facts(SpiSession& spi, const std::string& sql);

}  // namespace mm::pg
