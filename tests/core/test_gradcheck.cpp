// Gradient checks: the analytic BPTT gradients against central finite differences, in double,
// for every parameter tensor and the input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/cell.hpp"
#include "core/model.hpp"
#include "core/test_util.hpp"

using namespace unrolled;
using test::Normal;

namespace {

struct Problem {
  Model<double> model;
  Mat<double> input, target;
  int batch = 1;
  LossMode mode = LossMode::last;
};

Problem make_problem(CellKind cell, Nonlinearity nl, int layers, LossMode mode, int batch, std::uint64_t seed) {
  ModelConfig c;
  c.cell = cell;
  c.nonlinearity = nl;
  c.input_size = 2;
  c.hidden_size = 4;
  c.num_layers = layers;
  c.output_size = 2;
  Problem p{Model<double>(c), {}, {}, batch, mode};
  init_uniform(p.model, seed);
  // Larger weights than the default init so gates leave the linear region around 0.5.
  for (double& w : p.model.params) w *= 2.5;
  const int steps = 6;
  Normal normal(seed + 17);
  p.input = normal.matrix<double>(c.input_size, steps * batch);
  p.target = normal.matrix<double>(c.output_size, mode == LossMode::last ? batch : steps * batch);
  return p;
}

double loss_at(const Problem& p, Trace<double>& tr) {
  forward(p.model, p.input, p.batch, tr);
  return mse_loss(tr, p.target, p.mode);
}

// Forward, loss and exact BPTT of a problem; the trace and dL/dy are returned through the arguments.
Gradients<double> analytic_gradients(const Problem& p, Trace<double>& tr, Mat<double>& dy, int truncate = 0) {
  forward(p.model, p.input, p.batch, tr);
  mse_loss(tr, p.target, p.mode, &dy);
  Gradients<double> g;
  backward(p.model, tr, dy, g, truncate);
  return g;
}

struct CheckResult {
  double max_param_error = 0, max_input_error = 0;
};

CheckResult gradcheck(Problem& p) {
  Trace<double> tr;
  Mat<double> dy;
  const Gradients<double> g = analytic_gradients(p, tr, dy);

  CheckResult r;
  for (std::size_t j = 0; j < p.model.params.size(); ++j) {
    const double numeric = test::central_difference(p.model.params[j], [&] { return loss_at(p, tr); });
    r.max_param_error = std::max(r.max_param_error, test::rel_error(g.params[j], numeric));
  }
  for (Eigen::Index j = 0; j < p.input.size(); ++j) {
    const double numeric = test::central_difference(p.input(j), [&] { return loss_at(p, tr); });
    r.max_input_error = std::max(r.max_input_error, test::rel_error(g.grad_input(j), numeric));
  }
  return r;
}

struct CellChoice {
  CellKind cell;
  Nonlinearity nl;
};
const CellChoice all_cells[] = {{CellKind::rnn, Nonlinearity::tanh},
                                {CellKind::rnn, Nonlinearity::relu},
                                {CellKind::lstm, Nonlinearity::tanh},
                                {CellKind::gru, Nonlinearity::tanh}};

}  // namespace

TEST_CASE("BPTT gradients match central differences for every cell, depth, loss mode and batch") {
  int checked = 0;
  std::uint64_t seed = 1;
  for (const CellChoice& cc : all_cells)
    for (int layers = 1; layers <= 3; ++layers)
      for (LossMode mode : {LossMode::last, LossMode::all})
        for (int batch : {1, 3}) {
          Problem p = make_problem(cc.cell, cc.nl, layers, mode, batch, seed++);
          const CheckResult r = gradcheck(p);
          CAPTURE(test::describe(p.model.config));
          CAPTURE(loss_mode_name(mode));
          CAPTURE(batch);
          MESSAGE(test::describe(p.model.config), " ", loss_mode_name(mode), " B=", batch,
                  " max rel err: params ", r.max_param_error, ", input ", r.max_input_error);
          CHECK(r.max_param_error < 1e-6);
          CHECK(r.max_input_error < 1e-6);
          ++checked;
        }
  CHECK(checked == 48);
}

TEST_CASE("gradients are not trivially zero: every tensor receives signal") {
  for (const CellChoice& cc : all_cells) {
    Problem p = make_problem(cc.cell, cc.nl, 2, LossMode::all, 3, 99);
    Trace<double> tr;
    Mat<double> dy;
    const Gradients<double> g = analytic_gradients(p, tr, dy);
    for (const TensorSpec& s : p.model.layout.tensors) {
      double norm = 0;
      for (std::size_t j = 0; j < s.size; ++j) norm += g.params[s.offset + j] * g.params[s.offset + j];
      CAPTURE(s.name);
      CHECK(norm > 1e-12);
    }
  }
}

