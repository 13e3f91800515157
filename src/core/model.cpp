#include "core/model.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <utility>

#include "core/gru_cell.hpp"
#include "core/lstm_cell.hpp"
#include "core/rnn_cell.hpp"
#include "core/threads.hpp"

namespace unrolled {

template <class T> void set_forget_bias(Model<T>& model, T value) {
  if (model.config.cell != CellKind::lstm) return;
  const std::size_t H = static_cast<std::size_t>(model.config.hidden_size);
  auto set = [&](const std::vector<LayerSlots>& layers) {
    for (const LayerSlots& l : layers) {
      const std::size_t ih = model.layout.tensors[static_cast<std::size_t>(l.bias_ih)].offset;
      const std::size_t hh = model.layout.tensors[static_cast<std::size_t>(l.bias_hh)].offset;
      for (std::size_t j = H; j < 2 * H; ++j) {
        model.params[ih + j] = value;
        model.params[hh + j] = T(0);
      }
    }
  };
  set(model.layout.layers);
  set(model.layout.reverse_layers);
}

template <class T> void init_uniform(Model<T>& model, std::uint64_t seed) {
  std::mt19937_64 rng(seed);  // its output sequence is fixed by the C++ standard
  const ModelConfig& cfg = model.config;
  const ParamLayout& layout = model.layout;
  const double bound = 1.0 / std::sqrt(static_cast<double>(cfg.hidden_size));
  const double head_bound = 1.0 / std::sqrt(static_cast<double>(cfg.directions() * cfg.hidden_size));
  auto uniform = [&rng](double b) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
    return -b + 2.0 * b * u;
  };
  for (int i = 0; i < static_cast<int>(layout.tensors.size()); ++i) {
    if (i == layout.embed) continue;
    const TensorSpec& s = layout.tensors[static_cast<std::size_t>(i)];
    const double b = i == layout.head_weight || i == layout.head_bias ? head_bound : bound;
    for (std::size_t j = 0; j < s.size; ++j) model.params[s.offset + j] = static_cast<T>(uniform(b));
  }
  if (layout.embed >= 0) {  // N(0, 1) by Box–Muller, after every other tensor so v1 draws stay the same
    const TensorSpec& s = layout.tensors[static_cast<std::size_t>(layout.embed)];
    for (std::size_t j = 0; j < s.size; ++j) {
      const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
      const double u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
      model.params[s.offset + j] = static_cast<T>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }
  }
}

