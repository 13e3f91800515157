#include "core/cell.hpp"

#include "core/gru_cell.hpp"
#include "core/lstm_cell.hpp"
#include "core/rnn_cell.hpp"

namespace unrolled {

template <class T>
void forward_step(const ModelConfig& cfg, const LayerWeights<T>& w, const Mat<T>& x, const Mat<T>& h_prev,
                  const Mat<T>& c_prev, StepCache<T>& s) {
  const Eigen::Index H = cfg.hidden_size, B = x.cols();
  s.gates.noalias() = w.w_ih * x;
  s.gates.colwise() += w.b_ih;
  s.h.resize(H, B);
  switch (cfg.cell) {
    case CellKind::rnn:
      s.gates.noalias() += w.w_hh * h_prev;
      s.gates.colwise() += w.b_hh;
      s.pre = s.gates;
      rnn_cell::activate<T>(cfg.nonlinearity, s.gates);
      s.h = s.gates;
      break;
    case CellKind::lstm:
      s.gates.noalias() += w.w_hh * h_prev;
      s.gates.colwise() += w.b_hh;
      s.pre = s.gates;
      s.c.resize(H, B);
      s.tanh_c.resize(H, B);
      lstm_cell::activate<T>(s.gates, c_prev, s.c, s.tanh_c, s.h);
      break;
    case CellKind::gru: {
      Mat<T> v = w.w_hh * h_prev;
      v.colwise() += w.b_hh;
      s.v_n.resize(H, B);
      gru_cell::activate<T>(s.gates, v, h_prev, s.v_n, s.h);
      // Pre-activations for display: r, z logits, and the argument of tanh in (G3).
      s.pre.resize(3 * H, B);
      s.pre.topRows(2 * H) = w.w_ih.topRows(2 * H) * x + v.topRows(2 * H);
      s.pre.topRows(2 * H).colwise() += w.b_ih.head(2 * H);
      s.pre.bottomRows(H) = w.w_ih.bottomRows(H) * x;
      s.pre.bottomRows(H).colwise() += w.b_ih.tail(H);
      s.pre.bottomRows(H).array() += s.gates.topRows(H).array() * s.v_n.array();
      break;
    }
  }
}

template <class T>
void backward_step(const ModelConfig& cfg, const LayerWeights<T>& w, const StepCache<T>& s, const Mat<T>& x,
                   const Mat<T>& h_prev, const Mat<T>& c_prev, const Mat<T>& dh, const Mat<T>& dc,
                   LayerGrads<T>& g, Mat<T>& dx, Mat<T>& dh_prev, Mat<T>& dc_prev) {
  const Eigen::Index H = cfg.hidden_size, B = x.cols();
  Mat<T> da(s.gates.rows(), B);
  switch (cfg.cell) {
    case CellKind::rnn:
      rnn_cell::gate_grads<T>(cfg.nonlinearity, s.h, dh, da);                  // (R3)
      g.w_hh.noalias() += da * h_prev.transpose();                               // (R4)
      g.b_hh += da.rowwise().sum();
      dh_prev.noalias() = w.w_hh.transpose() * da;                               // (R5)
      break;
    case CellKind::lstm:
      dc_prev.resize(H, B);
      lstm_cell::gate_grads<T>(s.gates, c_prev, s.tanh_c, dh, dc, da, dc_prev);  // (L5)–(L10)
      g.w_hh.noalias() += da * h_prev.transpose();                               // (L11)
      g.b_hh += da.rowwise().sum();
      dh_prev.noalias() = w.w_hh.transpose() * da;
      break;
    case CellKind::gru: {
      Mat<T> dv(3 * H, B), direct(H, B);
      gru_cell::gate_grads<T>(s.gates, s.v_n, h_prev, dh, da, dv, direct);       // (G5)–(G8)
      g.w_hh.noalias() += dv * h_prev.transpose();                               // (G9)
      g.b_hh += dv.rowwise().sum();
      dh_prev.noalias() = w.w_hh.transpose() * dv;                               // (G10)
      dh_prev += direct;
      break;
    }
  }
  g.w_ih.noalias() += da * x.transpose();  // (R4)/(L11)/(G9)
  g.b_ih += da.rowwise().sum();
  dx.noalias() = w.w_ih.transpose() * da;  // (R5)/(L11)/(G10)
}

#define UNROLLED_INSTANTIATE(T)                                                                         \
  template void forward_step<T>(const ModelConfig&, const LayerWeights<T>&, const Mat<T>&, const Mat<T>&, \
                                const Mat<T>&, StepCache<T>&);                                          \
  template void backward_step<T>(const ModelConfig&, const LayerWeights<T>&, const StepCache<T>&,        \
                                 const Mat<T>&, const Mat<T>&, const Mat<T>&, const Mat<T>&, const Mat<T>&, \
                                 LayerGrads<T>&, Mat<T>&, Mat<T>&, Mat<T>&);
UNROLLED_INSTANTIATE(float)
UNROLLED_INSTANTIATE(double)
#undef UNROLLED_INSTANTIATE

}  // namespace unrolled