TEST_CASE("the step API chained by hand reproduces the sequence forward and backward") {
  for (const CellChoice& cc : all_cells) {
    Problem p = make_problem(cc.cell, cc.nl, 1, LossMode::all, 3, 7);
    CAPTURE(test::describe(p.model.config));
    const ModelConfig& cfg = p.model.config;
    const int B = p.batch, H = cfg.hidden_size;
    Trace<double> tr;
    Mat<double> dy;
    const Gradients<double> g = analytic_gradients(p, tr, dy);

    const int steps = tr.steps;
    const LayerWeights<double> w = p.model.layer(0);
    std::vector<StepCache<double>> caches(steps);
    std::vector<Mat<double>> hs(steps + 1, Mat<double>::Zero(H, B)), cs(steps + 1, Mat<double>::Zero(H, B));
    for (int t = 0; t < steps; ++t) {
      const Mat<double> x = step_block(p.input, t, B);
      forward_step(cfg, w, x, hs[t], cs[t], caches[t]);
      hs[t + 1] = caches[t].h;
      if (cfg.cell == CellKind::lstm) cs[t + 1] = caches[t].c;
      CHECK((caches[t].h - step_block(tr.layers[0].h, t + 1, B)).cwiseAbs().maxCoeff() < 1e-14);
      CHECK((caches[t].gates - step_block(tr.layers[0].gates, t, B)).cwiseAbs().maxCoeff() < 1e-14);
    }
    // Backward by hand: dL/dh_t from the head plus from step t+1.
    Buffer<double> grads(p.model.layout.total, 0.0);
    LayerGrads<double> lg = layer_grads(p.model.layout, grads.data(), 0);
    const Mat<double> dh_head = p.model.head_weight().transpose() * dy;
    Mat<double> dh_next = Mat<double>::Zero(H, B), dc_next = Mat<double>::Zero(H, B);
    Mat<double> dx, dh_prev, dc_prev;
    for (int t = steps - 1; t >= 0; --t) {
      const Mat<double> dh = Mat<double>(step_block(dh_head, t, B)) + dh_next;
      CHECK((dh - step_block(g.grad_h[0], t, B)).cwiseAbs().maxCoeff() < 1e-13);
      const Mat<double> x = step_block(p.input, t, B);
      backward_step(cfg, w, caches[t], x, hs[t], cs[t], dh, dc_next, lg, dx, dh_prev, dc_prev);
      CHECK((dx - step_block(g.grad_input, t, B)).cwiseAbs().maxCoeff() < 1e-13);
      dh_next = dh_prev;
      if (cfg.cell == CellKind::lstm) dc_next = dc_prev;
    }
    const TensorSpec& last = p.model.layout.tensors[p.model.layout.layers[0].bias_hh];
    for (std::size_t j = 0; j < last.offset + last.size; ++j) CHECK(grads[j] == doctest::Approx(g.params[j]).epsilon(1e-12));
  }
}

TEST_CASE("truncation: k >= T is full BPTT; k = 1 with loss 'last' keeps only the last step's recurrent term") {
  for (const CellChoice& cc : all_cells) {
    Problem p = make_problem(cc.cell, cc.nl, 2, LossMode::last, 2, 5);
    CAPTURE(test::describe(p.model.config));
    Trace<double> tr;
    Mat<double> dy;
    const Gradients<double> full = analytic_gradients(p, tr, dy);
    const Gradients<double> same = analytic_gradients(p, tr, dy, tr.steps);
    const Gradients<double> one = analytic_gradients(p, tr, dy, 1);
    CHECK(full.params == same.params);
    // With k = 1 only step T sees a gradient: dL/dh_t is zero for every earlier step of the top layer.
    const int B = p.batch, L = p.model.config.num_layers;
    for (int t = 0; t + 1 < tr.steps; ++t) CHECK(step_block(one.grad_h[L - 1], t, B).cwiseAbs().maxCoeff() == 0.0);
    CHECK(step_block(one.grad_h[L - 1], tr.steps - 1, B).cwiseAbs().maxCoeff() > 0.0);
    CHECK(full.params != one.params);
  }
}

TEST_CASE("float and double agree to float precision") {
  for (const CellChoice& cc : all_cells) {
    Problem p = make_problem(cc.cell, cc.nl, 3, LossMode::all, 3, 11);
    Model<float> mf(p.model.config);
    for (std::size_t j = 0; j < mf.params.size(); ++j) mf.params[j] = static_cast<float>(p.model.params[j]);
    Trace<double> td;
    Trace<float> tf;
    Mat<double> dyd;
    Mat<float> dyf;
    forward(p.model, p.input, p.batch, td);
    forward(mf, Mat<float>(p.input.cast<float>()), p.batch, tf);
    const double ld = mse_loss(td, p.target, p.mode, &dyd);
    const float lf = mse_loss(tf, Mat<float>(p.target.cast<float>()), p.mode, &dyf);
    CHECK(lf == doctest::Approx(ld).epsilon(1e-5));
    Gradients<double> gd;
    Gradients<float> gf;
    backward(p.model, td, dyd, gd);
    backward(mf, tf, dyf, gf);
    for (std::size_t j = 0; j < gd.params.size(); ++j)
      CHECK(std::abs(gf.params[j] - gd.params[j]) <= 1e-5 * std::max(1.0, std::abs(gd.params[j])));
  }
}
