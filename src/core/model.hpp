// A stacked recurrent network (RNN, LSTM or GRU layers) with a linear head, exact to PyTorch.
//
// Size key: I input, H hidden, L layers, O outputs, G gates, T steps, B batch; version 2: V vocabulary,
// E = I embedding width, D directions (2 when bidirectional), W = D·H the width of a layer's output.
// Sequences are [rows × T·B] matrices: column t·B + b is sequence b at step t (0-based t here;
// the app and the trace file speak of t = 1…T).
//
// forward():  x ─► layer 0 ─► … ─► layer L−1 ─► head ─► y           (one layer at a time over all T)
// backward(): dL/dy ─► head ─► layer L−1 … 0 (BPTT, t = T…1) ─► dL/dx, parameter gradients, dL/dh_t
//
// Version 2 (DESIGN §3), each piece a forward/backward pair:
//   (E1) x_t = embed.weight[id_t]                    gather;  (E2) d embed.weight[id] += dL/dx_t  scatter-add
//   (B1) a bidirectional layer runs a second direction t = T…1 with the *_reverse tensors;
//        its output at t is o_t = [h→_t ; h←_t] (W = 2H rows), the next layer's input and the head's
//   (B2) with loss `last`, the head also reads f = [h→_T ; h←_1]: final_output = head(f)
//   (P1) dropout: o_t ⊙ m_t with m ∈ {0, 1/(1−p)} on every layer's output (between layers and before
//        the head; f has its own mask); (P2) backward multiplies by the same mask
#pragma once
#include <cstdint>
#include <type_traits>
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
  LayerWeights<T> reverse_layer(int k) const { return layer_weights(layout, params.data(), layout.reverse_layers[k]); }
  ConstWeightView<T> embedding() const { return weight_view(layout, params.data(), layout.embed); }
  // View of a tensor by index into layout.tensors, for editing (the app's weight scale, the gradient lab).
  WeightView<T> tensor(int index) { return weight_view(layout, params.data(), index); }
};

// PyTorch's default init: every recurrent tensor uniform in (−1/√H, 1/√H), the head in (−1/√W, 1/√W)
// (nn.Linear's bound; W = H unless bidirectional), embed.weight N(0, 1) as nn.Embedding, drawn after
// the others. Seeded, reproducible across platforms (our own generator, not std::uniform_real_distribution).
template <class T> void init_uniform(Model<T>& model, std::uint64_t seed);

// An LSTM's forget-gate bias set to `value` (the advice to start an LSTM remembering, f ≈ σ(value)):
// in every layer and direction, bias_ih[H:2H] = value and bias_hh[H:2H] = 0, so b_if + b_hf = value.
// In PyTorch: `with torch.no_grad(): lstm.bias_ih_l0[H:2*H].fill_(value); lstm.bias_hh_l0[H:2*H].zero_()`.
// Other cells have no forget gate: nothing changes.
template <class T> void set_forget_bias(Model<T>& model, T value);

// Per-layer activations of a forward pass over T steps; sized on first use, reused afterwards.
template <class T> struct LayerTrace {
  Mat<T> h;       // [H × (T+1)·B]  h_0 … h_T (block 0 is the initial state)
  Mat<T> c;       // [H × (T+1)·B]  c_0 … c_T (LSTM)
  Mat<T> gates;   // [G·H × T·B]    gate activations at steps 1…T: LSTM i f g o, GRU r z n, RNN h
  Mat<T> tanh_c;  // [H × T·B]      tanh(c_t) (LSTM)
  Mat<T> v_n;     // [H × T·B]      W_hn h_{t−1} + b_hn (GRU)
};

// Dropout masks (P1) for one training step: entries 0 or 1/(1−p). Drawn by draw_dropout_masks
// (core/dropout.hpp) from the run's seed, or set by hand (gradient checks with a fixed mask).
template <class T> struct DropoutMasks {
  std::vector<Mat<T>> layer;  // per layer [W × T·B], on that layer's output (the top one: before the head)
  Mat<T> final;               // [W × B] on f = [h→_T ; h←_1] (bidirectional)
};

