// Colour ranges, the value-to-colour rule shared with the shader, badges and exports.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/io/npy.hpp"
#include "figures/exports.hpp"
#include "figures/heatmap_images.hpp"
#include "figures/heatmap_ranges.hpp"
#include "temp_dir.hpp"

namespace ax {
namespace {

HeatmapImage image_of(attn::MatF m) {
  HeatmapImage image;
  std::vector<attn::RowStatus> rows(static_cast<std::size_t>(m.rows()), attn::RowStatus::Defined);
  for (attn::Index i = 0; i < m.rows(); ++i) {
    if (std::isnan(m(i, 0))) rows[static_cast<std::size_t>(i)] = attn::RowStatus::NonFinite;
  }
  image.stats = image_stats(m, rows);
  image.values = std::make_shared<attn::MatF>(std::move(m));
  return image;
}

TEST(ImageStats, SkipUndefinedRowsAndKeyZeroWhenAsked) {
  attn::MatF m(3, 3);
  m << 0.9f, 0.05f, 0.05f, NAN, NAN, NAN, 0.0f, 0.25f, 0.75f;
  const HeatmapImage image = image_of(m);
  EXPECT_EQ(image.stats.undefined_rows, 1);
  EXPECT_FLOAT_EQ(image.stats.max_all, 0.9f);
  EXPECT_FLOAT_EQ(image.stats.max_without_first, 0.75f);
  EXPECT_FLOAT_EQ(image.stats.min_positive, 0.05f);
}

TEST(ColourRange, SharedPerMapLogAndSigned) {
  attn::MatF a(2, 2), b(2, 2);
  a << 0.9f, 0.1f, 0.5f, 0.5f;
  b << 0.2f, 0.05f, 0.3f, 0.4f;
  const HeatmapImage ia = image_of(a), ib = image_of(b);
  ViewSettings view;
  EXPECT_FLOAT_EQ(colour_range(view, HeatmapMode::Clean, ib, {&ia, &ib}).hi, 0.9f);  // shared: the larger top
  view.shared_range = false;
  EXPECT_FLOAT_EQ(colour_range(view, HeatmapMode::Clean, ib, {&ia, &ib}).hi, 0.4f);
  view.exclude_first_key = true;
  EXPECT_FLOAT_EQ(colour_range(view, HeatmapMode::Clean, ia, {&ia}).hi, 0.5f);  // key 0 left out
  view = ViewSettings{};
  view.log_scale = true;
  const ColourRange log = colour_range(view, HeatmapMode::Clean, ib, {&ib});
  EXPECT_TRUE(log.log);
  EXPECT_FLOAT_EQ(log.lo, 0.05f);
  attn::MatF d(1, 2);
  d << -0.3f, 0.1f;
  const HeatmapImage id = image_of(d);
  const ColourRange signed_range = colour_range(view, HeatmapMode::SignedDifference, id, {&id});
  EXPECT_FLOAT_EQ(signed_range.lo, -0.3f);
  EXPECT_FLOAT_EQ(signed_range.hi, 0.3f);
  EXPECT_EQ(signed_range.map, Colormap::Diverging);
  EXPECT_FALSE(signed_range.log);
  attn::MatF zero = attn::MatF::Zero(2, 2);
  const HeatmapImage iz = image_of(zero);
  EXPECT_TRUE(colour_range(ViewSettings{}, HeatmapMode::AbsDifference, iz, {&iz}).all_zero);
}

// Own ranges (issue 15): a perturbed heatmap takes its range from its own clean weights, so that
// moving M recolours only the cells whose weights moved, and a method with small weights is not
// squeezed into the bottom of another method's range.
TEST(ColourRange, OwnRangesComeFromEachMethodsCleanWeights) {
  attn::MatF exp_clean(2, 2), relu_clean(2, 2), relu_shifted(2, 2);
  exp_clean << 0.9f, 0.1f, 0.2f, 0.8f;
  relu_clean << 0.3f, 0.0f, 0.1f, 0.2f;
  relu_shifted << 0.15f, 0.1f, 0.12f, 0.13f;
  const HeatmapImage e = image_of(exp_clean), rc = image_of(relu_clean), rs = image_of(relu_shifted);
  std::vector<RangeMember> members(2);
  members[0] = {&e, &e, HeatmapMode::Perturbed};
  members[1] = {&rs, &rc, HeatmapMode::Perturbed};
  ViewSettings view;
  auto ranges = shown_colour_ranges(view, members);
  EXPECT_FLOAT_EQ(ranges[1].hi, 0.9f);  // shared: exp's top, relu in its bottom third
  view.shared_range = false;
  ranges = shown_colour_ranges(view, members);
  EXPECT_FLOAT_EQ(ranges[0].hi, 0.9f);
  EXPECT_FLOAT_EQ(ranges[1].hi, 0.3f);  // relu's clean top, not its shifted top (0.15)
}

TEST(ColourRange, NormalisationMatchesTheShaderRule) {
  ColourRange r;
  r.lo = 0.0f;
  r.hi = 2.0f;
  EXPECT_FLOAT_EQ(normalized_value(0.5f, r), 0.25f);
  EXPECT_FLOAT_EQ(normalized_value(3.0f, r), 1.0f);
  EXPECT_TRUE(std::isnan(normalized_value(NAN, r)));
  r.log = true;
  r.lo = 1e-4f;
  r.hi = 1.0f;
  EXPECT_NEAR(normalized_value(1e-2f, r), 0.5f, 1e-6);
  EXPECT_FLOAT_EQ(normalized_value(1e-9f, r), 0.0f);
  // The CPU lookup picks table entry floor(t * 255 + 0.5), as the shader's texelFetch does.
  const auto& table = colormap_table(Colormap::Viridis);
  const Rgb c = colormap_colour(Colormap::Viridis, 0.5);
  EXPECT_EQ(c.r, table[128][0]);
  EXPECT_EQ(colormap_colour(Colormap::Grey, 1.0).r, 255);
  EXPECT_EQ(colormap_colour(Colormap::Grey, 0.0).r, 0);
}

// The compute job's statistics of a difference equal those of the difference matrix itself, and
// the matrix is made only when asked for.
TEST(DifferenceImages, StatisticsWithoutTheMatrixEqualThoseOfTheMatrix) {
  attn::Weights<float> a, b;
  a.matrix = attn::MatF::Random(70, 45).cwiseAbs();
  b.matrix = attn::MatF::Random(70, 45).cwiseAbs();
  a.rows.assign(70, attn::RowStatus::Defined);
  b.rows = a.rows;
  a.rows[3] = attn::RowStatus::AllZero;
  a.matrix.row(3).setConstant(NAN);
  b.rows[60] = attn::RowStatus::NonFinite;
  b.matrix.row(60).setConstant(NAN);
  b.matrix(10, 0) = a.matrix(10, 0) + 5.0f;  // the largest change, in key 0
  attn::MatF diff = (a.matrix - b.matrix).cwiseAbs();
  std::vector<attn::RowStatus> rows = a.rows;
  rows[60] = attn::RowStatus::NonFinite;
  const ImageStats expected = image_stats(diff, rows);
  const ImageStats got = difference_stats(a, b);
  EXPECT_EQ(got.max_all, expected.max_all);
  EXPECT_EQ(got.max_abs, expected.max_abs);
  EXPECT_EQ(got.max_without_first, expected.max_without_first);
  EXPECT_LT(got.max_without_first, got.max_all);
  EXPECT_EQ(got.min_positive, expected.min_positive);
  EXPECT_EQ(got.undefined_rows, 2);

  auto result = std::make_shared<ComputeResult>();
  result->queries = 70;
  result->keys = 45;
  MethodResult m;
  m.clean = b;
  m.perturbed = a;
  m.difference_stats = got;
  result->methods.push_back(m);
  HeatmapImages images;
  EXPECT_FALSE(images.get(result, 0, HeatmapMode::SignedDifference).values);  // statistics only
  const HeatmapImage& drawn = images.with_values(result, 0, HeatmapMode::SignedDifference);
  ASSERT_TRUE(drawn.values);
  EXPECT_FLOAT_EQ((*drawn.values)(10, 0), -5.0f);  // perturbed - clean
  EXPECT_TRUE(std::isnan((*drawn.values)(60, 1)));
}

TEST(Badge, ToleranceFollowsThePrecision) {
  MethodResult r;
  r.deviation.compared_rows = 3;
  r.deviation.max_abs_diff = 5e-8;
  EXPECT_TRUE(invariance_badge(r, false).unchanged);
  EXPECT_FALSE(invariance_badge(r, true).unchanged);
  r.deviation.compared_rows = 0;  // nothing comparable: never "unchanged"
  EXPECT_FALSE(invariance_badge(r, false).unchanged);
}

TEST(Exports, MatrixAndPng) {
  attn::MatF m(2, 3);
  m << 0.1f, 0.2f, 0.7f, NAN, NAN, NAN;
  const HeatmapImage image = image_of(m);
  const test::TempDir temp("ax_export_test_");
  const auto& dir = temp.path();
  const std::string npy = (dir / "ax_export_test.npy").string();
  export_matrix(npy, image);
  const attn::NdArray back = attn::read_npy(npy, attn::NonFinite::AllowNaN);
  EXPECT_EQ(back.shape, (std::vector<attn::Index>{2, 3}));
  EXPECT_FLOAT_EQ(static_cast<float>(back.values[2]), 0.7f);
  EXPECT_TRUE(std::isnan(back.values[4]));
  const std::string png = (dir / "ax_export_test.png").string();
  ColourRange range;
  range.hi = 0.7f;
  export_heatmap_png(png, image, range, 4);
  std::ifstream in(png, std::ios::binary);
  std::string header(8, '\0');
  in.read(header.data(), 8);
  EXPECT_EQ(header, std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_THROW(export_heatmap_png((dir / "no/such/dir/x.png").string(), image, range, 4), attn::InputError);
  std::filesystem::remove(npy);
  std::filesystem::remove(png);
}

}  // namespace
}  // namespace ax
