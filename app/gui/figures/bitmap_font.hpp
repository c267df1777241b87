// A 5 x 7 bitmap font (with descenders) of printable ASCII (drawn for this project), for the text of exported
// PNGs: titles, badges and colour bar labels, rendered on the CPU with no font library.
#pragma once

#include <string_view>
#include <vector>

#include "colour/colormap.hpp"

namespace ax {

// RGB pixels, rows top first.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<unsigned char> pixels;  // width * height * 3

  RgbImage() = default;
  RgbImage(int w, int h, Rgb fill);
  void set(int x, int y, Rgb c);  // ignores pixels outside
  Rgb at(int x, int y) const;
  void fill_rect(int x, int y, int w, int h, Rgb c);  // clipped to the image
};

// Each glyph is 5 x 7 pixels (g, p, q and y two rows lower, their descenders) in a 6 x 10 cell
// (a column and a row of spacing), times `scale`.
constexpr int kGlyphRows = 9;
constexpr int kGlyphCellWidth = 6, kGlyphCellHeight = 10;
inline int text_width(std::string_view text, int scale) {
  return static_cast<int>(text.size()) * kGlyphCellWidth * scale;
}
inline int text_height(int scale) { return kGlyphCellHeight * scale; }

// True for the pixel (x, y), y in 0 .. kGlyphRows - 1, of the glyph of `c` (characters outside
// ' '..'~' draw as '?').
bool glyph_pixel(char c, int x, int y);

// Draws `text` with its top-left corner at (x, y); clipped to the image.
void draw_text(RgbImage& image, int x, int y, std::string_view text, Rgb colour, int scale);

}  // namespace ax
