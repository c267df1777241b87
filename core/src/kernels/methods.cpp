#include "attn/kernels/methods.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "attn/base/errors.hpp"
#include "attn/kernels/formula.hpp"

namespace attn {
namespace {

constexpr std::array<MethodInfo, 19> kCatalogue = {{
    {MethodKind::Exp, "exp", "exp", "F(s) = e^s  (softmax)", "", "exp"},
    {MethodKind::Relu, "relu", "relu", "F(s) = max(s, 0)", "", "relu"},
    {MethodKind::Power, "power", "power:P", "F(s) = max(s, 0)^P", "P > 0, the exponent", "power:2"},
    {MethodKind::Linear, "linear", "linear", "F(s) = max(1 + s, 0)", "", "linear"},
    {MethodKind::Softplus, "softplus", "softplus", "F(s) = log(1 + e^s)", "", "softplus"},
    {MethodKind::Sigmoid, "sigmoid", "sigmoid", "F(s) = 1 / (1 + e^-s)", "", "sigmoid"},
    {MethodKind::ExpPlus, "exp-plus", "exp-plus:C", "F(s) = C + e^s", "C >= 0, the constant added", "exp-plus:1"},
    {MethodKind::Custom, "custom", "custom:EXPR", "F(z) = EXPR, a formula in z (muParser)",
     "EXPR, e.g. exp(2*z) or max(z,0)^3", "custom:exp(2*z)"},
    {MethodKind::Sparsemax, "sparsemax", "sparsemax", "w = argmin |w - s|^2 over the simplex (exact zeros)", "",
     "sparsemax"},
    {MethodKind::Entmax15, "entmax15", "entmax15", "w_j = [s_j/2 - tau]_+^2, sum w = 1 (exact zeros)", "", "entmax15"},
    {MethodKind::Sinkhorn, "sinkhorn", "sinkhorn:K", "e^s with K rounds of column then row normalisation",
     "K >= 1, the number of rounds", "sinkhorn:3"},
    {MethodKind::DoublyNormalized, "doubly-normalized", "doubly-normalized",
     "e^s normalised over queries, then over keys", "", "doubly-normalized"},
    {MethodKind::SigmoidAttention, "sigmoid-attn", "sigmoid-attn[:B]", "w = sigmoid(s + b), not normalised",
     "b, the bias (default -log n, n = #keys)", "sigmoid-attn", true},
    {MethodKind::Softmax1, "softmax1", "softmax1", "w_j = e^s_j / (1 + sum_l e^s_l)  (off-by-one softmax)", "",
     "softmax1"},
    {MethodKind::Softpick, "softpick", "softpick", "w_j = relu(e^s_j - 1) / sum_l |e^s_l - 1|", "", "softpick"},
    {MethodKind::StickBreaking, "stick-breaking", "stick-breaking",
     "w_ij = sigmoid(s_ij) prod_{j<k<=i} (1 - sigmoid(s_ik)); causal mask only", "", "stick-breaking"},
    {MethodKind::LengthScaled, "ssmax", "ssmax:C", "softmax(C log(n) s), n = keys the row attends (SSMax)",
     "C > 0, the length scale", "ssmax:0.5"},
    {MethodKind::LinearAttention, "linear-attn", "linear-attn",
     "w_ij = phi(q_i).phi(k_j) / sum_l phi(q_i).phi(k_l), phi = elu + 1 (from Q and K)", "", "linear-attn"},
    {MethodKind::RandomFeatures, "performer", "performer:m[:SEED]",
     "phi(x) = exp(w_r.x - |x|^2/2)/sqrt(m), w_r ~ N(0, I): phi(q).phi(k) ~ e^(q.k), normalised",
     "m features from 1 to 65536, and the features' seed (default 0)", "performer:64"},
}};

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string valid_names() {
  std::string names;
  for (const auto& info : kCatalogue) {
    if (!names.empty()) names += ", ";
    names += info.syntax;
  }
  return names;
}

double parse_number(const std::string& text, const std::string& spec) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value)) {
    throw UsageError("method '" + spec + "': parameter '" + text + "' is not a finite number");
  }
  return value;
}

// "M" or "M:SEED" of performer.
void parse_random_features(const std::string& parameter, const std::string& spec, Method& method) {
  const auto colon = parameter.find(':');
  method.parameter = parse_number(trim(std::string_view(parameter).substr(0, colon)), spec);
  if (method.parameter < 1.0 || method.parameter > 65536.0 || std::floor(method.parameter) != method.parameter) {
    throw UsageError("method '" + spec + "': the number of features m must be a whole number from 1 to 65536");
  }
  if (colon == std::string::npos) return;
  const std::string seed = trim(std::string_view(parameter).substr(colon + 1));
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(seed.c_str(), &end, 10);
  if (seed.empty() || seed[0] == '-' || end != seed.c_str() + seed.size() || errno == ERANGE) {
    throw UsageError("method '" + spec + "': the seed '" + seed + "' is not a whole number >= 0");
  }
  method.seed = value;
}

