// One step of one layer, for any cell type: what the app's inspector shows and what a learner can
// follow by hand. The sequence code in model.cpp uses the same gate math (the *_cell.hpp files) but
// batches the weight products over all steps; tests check that both agree.
//
// Size key: I input of this layer, H hidden, G gates (RNN 1, LSTM 4, GRU 3), B batch.
#pragma once
#include "core/tensor.hpp"

namespace unrolled {

template <class T> struct StepCache {
  Mat<T> pre;     // [G·H × B] pre-activations: (R1) a, (L1) a, GRU [u_r+v_r; u_z+v_z; u_n + r⊙v_n]
  Mat<T> gates;   // [G·H × B] activations: LSTM i f g o, GRU r z n, RNN h'
  Mat<T> h;       // [H × B]   h'
  Mat<T> c;       // [H × B]   c' (LSTM)
  Mat<T> tanh_c;  // [H × B]   tanh(c') (LSTM)
  Mat<T> v_n;     // [H × B]   W_hn h + b_hn (GRU)
};

// Forward step: x [I × B], h_prev, c_prev [H × B] (c_prev ignored unless LSTM).
template <class T>
void forward_step(const ModelConfig& config, const LayerWeights<T>& w, const Mat<T>& x, const Mat<T>& h_prev,
                  const Mat<T>& c_prev, StepCache<T>& cache);

// Backward step: consumes the cache and dL/dh', dL/dc' (dc ignored unless LSTM); ADDS into grads,
// and returns dL/dx [I × B], dL/dh_prev and dL/dc_prev [H × B].
template <class T>
void backward_step(const ModelConfig& config, const LayerWeights<T>& w, const StepCache<T>& cache,
                   const Mat<T>& x, const Mat<T>& h_prev, const Mat<T>& c_prev, const Mat<T>& dh,
                   const Mat<T>& dc, LayerGrads<T>& grads, Mat<T>& dx, Mat<T>& dh_prev, Mat<T>& dc_prev);

}  // namespace unrolled