namespace {
using Eigen::Index;

// The input sequence of layer k: the data for k = 0, else the output of the layer below (k = L: the
// head's input): o_1 … o_T (B1, P1) when joined, else h_1 … h_T.
template <class T> ConstMatRef<T> layer_input(const Trace<T>& tr, int k) {
  const Index TB = static_cast<Index>(tr.steps) * tr.batch;
  if (k == 0) return tr.input;
  if (!tr.joined.empty()) return tr.joined[static_cast<std::size_t>(k - 1)];
  return tr.layers[static_cast<std::size_t>(k - 1)].h.middleCols(tr.batch, TB);
}

// First item of part p when `count` items are split into `parts` nearly equal parts.
Index part_begin(Index count, int parts, int p) { return count * p / parts; }

// Up to this many inputs, the input projection is a column loop (one pass over the gates) rather
// than a matrix product (which writes the gates once to clear them and once more to add).
constexpr Index narrow_input = 8;

// Columns [c0, c0 + n) of the input part of (R1)/(L1)/(G1–G3): gates = W_ih x + bias.
template <class T, class X>
void project_input(const LayerWeights<T>& w, const Trace<T>& tr, const X& x, Mat<T>& gates, Index c0, Index n) {
  if (x.rows() <= narrow_input) {
    for (Index j = c0; j < c0 + n; ++j) {
      auto a = gates.col(j);
      a = tr.bias + x(0, j) * tr.w_ih.col(0);
      for (Index i = 1; i < x.rows(); ++i) a += x(i, j) * tr.w_ih.col(i);
    }
  } else {
    auto a = gates.middleCols(c0, n);
    a = tr.bias.replicate(1, n);
    a.noalias() += w.w_ih * x.middleCols(c0, n);
  }
}

// The weight-gradient sums of (R4)/(L11)/(G9) over columns [c0, c1): dst.w_ih = Σ_j da_j x_jᵀ,
// dst.w_hh = Σ_j dv_j h_jᵀ (h = h_{t−1} per column), dst.b_ih = Σ_j da_j, dst.b_hh = Σ_j dv_j.
// The products run over chunks of 128 columns: Eigen runs them 1.4–1.5x faster with a short inner
// dimension than with all T·B columns at once (measured at H = 128 and 256, B = 64). The bias sums
// add each chunk's columns while the products have them in cache.
template <class T, class X, class Hp>
void weight_sums(LayerGrads<T> dst, const Mat<T>& da, const Mat<T>& dv, const X& x, const Hp& h_prev, Index c0,
                 Index c1, bool separate_dv) {
  constexpr Index chunk = 128;
  dst.w_ih.setZero();
  dst.w_hh.setZero();
  dst.b_ih.setZero();
  dst.b_hh.setZero();
  for (Index c = c0; c < c1; c += chunk) {
    const Index n = std::min(chunk, c1 - c);
    dst.w_ih.noalias() += da.middleCols(c, n) * x.middleCols(c, n).transpose();
    dst.w_hh.noalias() += dv.middleCols(c, n) * h_prev.middleCols(c, n).transpose();
    for (Index j = c; j < c + n; ++j) dst.b_ih += da.col(j);
    if (separate_dv)
      for (Index j = c; j < c + n; ++j) dst.b_hh += dv.col(j);
  }
  if (!separate_dv) dst.b_hh = dst.b_ih;
}
}  // namespace

int batch_parts(const ModelConfig& config, int batch) {
  // Two halves of the batch once the per-step products are big enough that a second core pays off;
  // below that the time loops stay one part, as splitting them costs one core a little.
  return batch >= 16 && config.hidden_size >= 64 ? 2 : 1;
}

