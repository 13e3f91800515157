// After warm-up a training step allocates nothing: every global operator new is counted.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "core/signal.hpp"
#include "core/text_trainer.hpp"
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

TEST_CASE("text training steps after the first do not allocate: character model, bidirectional classifier, dropout on") {
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    CAPTURE(cell_name(cell));
    TextTrainConfig c;
    c.model.cell = cell;
    c.model.vocab_size = 11;
    c.model.input_size = 6;
    c.model.hidden_size = 16;
    c.model.num_layers = 2;
    c.model.output_size = 11;
    c.model.objective = Objective::cross_entropy;
    c.model.dropout = 0.2;
    c.seq = 12;
    c.batch = 8;
    std::vector<int> ids;
    for (int i = 0; i < 500; ++i) ids.push_back((i * 7 + i / 3) % 11);
    CharLmTrainer<float> lm(c, ids);
    const long long at_start = allocations.load();
    lm.step();
    lm.step();
    CHECK(allocations.load() > at_start);
    const long long before = allocations.load();
    for (int i = 0; i < 10; ++i) lm.step();
    CHECK(allocations.load() - before == 0);

    // A classifier over sequences of one length (a mini-batch of another length resizes its buffers).
    c.model.bidirectional = true;
    c.model.output_size = 3;
    std::vector<std::vector<int>> seqs;
    std::vector<int> labels;
    for (int i = 0; i < 40; ++i) {
      seqs.push_back({i % 11, (i * 3) % 11, (i * 5) % 11, 1, 2});
      labels.push_back(i % 3);
    }
    ClassifierTrainer<float> cls(c, seqs, labels);
    cls.step();
    cls.step();
    const long long before_cls = allocations.load();
    for (int i = 0; i < 10; ++i) cls.step();
    CHECK(allocations.load() - before_cls == 0);
  }
}
