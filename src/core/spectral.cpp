#include "core/spectral.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace unrolled {

template <class T> double spectral_radius(const Mat<T>& square) {
  if (square.rows() == 0 || square.rows() != square.cols()) {
    std::ostringstream m;
    m << "spectral radius: the matrix must be square and not empty, it is " << square.rows() << " × " << square.cols();
    throw std::invalid_argument(m.str());
  }
  if (!square.allFinite()) throw std::invalid_argument("spectral radius: the matrix holds a NaN or Inf");
  // EigenSolver's Hessenberg–QR path: the real Schur form, its 1×1 and 2×2 blocks give the eigenvalues.
  const Eigen::EigenSolver<Mat<double>> solver(square.template cast<double>(), /*computeEigenvectors=*/false);
  if (solver.info() != Eigen::Success) throw std::invalid_argument("spectral radius: the eigenvalue iteration did not converge");
  return solver.eigenvalues().cwiseAbs().maxCoeff();
}

template <class T> Mat<T> recurrent_weights(const Model<T>& model, int layer) {
  if (model.config.cell != CellKind::rnn)
    throw std::invalid_argument(std::string("the spectral radius of weight_hh needs a vanilla RNN; this is an ") +
                                cell_name(model.config.cell) + " (its weight_hh is " +
                                std::to_string(gate_count(model.config.cell)) + "H × H)");
  if (layer < 0 || layer >= model.config.num_layers)
    throw std::invalid_argument("layer " + std::to_string(layer) + " does not exist (the model has " +
                                std::to_string(model.config.num_layers) + ")");
  return model.layer(layer).w_hh;
}

template <class T> double rescale_recurrent(Model<T>& model, double rho, RescaleScope scope) {
  if (!std::isfinite(rho) || rho < 0) {
    std::ostringstream m;
    m << "spectral radius " << rho << " cannot be used: it must be a finite number ≥ 0";
    throw std::invalid_argument(m.str());
  }
  const int layers = scope == RescaleScope::every_layer ? model.config.num_layers : 1;
  std::vector<double> factor(static_cast<std::size_t>(layers));
  double largest = 0;
  for (int k = 0; k < layers; ++k) {  // every radius first, so an error changes nothing
    const double r = spectral_radius(recurrent_weights(model, k));
    const std::string name = model.layout.tensors[static_cast<std::size_t>(model.layout.layers[k].weight_hh)].name;
    if (!(r > 0) || !std::isfinite(rho / r)) {
      std::ostringstream m;
      m << name << " has spectral radius " << r << " (all zeros, or nilpotent): no factor rescales it to " << rho;
      throw std::invalid_argument(m.str());
    }
    factor[static_cast<std::size_t>(k)] = rho / r;
    largest = std::max(largest, r);
  }
  for (int k = 0; k < layers; ++k) {
    WeightView<T> w = model.tensor(model.layout.layers[k].weight_hh);
    w = (w.template cast<double>() * factor[static_cast<std::size_t>(k)]).template cast<T>();
  }
  return largest;
}

#define UNROLLED_INSTANTIATE(T)                                                  \
  template double spectral_radius<T>(const Mat<T>&);                             \
  template Mat<T> recurrent_weights<T>(const Model<T>&, int);                    \
  template double rescale_recurrent<T>(Model<T>&, double, RescaleScope);
UNROLLED_INSTANTIATE(float)
UNROLLED_INSTANTIATE(double)
#undef UNROLLED_INSTANTIATE

}  // namespace unrolled
