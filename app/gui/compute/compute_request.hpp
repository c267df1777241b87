// A snapshot of what to compute: the data and the settings that affect the numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "attn/kernels/attention.hpp"
#include "compute/loaded_data.hpp"
#include "state/app_state.hpp"

namespace ax {

struct ComputeRequest {
  std::shared_ptr<const LoadedData> data;
  AttentionSettings attention;
  NoiseSettings noise;
  double chart_shift_min = 1e-3;
  double chart_shift_max = 1e2;
  bool centre = false;
  bool versus_reference = true;  // view.versus_model
  // Numbers the clean stage's inputs (data, attention settings, centring): requests with the same
  // non-zero number share their clean weights; 0 always computes them.
  std::uint64_t clean_generation = 0;
};

ComputeRequest make_compute_request(const AppState& state, std::shared_ptr<const LoadedData> data);

// The engine spec the settings describe for `method` (centring comes from the data settings).
// Mask "model" applies `model`, the mask a model file's head ran with (none without a model).
attn::AttentionSpec make_attention_spec(const AttentionSettings& attention, bool centre, const attn::Method& method,
                                        const attn::HeadMask& model = {});
// The spec of `request` for `method`: its settings, centring and the loaded head's own mask.
attn::AttentionSpec request_spec(const ComputeRequest& request, const attn::Method& method);
// `spec` for the first `rows` queries only (charts over the first rows): a model's mask arrays cut.
attn::AttentionSpec spec_for_first_rows(attn::AttentionSpec spec, attn::Index rows);

// Which keys the mask in use blocks for query `row` (empty when it blocks none): the causal rule, or
// with mask "model" the blocked keys and padding of the head loaded.
std::vector<bool> masked_keys(const AttentionSettings& attention, const LoadedData& data, attn::Index row,
                              attn::Index keys);

// The engine perturbation the noise settings describe for `queries` x `keys` scores: per-row and
// per-column shifts are drawn from the noise seed and draw, so a scenario reproduces them.
attn::Perturbation make_perturbation(const NoiseSettings& noise, attn::Index queries, attn::Index keys);

// The expected shift of the scores under the request's vector noise, for its target: 0 when only
// the queries or only the keys are noisy, the diagonal's extra s_l^2 d in self-attention
// (attn::expected_score_shift). Centred data lose g and part of l: no closed form (`exact` false).
attn::ExpectedShift expected_shift_of(const ComputeRequest& request, bool self_attention, attn::Index dimension);

}  // namespace ax