namespace {

// One direction of layer k over all T steps (forward t = 1…T, or reverse t = T…1), from the state in
// h0/c0 (nullptr: zeros). Uses tr.bias, tr.w_ih and tr.scratch as scratch.
template <class T>
void run_direction(const ModelConfig& cfg, const LayerWeights<T>& w, Trace<T>& tr, ConstMatRef<T> x, LayerTrace<T>& lt,
                   bool reverse, const Mat<T>* h0, const Mat<T>* c0, int parts) {
  const int H = cfg.hidden_size, G = gate_count(cfg.cell), B = tr.batch, steps = tr.steps;
  const Index TB = static_cast<Index>(steps) * B;
  const Index init = reverse ? TB : 0;  // columns of the initial state
  lt.h.resize(H, TB + B);
  lt.gates.resize(G * H, TB);
  if (h0) lt.h.middleCols(init, B) = *h0;
  else lt.h.middleCols(init, B).setZero();
  if (cfg.cell == CellKind::lstm) {
    lt.c.resize(H, TB + B);
    lt.tanh_c.resize(H, TB);
    if (c0) lt.c.middleCols(init, B) = *c0;
    else lt.c.middleCols(init, B).setZero();
  }
  if (cfg.cell == CellKind::gru) lt.v_n.resize(H, TB);

  // The input part of (R1)/(L1)/(G1–G3). A wide input: one matrix product per part (a range of
  // steps) before the time loop. A narrow one: inside the time loop, so the recurrent product adds
  // to gates still in cache. b_hh joins b_ih here except for the GRU (it sits in r ⊙ (W_hn h + b_hn)).
  const bool narrow = x.rows() <= narrow_input;
  tr.bias = w.b_ih;
  if (cfg.cell != CellKind::gru) tr.bias += w.b_hh;
  if (narrow) tr.w_ih = w.w_ih;
  else
    for_each_part(parts, [&](int p) {
      const Index s0 = part_begin(steps, parts, p), s1 = part_begin(steps, parts, p + 1);
      project_input(w, tr, x, lt.gates, s0 * B, (s1 - s0) * B);
    });

  // The time loop, one group of sequences (batch columns [b0, b0 + nb)) per part. Step t reads the
  // state in block `prev` and writes block `next` (forward t, t + 1; reverse t + 1, t).
  for_each_part(parts, [&](int p) {
    const Index b0 = part_begin(B, parts, p), nb = part_begin(B, parts, p + 1) - b0;
    auto at = [&](auto& mat, int t) { return mat.middleCols(static_cast<Index>(t) * B + b0, nb); };
    for (int s = 0; s < steps; ++s) {
      const int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t, next = reverse ? t : t + 1;
      if (narrow) project_input(w, tr, x, lt.gates, static_cast<Index>(t) * B + b0, nb);
      auto h_prev = at(lt.h, prev);
      auto h_new = at(lt.h, next);
      auto gates = at(lt.gates, t);
      switch (cfg.cell) {
        case CellKind::rnn:
          gates.noalias() += w.w_hh * h_prev;
          rnn_cell::activate<T>(cfg.nonlinearity, gates);
          h_new = gates;
          break;
        case CellKind::lstm: {
          gates.noalias() += w.w_hh * h_prev;
          auto c_new = at(lt.c, next);
          auto tanh_c = at(lt.tanh_c, t);
          lstm_cell::activate<T>(gates, at(lt.c, prev), c_new, tanh_c, h_new);
          break;
        }
        case CellKind::gru: {
          auto v = tr.scratch.middleCols(b0, nb);
          v.noalias() = w.w_hh * h_prev;
          v.colwise() += w.b_hh;
          auto v_n = at(lt.v_n, t);
          gru_cell::activate<T>(gates, v, h_prev, v_n, h_new);
          break;
        }
      }
    }
  });
}

template <class T>
void forward_layers(const Model<T>& m, int B, Trace<T>& tr, StateArg<T> initial, MasksArg<T> dropout) {
  const ModelConfig& cfg = m.config;
  const int H = cfg.hidden_size, G = gate_count(cfg.cell), L = cfg.num_layers;
  const int steps = static_cast<int>(tr.input.cols() / B);
  const Index TB = tr.input.cols();
  const int parts = batch_parts(cfg, B);
  const bool bidir = cfg.bidirectional;
  const Index W = static_cast<Index>(cfg.directions()) * H;
  tr.steps = steps;
  tr.batch = B;
  tr.dropout = dropout;
  tr.layers.resize(L);
  if (bidir) tr.reverse.resize(L);
  else tr.reverse.clear();  // a trace reused from a bidirectional model must not keep its reverse half
  const bool joined = bidir || dropout;
  if (joined) tr.joined.resize(L);
  else tr.joined.clear();
  if (dropout) {
    if (static_cast<int>(dropout->layer.size()) != L)
      throw std::invalid_argument("forward: dropout masks must hold one matrix per layer");
    for (const Mat<T>& mask : dropout->layer)
      if (mask.rows() != W || mask.cols() != TB) throw std::invalid_argument("forward: dropout mask must be [W x T*B]");
    if (bidir && (dropout->final.rows() != W || dropout->final.cols() != B))
      throw std::invalid_argument("forward: final dropout mask must be [W x B]");
  }
  if (cfg.cell == CellKind::gru) tr.scratch.resize(G * H, B);

  for (int k = 0; k < L; ++k) {
    const Mat<T>* h0 = initial && k < static_cast<int>(initial->h.size()) ? &initial->h[k] : nullptr;
    const Mat<T>* c0 = initial && k < static_cast<int>(initial->c.size()) ? &initial->c[k] : nullptr;
    const ConstMatRef<T> x = layer_input(tr, k);
    run_direction<T>(cfg, m.layer(k), tr, x, tr.layers[k], false, h0, cfg.cell == CellKind::lstm ? c0 : nullptr, parts);
    if (bidir) run_direction<T>(cfg, m.reverse_layer(k), tr, x, tr.reverse[k], true, nullptr, nullptr, parts);
    if (joined) {  // (B1), (P1)
      Mat<T>& o = tr.joined[k];
      o.resize(W, TB);
      o.topRows(H) = tr.layers[k].h.middleCols(B, TB);
      if (bidir) o.bottomRows(H) = tr.reverse[k].h.leftCols(TB);
      if (dropout) o.array() *= dropout->layer[k].array();
    }
  }
  const ConstMatRef<T> top = layer_input(tr, L);
  tr.output.noalias() = m.head_weight() * top;
  tr.output.colwise() += m.head_bias();
  if (bidir) {  // (B2)
    tr.final_hidden.resize(W, B);
    tr.final_hidden.topRows(H) = tr.layers[L - 1].h.middleCols(TB, B);
    tr.final_hidden.bottomRows(H) = tr.reverse[L - 1].h.leftCols(B);
    if (dropout) tr.final_hidden.array() *= dropout->final.array();
    tr.final_output.noalias() = m.head_weight() * tr.final_hidden;
    tr.final_output.colwise() += m.head_bias();
  }
}

}  // namespace

