#include "widgets/palette.hpp"

namespace ax::widgets {

ImU32 method_colour(std::size_t index) {
  // Ten well-separated hues, bright enough for a dark background and a projector.
  static constexpr ImU32 kColours[] = {
      IM_COL32(86, 180, 233, 255),  IM_COL32(230, 159, 0, 255),   IM_COL32(0, 200, 140, 255),
      IM_COL32(240, 228, 66, 255),  IM_COL32(204, 121, 167, 255), IM_COL32(213, 94, 0, 255),
      IM_COL32(160, 160, 255, 255), IM_COL32(255, 130, 130, 255), IM_COL32(150, 220, 90, 255),
      IM_COL32(200, 200, 200, 255),
  };
  return kColours[index % (sizeof kColours / sizeof kColours[0])];
}

}  // namespace ax::widgets
