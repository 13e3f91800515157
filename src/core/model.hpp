// A stacked recurrent network (RNN, LSTM or GRU layers) with a linear head, exact to PyTorch.
//
// Size key: I input, H hidden, L layers, O outputs, G gates, T steps, B batch.
// Sequences are [rows × T·B] matrices: column t·B + b is sequence b at step t (0-based t here;
// the app and the trace file speak of t = 1…T).
//
// forward():  x ─► layer 0 ─► … ─► layer L−1 ─► head ─► y           (one layer at a time over all T)
// backward(): dL/dy ─► head ─► layer L−1 … 0 (BPTT, t = T…1) ─► dL/dx, parameter gradients, dL/dh_t
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace unrolled {

template <class T> struct Model {
  ModelConfig config;
  ParamLayout layout;
  Buffer<T> params;  // flat, layout order; every tensor row-major

  Model() = default;
  explicit Model(const ModelConfig& c) : config(c), layout(make_layout(c)), params(layout.total, T(0)) {}
  LayerWeights<T> layer(int k) const { return layer_weights(layout, params.data(), k); }
  ConstWeightView<T> head_weight() const { return weight_view(layout, params.data(), layout.head_weight); }
  ConstVecView<T> head_bias() const { return vec_view(layout, params.data(), layout.head_bias); }
  // View of a tensor by index into layout.tensors, for editing (the app's weight scale, the gradient lab).
  WeightView<T> tensor(int index) { return weight_view(layout, params.data(), index); }
};

// PyTorch's default init: every tensor, head included, uniform in (−1/√H, 1/√H). Seeded, reproducible
// across platforms (our own generator, not std::uniform_real_distribution).
template <class T> void init_uniform(Model<T>& model, std::uint64_t seed);

// Per-layer activations of a forward pass over T steps; sized on first use, reused afterwards.
template <class T> struct LayerTrace {
  Mat<T> h;       // [H × (T+1)·B]  h_0 … h_T (block 0 is the initial state)
  Mat<T> c;       // [H × (T+1)·B]  c_0 … c_T (LSTM)
  Mat<T> gates;   // [G·H × T·B]    gate activations at steps 1…T: LSTM i f g o, GRU r z n, RNN h
  Mat<T> tanh_c;  // [H × T·B]      tanh(c_t) (LSTM)
  Mat<T> v_n;     // [H × T·B]      W_hn h_{t−1} + b_hn (GRU)
};

template <class T> struct Trace {
  int steps = 0;  // T
  int batch = 0;  // B
  Mat<T> input;   // [I × T·B]
  std::vector<LayerTrace<T>> layers;
  Mat<T> output;  // [O × T·B]  y_t at every step
  Mat<T> scratch; // [G·H × B]  GRU hidden part v
  Vec<T> bias;    // [G·H]      b_ih (+ b_hh, LSTM and RNN) of the layer being run
  Mat<T> w_ih;    // [G·H × I]  W_ih column-major, for a narrow input (I ≤ 8)
};

// Initial states, one [H × B] matrix per layer; absent means zeros.
template <class T> struct State {
  std::vector<Mat<T>> h, c;
};

// Runs the network over input [I × T·B]. `initial` (optional) sets h_0 (and c_0) per layer.
template <class T>
void forward(const Model<T>& model, const Mat<T>& input, int batch, Trace<T>& trace,
             const State<T>* initial = nullptr);

// How many parts forward() and backward() split their work into: the time loops into this many
// groups of sequences (batch columns), the input projection and the weight-gradient sums into this
// many ranges of steps. Fixed by the sizes alone, never by the thread count, so results are the same
// bits at any thread count; up to compute_threads() of the parts run at once (core/threads.hpp).
int batch_parts(const ModelConfig& config, int batch);

// The state after the last step, to continue a sequence (autoregressive rollout).
template <class T> State<T> final_state(const Model<T>& model, const Trace<T>& trace);

// MSE as torch.nn.MSELoss (mean). last: target [O × B] against y_T. all: target [O × T·B].
// Writes dL/dy [O × T·B] into dy when given.
template <class T>
T mse_loss(const Trace<T>& trace, const Mat<T>& target, LossMode mode, Mat<T>* dy = nullptr);

template <class T> struct Gradients {
  Buffer<T> params;             // same layout as Model::params
  std::vector<Mat<T>> grad_h;   // per layer [H × T·B]: total dL/dh_t, t = 1…T (what the decay plots draw)
  Mat<T> grad_input;            // [I × T·B]
  // Scratch, reused between calls.
  std::vector<Mat<T>> da;       // per layer [G·H × T·B]: dL/d(W_ih x + b_ih)
  Mat<T> dv;                    // [G·H × T·B]  GRU: dL/d(W_hh h + b_hh)
  Mat<T> dh_above;              // [H × T·B]    from the head or the layer above
  Mat<T> dh_next, dc_next, dh_direct;  // [H × B]
  Buffer<T> partial;            // same layout as params: the weight-gradient sums of part 2 (batch_parts)
};

// Exact BPTT. Overwrites g with the gradients of the loss whose dL/dy is dy.
// truncate = k > 0 cuts the recurrent gradient every k steps counted from the start, as running
// chunks of k steps with h (and c) detached between them does in PyTorch; 0 = full BPTT.
template <class T>
void backward(const Model<T>& model, const Trace<T>& trace, const Mat<T>& dy, Gradients<T>& g,
              int truncate = 0);

}  // namespace unrolled
