// Heatmap PNG exports match the screen: the colour range on screen (shared when shared), the
// optional colour bar, title and badge, a signed colour bar that names its signs, the bitmap font,
// and sizes that cannot overflow. PNGs are decoded with stb_image.
#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <stb_image.h>

#include "attn/base/errors.hpp"
#include "figures/bitmap_font.hpp"
#include "figures/colour_bar_labels.hpp"
#include "figures/exports.hpp"
#include "figures/heatmap_ranges.hpp"
#include "temp_dir.hpp"

namespace ax {
namespace {

constexpr Rgb kTextColour{225, 225, 230};

RgbImage read_png(const std::string& path) {
  int w = 0, h = 0, channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &channels, 3);
  if (!data) throw std::runtime_error(path + ": cannot decode");
  RgbImage image;
  image.width = w;
  image.height = h;
  image.pixels.assign(data, data + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  stbi_image_free(data);
  return image;
}

bool operator==(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

// A PNG in this run's own directory (removed at exit).
std::string temp_png(const std::string& name) {
  static const test::TempDir dir("ax_export_");
  return dir.file(name + ".png");
}

attn::Weights<float> weights_of(attn::MatF m) {
  attn::Weights<float> w;
  w.rows.assign(static_cast<std::size_t>(m.rows()), attn::RowStatus::Defined);
  w.matrix = std::move(m);
  return w;
}

// Two methods, the first with weights up to 0.9, the second up to 0.3 (a flat-ish heatmap);
// the second is perturbed so its signed difference spans -0.1 .. +0.1.
std::shared_ptr<const ComputeResult> two_methods() {
  auto result = std::make_shared<ComputeResult>();
  result->generation = 1;
  result->queries = 2;
  result->keys = 3;
  result->perturbed = true;
  attn::MatF a(2, 3), b(2, 3), b_perturbed(2, 3);
  a << 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f;
  b << 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f;  // rows need not sum to 1 here
  b_perturbed << 0.4f, 0.2f, 0.3f, 0.3f, 0.3f, 0.3f;
  for (const auto& [spec, clean, perturbed] : {std::tuple{"exp", a, a}, std::tuple{"relu", b, b_perturbed}}) {
    MethodResult m;
    m.spec = spec;
    m.clean = weights_of(clean);
    m.perturbed = weights_of(perturbed);
    m.clean_stats = image_stats(m.clean.matrix, m.clean.rows);
    m.perturbed_stats = image_stats(m.perturbed.matrix, m.perturbed.rows);
    m.difference_stats = difference_stats(m.perturbed, m.clean);  // as the compute job takes them
    m.deviation.compared_rows = 2;
    m.deviation.max_abs_diff = (perturbed - clean).cwiseAbs().maxCoeff();
    result->methods.push_back(std::move(m));
  }
  return result;
}

PngExtras plain(int scale) {
  PngExtras extras;
  extras.scale = scale;
  extras.colour_bar = extras.title = extras.badge = false;
  return extras;
}

bool has_colour(const RgbImage& image, Rgb c) {
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      if (image.at(x, y) == c) return true;
    }
  }
  return false;
}

// True when `text` in the bitmap font (any scale up to 4) appears in `image` pixel for pixel.
bool contains_text(const RgbImage& image, const std::string& text) {
  for (int scale = 1; scale <= 4; ++scale) {
    const int w = text_width(text, scale) - scale, h = kGlyphRows * scale;
    for (int y = 0; y + h <= image.height; ++y) {
      for (int x = 0; x + w <= image.width; ++x) {
        bool match = true;
        for (int gy = 0; gy < h && match; ++gy) {
          for (int gx = 0; gx < w && match; ++gx) {
            const int glyph = gx / (kGlyphCellWidth * scale);
            const int col = (gx % (kGlyphCellWidth * scale)) / scale, row = gy / scale;
            const bool ink = glyph_pixel(text[static_cast<std::size_t>(glyph)], col, row);
            match = ink == (image.at(x + gx, y + gy) == kTextColour);
          }
        }
        if (match) return true;
      }
    }
  }
  return false;
}

TEST(ExportPng, UsesTheSharedColourRangeOnScreen) {
  const auto result = two_methods();
  HeatmapImages cache;
  OverviewService overviews;
  ViewSettings view;
  view.mode = HeatmapMode::Clean;
  view.shared_range = true;
  const std::string path = temp_png("shared");
  const Rgb top = colormap_colour(Colormap::Viridis, 1.0);

  // Shared: relu (max 0.3) is drawn on exp's scale (max 0.9), as on screen: never the top colour.
  const ShownHeatmaps shown = shown_heatmaps(cache, result, view, false);
  EXPECT_FLOAT_EQ(shown.ranges[1].hi, 0.9f);
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, plain(2));
  RgbImage png = read_png(path);
  ASSERT_EQ(png.width, 6);
  ASSERT_EQ(png.height, 4);
  EXPECT_FALSE(has_colour(png, top));
  const Rgb expected = colormap_colour(Colormap::Viridis, normalized_value(0.3f, shown.ranges[1]));
  EXPECT_TRUE(png.at(0, 0) == expected);

  // Its own range: relu's maximum is the top colour.
  view.shared_range = false;
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, plain(2));
  png = read_png(path);
  EXPECT_TRUE(has_colour(png, top));
  std::filesystem::remove(path);
}

