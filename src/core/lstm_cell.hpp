// LSTM cell (PyTorch nn.LSTM), gate order i, f, g, o. Size key: I input, H hidden, B batch.
//
// Forward
//   (L1) a = W_ih x + b_ih + W_hh h + b_hh                  a : [4H × B], slices a_i a_f a_g a_o
//   (L2) i = σ(a_i),  f = σ(a_f),  g = tanh(a_g),  o = σ(a_o)
//   (L3) c' = f ⊙ c + i ⊙ g                                 the cell-state highway
//   (L4) h' = o ⊙ tanh(c')
// Backward, given dh' = total dL/dh' and dc' = dL/dc' arriving from step t+1
//   (L5) dc_total = dc' + dh' ⊙ o ⊙ (1 − tanh²(c'))         from (L4)
//   (L6) da_o = dh' ⊙ tanh(c') ⊙ o(1 − o)                   from (L4), (L2)
//   (L7) da_i = dc_total ⊙ g ⊙ i(1 − i)                     from (L3), (L2)
//   (L8) da_f = dc_total ⊙ c ⊙ f(1 − f)
//   (L9) da_g = dc_total ⊙ i ⊙ (1 − g²)
//   (L10) dc = dc_total ⊙ f                                 flows to step t−1 along the highway
//   (L11) dW_ih += da xᵀ, dW_hh += da hᵀ, db_ih += Σ_b da, db_hh += Σ_b da;  dx = W_ihᵀ da, dh = W_hhᵀ da
#pragma once
#include "core/activations.hpp"

namespace unrolled::lstm_cell {

// (L2)–(L4): gates holds a on entry and i f g o on exit.
template <class T>
void activate(MatRef<T> gates, ConstMatRef<T> c_prev, MatRef<T> c, MatRef<T> tanh_c, MatRef<T> h) {
  const Eigen::Index H = c.rows();
  sigmoid_inplace(gates.topRows(2 * H));   // i, f
  tanh_inplace(gates.middleRows(2 * H, H));  // g
  sigmoid_inplace(gates.bottomRows(H));    // o
  const auto i = gates.topRows(H).array();
  const auto f = gates.middleRows(H, H).array();
  const auto g = gates.middleRows(2 * H, H).array();
  const auto o = gates.bottomRows(H).array();
  c.array() = f * c_prev.array() + i * g;      // (L3)
  tanh_c.array() = c.array().tanh();
  h.array() = o * tanh_c.array();              // (L4)
}

// (L5)–(L10): da [4H × B] and dc_prev [H × B] from dh', dc'.
template <class T>
void gate_grads(ConstMatRef<T> gates, ConstMatRef<T> c_prev, ConstMatRef<T> tanh_c, ConstMatRef<T> dh,
                ConstMatRef<T> dc, MatRef<T> da, MatRef<T> dc_prev) {
  const Eigen::Index H = dh.rows();
  const auto i = gates.topRows(H).array();
  const auto f = gates.middleRows(H, H).array();
  const auto g = gates.middleRows(2 * H, H).array();
  const auto o = gates.bottomRows(H).array();
  const auto tc = tanh_c.array();
  // dc_prev doubles as the dc_total scratch: (L5), then (L10) in place.
  dc_prev.array() = dc.array() + dh.array() * o * (T(1) - tc.square());
  da.bottomRows(H).array() = dh.array() * tc * o * (T(1) - o);                   // (L6)
  da.topRows(H).array() = dc_prev.array() * g * i * (T(1) - i);                  // (L7)
  da.middleRows(H, H).array() = dc_prev.array() * c_prev.array() * f * (T(1) - f);  // (L8)
  da.middleRows(2 * H, H).array() = dc_prev.array() * i * (T(1) - g.square());   // (L9)
  dc_prev.array() *= f;                                                          // (L10)
}

}  // namespace unrolled::lstm_cell
