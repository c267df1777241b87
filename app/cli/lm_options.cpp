#include "lm_options.hpp"

#include <cmath>

#include "attn/base/errors.hpp"
#include "attn/lm/forward.hpp"

namespace cli {

std::optional<attn::Method> parse_lm_method(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    attn::Method method = attn::parse_method(text);
    attn::check_language_model_method(method);  // refused before the model is read
    return method;
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("--method: ") + e.what());
  }
}

void check_rms(const std::string& option, double value) {
  if (!std::isfinite(value) || value < 0.0) throw attn::UsageError(option + ": must be a finite number >= 0");
}

void check_finite(const std::string& option, double value) {
  if (!std::isfinite(value)) throw attn::UsageError(option + ": must be a finite number");
}

}  // namespace cli
