// The colour of a compared method in the panels, fixed by its name (widgets::method_colours):
// the same in the method list, the heatmap titles, the charts and the tables.
#pragma once

#include <string>
#include <vector>

#include "panels/ui_context.hpp"
#include "widgets/palette.hpp"

namespace ax {

// The k-th of `specs`, or the palette's k-th colour beyond them.
inline ImU32 method_colour_of(const std::vector<std::string>& specs, std::size_t k) {
  return k < specs.size() ? widgets::method_colours(specs)[k] : widgets::method_colour(k);
}

// The k-th method of the last result (its heatmaps and charts), or of the settings before one.
inline ImU32 result_method_colour(const UiContext& ctx, std::size_t k) {
  if (!ctx.result) return method_colour_of(ctx.state.attention.methods, k);
  std::vector<std::string> specs;
  for (const auto& m : ctx.result->methods) specs.push_back(m.spec);
  return method_colour_of(specs, k);
}

}  // namespace ax
