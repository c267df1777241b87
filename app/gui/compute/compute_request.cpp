#include "compute/compute_request.hpp"

#include <cstdint>
#include <utility>

#include "attn/base/random.hpp"

namespace ax {

ComputeRequest make_compute_request(const AppState& state, std::shared_ptr<const LoadedData> data) {
  ComputeRequest r;
  r.data = std::move(data);
  r.attention = state.attention;
  r.noise = state.noise;
  r.chart_shift_min = state.view.chart_shift_min;
  r.chart_shift_max = state.view.chart_shift_max;
  r.centre = state.data.centre;
  r.versus_reference = state.view.versus_model;
  return r;
}

attn::AttentionSpec make_attention_spec(const AttentionSettings& attention, bool centre, const attn::Method& method,
                                        const attn::HeadMask& model) {
  attn::AttentionSpec spec;
  spec.score = attn::parse_score_kind(attention.score);
  spec.alpha = attention.alpha;
  if (attention.mask == "model") {
    spec.mask = model.causal ? attn::Mask::Causal : attn::Mask::None;
    spec.mask_arrays = model.arrays;
  } else {
    spec.mask = attn::parse_mask(attention.mask);
  }
  spec.method = method;
  spec.centre = centre;
  spec.subtract_max = attention.subtract_max;
  return spec;
}

attn::AttentionSpec request_spec(const ComputeRequest& request, const attn::Method& method) {
  return make_attention_spec(request.attention, request.centre, method,
                             request.data ? request.data->model_mask : attn::HeadMask{});
}

attn::AttentionSpec spec_for_first_rows(attn::AttentionSpec spec, attn::Index rows) {
  if (spec.mask_arrays && spec.mask_arrays->queries > rows) {
    spec.mask_arrays = std::make_shared<const attn::MaskArrays>(spec.mask_arrays->first_rows(rows));
  }
  return spec;
}

std::vector<bool> masked_keys(const AttentionSettings& attention, const LoadedData& data, attn::Index row,
                              attn::Index keys) {
  std::vector<bool> masked;
  const attn::HeadMask& model = data.model_mask;
  const bool causal = attention.mask == "causal" || (attention.mask == "model" && model.causal);
  const attn::MaskArrays* arrays = attention.mask == "model" ? model.arrays.get() : nullptr;
  if (!causal && !arrays) return masked;
  for (attn::Index j = 0; j < keys; ++j) {
    const bool by_arrays = arrays && row < arrays->queries && j < arrays->keys && arrays->blocks(row, j);
    masked.push_back((causal && j > row) || by_arrays);
  }
  return masked;
}

attn::Perturbation make_perturbation(const NoiseSettings& noise, attn::Index queries, attn::Index keys) {
  attn::Perturbation p;
  p.shift = noise.shift;
  p.scale = noise.scale;
  p.score_noise_rms = noise.score_noise_rms;
  p.global_rms = noise.global_rms;
  p.local_rms = noise.local_rms;
  p.noise_target = attn::parse_noise_target(noise.target);
  p.seed = noise.seed;
  p.draw = noise.draw;
  constexpr std::uint64_t kRowShiftStream = 101, kColumnShiftStream = 102;
  if (noise.row_shift_rms > 0.0) {
    attn::Rng rng(noise.seed, noise.draw, kRowShiftStream);
    for (attn::Index i = 0; i < queries; ++i) p.row_shifts.push_back(noise.row_shift_rms * rng.normal());
  }
  if (noise.column_shift_rms > 0.0) {
    attn::Rng rng(noise.seed, noise.draw, kColumnShiftStream);
    for (attn::Index j = 0; j < keys; ++j) p.column_shifts.push_back(noise.column_shift_rms * rng.normal());
  }
  return p;
}

attn::ExpectedShift expected_shift_of(const ComputeRequest& request, bool self_attention, attn::Index dimension) {
  if (request.centre) return {0.0, 0.0, false};
  return attn::expected_score_shift(attn::parse_score_kind(request.attention.score), request.noise.global_rms,
                                    request.noise.local_rms, attn::parse_noise_target(request.noise.target),
                                    self_attention, static_cast<long>(dimension));
}

}  // namespace ax
