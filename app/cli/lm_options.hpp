// Options shared by the language-model commands (lm, lm-robustness).
#pragma once

#include <optional>
#include <string>

#include "attn/kernels/methods.hpp"

namespace cli {

// --method: the F every head uses instead of the model's own; empty keeps the model's.
std::optional<attn::Method> parse_lm_method(const std::string& text);

// A finite number >= 0 (an rms) or a finite number (a shift), named by its option in the error.
void check_rms(const std::string& option, double value);
void check_finite(const std::string& option, double value);

}  // namespace cli
