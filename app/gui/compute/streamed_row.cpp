#include "compute/streamed_row.hpp"

#include <utility>

#include "attn/base/errors.hpp"
#include "attn/experiments/metrics.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/kernels/functions.hpp"

namespace ax {
namespace {

std::vector<double> as_doubles(const attn::Vec<float>& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

attn::RowSummary summary_of(const attn::Vec<float>& weights, attn::RowStatus status) {
  attn::Weights<float> one;
  one.matrix = weights.transpose();
  one.rows = {status};
  return attn::summarize_row(one, 0);
}

}  // namespace

RowInspection inspect_streamed_row(const ComputeResult& result, std::size_t method, int row) {
  RowInspection out;
  if (!result.streaming || method >= result.methods.size() || row < 0 || row >= result.queries) return out;
  const MethodResult& r = result.methods[method];
  if (!r.error.empty()) return out;
  const StreamingInputs& in = *result.streaming;
  const attn::AttentionSpec& spec = in.specs.at(method);
  const attn::QueryRow<float> clean = attn::compute_query_row(in.vectors, spec, {}, row);
  const attn::QueryRow<float> perturbed = attn::compute_query_row(in.vectors, spec, in.perturbation, row);
  out.valid = true;
  out.method = r.spec;
  out.row = row;
  out.scores_clean = as_doubles(clean.scores);
  out.scores_perturbed = as_doubles(perturbed.scores);
  if (r.ratio_form) out.f_clean = attn::evaluate_ratio_function(spec.method, out.scores_clean);
  out.weights_clean = as_doubles(clean.weights);
  out.weights_perturbed = as_doubles(perturbed.weights);
  out.status_clean = clean.status;
  out.status_perturbed = perturbed.status;
  out.summary_clean = summary_of(clean.weights, clean.status);
  out.summary_perturbed = summary_of(perturbed.weights, perturbed.status);
  return out;
}

StreamedRowService::StreamedRowService()
    : worker_([this](const Ask& ask, std::uint64_t, const std::atomic<bool>& cancel) {
        auto inspection = std::make_shared<RowInspection>(inspect_streamed_row(*ask.result, ask.method, ask.row));
        if (cancel.load()) throw attn::Cancelled();
        std::lock_guard<std::mutex> lock(mutex_);
        done_ = {ask.result->generation, ask.method, ask.row, std::move(inspection)};
      }) {}

void StreamedRowService::request(const std::shared_ptr<const ComputeResult>& result, std::size_t method, int row) {
  if (!result || !result->streaming) return;
  if (result->generation == asked_generation_ && method == asked_method_ && row == asked_row_) return;
  asked_generation_ = result->generation;
  asked_method_ = method;
  asked_row_ = row;
  worker_.submit({result, method, row});
}

std::shared_ptr<const RowInspection> StreamedRowService::get(std::uint64_t generation, std::size_t method,
                                                             int row) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (done_.generation != generation || done_.method != method || done_.row != row) return nullptr;
  return done_.inspection;
}

}  // namespace ax