template <class T>
void forward(const Model<T>& m, const Mat<T>& input, int B, Trace<T>& tr, StateArg<T> initial,
             MasksArg<T> dropout) {
  if (B < 1 || input.rows() != m.config.input_size || input.cols() % B != 0 || input.cols() == 0)
    throw std::invalid_argument("forward: input must be [input_size x T*B] with T >= 1");
  tr.input = input;
  tr.tokens.clear();
  forward_layers(m, B, tr, initial, dropout);
}

template <class T>
void forward_tokens(const Model<T>& m, const std::vector<int>& tokens, int B, Trace<T>& tr, StateArg<T> initial,
                    MasksArg<T> dropout) {
  const int V = m.config.vocab_size;
  if (V < 1) throw std::invalid_argument("forward_tokens: the model has no embedding (vocab_size 0)");
  if (B < 1 || tokens.empty() || tokens.size() % static_cast<std::size_t>(B) != 0)
    throw std::invalid_argument("forward_tokens: need T*B token ids with T >= 1");
  const ConstWeightView<T> embed = m.embedding();
  tr.input.resize(m.config.input_size, static_cast<Index>(tokens.size()));
  for (std::size_t j = 0; j < tokens.size(); ++j) {  // (E1)
    const int id = tokens[j];
    if (id < 0 || id >= V)
      throw std::out_of_range("token id " + std::to_string(id) + " at position " + std::to_string(j) +
                              " is out of range (vocabulary size " + std::to_string(V) + ")");
    tr.input.col(static_cast<Index>(j)) = embed.row(id).transpose();
  }
  tr.tokens = tokens;
  forward_layers(m, B, tr, initial, dropout);
}

template <class T> ConstMatRef<T> last_output(const Trace<T>& tr) {
  if (!tr.reverse.empty() && tr.final_output.cols() == tr.batch) return tr.final_output;
  return tr.output.rightCols(tr.batch);
}

template <class T> State<T> final_state(const Model<T>& m, const Trace<T>& tr) {
  State<T> s;
  for (const LayerTrace<T>& lt : tr.layers) {
    s.h.push_back(step_block(lt.h, tr.steps, tr.batch));
    if (m.config.cell == CellKind::lstm) s.c.push_back(step_block(lt.c, tr.steps, tr.batch));
  }
  return s;
}

