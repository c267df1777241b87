#include "attn/theory/pooling.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "attn/base/errors.hpp"

namespace attn {

VecD dot_fixed_scores(const MatD& x, const VecD& theta) {
  if (theta.size() != x.cols()) {
    throw InputError("theta has " + std::to_string(theta.size()) + " entries for vectors of dimension " +
                     std::to_string(x.cols()));
  }
  return x * theta;
}

VecD mlp_fixed_scores(const MatD& x, const MatD& w, const VecD& b, const VecD& theta) {
  if (w.cols() != x.cols() || w.rows() != b.size() || w.rows() != theta.size()) {
    throw InputError("MLP attention: W must be h x d, b and theta of length h");
  }
  const MatD hidden = ((x * w.transpose()).rowwise() + b.transpose()).array().tanh();
  return hidden * theta;
}

Pooling pool(const MatD& x, const VecD& scores, const Method& method) {
  if (scores.size() != x.rows()) throw InputError("one score per element is needed");
  MatD row = scores.transpose();
  const Weights<double> w = weights_from_scores(std::move(row), method);
  Pooling out;
  out.status = w.rows[0];
  out.weights = w.matrix.row(0).transpose();
  if (out.status == RowStatus::Defined) {
    out.pooled = x.transpose() * out.weights;
  } else {
    out.pooled = VecD::Constant(x.cols(), std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

VecD plain_sum(const MatD& x) { return x.colwise().sum().transpose(); }

double logistic_readout(const VecD& u, double c, const VecD& f) {
  if (u.size() != f.size()) throw InputError("read-out and feature sizes differ");
  return 1.0 / (1.0 + std::exp(-(u.dot(f) + c)));
}

}  // namespace attn
