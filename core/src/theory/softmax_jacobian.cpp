#include "attn/theory/softmax_jacobian.hpp"

#include "attn/base/errors.hpp"

namespace attn {

Mat<double> softmax_jacobian(const Vec<double>& w) {
  Mat<double> j = -w * w.transpose();
  j.diagonal() += w;
  return j;
}

Vec<double> score_gradient(const Vec<double>& w, const Vec<double>& u) {
  if (w.size() != u.size()) throw InputError("score gradient: one upstream gradient per weight is needed");
  return w.array() * (u.array() - w.dot(u));
}

}  // namespace attn