TEST(ExportPng, ModeIsTheOneOnScreen) {
  const auto result = two_methods();
  HeatmapImages cache;
  OverviewService overviews;
  ViewSettings view;
  view.mode = HeatmapMode::SignedDifference;
  const std::string path = temp_png("mode");
  // A lesson question hides the differences: the screen and the export show clean weights.
  PngExtras extras = plain(1);
  extras.title = true;
  export_shown_heatmap_png(path, cache, overviews, result, view, true, 1, extras);
  EXPECT_TRUE(contains_text(read_png(path), "relu - clean"));
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, extras);
  EXPECT_TRUE(contains_text(read_png(path), "relu - signed difference"));
  std::filesystem::remove(path);
}

TEST(ExportPng, ColourBarTitleAndBadgeOptions) {
  const auto result = two_methods();
  HeatmapImages cache;
  OverviewService overviews;
  ViewSettings view;
  view.mode = HeatmapMode::Perturbed;
  const std::string path = temp_png("options");
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, plain(8));
  const RgbImage bare = read_png(path);
  EXPECT_EQ(bare.width, 24);
  EXPECT_EQ(bare.height, 16);
  EXPECT_FALSE(has_colour(bare, kTextColour));

  PngExtras extras = plain(8);
  extras.colour_bar = true;
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, extras);
  const RgbImage with_bar = read_png(path);
  EXPECT_GT(with_bar.width, bare.width + 20);
  EXPECT_TRUE(contains_text(with_bar, "0.5"));  // a tick of the shared range (0 to 0.9)
  EXPECT_FALSE(contains_text(with_bar, "relu"));

  extras.title = true;
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, extras);
  const RgbImage with_title = read_png(path);
  EXPECT_GT(with_title.height, with_bar.height);
  EXPECT_TRUE(contains_text(with_title, "relu - perturbed"));

  extras.badge = true;
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, extras);
  const RgbImage with_badge = read_png(path);
  EXPECT_GT(with_badge.height, with_title.height);
  // The badge text in its colour: "changed" (relu moved by 0.1).
  const BadgeText badge = heatmap_badge(*result, 1, HeatmapMode::Perturbed, false);
  EXPECT_EQ(badge.text, "changed  max|dW| 0.1");
  EXPECT_TRUE(has_colour(with_badge, badge.colour));
  EXPECT_EQ(heatmap_badge(*result, 0, HeatmapMode::Perturbed, false).text.rfind("unchanged", 0), 0u);
  std::filesystem::remove(path);
}

TEST(ExportPng, SignedColourBarShowsMagnitudeAndWhichSignIsWhich) {
  const auto result = two_methods();
  HeatmapImages cache;
  OverviewService overviews;
  ViewSettings view;
  view.mode = HeatmapMode::SignedDifference;
  const ShownHeatmaps shown = shown_heatmaps(cache, result, view, false);
  const ColourRange& range = shown.ranges[1];
  ASSERT_TRUE(is_signed_range(range));
  std::set<std::string> texts;
  for (const ColourBarLabel& label : colour_bar_labels(range, 200.0f, 13.0f)) texts.insert(label.text);
  EXPECT_TRUE(texts.count("+0.1")) << "the magnitude at the top, with its sign";
  EXPECT_TRUE(texts.count("-0.1"));
  EXPECT_TRUE(texts.count("0"));
  const SignWords words = difference_sign_words(*result, 1);
  EXPECT_EQ(words.positive(), "perturbed > clean");
  EXPECT_EQ(words.negative(), "perturbed < clean");

  const std::string path = temp_png("signed");
  PngExtras extras = plain(8);
  extras.colour_bar = true;
  export_shown_heatmap_png(path, cache, overviews, result, view, false, 1, extras);
  const RgbImage png = read_png(path);
  EXPECT_TRUE(contains_text(png, "perturbed > clean"));
  EXPECT_TRUE(contains_text(png, "perturbed < clean"));
  EXPECT_TRUE(contains_text(png, "+0.1"));
  EXPECT_TRUE(contains_text(png, "-0.1"));
  std::filesystem::remove(path);
}

TEST(ExportPng, SizesThatWouldOverflowAreRefused) {
  const auto result = two_methods();
  HeatmapImages cache;
  const HeatmapImage image = cache.get(result, 0, HeatmapMode::Clean);
  ColourRange range;
  const std::string path = temp_png("huge");
  // 3 x 2^31 pixels a side would wrap a 64-bit area product: refused before any allocation.
  for (int scale : {0, -5, 100000, 1 << 30, 2147483647}) {
    EXPECT_THROW(export_heatmap_png(path, image, range, scale), attn::InputError) << scale;
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_THROW(check_export_size(path, 70000, 1, 1), attn::InputError);
  EXPECT_NO_THROW(check_export_size(path, 4096, 4096, 2));
}

TEST(BitmapFont, EveryPrintableCharacterHasItsOwnGlyph) {
  std::set<std::string> seen;
  for (char c = '!'; c <= '~'; ++c) {
    std::string bits;
    for (int y = 0; y < kGlyphRows; ++y) {
      for (int x = 0; x < 5; ++x) bits += glyph_pixel(c, x, y) ? '#' : '.';
    }
    EXPECT_NE(bits.find('#'), std::string::npos) << c;
    EXPECT_TRUE(seen.insert(bits).second) << "glyph of '" << c << "' repeats another";
  }
  for (int y = 0; y < kGlyphRows; ++y) {
    for (int x = 0; x < 5; ++x) EXPECT_FALSE(glyph_pixel(' ', x, y));
  }
  RgbImage image(40, 10, Rgb{0, 0, 0});
  draw_text(image, 1, 1, "Ab1", kTextColour, 1);
  EXPECT_TRUE(contains_text(image, "Ab1"));
  EXPECT_FALSE(contains_text(image, "Ab2"));
}

}  // namespace
}  // namespace ax
