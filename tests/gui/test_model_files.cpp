// Researchers' own model files in the app (issue 17, items 1, 3, 4, 5, 7, 9 and 10), driven through
// the controller with no window. The files are exported at test time by tools/export_attention.py
// (tests/gui/make_exported_models.py), as a researcher would export them.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "attn/overview/overview.hpp"
#include "compute/heatmap_overviews.hpp"
#include "controller/app_controller.hpp"
#include "figures/heatmap_images.hpp"
#include "figures/heatmap_titles.hpp"
#include "figures/model_grid_colours.hpp"
#include "figures/reference_verdict.hpp"

namespace ax {
namespace {

namespace fs = std::filesystem;

class ModelFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("ax_model_files_" + std::to_string(::getpid()));
    const std::string command = std::string(AX_PYTHON) + " " + AX_EXPORT_SCRIPT + " " + dir_.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << "could not export the models: " << command;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const char* name) { return (dir_ / name).string(); }

  static AppState opening(const char* file) {
    AppState s;
    s.data.source = DataSource::File;
    s.data.vectors_path = path(file);
    s.attention.methods = {"exp", "relu"};
    s.attention.use_double = true;
    return s;
  }
  static void settle(AppController& app) {
    app.sync();
    app.wait_for_results();
    app.sync();
    app.wait_for_results();
  }
  static ReferenceVerdict verdict(const AppController& app) {
    return reference_verdict(*app.result(), app.state().attention.mask);
  }
  static fs::path dir_;
};
fs::path ModelFiles::dir_;

// Items 3 and 4: key padding and a causal mask filled with finfo.min are applied by default.
TEST_F(ModelFiles, TheFilesMasksAreAppliedByDefault) {
  for (const char* file : {"bert_padding.npz", "gpt_finfo.npz"}) {
    SCOPED_TRACE(file);
    AppController app(opening(file));
    settle(app);
    ASSERT_TRUE(app.result() && app.result()->has_reference) << app.compute_error();
    EXPECT_EQ(app.state().attention.mask, "model");
    EXPECT_LT(app.result()->own_f_vs_reference.max_abs_diff, 1e-6);
    EXPECT_GT(app.result()->own_f_vs_reference.compared_rows, 0);
    EXPECT_EQ(verdict(app).label, "exp matches");
    // Without them (the mask the app applied before) exp is far off, and the badge says why.
    app.state().attention.mask = "none";
    settle(app);
    EXPECT_GT(app.result()->own_f_vs_reference.max_abs_diff, 0.1);
    EXPECT_NE(verdict(app).detail.find("the model's own masks are not applied"), std::string::npos);
  }
}

// Item 4 and 6: rows whose every key is padding are undefined for the model and for the engine.
TEST_F(ModelFiles, RowsWithEveryKeyMaskedAreUndefinedWithTheReason) {
  AppController app(opening("gpt_finfo.npz"));
  settle(app);
  const MethodResult& exp = app.result()->methods[0];
  EXPECT_EQ(exp.clean.rows[0], attn::RowStatus::Masked);
  EXPECT_EQ(exp.clean.rows[1], attn::RowStatus::Masked);
  EXPECT_TRUE(exp.clean.defined(2));
  const std::vector<bool> masked = masked_keys(app.state().attention, *app.data(), 5, app.data()->key_count());
  ASSERT_EQ(masked.size(), 12u);
  EXPECT_TRUE(masked[0] && masked[1] && masked[6] && !masked[2] && !masked[5]);  // padding, causal, open
}

// Item 5: an encoder-decoder file opens with a group choice; each group has its own lengths and
// tokens, query tokens on the rows and key tokens on the columns.
TEST_F(ModelFiles, GroupedFilesOpenWithAGroupChoiceAndTheirOwnTokens) {
  AppController app(opening("enc_dec.npz"));
  settle(app);
  ASSERT_TRUE(app.data()->model);
  EXPECT_EQ(app.data()->model->groups, (std::vector<std::string>{"encoder", "decoder", "cross"}));
  EXPECT_EQ(app.state().data.group, "encoder");
  EXPECT_EQ(app.data()->query_count(), 9);
  app.state().data.group = "cross";
  settle(app);
  const LoadedData& cross = *app.data();
  EXPECT_EQ(cross.model->group, "cross");
  EXPECT_EQ(cross.query_count(), 6);
  EXPECT_EQ(cross.key_count(), 9);
  ASSERT_EQ(cross.query_labels.size(), 6u);
  ASSERT_EQ(cross.key_labels.size(), 9u);
  EXPECT_EQ(cross.query_labels.front(), "t0");
  EXPECT_EQ(cross.key_labels.front(), "s0");
  EXPECT_LT(app.result()->own_f_vs_reference.max_abs_diff, 1e-6);
  EXPECT_NE(heatmap_title(*app.result(), 0, HeatmapMode::Clean).find("exp"), std::string::npos);
}

