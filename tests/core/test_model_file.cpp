// Model files of format 2 (issue 17): masks as arrays, groups, key tokens, precision, the dropout
// flag and replaced rows, read by the C++ reader and applied by the engine. The files are written
// by tests/core/make_model_files.py at test time, with the weights an independent NumPy reading of
// the specification (tests/tools/model_file_reference.py) recomputes from them.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/io/array_files.hpp"
#include "attn/io/model_file.hpp"
#include "attn/kernels/attention.hpp"

namespace attn {
namespace {

namespace fs = std::filesystem;

class ModelFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("attn_model_file_test_" + std::to_string(::getpid()));
    const std::string command = std::string(AX_PYTHON) + " " + AX_MODEL_FILES_SCRIPT + " " + dir_.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << "could not write the model files: " << command;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  }
  static fs::path dir_;
};
fs::path ModelFileTest::dir_;

// Every head recomputed by the engine (exp, float64) with the file's masks, against the reference.
double worst_gap_to_reference(const ModelFile& model, const std::string& expected_path) {
  const NdArray expected = read_array_file(expected_path, NonFinite::AllowNaN);
  double worst = 0.0;
  for (Index l = 0; l < model.layers(); ++l) {
    for (Index h = 0; h < model.heads(); ++h) {
      Vectors<double> v;
      v.queries = model.matrix(*model.queries, l, h);
      v.keys = model.matrix(*model.keys, l, h);
      const HeadMask mask = model.head_mask(l, h);
      AttentionSpec spec;
      spec.mask = mask.causal ? Mask::Causal : Mask::None;
      spec.mask_arrays = mask.arrays;
      const Weights<double> w = compute_weights(v, spec);
      const MatD want = model.matrix(expected, l, h);
      for (Index i = 0; i < want.rows(); ++i) {
        EXPECT_EQ(std::isnan(want(i, 0)), !w.defined(i)) << model.head_name(l, h) << " row " << i;
        if (std::isnan(want(i, 0))) {
          EXPECT_EQ(w.rows[static_cast<std::size_t>(i)], RowStatus::Masked);
          continue;
        }
        worst = std::max(worst, (w.matrix.row(i) - want.row(i)).cwiseAbs().maxCoeff());
      }
    }
  }
  return worst;
}

TEST_F(ModelFileTest, FormatTwoMasksReproduceTheReferenceWeights) {
  const ModelFile model = read_model_file(path("flat.npz"));
  EXPECT_EQ(model.format, "2");
  EXPECT_EQ(model.precision, "bfloat16");
  EXPECT_TRUE(model.dropout_applied);
  EXPECT_EQ(model.mask_kinds, (std::vector<std::string>{"causal", "other"}));
  EXPECT_EQ(model.mask_heads, 3);             // the bias is per head
  EXPECT_TRUE(model.head_mask(0, 1).causal);  // a causal 'blocked' becomes the rule
  EXPECT_FALSE(model.head_mask(0, 1).arrays);
  ASSERT_TRUE(model.head_mask(1, 2).arrays);
  EXPECT_TRUE(model.head_mask(1, 2).arrays->has_bias());
  EXPECT_TRUE(model.head_mask(1, 2).arrays->blocks(0, 0));  // a padded key
  EXPECT_EQ(model.queries_replaced[1], std::vector<Index>{2});
  EXPECT_LT(worst_gap_to_reference(model, path("flat.expected.npy")), 1e-6);
}

TEST_F(ModelFileTest, GroupsAreReadOneAtATimeWithTheirOwnLengthsAndTokens) {
  EXPECT_EQ(model_file_groups(path("groups.npz")), (std::vector<std::string>{"encoder", "decoder", "cross"}));
  const ModelFile first = read_model_file(path("groups.npz"));
  EXPECT_EQ(first.group, "encoder");
  const ModelFile cross = read_model_file(path("groups.npz"), "cross");
  EXPECT_EQ(cross.role, "cross");
  EXPECT_EQ(cross.query_count(), 5);
  EXPECT_EQ(cross.key_count(), 9);
  EXPECT_EQ(cross.tokens.front(), "q0");
  EXPECT_EQ(cross.column_labels().front(), "k0");
  EXPECT_EQ(cross.src_tokens.size(), 9u);
  EXPECT_EQ(cross.tgt_tokens.size(), 5u);
  EXPECT_TRUE(cross.unknown.empty());
  EXPECT_EQ(cross.source(), path("groups.npz") + ", group cross");
  for (const char* group : {"encoder", "decoder", "cross"}) {
    SCOPED_TRACE(group);
    const ModelFile model = read_model_file(path("groups.npz"), group);
    EXPECT_LT(worst_gap_to_reference(model, path(std::string("groups.") + group + ".expected.npy")), 1e-6);
  }
  EXPECT_TRUE(read_model_file(path("groups.npz"), "decoder").head_mask(1, 0).causal);
  const std::string missing = error_of([&] { read_model_file(path("groups.npz"), "memory"); });
  EXPECT_NE(missing.find("no group 'memory' (groups: encoder, decoder, cross)"), std::string::npos) << missing;
}

TEST_F(ModelFileTest, FormatOneFallsBackOnTheMaskWord) {
  const ModelFile model = read_model_file(path("format1.npz"));
  EXPECT_EQ(model.format, "1");
  EXPECT_EQ(model.precision, "float32");
  EXPECT_FALSE(model.dropout_applied);
  EXPECT_TRUE(model.head_mask(0, 1).causal);
  EXPECT_LT(worst_gap_to_reference(model, path("format1.expected.npy")), 1e-6);
}

TEST_F(ModelFileTest, EveryBrokenRuleIsAnErrorNamingTheFileAndTheMember) {
  const std::pair<const char*, const char*> cases[] = {
      {"bad_blocked_value.npz", "'blocked' holds 0.500000 at [1, 2, 3] (only 0 and 1"},
      {"bad_blocked_shape.npz", "'blocked' has shape (2, 6, 5) but"},
      {"bad_bias.npz", "attn_bias"},
      {"bad_padding_shape.npz", "'key_padding' has shape (1, 6) but"},
      {"bad_kind.npz", "'mask_kind' entry 1 is 'sliding'"},
      {"bad_nan_row.npz", "'weights' row [0, 1, 3, 0] is NaN in 2 of 6 entries"},
      {"bad_key_tokens.npz", "'key_tokens' has 2 entries for 6 keys"},
      {"bad_format.npz", "'export_format' must be one word, one of '1', '2' (it holds '3')"},
      {"bad_precision.npz", "'precision' must be one word"},
  };
  for (const auto& [file, words] : cases) {
    const std::string message = error_of([&] { read_model_file(path(file)); });
    EXPECT_NE(message.find(path(file)), std::string::npos) << message;
    EXPECT_NE(message.find(words), std::string::npos) << file << ": " << message;
  }
}

}  // namespace
}  // namespace attn