template <class T> T mse_loss(const Trace<T>& tr, const Mat<T>& target, LossMode mode, Mat<T>* dy) {
  const Index O = tr.output.rows(), B = tr.batch, TB = tr.output.cols();
  if (mode == LossMode::last) {
    if (target.rows() != O || target.cols() != B)
      throw std::invalid_argument("mse_loss: target for loss 'last' must be [output_size x B]");
    const T n = static_cast<T>(O * B);
    const T loss = (tr.output.rightCols(B) - target).squaredNorm() / n;
    if (dy) {  // no temporary: the training step allocates nothing after its first call
      dy->setZero(O, TB);
      dy->rightCols(B) = (T(2) / n) * (tr.output.rightCols(B) - target);
    }
    return loss;
  }
  if (target.rows() != O || target.cols() != TB)
    throw std::invalid_argument("mse_loss: target for loss 'all' must be [output_size x T*B]");
  const T n = static_cast<T>(O * TB);
  if (dy) {
    *dy = tr.output - target;
    const T loss = dy->squaredNorm() / n;
    *dy *= T(2) / n;
    return loss;
  }
  return (tr.output - target).squaredNorm() / n;
}

namespace {

// BPTT over one direction of layer k (forward: t = T…1; reverse: t = 1…T, the order its steps ran
// backwards), reading the gradient from above in rows [row0, row0 + H) of g.dh_above.
template <class T>
void bptt_direction(const ModelConfig& cfg, const LayerWeights<T>& w, const Trace<T>& tr, const LayerTrace<T>& lt,
                    Index row0, bool reverse, int truncate, int parts, Mat<T>& da, Mat<T>& dv, Mat<T>& grad_h,
                    Gradients<T>& g) {
  const int H = cfg.hidden_size, B = tr.batch, steps = tr.steps;
  g.dh_next.setZero();
  g.dc_next.setZero();
  for_each_part(parts, [&](int p) {
    const Index b0 = part_begin(B, parts, p), nb = part_begin(B, parts, p + 1) - b0;
    auto at = [&](auto& mat, int t) { return mat.middleCols(static_cast<Index>(t) * B + b0, nb); };
    auto dh_next = g.dh_next.middleCols(b0, nb);
    // LSTM: dL/dc_t arrives in one buffer and dL/dc_{t−1} leaves in the other; they swap each step.
    Mat<T>* dc_in = &g.dc_next;
    Mat<T>* dc_out = &g.dh_direct;
    for (int s = steps - 1; s >= 0; --s) {
      const int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t, next = reverse ? t : t + 1;
      auto dh = at(grad_h, t);
      dh = g.dh_above.block(row0, static_cast<Index>(t) * B + b0, H, nb) + dh_next;  // from above and from the next step
      auto da_t = at(da, t);
      const bool cut = truncate > 0 && t > 0 && t % truncate == 0;  // h_t detached here (forward only)
      switch (cfg.cell) {
        case CellKind::rnn:
          rnn_cell::gate_grads<T>(cfg.nonlinearity, at(lt.h, next), dh, da_t);  // (R3)
          if (cut) dh_next.setZero();
          else dh_next.noalias() = w.w_hh.transpose() * da_t;                  // (R5)
          break;
        case CellKind::lstm: {
          auto dc_prev = dc_out->middleCols(b0, nb);
          lstm_cell::gate_grads<T>(at(lt.gates, t), at(lt.c, prev), at(lt.tanh_c, t), dh, dc_in->middleCols(b0, nb),
                                   da_t, dc_prev);  // (L5)–(L10)
          std::swap(dc_in, dc_out);
          if (cut) {
            dh_next.setZero();
            dc_in->middleCols(b0, nb).setZero();
          } else {
            dh_next.noalias() = w.w_hh.transpose() * da_t;  // (L11)
          }
          break;
        }
        case CellKind::gru: {
          auto dv_t = at(dv, t);
          auto dh_direct = g.dh_direct.middleCols(b0, nb);
          gru_cell::gate_grads<T>(at(lt.gates, t), at(lt.v_n, t), at(lt.h, prev), dh, da_t, dv_t,
                                  dh_direct);  // (G5)–(G8)
          if (cut) {
            dh_next.setZero();
          } else {  // (G10), as two statements: `= A*B + C` would build a temporary for A*B
            dh_next = dh_direct;
            dh_next.noalias() += w.w_hh.transpose() * dv_t;
          }
          break;
        }
      }
    }
  });
}

}  // namespace