// Item 1: weights after dropout are shown as they are, labelled so, never as undefined rows.
TEST_F(ModelFiles, WeightsAfterDropoutAreLabelledNeverUndefined) {
  AppController app(opening("training.npz"));
  settle(app);
  const ComputeResult& r = *app.result();
  ASSERT_TRUE(r.has_reference);
  const MethodResult& model = r.methods.back();
  EXPECT_EQ(model.spec, "model's weights, after dropout");
  EXPECT_TRUE(std::all_of(model.clean.rows.begin(), model.clean.rows.end(),
                          [](attn::RowStatus s) { return s == attn::RowStatus::Defined; }));
  const ReferenceVerdict v = verdict(app);
  EXPECT_EQ(v.match, ReferenceMatch::AfterDropout);
  EXPECT_EQ(v.label, "after dropout");
  EXPECT_GT(r.own_f_vs_reference.compared_rows, 0);
}

// Item 10: a bfloat16 model's gap is named as its rounding, not as a wrong setting.
TEST_F(ModelFiles, ABfloat16GapIsNamedAsItsRounding) {
  AppController app(opening("bf16.npz"));
  settle(app);
  const double gap = app.result()->own_f_vs_reference.max_abs_diff;
  EXPECT_GT(gap, 1e-5);
  const ReferenceVerdict v = verdict(app);
  EXPECT_EQ(v.match, ReferenceMatch::WithinRounding) << gap;
  EXPECT_EQ(v.label, "exp matches to bfloat16 rounding");
  EXPECT_EQ(v.detail.find("check the score"), std::string::npos);
}

// Item 9: with a perturbation on, "differences vs the model" compare the perturbed weights.
TEST_F(ModelFiles, DifferencesVersusTheModelCompareThePerturbedWeights) {
  AppState s = opening("bert_padding.npz");
  s.noise.shift = 2.0;
  s.view.versus_model = true;
  AppController app(s);
  settle(app);
  const auto result = app.result();
  ASSERT_TRUE(result->perturbed && result->has_reference);
  const MethodResult& relu = result->methods[1];
  const MethodResult& model = result->methods.back();
  HeatmapImages images;
  const HeatmapImage& diff = images.with_values(result, 1, HeatmapMode::SignedDifference);
  ASSERT_TRUE(diff.values);
  const attn::MatF expected = relu.perturbed.matrix - model.clean.matrix;
  double worst = 0.0;
  for (attn::Index i = 0; i < expected.rows(); ++i) {
    if (!relu.perturbed.defined(i) || !model.clean.defined(i)) continue;
    worst = std::max(worst, static_cast<double>((diff.values->row(i) - expected.row(i)).cwiseAbs().maxCoeff()));
  }
  EXPECT_EQ(worst, 0.0);
  EXPECT_GT((relu.perturbed.matrix - relu.clean.matrix).cwiseAbs().maxCoeff(), 0.05f);  // the shift shows
  const attn::Deviation perturbed_gap = attn::compare_weights(model.clean, relu.perturbed);
  EXPECT_NEAR(relu.vs_reference.max_abs_diff, perturbed_gap.max_abs_diff, 1e-6);  // float64 vs its display
  EXPECT_EQ(heatmap_title(*result, 1, HeatmapMode::SignedDifference).rfind("layer 0, head 0: perturbed relu", 0), 0u)
      << heatmap_title(*result, 1, HeatmapMode::SignedDifference);
}

// Item 7: opening a file clamps the head and layer to what it holds; the typed path stays.
TEST_F(ModelFiles, OpeningAFileClampsHeadAndLayerAndKeepsThePath) {
  AppState s = opening("three_heads.npz");
  s.data.layer = 1;
  s.data.head = 3;
  AppController app(s);
  settle(app);
  EXPECT_TRUE(app.data()->model);
  EXPECT_EQ(app.state().data.head, 2);
  EXPECT_EQ(app.state().data.layer, 0);
  EXPECT_EQ(app.state().data.vectors_path, path("three_heads.npz"));
  EXPECT_EQ(app.typed_data().vectors_path, path("three_heads.npz"));
  const nlohmann::json report = app.report();
  EXPECT_NE(report.dump().find("no head 3"), std::string::npos) << report.dump();
}

}  // namespace
}  // namespace ax

