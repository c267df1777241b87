// What the Python functions compute, on engine matrices (engine_module.cpp converts NumPy arrays
// and releases the GIL around these). The same engine calls as attention-cli's weights, overview
// and invariance commands, so a notebook gets the CLI's numbers.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "attn/base/progress.hpp"
#include "attn/base/types.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/overview/overview.hpp"

namespace axpy {

// The attention settings every function takes as keyword arguments (their names in Python).
struct AttentionArgs {
  std::string method = "exp";        // any method spec of attention-cli: "relu", "power:2", "custom:exp(2*z)"
  std::string score = "scaled-dot";  // dot, scaled-dot, cosine, neg-sqdist
  double alpha = 1.0;
  std::string mask = "none";  // none or causal
  double shift = 0.0;         // M, added to every score (the perturbed weights)
  double scale = 1.0;         // lambda, multiplies every score
  bool float32 = false;       // compute in float32 (the app's and the CLI's default precision) instead of float64
};

struct Inputs {
  attn::MatD queries;              // n x d
  std::optional<attn::MatD> keys;  // m x d; none: self-attention
};

// Throws attn::InputError when the keys' dimension differs from the queries' (the other checks of
// the arrays are made when they are converted, numpy_arrays.hpp).
void check_inputs(const Inputs& in);

// W (n x m) for `args`, perturbed by its shift and scale, in the precision computed (float32 or
// float64). Undefined rows are NaN (as the CLI writes them). Throws attn::UsageError (a bad
// method, score, mask or number) or attn::InputError (shapes, sizes, the memory budget).
std::variant<attn::MatF, attn::MatD> weights(const Inputs& in, const AttentionArgs& args);

// The pooled overview of W streamed from Q and K (never holding W): at most `pixels` x `pixels`,
// each pixel the max (or mean) of its block of cells; NaN where a block has no defined cell.
struct OverviewImage {
  std::vector<float> values;
  attn::Index rows = 0, cols = 0;
};
// Cancelled through `progress` (attn::Cancelled).
OverviewImage overview(const Inputs& in, const AttentionArgs& args, attn::Index pixels, const std::string& reduce,
                       const attn::ProgressReporter& progress = {});

// W(M) against W(0) for each method and shift M (args.method, args.shift and args.scale are not
// used).
std::vector<attn::InvarianceResult> invariance(const Inputs& in, const AttentionArgs& args,
                                               const std::vector<std::string>& methods,
                                               const std::vector<double>& shifts,
                                               const attn::ProgressReporter& progress = {});

}  // namespace axpy
