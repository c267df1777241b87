// Matrix types shared by the whole engine.
//
// Every matrix is row-major: row i is one vector (a query, a key, a value) or one row of weights,
// so a row is contiguous in memory and row-wise methods touch one cache line after another.
#pragma once

#include <Eigen/Core>

namespace attn {

using Index = Eigen::Index;

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

using MatF = Mat<float>;
using MatD = Mat<double>;

}  // namespace attn