namespace ax {
namespace {

std::string write_long_model(const fs::path& dir, const char* name, int n, int heads, int layers, int d) {
  const std::string out = (dir / name).string();
  const std::string command = std::string(AX_PYTHON) + " " + AX_LONG_MODEL_SCRIPT + " " + out + " " +
                              std::to_string(n) + " " + std::to_string(heads) + " " + std::to_string(layers) + " " +
                              std::to_string(d) + " --causal";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return out;
}

// Item 8: the grid is pooled pictures (streamed from Q and K with each head's mask), at most
// kGridPixels a side, equal to the pooled causal softmax; the cells follow the colour settings
// and say which range they use.
TEST_F(ModelFiles, TheGridIsPooledFromQAndKAndFollowsTheColourSettings) {
  const std::string file = write_long_model(dir_, "long.npz", 1000, 2, 2, 8);
  AppState s;
  s.data.source = DataSource::File;
  s.data.vectors_path = file;
  AppController app(s);
  settle(app);
  const auto cells = app.model_grid_cells();
  ASSERT_TRUE(cells);
  ASSERT_TRUE(cells->complete()) << cells->error;
  ASSERT_EQ(cells->cells.size(), 4u);
  const attn::ModelFile model = attn::read_model_file(file);
  for (attn::Index layer = 0; layer < 2; ++layer) {
    for (attn::Index head = 0; head < 2; ++head) {
      const GridCell& cell = *cells->cells[static_cast<std::size_t>(layer * 2 + head)];
      ASSERT_EQ(cell.max->rows(), kGridPixels);
      ASSERT_EQ(cell.max->cols(), kGridPixels);
      attn::Vectors<float> v;
      v.queries = model.matrix(*model.queries, layer, head).cast<float>();
      v.keys = model.matrix(*model.keys, layer, head).cast<float>();
      attn::AttentionSpec spec;
      spec.mask = attn::Mask::Causal;
      attn::OverviewRequest request;
      request.pixel_rows = request.pixel_cols = kGridPixels;
      const attn::Overview dense = attn::overview_of(attn::compute_weights(v, spec), request);
      const attn::MatF want = Eigen::Map<const attn::MatF>(dense.peak.data(), kGridPixels, kGridPixels);
      EXPECT_LT((*cell.max - want).cwiseAbs().maxCoeff(), 1e-6f);
      EXPECT_EQ(cell.cells_per_pixel_rows, 8);
    }
  }
  ViewSettings view;
  view.log_scale = true;
  view.shared_range = false;
  GridColours own = grid_colours(*cells, view);
  EXPECT_TRUE(own.ranges[0].log);
  EXPECT_NE(own.ranges[0].lo, own.ranges[3].lo);  // each head its own range
  EXPECT_NE(own.caption.find("each head its own range"), std::string::npos) << own.caption;
  EXPECT_NE(own.caption.find("log scale"), std::string::npos);
  EXPECT_NE(own.caption.find("max of up to 8 x 8 cells"), std::string::npos);
  view.log_scale = false;
  view.shared_range = true;
  GridColours shared = grid_colours(*cells, view);
  for (const ColourRange& r : shared.ranges) EXPECT_EQ(r.hi, shared.ranges[0].hi);
  EXPECT_FALSE(shared.ranges[0].log);
  EXPECT_NE(shared.caption.find("one range for every head"), std::string::npos) << shared.caption;
}

// Item 8: a file of 131072 tokens opens in the model view (no dense matrix anywhere), and an
// error of its streamed head names the file.
TEST_F(ModelFiles, A131072TokenFileOpensAndItsStreamedErrorsNameTheFile) {
  const std::string file = write_long_model(dir_, "very_long.npz", 131072, 1, 1, 4);
  AppState s;
  s.data.source = DataSource::File;
  s.data.vectors_path = file;
  s.attention.methods = {"sinkhorn:3"};
  AppController app(s);
  app.sync();
  ASSERT_TRUE(app.data() && app.data()->model);
  EXPECT_EQ(app.data()->query_count(), 131072);
  EXPECT_EQ(app.state().data.vectors_path, file);  // not replaced by generated data
  app.wait_for_weights();
  const auto result = app.result();
  ASSERT_TRUE(result) << app.compute_error();
  EXPECT_EQ(result->path, ComputePath::Streaming);
  OverviewService overviews;
  const ViewGrid grid = view_grid(result->queries, result->keys, 1.0f, {0.0f, 0.0f}, 64, 64);
  overviews.request(result, {{0, HeatmapMode::Clean}}, grid, grid);
  overviews.wait_until_idle();
  const auto pooled = overviews.get(result->generation, {0, HeatmapMode::Clean});
  ASSERT_TRUE(pooled);
  EXPECT_NE(pooled->error.find(file), std::string::npos) << pooled->error;
  EXPECT_NE(pooled->error.find("normalises the columns"), std::string::npos) << pooled->error;
}

}  // namespace
}  // namespace ax
