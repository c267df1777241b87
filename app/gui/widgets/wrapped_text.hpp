// Text wrapped at spaces only. ImGui's own wrapping may also break after '.', ',' or ';', which
// splits numbers ("0.85" becomes "0." and "85" on the next line) and turns them into other
// numbers for a reader; lesson text is full of measured numbers.
#pragma once

#include <string_view>

#include "imgui.h"

namespace ax::widgets {

// Wraps at the right edge of the content region, or at `width` when given (a word wider than a
// whole line gets its own line). Newlines start new lines; `colour` 0 uses the current colour.
void WrappedText(std::string_view text, ImU32 colour = 0, float width = -1.0f);

// The height WrappedText takes for `text` in a region `width` wide.
float WrappedTextHeight(std::string_view text, float width);

}  // namespace ax::widgets
