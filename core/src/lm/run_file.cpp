#include "attn/lm/run_file.hpp"

#include "attn/base/errors.hpp"
#include "attn/io/npz_writer.hpp"

namespace attn {
namespace {

// One [L, H, rows, cols] array from a member of every head, layer-major.
template <class T, class Get>
std::vector<T> stack_heads(const LmRun<T>& run, Index rows, Index cols, Get get) {
  std::vector<T> out;
  out.reserve(run.heads.size() * static_cast<std::size_t>(rows * cols));
  for (const LmHeadRecord<T>& head : run.heads) {
    const Mat<T>& m = get(head);
    out.insert(out.end(), m.data(), m.data() + m.size());
  }
  return out;
}

// [L, n, n]: `inside` where key j <= query i, `outside` where j > i.
template <class T>
std::vector<T> causal_pattern(Index layers, Index n, T inside, T outside) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(layers * n * n));
  for (Index l = 0; l < layers; ++l) {
    for (Index i = 0; i < n; ++i) {
      for (Index j = 0; j < n; ++j) out.push_back(j <= i ? inside : outside);
    }
  }
  return out;
}

}  // namespace

template <class T>
void write_lm_run_file(const std::string& path, const LmRun<T>& run, const std::vector<std::string>& tokens,
                       const LmRunOptions& options) {
  if (run.heads.empty()) throw UsageError("the run did not record its heads; nothing to write to " + path);
  const Index layers = run.layers, heads = run.heads_per_layer;
  const Index n = run.heads.front().q.rows(), d = run.heads.front().q.cols();
  if (static_cast<Index>(tokens.size()) != n) {
    throw UsageError(std::to_string(tokens.size()) + " tokens for a run of " + std::to_string(n));
  }
  NpzWriter file;
  file.add_strings("export_format", {"2"});
  file.add_strings("precision", {sizeof(T) == 4 ? "float32" : "float64"});
  file.add_strings("dropout_applied", {"false"});
  file.add("q", stack_heads(run, n, d, [](const auto& h) -> const Mat<T>& { return h.q; }).data(),
           {layers, heads, n, d});
  file.add("k", stack_heads(run, n, d, [](const auto& h) -> const Mat<T>& { return h.k; }).data(),
           {layers, heads, n, d});
  file.add("v", stack_heads(run, n, d, [](const auto& h) -> const Mat<T>& { return h.v; }).data(),
           {layers, heads, n, d});
  file.add("weights", stack_heads(run, n, n, [](const auto& h) -> const Mat<T>& { return h.weights.matrix; }).data(),
           {layers, heads, n, n});
  file.add_strings("tokens", tokens);
  std::vector<std::string> names;
  for (Index l = 0; l < layers; ++l) names.push_back("blocks." + std::to_string(l) + ".attn");
  file.add_strings("layer_names", names);
  file.add_strings("role", {"self"});
  const bool shifted = options.perturbation.shift != 0.0;
  file.add_strings("mask", {shifted ? "other" : "causal"});
  file.add_strings("mask_kind",
                   std::vector<std::string>(static_cast<std::size_t>(layers), shifted ? "other" : "causal"));
  file.add("blocked", causal_pattern<T>(layers, n, T(0), T(1)).data(), {layers, n, n});
  if (shifted) {
    const auto m = static_cast<T>(options.perturbation.shift);
    file.add("attn_bias", causal_pattern<T>(layers, n, m, T(0)).data(), {layers, n, n});
  }
  file.write(path);
}

template void write_lm_run_file(const std::string&, const LmRun<float>&, const std::vector<std::string>&,
                                const LmRunOptions&);
template void write_lm_run_file(const std::string&, const LmRun<double>&, const std::vector<std::string>&,
                                const LmRunOptions&);

}  // namespace attn
