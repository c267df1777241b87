// The masks of a model file (internal to core): `blocked`, `key_padding`, `attn_bias`, `mask_kind`,
// `q_replaced` and `k_replaced` checked and turned into one HeadMask per layer (or layer and head).
#pragma once

#include <string>

#include "attn/io/model_file.hpp"
#include "attn/io/npz.hpp"

namespace attn::detail {

// Reads the masks of the model under `prefix` ("" or "<group>/") into `model`, whose arrays and
// stack shape are read and checked already. A file with neither `blocked` nor `key_padding`
// falls back on its `mask` word ('causal' blocks j > i). Throws InputError naming the file and
// the member: a shape that does not match, a value other than 0 and 1, a non-finite bias.
void read_model_masks(const NpzArchive& archive, const std::string& prefix, ModelFile& model);

}  // namespace attn::detail
