// After warm-up a training step allocates nothing: every global operator new is counted.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "core/signal.hpp"
#include "core/trainer.hpp"

namespace {
std::atomic<long long> allocations{0};
}

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

using namespace unrolled;

TEST_CASE("training steps after the first few do not allocate (epoch ends included)") {
  SignalConfig sc;
  sc.length = 300;
  const std::vector<double> raw = generate_signal(sc);
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    for (LossMode loss : {LossMode::last, LossMode::all}) {
      for (OptimizerKind opt : {OptimizerKind::adam, OptimizerKind::sgd}) {
        CAPTURE(cell_name(cell));
        CAPTURE(loss_mode_name(loss));
        CAPTURE(optimizer_name(opt));
        auto data = std::make_shared<const SeriesDataset>(raw, SeriesSplit{0.2, 16, loss}, "sine");
        TrainerConfig tc;
        tc.model.cell = cell;
        tc.model.hidden_size = 16;
        tc.model.num_layers = 2;
        tc.batch = 32;  // 224 windows: 7 steps per epoch
        tc.epochs = 100;
        tc.optimizer.kind = opt;
        tc.optimizer.momentum = opt == OptimizerKind::sgd ? 0.9 : 0.0;
        tc.schedule.kind = ScheduleKind::plateau;
        tc.early_stop_patience = 50;
        const long long at_start = allocations.load();
        Trainer t(data, tc);
        t.train_steps(10);
        CHECK(allocations.load() > at_start);  // the counter sees the core's allocations  // warm-up: first step, first epoch end and its validation pass
        REQUIRE(t.epoch() >= 1);
        const long long before = allocations.load();
        for (int i = 0; i < 20; ++i) t.train_steps(1);  // crosses three more epoch ends
        const long long during = allocations.load() - before;
        CHECK(t.step() == 30);
        CHECK(during == 0);
      }
    }
  }
}
