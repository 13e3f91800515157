// GRU cell (PyTorch nn.GRU), gate order r, z, n. Size key: I input, H hidden, B batch.
//
// Forward, with the input part u = W_ih x + b_ih and the hidden part v = W_hh h + b_hh, both [3H × B]
//   (G1) r = σ(u_r + v_r)
//   (G2) z = σ(u_z + v_z)
//   (G3) n = tanh(u_n + r ⊙ v_n)          v_n = W_hn h + b_hn is kept for the backward pass
//   (G4) h' = (1 − z) ⊙ n + z ⊙ h         (some textbooks swap the roles of z and 1 − z)
// Backward, given dh' = total dL/dh'
//   (G5) dn = dh' ⊙ (1 − z),   dz = dh' ⊙ (h − n)                      from (G4)
//   (G6) da_n = dn ⊙ (1 − n²)                                          from (G3)
//   (G7) da_r = da_n ⊙ v_n ⊙ r(1 − r),  da_z = dz ⊙ z(1 − z)           from (G3), (G1), (G2)
//   (G8) du = [da_r; da_z; da_n],   dv = [da_r; da_z; da_n ⊙ r]
//   (G9) dW_ih += du xᵀ, db_ih += Σ_b du, dW_hh += dv hᵀ, db_hh += Σ_b dv
//   (G10) dx = W_ihᵀ du,   dh = W_hhᵀ dv + dh' ⊙ z
#pragma once
#include "core/activations.hpp"

namespace unrolled::gru_cell {

// (G1)–(G4): gates holds u on entry and r z n on exit; v is the hidden part.
template <class T>
void activate(MatRef<T> gates, ConstMatRef<T> v, ConstMatRef<T> h_prev, MatRef<T> v_n, MatRef<T> h) {
  const Eigen::Index H = h.rows();
  gates.topRows(2 * H) += v.topRows(2 * H);
  sigmoid_inplace(gates.topRows(2 * H));  // r, z
  v_n = v.bottomRows(H);
  gates.bottomRows(H).array() += gates.topRows(H).array() * v_n.array();
  tanh_inplace(gates.bottomRows(H));      // n
  const auto z = gates.middleRows(H, H).array();
  h.array() = (T(1) - z) * gates.bottomRows(H).array() + z * h_prev.array();
}

// (G5)–(G8), and the direct part of (G10): du, dv [3H × B]; dh_direct = dh' ⊙ z.
template <class T>
void gate_grads(ConstMatRef<T> gates, ConstMatRef<T> v_n, ConstMatRef<T> h_prev, ConstMatRef<T> dh,
                MatRef<T> du, MatRef<T> dv, MatRef<T> dh_direct) {
  const Eigen::Index H = dh.rows();
  const auto r = gates.topRows(H).array();
  const auto z = gates.middleRows(H, H).array();
  const auto n = gates.bottomRows(H).array();
  const auto d = dh.array();
  du.bottomRows(H).array() = d * (T(1) - z) * (T(1) - n.square());                   // (G5), (G6)
  du.middleRows(H, H).array() = d * (h_prev.array() - n) * z * (T(1) - z);           // (G5), (G7)
  du.topRows(H).array() = du.bottomRows(H).array() * v_n.array() * r * (T(1) - r);   // (G7)
  dv.topRows(2 * H) = du.topRows(2 * H);                                             // (G8)
  dv.bottomRows(H).array() = du.bottomRows(H).array() * r;
  dh_direct.array() = d * z;                                                         // (G10)
}

}  // namespace unrolled::gru_cell
