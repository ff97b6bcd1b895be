// Migration lint rules over statement facts. Each rule is documented with
// its safe alternative in docs/lint.md.
#pragma once

#include "core/lint/facts.hpp"

namespace mm {

std::vector<LintFinding> run_lint_rules(const std::vector<StatementFacts>& statements, const LintOptions& options);

// True when changing a column from `from` to `to` (format_type spellings)
// is known not to rewrite the table: varchar(n) to varchar(m >= n), varchar
// or text; numeric(p,s) to numeric(q >= p, s) or unconstrained numeric;
// varbit(n) to larger; cidr to inet.
bool is_safe_type_widening(const std::string& from, const std::string& to);

}  // namespace mm
