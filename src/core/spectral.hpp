// The spectral radius of a recurrent weight matrix, and rescaling a vanilla RNN's W_hh to a chosen one
// (the gradient lab, issue 6).
//
// Size key: H hidden units, L layers.
// ρ(W) = max_i |λ_i(W)| over the eigenvalues of the square matrix W, complex pairs included. Backward
// through time multiplies dL/dh by W_hhᵀ·diag(f′) once per step, so ‖dL/dh_t‖ behaves roughly like
// ρ^(T−t) while f′ ≈ 1: ρ < 1 vanishes, ρ > 1 explodes. Rescaling multiplies W by ρ / ρ(W): every
// eigenvalue scales by the same factor, so the new radius is exactly ρ (up to rounding).
#pragma once
#include <string>

#include "core/model.hpp"

namespace unrolled {

// max |λ| of a square matrix, through Eigen::EigenSolver (the general real case: eigenvalues may be
// complex). Computed in double whatever T is. Throws std::invalid_argument when the matrix is empty,
// not square or holds a NaN or Inf.
template <class T> double spectral_radius(const Mat<T>& square);

// Layer k's W_hh [H × H] as a matrix (vanilla RNN only; std::invalid_argument otherwise).
template <class T> Mat<T> recurrent_weights(const Model<T>& model, int layer);

enum class RescaleScope { first_layer, every_layer };

// W_hh ← W_hh · ρ / ρ(W_hh) for layer 0 or for every layer, so each rescaled W_hh has spectral radius
// rho. Returns the largest radius before rescaling. Throws std::invalid_argument, changing nothing,
// when the model is not a vanilla RNN, rho is not finite or below 0, or a W_hh has radius 0 (e.g. all
// zeros or nilpotent: no factor gives it another radius). The message names the tensor.
template <class T> double rescale_recurrent(Model<T>& model, double rho, RescaleScope scope = RescaleScope::first_layer);

}  // namespace unrolled
