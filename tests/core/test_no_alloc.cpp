// After warm-up a training step (forward, loss, BPTT, clipping, Adam) makes no heap allocation, at the
// benchmark's sizes. Counts malloc itself, so Eigen's product buffers are seen as well as operator new.
// Not run under AddressSanitizer, which owns malloc.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>

#include "core/model.hpp"
#include "core/optimizer.hpp"
#include "core/test_util.hpp"
#include "core/threads.hpp"

extern "C" void* __libc_malloc(std::size_t);
namespace {
std::atomic<long> malloc_calls{0};
}
extern "C" void* malloc(std::size_t n) {
  malloc_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}

using namespace unrolled;

namespace {
void check_steady_state_allocations() {
  struct Size {
    CellKind cell;
    int hidden, batch, layers;
  };
  for (const Size s : {Size{CellKind::rnn, 32, 32, 1}, Size{CellKind::lstm, 32, 32, 2}, Size{CellKind::gru, 32, 32, 1},
                       Size{CellKind::lstm, 128, 64, 1}, Size{CellKind::lstm, 256, 64, 1},
                       Size{CellKind::gru, 256, 64, 1}, Size{CellKind::gru, 64, 16, 2}}) {
    ModelConfig c;
    c.cell = s.cell;
    c.hidden_size = s.hidden;
    c.num_layers = s.layers;
    Model<float> model(c);
    init_uniform(model, 3);
    test::Normal normal(4);
    const Mat<float> input = normal.matrix<float>(1, 50 * s.batch), target = normal.matrix<float>(1, s.batch);
    Trace<float> trace;
    Gradients<float> grads;
    Mat<float> dy;
    Optimizer<float> opt(OptimizerConfig{});
    long before = 0;
    for (int step = 0; step < 5; ++step) {
      if (step == 2) before = malloc_calls.load();
      forward(model, input, s.batch, trace);
      mse_loss(trace, target, LossMode::last, &dy);
      backward(model, trace, dy, grads);
      clip_grad_norm(grads.params, 1.0f);
      opt.step(model.params, grads.params);
    }
    const long allocated = malloc_calls.load() - before;  // read before CAPTURE, which allocates
    CAPTURE(cell_name(s.cell));
    CAPTURE(s.hidden);
    CAPTURE(compute_threads());
    CHECK(allocated == 0);
  }
}
}  // namespace

TEST_CASE("a training step allocates nothing after warm-up") {
  // 1 thread as the app trains; 2 as `unrolled-cli bench --threads 2` (OpenMP keeps its team of
  // threads between parallel regions, so only the first step pays for it).
  for (const int threads : {1, 2}) {
    set_compute_threads(threads);
    check_steady_state_allocations();
  }
  set_compute_threads(1);
  // The counter does see allocations (so a zero above means something).
  const long before = malloc_calls.load();
  Mat<float> big(300, 300);
  big.setZero();
  CHECK(malloc_calls.load() > before);
}
