// Elementwise activations used by the cells, in the form PyTorch computes them.
#pragma once
#include "core/tensor.hpp"

namespace unrolled {

// σ(a) = 1 / (1 + e^(−a)), in place.
template <class Derived> void sigmoid_inplace(Eigen::MatrixBase<Derived>&& a) {
  using T = typename Derived::Scalar;
  a.derived().array() = (T(1) + (-a.derived().array()).exp()).inverse();
}
template <class Derived> void tanh_inplace(Eigen::MatrixBase<Derived>&& a) {
  a.derived().array() = a.derived().array().tanh();
}
template <class Derived> void relu_inplace(Eigen::MatrixBase<Derived>&& a) {
  using T = typename Derived::Scalar;
  a.derived().array() = a.derived().array().max(T(0));
}

}  // namespace unrolled
