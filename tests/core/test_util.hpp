// Small deterministic helpers shared by the core test suites.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "core/model.hpp"

namespace unrolled::test {

// Standard normal numbers from our own Box–Muller over mt19937_64, identical on every platform.
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    const double u1 = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <class T> Mat<T> matrix(Eigen::Index rows, Eigen::Index cols, double scale = 1.0) {
    Mat<T> m(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
      for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = static_cast<T>(scale * (*this)());
    return m;
  }

 private:
  std::mt19937_64 rng_;
};

// A model of the given sizes with PyTorch's default init from `seed`.
template <class T> Model<T> random_model(CellKind cell, int I, int H, int L, int O, std::uint64_t seed) {
  ModelConfig c;
  c.cell = cell;
  c.input_size = I;
  c.hidden_size = H;
  c.num_layers = L;
  c.output_size = O;
  Model<T> m(c);
  init_uniform(m, seed);
  return m;
}

// |a − n| / max(|a|, |n|, floor): relative where the gradient is meaningful, absolute below the floor
// (finite differences cannot resolve relative error on values near zero).
inline double rel_error(double analytic, double numeric, double floor = 1e-4) {
  return std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), floor});
}

// Four-point central difference, error O(h⁴): (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h.
// The plain two-point stencil leaves ~1e-10 of noise, too coarse for a 1e-6 relative bound.
template <class F> double central_difference(double& x, F&& f) {
  const double h = 1e-4, saved = x;
  double v[4];
  const double offsets[4] = {2 * h, h, -h, -2 * h};
  for (int k = 0; k < 4; ++k) {
    x = saved + offsets[k];
    v[k] = f();
  }
  x = saved;
  return (-v[0] + 8 * v[1] - 8 * v[2] + v[3]) / (12 * h);
}

inline std::string describe(const ModelConfig& c) {
  std::string s = cell_name(c.cell);
  if (c.cell == CellKind::rnn) s += std::string("/") + nonlinearity_name(c.nonlinearity);
  return s + " L=" + std::to_string(c.num_layers) + " I=" + std::to_string(c.input_size) +
         " H=" + std::to_string(c.hidden_size) + " O=" + std::to_string(c.output_size);
}

}  // namespace unrolled::test
