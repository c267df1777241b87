// Parsing methods and formulas, and method-specific behaviour.
#include <cmath>
#include <thread>

#include <gtest/gtest.h>

#include "attn/base/errors.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/kernels/formula.hpp"
#include "attn/kernels/functions.hpp"
#include "attn/kernels/methods.hpp"
#include "test_helpers.hpp"

namespace attn {
namespace {

std::string usage_error_of(const std::string& spec) {
  try {
    (void)parse_method(spec);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Methods, CanonicalSpecsRoundTrip) {
  for (const auto& info : method_catalogue()) {
    const Method m = parse_method(info.example);
    EXPECT_EQ(m.kind, info.kind);
    EXPECT_EQ(parse_method(m.spec()).spec(), m.spec());
  }
  EXPECT_EQ(parse_method(" power : 2.5 ").spec(), "power:2.5");
  EXPECT_EQ(parse_method("sinkhorn:3").parameter, 3.0);
}

TEST(Methods, BadSpecsAreUsageErrorsThatSayWhatIsWrong) {
  EXPECT_NE(usage_error_of("softmaxx").find("unknown method 'softmaxx'"), std::string::npos);
  EXPECT_NE(usage_error_of("softmaxx").find("sparsemax"), std::string::npos);  // lists valid names
  EXPECT_NE(usage_error_of("power").find("needs a parameter"), std::string::npos);
  EXPECT_NE(usage_error_of("relu:2").find("takes no parameter"), std::string::npos);
  EXPECT_NE(usage_error_of("power:0").find("P must be > 0"), std::string::npos);
  EXPECT_NE(usage_error_of("power:abc").find("not a finite number"), std::string::npos);
  EXPECT_NE(usage_error_of("power:inf").find("not a finite number"), std::string::npos);
  EXPECT_NE(usage_error_of("exp-plus:-1").find("C must be >= 0"), std::string::npos);
  EXPECT_NE(usage_error_of("sinkhorn:0").find("whole number"), std::string::npos);
  EXPECT_NE(usage_error_of("sinkhorn:2.5").find("whole number"), std::string::npos);
  EXPECT_NE(usage_error_of("custom:").find("empty"), std::string::npos);
}

TEST(Methods, FormulaSyntaxErrorsCarryTheParserMessageAndPosition) {
  const std::string unbalanced = usage_error_of("custom:exp(z");
  EXPECT_NE(unbalanced.find("custom formula 'exp(z'"), std::string::npos) << unbalanced;
  EXPECT_NE(unbalanced.find("at character"), std::string::npos) << unbalanced;
  const std::string unknown = usage_error_of("custom:x+1");
  EXPECT_NE(unknown.find("x"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("at character 1"), std::string::npos) << unknown;
}

TEST(Methods, ListsSplitOnTopLevelCommasOnly) {
  const auto methods = parse_method_list("exp, custom:max(z,0)^2 ,relu");
  ASSERT_EQ(methods.size(), 3u);
  EXPECT_EQ(methods[1].spec(), "custom:max(z,0)^2");
  EXPECT_THROW(parse_method_list("exp,,relu"), UsageError);
}

TEST(Methods, FormulaEvaluatesAndIsThreadSafe) {
  const auto f = Formula::compile("max(z,0)^2 + _pi*0");
  EXPECT_DOUBLE_EQ((*f)(3.0), 9.0);
  EXPECT_DOUBLE_EQ((*f)(-3.0), 0.0);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> z(1000), out(1000);
      for (int k = 0; k < 1000; ++k) z[k] = t + 0.001 * k;
      for (int rep = 0; rep < 20; ++rep) {
        f->evaluate(z.data(), out.data(), 1000);
        for (int k = 0; k < 1000; ++k) wrong[t] += std::abs(out[k] - z[k] * z[k]) > 1e-12 * z[k] * z[k];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(wrong[t], 0);
}

TEST(Methods, CustomExpMatchesBuiltInSoftmax) {
  const MatD s = test::random_matrix<double>(8, 9, 4);
  EXPECT_LT(test::max_abs_diff(test::weights_of(s, "custom:exp(z)").matrix, test::weights_of(s, "exp").matrix), 1e-15);
}

TEST(Methods, ExpPlusWithZeroConstantIsSoftmax) {
  const MatD s = test::random_matrix<double>(8, 9, 5, 30.0);
  EXPECT_LT(test::max_abs_diff(test::weights_of(s, "exp-plus:0").matrix, test::weights_of(s, "exp").matrix), 1e-15);
}

TEST(Methods, DoublyNormalizedIsOneSinkhornRound) {
  const MatD s = test::random_matrix<double>(10, 12, 6);
  EXPECT_TRUE(
      test::same_bits(test::weights_of(s, "doubly-normalized").matrix, test::weights_of(s, "sinkhorn:1").matrix));
}

TEST(Methods, SinkhornApproachesDoublyStochastic) {
  const MatD s = test::random_matrix<double>(12, 12, 7);
  const auto few = test::weights_of(s, "sinkhorn:1");
  const auto many = test::weights_of(s, "sinkhorn:200");
  const double few_error = (few.matrix.colwise().sum().array() - 1.0).abs().maxCoeff();
  const double many_error = (many.matrix.colwise().sum().array() - 1.0).abs().maxCoeff();
  EXPECT_LT(many_error, 1e-9);
  EXPECT_GT(few_error, many_error);
}

TEST(Methods, ShiftResponseIsMeasuredNotDeclared) {
  const auto exp = probe_shift_response(parse_method("exp"));
  EXPECT_TRUE(exp.constant_invariant());
  EXPECT_TRUE(exp.row_invariant());
  EXPECT_FALSE(exp.column_invariant());
  const auto relu = probe_shift_response(parse_method("relu"));
  EXPECT_FALSE(relu.constant_invariant());
  const auto custom_scaled_exp = probe_shift_response(parse_method("custom:3*exp(0.5*z)"));
  EXPECT_TRUE(custom_scaled_exp.constant_invariant());  // c * exp(alpha z): the theorem's family
  const auto sinkhorn = probe_shift_response(parse_method("sinkhorn:3"));
  EXPECT_TRUE(sinkhorn.column_invariant());
  const auto negative = probe_shift_response(parse_method("custom:z-100"));
  EXPECT_FALSE(negative.constant_invariant());  // every row undefined: not "invariant"
}

TEST(Methods, RatioFunctionsAgreeWithTheWeights) {
  // F(z) for plots and the weight kernels share one definition: F / sum F must be the weights.
  const MatD s = test::random_matrix<double>(1, 30, 12, 1.5, 0.5);
  const std::vector<double> z(s.data(), s.data() + s.size());
  for (const char* spec :
       {"exp", "relu", "power:3", "linear", "softplus", "sigmoid", "exp-plus:2", "custom:1/(1+z^2)"}) {
    const std::vector<double> f = evaluate_ratio_function(parse_method(spec), z);
    double total = 0.0;
    for (double v : f) total += v;
    const auto w = test::weights_of(s, spec);
    for (std::size_t k = 0; k < z.size(); ++k)
      EXPECT_NEAR(w.matrix(0, static_cast<Index>(k)), f[k] / total, 1e-14) << spec;
  }
  EXPECT_THROW(evaluate_ratio_function(parse_method("sparsemax"), z), UsageError);
}

TEST(Methods, ScoreKindsParse) {
  for (ScoreKind kind : all_score_kinds()) EXPECT_EQ(parse_score_kind(score_kind_name(kind)), kind);
  EXPECT_THROW(parse_score_kind("dott"), UsageError);
  EXPECT_THROW(parse_mask("future"), UsageError);
}

}  // namespace
}  // namespace attn
