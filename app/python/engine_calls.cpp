#include "engine_calls.hpp"

#include <cmath>

#include "attn/base/errors.hpp"
#include "attn/kernels/attention.hpp"

namespace axpy {
namespace {

void check_finite(double value, const char* name) {
  if (!std::isfinite(value)) throw attn::UsageError(std::string(name) + ": must be a finite number");
}

// The parsers' messages get the keyword's name in front, as the CLI puts its option's.
template <class Parse>
auto parsed(const char* keyword, Parse&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string(keyword) + ": " + e.what());
  }
}

attn::AttentionSpec spec_of(const AttentionArgs& args) {
  check_finite(args.alpha, "alpha");
  attn::AttentionSpec spec;
  spec.score = parsed("score", [&] { return attn::parse_score_kind(args.score); });
  spec.alpha = args.alpha;
  spec.method = parsed("method", [&] { return attn::parse_method(args.method); });
  spec.mask = parsed("mask", [&] { return attn::parse_mask(args.mask); });
  return spec;
}

attn::Perturbation perturbation_of(const AttentionArgs& args) {
  check_finite(args.shift, "shift");
  check_finite(args.scale, "scale");
  attn::Perturbation p;
  p.shift = args.shift;
  p.scale = args.scale;
  return p;
}

template <class T>
attn::Vectors<T> vectors_of(const Inputs& in) {
  attn::Vectors<T> v;
  v.queries = in.queries.cast<T>();
  if (in.keys) v.keys = in.keys->cast<T>();
  attn::validate_vectors(v);
  return v;
}

template <class T>
attn::Mat<T> weights_in(const Inputs& in, const AttentionArgs& args) {
  const attn::AttentionSpec spec = spec_of(args);
  const attn::Perturbation perturbation = perturbation_of(args);
  const attn::Vectors<T> v = vectors_of<T>(in);
  attn::check_matrix_size(v.queries.rows(), v.key_vectors().rows(), "the weight matrix");
  return std::move(attn::compute_weights(v, spec, perturbation).matrix);
}

template <class T>
attn::Overview overview_in(const Inputs& in, const AttentionArgs& args, const attn::OverviewRequest& request,
                           const attn::ProgressReporter& progress) {
  const attn::AttentionSpec spec = spec_of(args);
  const attn::Perturbation perturbation = perturbation_of(args);
  return attn::stream_overview(vectors_of<T>(in), spec, perturbation, request, progress);
}

}  // namespace

void check_inputs(const Inputs& in) { vectors_of<double>(in); }

std::variant<attn::MatF, attn::MatD> weights(const Inputs& in, const AttentionArgs& args) {
  if (args.float32) return weights_in<float>(in, args);
  return weights_in<double>(in, args);
}

OverviewImage overview(const Inputs& in, const AttentionArgs& args, attn::Index pixels, const std::string& reduce,
                       const attn::ProgressReporter& progress) {
  if (pixels < 1) throw attn::UsageError("pixels: must be at least 1, got " + std::to_string(pixels));
  const attn::PoolReduction reduction = parsed("reduce", [&] { return attn::parse_pool_reduction(reduce); });
  attn::OverviewRequest request;
  request.pixel_rows = request.pixel_cols = pixels;
  attn::Overview o =
      args.float32 ? overview_in<float>(in, args, request, progress) : overview_in<double>(in, args, request, progress);
  return {std::move(reduction == attn::PoolReduction::Max ? o.peak : o.mean), o.pixel_rows, o.pixel_cols};
}

std::vector<attn::InvarianceResult> invariance(const Inputs& in, const AttentionArgs& args,
                                               const std::vector<std::string>& methods,
                                               const std::vector<double>& shifts,
                                               const attn::ProgressReporter& progress) {
  if (methods.empty()) throw attn::UsageError("methods: give at least one method");
  if (shifts.empty()) throw attn::UsageError("shifts: give at least one shift");
  for (double s : shifts) check_finite(s, "shifts");
  std::vector<attn::Method> parsed_methods;
  for (const std::string& m : methods)
    parsed_methods.push_back(parsed("methods", [&] { return attn::parse_method(m); }));
  const attn::AttentionSpec base = spec_of(args);
  if (args.float32) return attn::invariance_sweep(vectors_of<float>(in), base, parsed_methods, shifts, progress);
  return attn::invariance_sweep(vectors_of<double>(in), base, parsed_methods, shifts, progress);
}

}  // namespace axpy
