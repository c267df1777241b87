// Axis labels at round steps that never collide, at any size and zoom.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "figures/axis_ticks.hpp"

namespace ax {
namespace {

TEST(AxisTicks, RoundSteps) {
  EXPECT_EQ(round_step(0.3), 1);
  EXPECT_EQ(round_step(1.0), 1);
  EXPECT_EQ(round_step(1.01), 2);
  EXPECT_EQ(round_step(4.9), 5);
  EXPECT_EQ(round_step(6.0), 10);
  EXPECT_EQ(round_step(170.0), 200);
  EXPECT_EQ(round_step(2100.0), 5000);
}

// The case of the issue: 2048 keys over 600 pixels with 4-digit labels ~30 px wide printed
// "1024128015361792" (labels every 256 cells, 75 px apart, but the stride was not round and the
// room was not the label's).
TEST(AxisTicks, LabelsKeepTheirRoomAtEverySize) {
  for (attn::Index count : {4, 37, 512, 1000, 2048, 4096, 20000, 131072}) {
    for (double pixels : {90.0, 300.0, 600.0, 1400.0}) {
      for (double zoom : {1.0, 3.0, 40.0}) {
        const double per_cell = pixels * zoom / static_cast<double>(count);
        const double label = 7.0 * static_cast<double>(std::to_string(count - 1).size()) + 8.0;
        const double first = static_cast<double>(count) * 0.25 * (1.0 - 1.0 / zoom);
        const auto ticks = axis_ticks(count, first, first + static_cast<double>(count) / zoom, per_cell, label);
        const double step = static_cast<double>(round_step(label / per_cell));
        ASSERT_FALSE(ticks.empty() && static_cast<double>(count) / zoom >= 2.0 * step)
            << count << " cells at " << pixels << " px, zoom " << zoom << ": no label at all";
        for (std::size_t k = 0; k < ticks.size(); ++k) {
          EXPECT_GE(ticks[k], 0);
          EXPECT_LT(ticks[k], count);
          EXPECT_EQ(ticks[k] % round_step(label / per_cell), 0);
          if (k > 0) {
            EXPECT_GE(static_cast<double>(ticks[k] - ticks[k - 1]) * per_cell, label)
                << count << " cells: labels " << ticks[k - 1] << " and " << ticks[k] << " collide";
          }
        }
      }
    }
  }
}

TEST(AxisTicks, OnlyVisibleCells) {
  const auto ticks = axis_ticks(4096, 1000.6, 1100.0, 6.0, 40.0);  // step 10, centres 1000.5 .. 1099.5
  ASSERT_FALSE(ticks.empty());
  EXPECT_EQ(ticks.front(), 1010);
  EXPECT_EQ(ticks.back(), 1090);
  EXPECT_EQ(axis_ticks(4096, 1000.4, 1100.6, 6.0, 40.0).back(), 1100);
  EXPECT_EQ(axis_ticks(4096, 1000.4, 1100.6, 6.0, 40.0).front(), 1000);
}

// Issue 17, item 10: 64 tokens on a heatmap 300 pixels wide. Spacing every label as widely as the
// longest token (one long word among short ones) left 1-3 labels; with each label's own width
// the axis shows many more, and no two neighbours touch.
TEST(AxisTicks, TokensOfTheirOwnWidthShowManyLabelsThatNeverTouch) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 64; ++i) tokens.push_back("w" + std::to_string(i));
  tokens[37] = "[a_very_long_token]";
  const auto width = [&](attn::Index i) {
    return 7.0 * static_cast<double>(tokens[static_cast<std::size_t>(i)].size());
  };
  const double per_cell = 300.0 / 64.0, gap = 8.0;
  double widest = 0.0;
  for (attn::Index i = 0; i < 64; ++i) widest = std::max(widest, width(i));
  EXPECT_LE(axis_ticks(64, 0.0, 64.0, per_cell, widest + gap).size(), 3u);  // spaced as the widest: 1-3
  const auto ticks = label_ticks(64, 0.0, 64.0, per_cell, width, gap);
  EXPECT_GE(ticks.size(), 6u);
  for (std::size_t k = 1; k < ticks.size(); ++k) {
    const double room = static_cast<double>(ticks[k] - ticks[k - 1]) * per_cell;
    EXPECT_GE(room, 0.5 * (width(ticks[k - 1]) + width(ticks[k])) + gap) << ticks[k - 1] << " and " << ticks[k];
  }
  // Short labels everywhere: every cell that has the room gets one.
  EXPECT_EQ(label_ticks(
                8, 0.0, 8.0, 40.0, [](attn::Index) { return 14.0; }, 8.0)
                .size(),
            8u);
  EXPECT_EQ(label_ticks(
                4, 0.0, 4.0, 1.0, [](attn::Index) { return 40.0; }, 8.0)
                .size(),
            1u);  // no room: one
}

// A line plot's labels: lesson 6's length figures, presenting, put five decades' y labels 11 px
// apart with 20 px lines (drawn over each other); every k-th label keeps its room.
TEST(AxisTicks, LinePlotLabelsKeepTheirRoom) {
  EXPECT_EQ(label_stride(11.0, 22.0), 2u);
  EXPECT_EQ(label_stride(30.0, 22.0), 1u);
  EXPECT_EQ(label_stride(22.0, 22.0), 1u);
  EXPECT_EQ(label_stride(5.0, 22.0), 5u);
  for (double spacing : {0.5, 3.0, 7.3, 11.0, 21.9, 40.0}) {
    for (double room : {8.0, 22.0, 61.0}) {
      const std::size_t k = label_stride(spacing, room);
      EXPECT_GE(static_cast<double>(k) * spacing, room) << spacing << " " << room;
      if (k > 1) {
        EXPECT_LT(static_cast<double>(k - 1) * spacing, room) << spacing << " " << room;
      }
    }
  }
  // No room measured: the first label only (k % stride is 0 for k = 0 alone).
  EXPECT_GT(label_stride(0.0, 22.0), 1000000u);
  EXPECT_GT(label_stride(std::nan(""), 22.0), 1000000u);
}

}  // namespace
}  // namespace ax
