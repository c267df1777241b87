#include "attn/base/mask_arrays.hpp"

#include <algorithm>
#include <string>

#include "attn/base/errors.hpp"

namespace attn {

bool MaskArrays::blocks(Index query, Index key) const {
  if (!padded.empty() && padded[static_cast<std::size_t>(key)] != 0) return true;
  return !blocked.empty() && blocked[static_cast<std::size_t>(query * keys + key)] != 0;
}

bool MaskArrays::blocks_in_row(Index query) const {
  const auto any = [](auto begin, auto end) { return std::any_of(begin, end, [](std::uint8_t b) { return b != 0; }); };
  if (!padded.empty() && any(padded.begin(), padded.end())) return true;
  if (blocked.empty()) return false;
  const auto row = blocked.begin() + static_cast<std::ptrdiff_t>(query * keys);
  return any(row, row + static_cast<std::ptrdiff_t>(keys));
}

bool MaskArrays::blocks_any() const {
  const auto nonzero = [](std::uint8_t b) { return b != 0; };
  return std::any_of(padded.begin(), padded.end(), nonzero) || std::any_of(blocked.begin(), blocked.end(), nonzero);
}

void MaskArrays::check_extents(Index query_count, Index key_count) const {
  const auto n = static_cast<std::size_t>(queries), m = static_cast<std::size_t>(keys);
  const bool sizes_agree = (blocked.empty() || blocked.size() == n * m) && (padded.empty() || padded.size() == m) &&
                           (bias.empty() || bias.size() == n * m);
  if (!sizes_agree)
    throw InputError("the mask's arrays disagree with its extents " + std::to_string(queries) + " x " +
                     std::to_string(keys));
  if (queries != query_count || keys != key_count) {
    throw InputError("the mask is for " + std::to_string(queries) + " queries x " + std::to_string(keys) +
                     " keys but there are " + std::to_string(query_count) + " queries and " +
                     std::to_string(key_count) + " keys");
  }
}

std::uint64_t MaskArrays::bytes() const { return blocked.size() + padded.size() + bias.size() * sizeof(double); }

MaskArrays MaskArrays::first_rows(Index rows) const {
  MaskArrays out;
  out.queries = std::min(rows, queries);
  out.keys = keys;
  out.padded = padded;
  const auto cells = static_cast<std::ptrdiff_t>(out.queries * keys);
  if (!blocked.empty()) out.blocked.assign(blocked.begin(), blocked.begin() + cells);
  if (!bias.empty()) out.bias.assign(bias.begin(), bias.begin() + cells);
  return out;
}

}  // namespace attn
