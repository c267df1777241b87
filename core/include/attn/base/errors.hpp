// The two kinds of failure the engine reports. Front ends map them to exit codes (CLI: 2 and 3)
// or to the error bar (GUI). Messages are complete sentences for a user: they name the file or
// option, the place (line, column, element index) and the problem.
#pragma once

#include <stdexcept>
#include <string>

namespace attn {

// Something the user asked for does not exist or cannot be parsed: an unknown method or score,
// a formula with a syntax error, a parameter out of range.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Data that cannot be used: unreadable or malformed files, NaN or Inf values, mismatched sizes,
// sizes too large to allocate, outputs that cannot be written.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A long computation was stopped through its cancellation flag.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace attn
