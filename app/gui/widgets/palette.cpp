#include "widgets/palette.hpp"

namespace ax::widgets {

namespace {

// Ten well-separated hues, bright enough for a dark background and a projector.
constexpr ImU32 kColours[] = {
    IM_COL32(86, 180, 233, 255),  IM_COL32(230, 159, 0, 255),   IM_COL32(0, 200, 140, 255),
    IM_COL32(240, 228, 66, 255),  IM_COL32(204, 121, 167, 255), IM_COL32(213, 94, 0, 255),
    IM_COL32(160, 160, 255, 255), IM_COL32(255, 130, 130, 255), IM_COL32(150, 220, 90, 255),
    IM_COL32(200, 200, 200, 255),
};
constexpr std::size_t kCount = sizeof kColours / sizeof kColours[0];

// The palette slot of a method with a colour of its own, or -1.
int own_slot(const std::string& spec) {
  static constexpr const char* kOwners[] = {"exp",   "relu",      "softplus", "sigmoid",
                                            "power", "sparsemax", "entmax",   "linear"};
  const std::string base = spec.substr(0, spec.find(':'));
  for (std::size_t k = 0; k < std::size(kOwners); ++k) {
    if (base == kOwners[k]) return static_cast<int>(k);
  }
  return -1;
}

}  // namespace

ImU32 method_colour(std::size_t index) { return kColours[index % kCount]; }

std::vector<ImU32> method_colours(std::span<const std::string> specs) {
  std::vector<int> slots(specs.size());
  std::vector<bool> taken(kCount, false);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    slots[k] = own_slot(specs[k]);
    if (slots[k] >= 0) taken[static_cast<std::size_t>(slots[k])] = true;
  }
  // The others: the slots no named method owns first, then those the set leaves free, then any.
  static constexpr int kSpareOrder[] = {8, 9, 7, 6, 5, 4, 3, 2, 1, 0};
  std::size_t spare = 0;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    if (slots[k] >= 0) continue;
    while (spare < std::size(kSpareOrder) && taken[static_cast<std::size_t>(kSpareOrder[spare])]) ++spare;
    slots[k] = spare < std::size(kSpareOrder) ? kSpareOrder[spare] : static_cast<int>(k % kCount);
    if (spare < std::size(kSpareOrder)) taken[static_cast<std::size_t>(kSpareOrder[spare])] = true;
  }
  std::vector<ImU32> out;
  out.reserve(specs.size());
  for (int slot : slots) out.push_back(kColours[static_cast<std::size_t>(slot)]);
  return out;
}

}  // namespace ax::widgets