template <class T> struct Trace {
  int steps = 0;  // T
  int batch = 0;  // B
  Mat<T> input;   // [I × T·B]   for token models the embedded rows (E1)
  std::vector<int> tokens;  // [T·B] token ids, index t·B + b (token models), else empty
  std::vector<LayerTrace<T>> layers;
  // Bidirectional: the reverse direction per layer. Its h and c keep the initial state in block T and
  // h←_t in block t (0-based), so the step entering t reads block t + 1.
  std::vector<LayerTrace<T>> reverse;
  // Per layer [W × T·B] o_t after dropout (B1, P1); filled only when bidirectional or dropout is on,
  // otherwise a layer's output is h_1 … h_T of `layers`.
  std::vector<Mat<T>> joined;
  Mat<T> final_hidden;   // [W × B] f = [h→_T ; h←_1] of the top layer after its mask (bidirectional)
  Mat<T> final_output;   // [O × B] head(f) (bidirectional)
  const DropoutMasks<T>* dropout = nullptr;  // the masks used, or nullptr (evaluation, trace)
  Mat<T> output;  // [O × T·B]  y_t at every step
  Mat<T> scratch; // [G·H × B]  GRU hidden part v
  Vec<T> bias;    // [G·H]      b_ih (+ b_hh, LSTM and RNN) of the layer being run
  Mat<T> w_ih;    // [G·H × I]  W_ih column-major, for a narrow input (I ≤ 8)
};

// Initial states, one [H × B] matrix per layer; absent means zeros.
template <class T> struct State {
  std::vector<Mat<T>> h, c;
};

// Optional arguments as non-deduced types, so a plain nullptr can be passed.
template <class T> using StateArg = const std::type_identity_t<State<T>>*;
template <class T> using MasksArg = const std::type_identity_t<DropoutMasks<T>>*;
template <class T> using MatArg = const std::type_identity_t<Mat<T>>*;

// Runs the network over input [I × T·B]. `initial` (optional) sets h_0 (and c_0) per layer (the forward
// direction; the reverse one starts from zeros). `dropout` (optional, training only) applies (P1); the
// masks must outlive the backward pass.
template <class T>
void forward(const Model<T>& model, const Mat<T>& input, int batch, Trace<T>& trace,
             StateArg<T> initial = nullptr, MasksArg<T> dropout = nullptr);

// Token models: tokens[t·B + b] in [0, V) (else std::out_of_range naming the position and id), embedded
// by (E1), then as forward().
template <class T>
void forward_tokens(const Model<T>& model, const std::vector<int>& tokens, int batch, Trace<T>& trace,
                    StateArg<T> initial = nullptr, MasksArg<T> dropout = nullptr);

// Logits (or outputs) the loss `last` reads: final_output for a bidirectional model, else y_T. [O × B]
template <class T> ConstMatRef<T> last_output(const Trace<T>& trace);

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
  std::vector<Mat<T>> grad_h_reverse;  // bidirectional: per layer [H × T·B] total dL/dh←_t
  Mat<T> grad_input;            // [I × T·B]  (token models: dL/dx_t of the embedded rows)
  // Scratch, reused between calls.
  std::vector<Mat<T>> da;       // per layer [G·H × T·B]: dL/d(W_ih x + b_ih)
  std::vector<Mat<T>> da_reverse;  // bidirectional, likewise
  Mat<T> dv, dv_reverse;        // [G·H × T·B]  GRU: dL/d(W_hh h + b_hh)
  Mat<T> dh_above;              // [W × T·B]    from the head or the layer above
  Mat<T> d_final;               // [W × B]      dL/df (B2)
  Mat<T> dh_next, dc_next, dh_direct;  // [H × B]
  Buffer<T> partial;            // same layout as params: the weight-gradient sums of part 2 (batch_parts)
};

// Exact BPTT. Overwrites g with the gradients of the loss whose dL/dy is dy (and, bidirectional with
// loss `last`, dL/d final_output = dy_final [O × B]; dy may then be all zeros).
// truncate = k > 0 cuts the recurrent gradient every k steps counted from the start, as running
// chunks of k steps with h (and c) detached between them does in PyTorch; 0 = full BPTT (the only
// choice for a bidirectional model). Token models also get embed.weight's gradient (E2).
template <class T>
void backward(const Model<T>& model, const Trace<T>& trace, const Mat<T>& dy, Gradients<T>& g,
              int truncate = 0, MatArg<T> dy_final = nullptr);

}  // namespace unrolled