template <class T>
void backward(const Model<T>& m, const Trace<T>& tr, const Mat<T>& dy, Gradients<T>& g, int truncate,
              MatArg<T> dy_final) {
  const ModelConfig& cfg = m.config;
  const int H = cfg.hidden_size, G = gate_count(cfg.cell), L = cfg.num_layers, B = tr.batch;
  const Index TB = static_cast<Index>(tr.steps) * B;
  const bool bidir = cfg.bidirectional;
  if (dy.rows() != cfg.output_size || dy.cols() != TB)
    throw std::invalid_argument("backward: dy must be [output_size x T*B]");
  if (dy_final && (!bidir || dy_final->rows() != cfg.output_size || dy_final->cols() != B))
    throw std::invalid_argument("backward: dy_final must be [output_size x B] and needs a bidirectional model");
  if (bidir && truncate > 0) throw std::invalid_argument("backward: truncated BPTT needs a unidirectional model");
  const int parts = batch_parts(cfg, B);
  g.params.resize(m.layout.total);
  if (parts > 1) g.partial.resize(m.layout.total);
  g.grad_h.resize(L);
  g.da.resize(L);
  if (bidir) {
    g.grad_h_reverse.resize(L);
    g.da_reverse.resize(L);
  }
  g.dh_next.resize(H, B);
  g.dc_next.resize(H, B);
  g.dh_direct.resize(H, B);
  g.grad_input.resize(cfg.input_size, TB);
  if (cfg.cell == CellKind::gru) {
    g.dv.resize(G * H, TB);
    if (bidir) g.dv_reverse.resize(G * H, TB);
  }

  // Head: y = W_head o + b_head, and (B2) final_output = W_head f + b_head.
  const ConstMatRef<T> top = layer_input(tr, L);
  WeightView<T> head_w = weight_view(m.layout, g.params.data(), m.layout.head_weight);
  VecView<T> head_b = vec_view(m.layout, g.params.data(), m.layout.head_bias);
  head_w.noalias() = dy * top.transpose();
  head_b = dy.rowwise().sum();
  g.dh_above.noalias() = m.head_weight().transpose() * dy;
  if (dy_final) {
    head_w.noalias() += *dy_final * tr.final_hidden.transpose();
    head_b += dy_final->rowwise().sum();
    g.d_final.noalias() = m.head_weight().transpose() * *dy_final;
    if (tr.dropout) g.d_final.array() *= tr.dropout->final.array();  // (P2)
  }

  for (int k = L - 1; k >= 0; --k) {
    if (tr.dropout) g.dh_above.array() *= tr.dropout->layer[k].array();  // (P2)
    if (k == L - 1 && dy_final) {  // f = [h→_T ; h←_1]
      g.dh_above.block(0, TB - B, H, B) += g.d_final.topRows(H);
      g.dh_above.block(H, 0, H, B) += g.d_final.bottomRows(H);
    }
    const LayerTrace<T>& lt = tr.layers[k];
    const LayerWeights<T> w = m.layer(k);
    LayerGrads<T> gw = layer_grads(m.layout, g.params.data(), k);
    Mat<T>& da = g.da[k];
    da.resize(G * H, TB);
    g.grad_h[k].resize(H, TB);
    Mat<T>& dv_fwd = cfg.cell == CellKind::gru ? g.dv : da;
    bptt_direction(cfg, w, tr, lt, 0, false, truncate, parts, da, dv_fwd, g.grad_h[k], g);
    if (bidir) {
      g.da_reverse[k].resize(G * H, TB);
      g.grad_h_reverse[k].resize(H, TB);
      Mat<T>& dv_rev = cfg.cell == CellKind::gru ? g.dv_reverse : g.da_reverse[k];
      bptt_direction(cfg, m.reverse_layer(k), tr, tr.reverse[k], H, true, 0, parts, g.da_reverse[k], dv_rev,
                     g.grad_h_reverse[k], g);
    }

    // (R4)/(L11)/(G9) summed over all steps, and (R5)/(L11)/(G10): dL/dx for the layer below or the
    // data; one range of steps per part. Part 1 sums into g.partial, added below in a fixed order.
    const ConstMatRef<T> x = layer_input(tr, k);
    Mat<T>& dx = k > 0 ? g.dh_above : g.grad_input;  // dh_above's old contents (layer k's) are used up
    constexpr Index chunk = 128;
    const Index chunks = (TB + chunk - 1) / chunk;
    const bool gru = cfg.cell == CellKind::gru;
    for_each_part(parts, [&](int p) {
      const Index c0 = std::min(TB, chunk * part_begin(chunks, parts, p));
      const Index c1 = std::min(TB, chunk * part_begin(chunks, parts, p + 1));
      weight_sums<T>(p == 0 ? gw : layer_grads(m.layout, g.partial.data(), k), da, dv_fwd, x, lt.h.leftCols(TB), c0,
                     c1, gru);
      if (c1 > c0) dx.middleCols(c0, c1 - c0).noalias() = w.w_ih.transpose() * da.middleCols(c0, c1 - c0);
      if (bidir) {
        const LayerSlots& rs = m.layout.reverse_layers[k];
        const Mat<T>& da_r = g.da_reverse[k];
        weight_sums<T>(layer_grads(m.layout, p == 0 ? g.params.data() : g.partial.data(), rs), da_r,
                       gru ? g.dv_reverse : da_r, x, tr.reverse[k].h.middleCols(B, TB), c0, c1, gru);
        if (c1 > c0)
          dx.middleCols(c0, c1 - c0).noalias() += m.reverse_layer(k).w_ih.transpose() * da_r.middleCols(c0, c1 - c0);
      }
    });
    if (parts > 1) {
      auto add_part = [&](const LayerSlots& slots) {
        LayerGrads<T> part = layer_grads(m.layout, g.partial.data(), slots);
        LayerGrads<T> dst = layer_grads(m.layout, g.params.data(), slots);
        dst.w_ih += part.w_ih;
        dst.w_hh += part.w_hh;
        dst.b_ih += part.b_ih;
        dst.b_hh += part.b_hh;
      };
      add_part(m.layout.layers[k]);
      if (bidir) add_part(m.layout.reverse_layers[k]);
    }
  }

  if (m.layout.embed >= 0) {  // (E2): scatter-add dL/dx_t into the rows the tokens gathered
    if (tr.tokens.size() != static_cast<std::size_t>(TB))
      throw std::invalid_argument("backward: a token model's trace must come from forward_tokens");
    WeightView<T> ge = weight_view(m.layout, g.params.data(), m.layout.embed);
    ge.setZero();
    for (Index j = 0; j < TB; ++j) ge.row(tr.tokens[static_cast<std::size_t>(j)]) += g.grad_input.col(j).transpose();
  }
}

#define UNROLLED_INSTANTIATE(T)                                                                    \
  template void init_uniform<T>(Model<T>&, std::uint64_t);                                         \
  template void set_forget_bias<T>(Model<T>&, T);                                         \
  template void forward<T>(const Model<T>&, const Mat<T>&, int, Trace<T>&, const State<T>*,        \
                           const DropoutMasks<T>*);                                                \
  template void forward_tokens<T>(const Model<T>&, const std::vector<int>&, int, Trace<T>&,        \
                                  const State<T>*, const DropoutMasks<T>*);                        \
  template ConstMatRef<T> last_output<T>(const Trace<T>&);                                         \
  template State<T> final_state<T>(const Model<T>&, const Trace<T>&);                              \
  template T mse_loss<T>(const Trace<T>&, const Mat<T>&, LossMode, Mat<T>*);                       \
  template void backward<T>(const Model<T>&, const Trace<T>&, const Mat<T>&, Gradients<T>&, int,    \
                            const Mat<T>*);
UNROLLED_INSTANTIATE(float)
UNROLLED_INSTANTIATE(double)
#undef UNROLLED_INSTANTIATE

}  // namespace unrolled
