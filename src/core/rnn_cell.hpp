// Vanilla RNN cell (PyTorch nn.RNN). Size key: I input, H hidden, B batch.
//
// Forward
//   (R1) a  = W_ih x + b_ih + W_hh h + b_hh           a, h, h' : [H × B]
//   (R2) h' = φ(a),   φ = tanh (default) or relu
// Backward, given dh' = total dL/dh' (from the layer above or the head, and from step t+1)
//   (R3) da = dh' ⊙ φ'(a),   tanh: 1 − h'²,   relu: 1 where h' > 0, else 0
//   (R4) dW_ih += da xᵀ,  dW_hh += da hᵀ,  db_ih += Σ_b da,  db_hh += Σ_b da
//   (R5) dx = W_ihᵀ da,   dh = W_hhᵀ da
#pragma once
#include "core/activations.hpp"

namespace unrolled::rnn_cell {

// (R2) in place: on entry a, on exit h'.
template <class T> void activate(Nonlinearity nl, MatRef<T> a) {
  if (nl == Nonlinearity::relu) relu_inplace(std::move(a));
  else tanh_inplace(std::move(a));
}

// (R3): da from dh' and the step's output h'.
template <class T> void gate_grads(Nonlinearity nl, ConstMatRef<T> h_new, ConstMatRef<T> dh, MatRef<T> da) {
  if (nl == Nonlinearity::relu)
    da.array() = (h_new.array() > T(0)).select(dh.array(), T(0));
  else
    da.array() = dh.array() * (T(1) - h_new.array().square());
}

}  // namespace unrolled::rnn_cell
