// The masks a model file's queries ran with (--mask file, the default): when --input is
// ARCHIVE.npz:q or ARCHIVE.npz:GROUP/q of a model file (tools/export_attention.py), each head gets
// the mask the model applied to it (blocked entries, padded keys, an additive bias, or the format-1
// word 'causal'), so exp recomputed from q and k gives the model's own weights.
#pragma once

#include <string>
#include <vector>

#include "attention_options.hpp"
#include "attn/io/model_file.hpp"
#include "attn/kernels/attention.hpp"

namespace cli {

class FileMasks {
 public:
  // Reads the masks of the model file `options.input` names, for --mask file; nothing otherwise
  // (another --mask, or an input that is not the `q` of a model archive).
  explicit FileMasks(const AttentionOptions& options);

  // Sets spec.mask and spec.mask_arrays for matrix k of the selected stack (stack_place order);
  // with --mask none or causal, the rule alone.
  void apply(attn::AttentionSpec& spec, std::size_t k) const;
  // One line for stderr when the file's masks are applied ("" otherwise).
  const std::string& note() const { return note_; }

 private:
  attn::Mask rule_ = attn::Mask::None;
  std::vector<attn::HeadMask> masks_;  // one per matrix of the selected stack; empty: the rule alone
  std::string note_;
};

// The group and local name of an archive member: "cross/q" -> {"cross", "q"}, "q" -> {"", "q"}.
std::pair<std::string, std::string> split_group(const std::string& member);

}  // namespace cli
