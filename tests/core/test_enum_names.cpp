// Names of enum values (attn/base/enum_names.hpp): one table per enum gives the name of every
// value, reads every name back, and lists the choices when a name is unknown.
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/experiments/generate.hpp"
#include "attn/kernels/perturbation.hpp"
#include "attn/kernels/scores.hpp"
#include "attn/kernels/weights.hpp"
#include "attn/overview/overview.hpp"

namespace attn {
namespace {

enum class Colour { Red, Green, Blue };
constexpr NameOf<Colour> kColours[] = {{Colour::Red, "red"}, {Colour::Green, "green"}, {Colour::Blue, "blue"}};

std::string usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(EnumNames, OneTableServesBothDirectionsAndTheChoices) {
  static_assert(name_of(kColours, Colour::Green) == "green");
  static_assert(value_of(kColours, "blue") == Colour::Blue);
  static_assert(!value_of(kColours, "Blue"));  // names are exact
  static_assert(values_of(kColours)[2] == Colour::Blue);
  EXPECT_EQ(choices_of(kColours), "red, green or blue");
  EXPECT_EQ(parse_name(kColours, "red", "colour"), Colour::Red);
  EXPECT_EQ(usage_error([] { (void)parse_name(kColours, "teal", "colour"); }),
            "unknown colour 'teal' (choose red, green or blue)");
}

// Every value of the engine's named enums comes back from its name.
TEST(EnumNames, EveryEngineNameReadsBackAsItsValue) {
  for (ScoreKind kind : all_score_kinds()) EXPECT_EQ(parse_score_kind(score_kind_name(kind)), kind);
  EXPECT_EQ(all_score_kinds().size(), 4u);
  for (Mask mask : {Mask::None, Mask::Causal}) EXPECT_EQ(parse_mask(mask_name(mask)), mask);
  for (NoiseTarget target : {NoiseTarget::Queries, NoiseTarget::Keys, NoiseTarget::Both}) {
    EXPECT_EQ(parse_noise_target(noise_target_name(target)), target);
  }
  for (DatasetKind kind : {DatasetKind::Gaussian, DatasetKind::Clusters, DatasetKind::Sphere}) {
    EXPECT_EQ(parse_dataset_kind(dataset_kind_name(kind)), kind);
  }
  for (PoolReduction r : {PoolReduction::Max, PoolReduction::Mean})
    EXPECT_EQ(parse_pool_reduction(pool_reduction_name(r)), r);
}

TEST(EnumNames, UnknownNamesListTheChoices) {
  EXPECT_EQ(usage_error([] { (void)parse_score_kind("dott"); }),
            "unknown score 'dott' (choose dot, scaled-dot, cosine or neg-sqdist)");
  EXPECT_EQ(usage_error([] { (void)parse_mask("diagonal"); }), "unknown mask 'diagonal' (choose none or causal)");
  EXPECT_EQ(usage_error([] { (void)parse_noise_target("values"); }),
            "unknown noise target 'values' (choose queries, keys or both)");
  EXPECT_EQ(usage_error([] { (void)parse_dataset_kind("cube"); }),
            "unknown data kind 'cube' (choose gaussian, clusters or sphere)");
  EXPECT_EQ(usage_error([] { (void)parse_pool_reduction("median"); }),
            "unknown reduction 'median' (choose max or mean)");
}

}  // namespace
}  // namespace attn
