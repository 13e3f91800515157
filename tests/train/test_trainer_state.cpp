// Saving and restoring a trainer's state (what the app's session file keeps): a restored run continues
// bit for bit as if it had never stopped, for every optimizer and schedule, and a state that cannot
// belong to the trainer is refused with the field named, leaving the trainer as it was.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "core/memory_tasks.hpp"
#include "core/signal.hpp"
#include "core/trainer.hpp"

using namespace unrolled;

namespace {
std::shared_ptr<const Dataset> sine_data() {
  SignalConfig c;
  c.length = 300;
  c.wave[0].frequency = 0.05;
  SeriesSplit sp;
  sp.steps = 12;
  return std::make_shared<const SeriesDataset>(generate_signal(c), sp, "sine");
}

std::shared_ptr<const Dataset> adding_data() {
  MemoryTaskConfig t;
  t.task = MemoryTask::adding;
  t.steps = 10;
  t.train_windows = 160;
  t.val_windows = 40;
  return std::make_shared<const MemoryTaskDataset>(t);
}

TrainerConfig config(OptimizerKind kind, ScheduleKind schedule) {
  TrainerConfig tc;
  tc.model.cell = CellKind::gru;
  tc.model.hidden_size = 6;
  tc.batch = 16;
  tc.epochs = 6;
  tc.seed = 7;
  tc.optimizer.kind = kind;
  if (kind == OptimizerKind::sgd) {
    tc.optimizer.lr = 0.05;
    tc.optimizer.momentum = 0.9;
  }
  tc.schedule.kind = schedule;
  tc.schedule.step_epochs = 1;
  tc.schedule.patience = 0;
  tc.early_stop_patience = 3;
  return tc;
}

bool same_bits(const Buffer<float>& a, const Buffer<float>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
           return std::memcmp(&x, &y, sizeof x) == 0;
         });
}
}  // namespace

TEST_CASE("a restored trainer continues bit for bit: Adam and SGD, every schedule, mid-epoch and at its end") {
  for (auto data : {sine_data(), adding_data()}) {
    for (OptimizerKind kind : {OptimizerKind::adam, OptimizerKind::sgd}) {
      for (ScheduleKind schedule : {ScheduleKind::constant, ScheduleKind::step, ScheduleKind::plateau}) {
        const TrainerConfig tc = config(kind, schedule);
        Trainer whole(data, tc);
        const int spe = whole.steps_per_epoch();
        for (int stop : {spe + 3, 2 * spe}) {  // inside an epoch, and exactly at an epoch's end
          CAPTURE(data->describe());
          CAPTURE(optimizer_name(kind));
          CAPTURE(schedule_name(schedule));
          CAPTURE(stop);
          Trainer first(data, tc);
          first.train_steps(stop);
          const TrainerState saved = first.state();

          Trainer resumed(data, tc);  // a fresh trainer at step 0, as after opening a session file
          resumed.restore(saved);
          CHECK(resumed.step() == stop);
          CHECK(resumed.epoch() == first.epoch());
          CHECK(resumed.lr() == first.lr());
          CHECK(resumed.best_val_mse() == first.best_val_mse());

          Trainer uninterrupted(data, tc);
          uninterrupted.train_steps(stop + 2 * spe + 5);
          resumed.train_steps(2 * spe + 5);
          REQUIRE(resumed.step() == uninterrupted.step());
          CHECK(same_bits(resumed.model().params, uninterrupted.model().params));
          CHECK(resumed.last_epoch().val_mse == uninterrupted.last_epoch().val_mse);
          CHECK(resumed.lr() == uninterrupted.lr());
          CHECK(resumed.best_epoch() == uninterrupted.best_epoch());
          CHECK(same_bits(resumed.state().optimizer.m, uninterrupted.state().optimizer.m));
        }
      }
    }
  }
}

TEST_CASE("a state that cannot belong to the trainer is refused, naming the field, and changes nothing") {
  const auto data = sine_data();
  const TrainerConfig tc = config(OptimizerKind::adam, ScheduleKind::constant);
  Trainer source(data, tc);
  source.train_steps(source.steps_per_epoch() + 2);
  const TrainerState good = source.state();

  Trainer target(data, tc);
  const Buffer<float> before = target.model().params;
  auto refused = [&](TrainerState s, const char* field) {
    CAPTURE(field);
    CHECK_THROWS_WITH_AS(target.restore(s), doctest::Contains(field), std::invalid_argument);
    CHECK(target.step() == 0);
    CHECK(same_bits(target.model().params, before));
  };
  TrainerState s = good;
  s.params.pop_back();
  refused(s, "params");
  s = good;
  s.best_params[3] = std::nanf("");
  refused(s, "best_params");
  s = good;
  s.order[0] = s.order[1];
  refused(s, "permutation");
  s = good;
  s.order.push_back(0);
  refused(s, "order");
  s = good;
  s.rng = "12 x";
  refused(s, "rng");
  s = good;
  s.optimizer.v.resize(5);
  refused(s, "optimizer buffers");
  s = good;
  s.optimizer.m.clear();
  refused(s, "Adam");
  s = good;
  s.batch_in_epoch = source.steps_per_epoch();
  refused(s, "batch_in_epoch");
  s = good;
  s.step += 1;
  refused(s, "does not match");
  s = good;
  s.epoch = tc.epochs + 1;
  refused(s, "epoch");
  s = good;
  s.schedule.lr = 0;
  refused(s, "learning rate");

  // A state from a trainer of another size does not fit either.
  TrainerConfig bigger = tc;
  bigger.model.hidden_size = 7;
  Trainer other(data, bigger);
  CHECK_THROWS_WITH_AS(other.restore(good), doctest::Contains("parameters"), std::invalid_argument);

  target.restore(good);  // and the good one does
  CHECK(target.step() == source.step());
  CHECK(same_bits(target.model().params, source.model().params));
}
