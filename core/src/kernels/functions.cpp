#include "attn/kernels/functions.hpp"

#include <cmath>

#include "attn/base/errors.hpp"
#include "attn/kernels/formula.hpp"
#include "kernels/scalar_functions.hpp"

namespace attn {

std::vector<double> evaluate_ratio_function(const Method& method, std::span<const double> z) {
  std::vector<double> out(z.size());
  auto each = [&](auto f) {
    for (std::size_t k = 0; k < z.size(); ++k) out[k] = f(z[k]);
  };
  switch (method.kind) {
    case MethodKind::Exp: each([](double s) { return std::exp(s); }); break;
    case MethodKind::Relu: each([](double s) { return std::max(s, 0.0); }); break;
    case MethodKind::Power: {
      const double p = method.parameter;
      each([p](double s) { return s > 0.0 ? std::pow(s, p) : 0.0; });
      break;
    }
    case MethodKind::Linear: each([](double s) { return std::max(1.0 + s, 0.0); }); break;
    case MethodKind::Softplus: each([](double s) { return std::exp(detail::log_softplus(s)); }); break;
    case MethodKind::Sigmoid: each([](double s) { return std::exp(detail::log_sigmoid(s)); }); break;
    case MethodKind::ExpPlus: {
      const double c = method.parameter;
      each([c](double s) { return c + std::exp(s); });
      break;
    }
    case MethodKind::Custom: method.formula->evaluate(z.data(), out.data(), static_cast<long>(z.size())); break;
    default: throw UsageError("method '" + method.spec() + "' is not of ratio form: it has no F(z)");
  }
  return out;
}

}  // namespace attn
