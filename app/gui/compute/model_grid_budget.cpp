#include "compute/model_grid_budget.hpp"

#include <algorithm>
#include <string>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "compute/model_grid_cells.hpp"

namespace ax {
namespace {

// A cell's own bookkeeping besides its pixels: the shared pointer, the matrix header and the
// image statistics, rounded up.
constexpr std::uint64_t kCellOverheadBytes = 256;

std::string shape_text(const attn::ModelFile& file) {
  return std::to_string(file.layers()) + " layers x " + std::to_string(file.heads()) + " heads of " +
         std::to_string(file.query_count()) + " x " + std::to_string(file.key_count());
}

}  // namespace

std::uint64_t pooled_cell_bytes(const attn::ModelFile& file) {
  const attn::Index rows = std::min(file.query_count(), kGridPixels), cols = std::min(file.key_count(), kGridPixels);
  return attn::array_bytes({2, rows, cols}, sizeof(float));
}

void check_model_grid_budget(const attn::ModelFile& file, std::uint64_t bytes_per_head) {
  const std::uint64_t heads = attn::array_bytes({file.layers(), file.heads()}, 1);
  if (heads > static_cast<std::uint64_t>(kMaxModelHeads)) {
    throw attn::InputError(file.source() + ": " + shape_text(file) + " is " + std::to_string(heads) +
                           " heads; the model view shows at most " + std::to_string(kMaxModelHeads));
  }
  const std::uint64_t bytes = attn::array_bytes(
      {static_cast<attn::Index>(heads)}, static_cast<std::size_t>(attn::add_bytes(bytes_per_head, kCellOverheadBytes)));
  attn::check_memory_budget(bytes, file.source() + ": the model view of " + shape_text(file));
}

}  // namespace ax
