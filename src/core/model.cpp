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

template <class T> void init_uniform(Model<T>& model, std::uint64_t seed) {
  std::mt19937_64 rng(seed);  // its output sequence is fixed by the C++ standard
  const double bound = 1.0 / std::sqrt(static_cast<double>(model.config.hidden_size));
  for (T& p : model.params) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
    p = static_cast<T>(-bound + 2.0 * bound * u);
  }
}

namespace {
using Eigen::Index;

// The input sequence of layer k: the data for k = 0, else h_1 … h_T of the layer below.
template <class T> auto layer_input(const Trace<T>& tr, int k) {
  const Index TB = static_cast<Index>(tr.steps) * tr.batch;
  if (k == 0) return tr.input.middleCols(0, TB);
  return tr.layers[k - 1].h.middleCols(tr.batch, TB);
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

template <class T>
void forward(const Model<T>& m, const Mat<T>& input, int B, Trace<T>& tr, const State<T>* initial) {
  const ModelConfig& cfg = m.config;
  const int H = cfg.hidden_size, G = gate_count(cfg.cell), L = cfg.num_layers;
  if (B < 1 || input.rows() != cfg.input_size || input.cols() % B != 0 || input.cols() == 0)
    throw std::invalid_argument("forward: input must be [input_size x T*B] with T >= 1");
  const int steps = static_cast<int>(input.cols() / B);
  const Index TB = input.cols();
  const int parts = batch_parts(cfg, B);
  tr.steps = steps;
  tr.batch = B;
  tr.input = input;
  tr.layers.resize(L);
  if (cfg.cell == CellKind::gru) tr.scratch.resize(G * H, B);

  for (int k = 0; k < L; ++k) {
    LayerTrace<T>& lt = tr.layers[k];
    const LayerWeights<T> w = m.layer(k);
    lt.h.resize(H, TB + B);
    lt.gates.resize(G * H, TB);
    if (initial && k < static_cast<int>(initial->h.size())) lt.h.leftCols(B) = initial->h[k];
    else lt.h.leftCols(B).setZero();
    if (cfg.cell == CellKind::lstm) {
      lt.c.resize(H, TB + B);
      lt.tanh_c.resize(H, TB);
      if (initial && k < static_cast<int>(initial->c.size())) lt.c.leftCols(B) = initial->c[k];
      else lt.c.leftCols(B).setZero();
    }
    if (cfg.cell == CellKind::gru) lt.v_n.resize(H, TB);

    // The input part of (R1)/(L1)/(G1–G3). A wide input: one matrix product per part (a range of
    // steps) before the time loop. A narrow one: inside the time loop, so the recurrent product adds
    // to gates still in cache. b_hh joins b_ih here except for the GRU (it sits in r ⊙ (W_hn h + b_hn)).
    const auto x = layer_input(tr, k);
    const bool narrow = x.rows() <= narrow_input;
    tr.bias = w.b_ih;
    if (cfg.cell != CellKind::gru) tr.bias += w.b_hh;
    if (narrow) tr.w_ih = w.w_ih;
    else
      for_each_part(parts, [&](int p) {
        const Index s0 = part_begin(steps, parts, p), s1 = part_begin(steps, parts, p + 1);
        project_input(w, tr, x, lt.gates, s0 * B, (s1 - s0) * B);
      });

    // The time loop, one group of sequences (batch columns [b0, b0 + nb)) per part.
    for_each_part(parts, [&](int p) {
      const Index b0 = part_begin(B, parts, p), nb = part_begin(B, parts, p + 1) - b0;
      auto at = [&](auto& mat, int t) { return mat.middleCols(static_cast<Index>(t) * B + b0, nb); };
      for (int t = 0; t < steps; ++t) {
        if (narrow) project_input(w, tr, x, lt.gates, static_cast<Index>(t) * B + b0, nb);
        auto h_prev = at(lt.h, t);
        auto h_new = at(lt.h, t + 1);
        auto gates = at(lt.gates, t);
        switch (cfg.cell) {
          case CellKind::rnn:
            gates.noalias() += w.w_hh * h_prev;
            rnn_cell::activate<T>(cfg.nonlinearity, gates);
            h_new = gates;
            break;
          case CellKind::lstm: {
            gates.noalias() += w.w_hh * h_prev;
            auto c_new = at(lt.c, t + 1);
            auto tanh_c = at(lt.tanh_c, t);
            lstm_cell::activate<T>(gates, at(lt.c, t), c_new, tanh_c, h_new);
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
  const LayerTrace<T>& top = tr.layers[L - 1];
  tr.output.noalias() = m.head_weight() * top.h.middleCols(B, TB);
  tr.output.colwise() += m.head_bias();
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

template <class T>
void backward(const Model<T>& m, const Trace<T>& tr, const Mat<T>& dy, Gradients<T>& g, int truncate) {
  const ModelConfig& cfg = m.config;
  const int H = cfg.hidden_size, G = gate_count(cfg.cell), L = cfg.num_layers, B = tr.batch;
  const Index TB = static_cast<Index>(tr.steps) * B;
  if (dy.rows() != cfg.output_size || dy.cols() != TB)
    throw std::invalid_argument("backward: dy must be [output_size x T*B]");
  const int parts = batch_parts(cfg, B);
  g.params.resize(m.layout.total);
  if (parts > 1) g.partial.resize(m.layout.total);
  g.grad_h.resize(L);
  g.da.resize(L);
  g.dh_next.resize(H, B);
  g.dc_next.resize(H, B);
  g.dh_direct.resize(H, B);
  g.grad_input.resize(cfg.input_size, TB);
  if (cfg.cell == CellKind::gru) g.dv.resize(G * H, TB);

  // Head: y = W_head h + b_head.
  const LayerTrace<T>& top = tr.layers[L - 1];
  weight_view(m.layout, g.params.data(), m.layout.head_weight).noalias() =
      dy * top.h.middleCols(B, TB).transpose();
  vec_view(m.layout, g.params.data(), m.layout.head_bias) = dy.rowwise().sum();
  g.dh_above.noalias() = m.head_weight().transpose() * dy;

  for (int k = L - 1; k >= 0; --k) {
    const LayerTrace<T>& lt = tr.layers[k];
    const LayerWeights<T> w = m.layer(k);
    LayerGrads<T> gw = layer_grads(m.layout, g.params.data(), k);
    Mat<T>& da = g.da[k];
    Mat<T>& grad_h = g.grad_h[k];
    da.resize(G * H, TB);
    grad_h.resize(H, TB);
    g.dh_next.setZero();
    g.dc_next.setZero();

    // BPTT, t = T…1, one group of sequences (batch columns [b0, b0 + nb)) per part.
    for_each_part(parts, [&](int p) {
      const Index b0 = part_begin(B, parts, p), nb = part_begin(B, parts, p + 1) - b0;
      auto at = [&](auto& mat, int t) { return mat.middleCols(static_cast<Index>(t) * B + b0, nb); };
      auto dh_next = g.dh_next.middleCols(b0, nb);
      // LSTM: dL/dc_t arrives in one buffer and dL/dc_{t−1} leaves in the other; they swap each step.
      Mat<T>* dc_in = &g.dc_next;
      Mat<T>* dc_out = &g.dh_direct;
      for (int t = tr.steps - 1; t >= 0; --t) {
        auto dh = at(grad_h, t);
        dh = at(g.dh_above, t) + dh_next;  // total dL/dh_t: from above and from t+1
        auto da_t = at(da, t);
        const bool cut = truncate > 0 && t > 0 && t % truncate == 0;  // h_t detached here
        switch (cfg.cell) {
          case CellKind::rnn:
            rnn_cell::gate_grads<T>(cfg.nonlinearity, at(lt.h, t + 1), dh, da_t);  // (R3)
            if (cut) dh_next.setZero();
            else dh_next.noalias() = w.w_hh.transpose() * da_t;                   // (R5)
            break;
          case CellKind::lstm: {
            auto dc_prev = dc_out->middleCols(b0, nb);
            lstm_cell::gate_grads<T>(at(lt.gates, t), at(lt.c, t), at(lt.tanh_c, t), dh, dc_in->middleCols(b0, nb),
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
            auto dv_t = at(g.dv, t);
            auto dh_direct = g.dh_direct.middleCols(b0, nb);
            gru_cell::gate_grads<T>(at(lt.gates, t), at(lt.v_n, t), at(lt.h, t), dh, da_t, dv_t,
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

    // (R4)/(L11)/(G9) summed over all steps, and (R5)/(L11)/(G10): dL/dx for the layer below or the
    // data; one range of steps per part. Part 1 sums into g.partial, added below in a fixed order.
    const Mat<T>& dv = cfg.cell == CellKind::gru ? g.dv : da;
    const auto x = layer_input(tr, k);
    Mat<T>& dx = k > 0 ? g.dh_above : g.grad_input;  // dh_above's old contents (layer k's) are used up
    constexpr Index chunk = 128;
    const Index chunks = (TB + chunk - 1) / chunk;
    for_each_part(parts, [&](int p) {
      const Index c0 = std::min(TB, chunk * part_begin(chunks, parts, p));
      const Index c1 = std::min(TB, chunk * part_begin(chunks, parts, p + 1));
      weight_sums<T>(p == 0 ? gw : layer_grads(m.layout, g.partial.data(), k), da, dv, x, lt.h.leftCols(TB),
                     c0, c1, cfg.cell == CellKind::gru);
      if (c1 > c0) dx.middleCols(c0, c1 - c0).noalias() = w.w_ih.transpose() * da.middleCols(c0, c1 - c0);
    });
    if (parts > 1) {
      LayerGrads<T> part = layer_grads(m.layout, g.partial.data(), k);
      gw.w_ih += part.w_ih;
      gw.w_hh += part.w_hh;
      gw.b_ih += part.b_ih;
      gw.b_hh += part.b_hh;
    }
  }
}

#define UNROLLED_INSTANTIATE(T)                                                                    \
  template void init_uniform<T>(Model<T>&, std::uint64_t);                                         \
  template void forward<T>(const Model<T>&, const Mat<T>&, int, Trace<T>&, const State<T>*);       \
  template State<T> final_state<T>(const Model<T>&, const Trace<T>&);                              \
  template T mse_loss<T>(const Trace<T>&, const Mat<T>&, LossMode, Mat<T>*);                       \
  template void backward<T>(const Model<T>&, const Trace<T>&, const Mat<T>&, Gradients<T>&, int);
UNROLLED_INSTANTIATE(float)
UNROLLED_INSTANTIATE(double)
#undef UNROLLED_INSTANTIATE

}  // namespace unrolled
