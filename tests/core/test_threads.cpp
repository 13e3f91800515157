// The split of forward() and backward() into parts (batch_parts) and running those parts on several
// threads: the gradients are the same bits at 1 and 2 threads, and equal to the batch-of-one code.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/model.hpp"
#include "core/test_util.hpp"
#include "core/threads.hpp"

using namespace unrolled;

namespace {

constexpr int hidden = 64, batch = 16, steps = 9;  // batch_parts() splits this size in two

template <class T> struct Run {
  Trace<T> trace;
  Gradients<T> grads;
};

template <class T>
void run(const Model<T>& model, const Mat<T>& input, const Mat<T>& target, int b, int truncate, Run<T>& r) {
  Mat<T> dy;
  forward(model, input, b, r.trace);
  mse_loss(r.trace, target, LossMode::all, &dy);
  backward(model, r.trace, dy, r.grads, truncate);
}

template <class M> bool same_bits(const M& a, const M& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(a(0, 0)) * static_cast<std::size_t>(a.size())) == 0;
}

// Every cell, with full and truncated BPTT: a two-layer model of a size batch_parts() splits, and
// an input and a target for loss 'all'.
template <class T, class F> void for_each_case(F&& check) {
  for (const CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    for (const int truncate : {0, 4}) {
      CAPTURE(cell_name(cell));
      CAPTURE(truncate);
      const Model<T> model = test::random_model<T>(cell, 1, hidden, 2, 1, 5);
      REQUIRE(batch_parts(model.config, batch) == 2);
      test::Normal normal(6);
      const Mat<T> input = normal.matrix<T>(1, steps * batch), target = normal.matrix<T>(1, steps * batch);
      check(model, input, target, truncate);
    }
  }
}

}  // namespace

TEST_CASE("gradients are the same bits at 1 and 2 compute threads") {
  for_each_case<float>([](const Model<float>& model, const Mat<float>& input, const Mat<float>& target, int truncate) {
    Run<float> one, two;
    set_compute_threads(1);
    run(model, input, target, batch, truncate, one);
    set_compute_threads(2);
    run(model, input, target, batch, truncate, two);
    set_compute_threads(1);
    CHECK(std::memcmp(one.grads.params.data(), two.grads.params.data(), sizeof(float) * one.grads.params.size()) == 0);
    CHECK(same_bits(one.grads.grad_input, two.grads.grad_input));
    for (int k = 0; k < 2; ++k) {
      CHECK(same_bits(one.grads.grad_h[k], two.grads.grad_h[k]));
      CHECK(same_bits(one.trace.layers[k].h, two.trace.layers[k].h));
      CHECK(same_bits(one.trace.layers[k].gates, two.trace.layers[k].gates));
    }
    CHECK(same_bits(one.trace.output, two.trace.output));
  });
}

TEST_CASE("a split batch gives the mean of the batch-of-one gradients") {
  // Loss 'all' over B sequences is the mean of the B single-sequence losses, so its gradients are the
  // mean of theirs. B = 16 runs the split code (on 2 threads where there are 2 cores), B = 1 the
  // unsplit code.
  for_each_case<double>([](const Model<double>& model, const Mat<double>& input, const Mat<double>& target,
                           int truncate) {
    REQUIRE(batch_parts(model.config, 1) == 1);
    set_compute_threads(2);
    Run<double> all;
    run(model, input, target, batch, truncate, all);
    set_compute_threads(1);
    Buffer<double> mean(all.grads.params.size(), 0.0);
    double worst = 0;
    for (int b = 0; b < batch; ++b) {
      Mat<double> input_b(1, steps), target_b(1, steps);
      for (int t = 0; t < steps; ++t) {
        input_b(0, t) = input(0, t * batch + b);
        target_b(0, t) = target(0, t * batch + b);
      }
      Run<double> one;
      run(model, input_b, target_b, 1, truncate, one);
      for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += one.grads.params[i] / batch;
      for (int k = 0; k < 2; ++k)
        for (int t = 0; t < steps; ++t)
          worst = std::max(worst, (one.grads.grad_h[k].col(t) / batch - all.grads.grad_h[k].col(t * batch + b))
                                      .cwiseAbs()
                                      .maxCoeff());
    }
    for (std::size_t i = 0; i < mean.size(); ++i) worst = std::max(worst, std::abs(mean[i] - all.grads.params[i]));
    CHECK(worst < 1e-13);
  });
}
