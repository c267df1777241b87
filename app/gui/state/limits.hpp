// Limits of the app, each named once: the loaders, the scenario checks and the panels read them
// from here.
#pragma once

#include <cstddef>

#include "attn/base/types.hpp"

namespace ax {

// Largest n x m the dense path computes: at 4096 x 4096 each matrix is 64 MB and the app holds a
// few per method (clean, perturbed, difference, scores).
constexpr attn::Index kDenseMaxCells = attn::Index(4096) * 4096;
// Largest number of queries or keys the streaming path takes (long-context models: 32k to 128k).
constexpr attn::Index kStreamingMaxTokens = 131072;
// Largest weight file shown (it is the matrix itself: nothing to stream from).
constexpr attn::Index kWeightFileMaxCells = attn::Index(8192) * 8192;

// Most axis labels a tokens file may hold: one per query and one per key at the streaming limit.
constexpr attn::Index kMaxTokenLabels = 2 * kStreamingMaxTokens;
// Deepest nesting of arrays and objects in a JSON file (scenarios, lessons, word sets): the app's
// own files nest 6 levels; deeper files are refused while parsing, before any recursive walk.
constexpr int kMaxJsonDepth = 256;

// Methods shown side by side at once (each is a heatmap, a badge and a line on the chart).
constexpr std::size_t kMaxMethods = 12;
// Largest heatmap zoom (cells per shown cell at the full view / 1): the wheel and scenarios alike.
constexpr float kMaxZoom = 256.0f;

}  // namespace ax