std::string format_parameter(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace

std::string Method::spec() const {
  const auto& info = method_info(kind);
  switch (kind) {
    case MethodKind::Power:
    case MethodKind::ExpPlus:
    case MethodKind::Sinkhorn: return std::string(info.name) + ":" + format_parameter(parameter);
    case MethodKind::Custom: return "custom:" + (formula ? formula->expression() : std::string());
    case MethodKind::SigmoidAttention:
      return parameter_given ? std::string(info.name) + ":" + format_parameter(parameter) : std::string(info.name);
    case MethodKind::LengthScaled: return std::string(info.name) + ":" + format_parameter(parameter);
    case MethodKind::RandomFeatures: {
      std::string out = std::string(info.name) + ":" + format_parameter(parameter);
      if (seed != 0) out.append(":").append(std::to_string(seed));
      return out;
    }
    default: return std::string(info.name);
  }
}

bool Method::is_ratio_form() const {
  switch (kind) {
    case MethodKind::Exp:
    case MethodKind::Relu:
    case MethodKind::Power:
    case MethodKind::Linear:
    case MethodKind::Softplus:
    case MethodKind::Sigmoid:
    case MethodKind::ExpPlus:
    case MethodKind::Custom: return true;
    default: return false;
  }
}

bool Method::is_row_wise() const { return kind != MethodKind::Sinkhorn && kind != MethodKind::DoublyNormalized; }

bool Method::rows_sum_to_one() const {
  switch (kind) {
    case MethodKind::SigmoidAttention:
    case MethodKind::Softmax1:
    case MethodKind::Softpick:
    case MethodKind::StickBreaking: return false;
    default: return true;
  }
}

bool Method::is_feature_map() const {
  return kind == MethodKind::LinearAttention || kind == MethodKind::RandomFeatures;
}

bool Method::needs_causal_mask() const { return kind == MethodKind::StickBreaking; }

Method parse_method(std::string_view spec_view) {
  const std::string spec = trim(spec_view);
  const auto colon = spec.find(':');
  const std::string name = trim(std::string_view(spec).substr(0, colon));
  const bool has_parameter = colon != std::string::npos;
  const std::string parameter = has_parameter ? trim(std::string_view(spec).substr(colon + 1)) : "";

  const MethodInfo* info = nullptr;
  for (const auto& candidate : kCatalogue) {
    if (candidate.name == name) info = &candidate;
  }
  if (!info) {
    throw UsageError("unknown method '" + spec + "' (valid: " + valid_names() + ")");
  }

  Method method;
  method.kind = info->kind;
  const bool needs_parameter = !info->parameter.empty() && !info->parameter_optional;
  if (needs_parameter && !has_parameter) {
    throw UsageError("method '" + spec + "' needs a parameter: " + std::string(info->syntax) + " with " +
                     std::string(info->parameter));
  }
  if (info->parameter.empty() && has_parameter) {
    throw UsageError("method '" + name + "' takes no parameter (got '" + spec + "')");
  }

  switch (method.kind) {
    case MethodKind::Power:
      method.parameter = parse_number(parameter, spec);
      if (!(method.parameter > 0.0)) {
        throw UsageError("method '" + spec + "': the exponent P must be > 0");
      }
      break;
    case MethodKind::ExpPlus:
      method.parameter = parse_number(parameter, spec);
      if (!(method.parameter >= 0.0)) {
        throw UsageError("method '" + spec + "': the constant C must be >= 0");
      }
      break;
    case MethodKind::Sinkhorn: {
      method.parameter = parse_number(parameter, spec);
      const double rounds = method.parameter;
      if (rounds < 1.0 || rounds > 10000.0 || std::floor(rounds) != rounds) {
        throw UsageError("method '" + spec + "': K must be a whole number from 1 to 10000");
      }
      break;
    }
    case MethodKind::Custom: method.formula = Formula::compile(parameter); break;
    case MethodKind::SigmoidAttention:
      method.parameter_given = has_parameter;
      if (has_parameter) method.parameter = parse_number(parameter, spec);
      break;
    case MethodKind::LengthScaled:
      method.parameter = parse_number(parameter, spec);
      if (!(method.parameter > 0.0)) throw UsageError("method '" + spec + "': the length scale C must be > 0");
      break;
    case MethodKind::RandomFeatures: parse_random_features(parameter, spec, method); break;
    default: break;
  }
  return method;
}

std::vector<Method> parse_method_list(std::string_view specs) {
  std::vector<Method> methods;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t k = 0; k <= specs.size(); ++k) {
    const char c = k < specs.size() ? specs[k] : ',';
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth <= 0) {
      const std::string item = trim(specs.substr(start, k - start));
      if (item.empty()) {
        throw UsageError("empty method name in list '" + std::string(specs) + "'");
      }
      methods.push_back(parse_method(item));
      start = k + 1;
      depth = 0;
    }
  }
  return methods;
}

std::span<const MethodInfo> method_catalogue() { return kCatalogue; }

const MethodInfo& method_info(MethodKind kind) {
  for (const auto& info : kCatalogue) {
    if (info.kind == kind) return info;
  }
  return kCatalogue[0];
}

}  // namespace attn
