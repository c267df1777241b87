// The lesson authors' list of claim kinds, generated from the registry: what each kind measures, its
// parameters and the values its statement may quote. `attention-explorer --list-claims` prints it,
// docs/claim_kinds.md holds it, and a test fails when the two differ.
#pragma once

#include <string>
#include <string_view>

#include "lessons/claims.hpp"

namespace ax {

// Markdown, every kind of every topic in registry order.
std::string claim_kinds_markdown();

// Whether `key` (a key of ClaimResult::values) is one the kind documents; a <name> in a documented
// value stands for one or more characters.
bool documents_value(const ClaimKind& kind, std::string_view key);

}  // namespace ax
