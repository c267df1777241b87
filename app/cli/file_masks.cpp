#include "file_masks.hpp"

#include <algorithm>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"

namespace cli {
namespace {

// [layer, head] of each matrix the selection keeps, in order.
std::vector<std::pair<attn::Index, attn::Index>> selected_heads(const attn::ModelFile& file,
                                                                const StackSelection& selection) {
  std::vector<std::pair<attn::Index, attn::Index>> out;
  const bool four_axes = file.stack_shape.size() == 2;
  for (attn::Index l = 0; l < file.layers(); ++l) {
    if (four_axes && selection.layer >= 0 && l != selection.layer) continue;
    for (attn::Index h = 0; h < file.heads(); ++h) {
      if (selection.head >= 0 && h != selection.head) continue;
      out.emplace_back(l, h);
    }
  }
  return out;
}

std::string describe(const attn::ModelFile& file) {
  std::vector<std::string> parts;
  const bool any_causal =
      std::any_of(file.head_masks.begin(), file.head_masks.end(), [](const auto& m) { return m.causal; });
  bool blocked = false, padded = false, bias = false;
  for (const attn::HeadMask& m : file.head_masks) {
    if (!m.arrays) continue;
    blocked = blocked || !m.arrays->blocked.empty();
    padded = padded || !m.arrays->padded.empty();
    bias = bias || m.arrays->has_bias();
  }
  if (any_causal) parts.emplace_back("causal");
  if (blocked) parts.emplace_back("blocked entries");
  if (padded) parts.emplace_back("key padding");
  if (bias) parts.emplace_back("an additive bias");
  std::string text;
  for (std::size_t k = 0; k < parts.size(); ++k)
    text += (k == 0 ? "" : k + 1 == parts.size() ? " and " : ", ") + parts[k];
  return text;
}

}  // namespace

std::pair<std::string, std::string> split_group(const std::string& member) {
  const std::size_t slash = member.rfind('/');
  if (slash == std::string::npos) return {"", member};
  return {member.substr(0, slash), member.substr(slash + 1)};
}

FileMasks::FileMasks(const AttentionOptions& options) {
  if (options.mask != "file") {
    rule_ = options.mask_kind();
    return;
  }
  const auto member = attn::split_archive_member(options.input);
  if (!member) return;
  const auto [group, local] = split_group(member->name);
  if (local != "q") return;
  const attn::ModelFile file = attn::read_model_file(member->archive, group);
  if (!file.has_masks()) return;
  for (const auto& [layer, head] : selected_heads(file, options.selection))
    masks_.push_back(file.head_mask(layer, head));
  note_ = "note: " + file.source() + ": the model's own masks are applied (" + describe(file) +
          "); --mask none leaves them out";
}

void FileMasks::apply(attn::AttentionSpec& spec, std::size_t k) const {
  spec.mask = rule_;
  spec.mask_arrays.reset();
  if (masks_.empty()) return;
  const attn::HeadMask& m = masks_[std::min(k, masks_.size() - 1)];
  spec.mask = m.causal ? attn::Mask::Causal : attn::Mask::None;
  spec.mask_arrays = m.arrays;
}

}  // namespace cli
