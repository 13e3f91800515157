// The trainer: determinism, slices and snapshots, early stopping, the divergence guard, schedules.
#include <doctest/doctest.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "core/signal.hpp"
#include "core/trainer.hpp"

using namespace unrolled;

namespace {
std::shared_ptr<const SeriesDataset> sine_data(int length = 400, int steps = 16, double noise = 0.0) {
  SignalConfig c;
  c.length = length;
  c.wave[0].frequency = 0.05;
  c.noise = noise;
  SeriesSplit sp;
  sp.steps = steps;
  return std::make_shared<const SeriesDataset>(generate_signal(c), sp, "sine");
}

TrainerConfig small_config(CellKind cell = CellKind::lstm) {
  TrainerConfig tc;
  tc.model.cell = cell;
  tc.model.hidden_size = 8;
  tc.batch = 16;
  tc.epochs = 3;
  tc.seed = 42;
  return tc;
}

struct Recorder : TrainListener {
  const Trainer* trainer = nullptr;
  int steps = 0, epochs = 0, done = 0, diverged = 0;
  std::vector<double> val;
  std::vector<float> best_params;
  Divergence divergence;
  TrainSummary summary;
  void on_step(const StepMetrics& m) override {
    ++steps;
    CHECK(m.step == steps);
    CHECK(std::isfinite(m.grad_norm));
  }
  void on_epoch(const EpochMetrics& m) override {
    ++epochs;
    CHECK(m.epoch == epochs);
    val.push_back(m.val_mse);
    if (m.best && trainer) best_params.assign(trainer->model().params.begin(), trainer->model().params.end());
  }
  void on_diverged(const Divergence& d) override {
    ++diverged;
    divergence = d;
  }
  void on_done(const TrainSummary& s) override {
    ++done;
    summary = s;
  }
};

template <class A, class B> bool bit_equal(const A& a, const B& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof a[i]) != 0) return false;
  return true;
}
}  // namespace

TEST_CASE("same seed, same weights bit for bit; slices and run() agree") {
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    CAPTURE(cell_name(cell));
    auto data = sine_data();
    Trainer a(data, small_config(cell)), b(data, small_config(cell));
    a.run();
    while (!b.done()) b.train_steps(5);  // in slices, as the app's worker runs it
    CHECK(a.step() == b.step());
    CHECK(bit_equal(a.model().params, b.model().params));
    TrainerConfig other = small_config(cell);
    other.seed = 43;
    Trainer c(data, other);
    c.run();
    CHECK_FALSE(bit_equal(a.model().params, c.model().params));
  }
}

TEST_CASE("epochs, steps, listener and summary") {
  auto data = sine_data();  // 320 training points, 304 windows, 19 batches of 16
  Trainer t(data, small_config());
  Recorder r;
  t.set_listener(&r);
  CHECK(t.steps_per_epoch() == 19);
  CHECK(t.train_steps(7) == 7);
  CHECK(t.step() == 7);
  CHECK(t.epoch() == 0);
  const TrainSummary s = t.run();
  CHECK(s.status == TrainStatus::finished);
  CHECK(s.epochs == 3);
  CHECK(s.steps == 57);
  CHECK(r.steps == 57);
  CHECK(r.epochs == 3);
  CHECK(r.done == 1);
  CHECK(r.diverged == 0);
  CHECK(t.train_steps(10) == 0);  // done stays done
  CHECK(s.val_mse == doctest::Approx(r.val.back()));
  CHECK(s.val_mse < r.val.front());  // it learns
}

TEST_CASE("a snapshot copy continues exactly like the original; reset starts over") {
  auto data = sine_data();
  Trainer a(data, small_config());
  a.train_steps(23);  // mid-epoch
  Trainer snapshot = a;
  a.run();
  snapshot.run();
  CHECK(bit_equal(a.model().params, snapshot.model().params));
  Trainer fresh(data, small_config());
  fresh.run();
  a.reset();
  CHECK(a.step() == 0);
  a.run();
  CHECK(bit_equal(a.model().params, fresh.model().params));
}

TEST_CASE("early stopping restores the best epoch's weights") {
  // Noisy data, a large learning rate and many epochs: the validation MSE stops improving.
  auto data = sine_data(300, 12, 0.3);
  TrainerConfig tc = small_config(CellKind::gru);
  tc.epochs = 200;
  tc.optimizer.lr = 0.05;
  tc.early_stop_patience = 3;
  Trainer t(data, tc);
  Recorder r;
  r.trainer = &t;
  t.set_listener(&r);
  const TrainSummary s = t.run();
  REQUIRE(s.status == TrainStatus::early_stopped);
  CHECK(s.epochs < 200);
  CHECK(s.message.find("stopped early") != std::string::npos);
  const auto best = std::min_element(r.val.begin(), r.val.end());
  CHECK(s.best_epoch == static_cast<int>(best - r.val.begin()) + 1);
  CHECK(s.epochs == s.best_epoch + 3);
  CHECK(bit_equal(t.model().params, r.best_params));
  CHECK(s.val_mse == doctest::Approx(*best).epsilon(1e-6));
}

TEST_CASE("divergence guard: an exploding loss stops at once and keeps the last good weights") {
  auto data = sine_data();
  TrainerConfig tc = small_config();
  tc.optimizer.lr = 1000;
  Trainer t(data, tc);
  Recorder r;
  t.set_listener(&r);
  const TrainSummary s = t.run();
  REQUIRE(s.status == TrainStatus::diverged);
  CHECK(r.diverged == 1);
  CHECK(r.done == 1);
  const Divergence& d = t.divergence();
  CHECK(d.step >= 2);
  CHECK(d.what == "loss");
  CHECK(d.message.find("step " + std::to_string(d.step)) != std::string::npos);
  CHECK(d.message.find("learning rate") != std::string::npos);
  CHECK(s.steps == d.step - 1);
  // The weights are those step d.step − 1 started from: a twin run stopped after d.step − 2 steps.
  Trainer twin(data, tc);
  twin.train_steps(static_cast<int>(d.step - 2));
  CHECK(bit_equal(t.model().params, twin.model().params));
  for (float p : t.model().params) CHECK(std::isfinite(p));
}

TEST_CASE("divergence guard: NaN/Inf from plain SGD without clipping") {
  auto data = sine_data();
  TrainerConfig tc = small_config(CellKind::rnn);
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.lr = 1000;
  tc.clip = 0;
  tc.max_loss = 0;  // only NaN and Inf count
  Trainer t(data, tc);
  const TrainSummary s = t.run();
  REQUIRE(s.status == TrainStatus::diverged);
  const Divergence& d = t.divergence();
  CHECK((std::isnan(d.value) || std::isinf(d.value)));
  CHECK(d.message.find("clipping") != std::string::npos);
  Trainer twin(data, tc);
  twin.train_steps(static_cast<int>(d.step - 2));
  CHECK(bit_equal(t.model().params, twin.model().params));
}

TEST_CASE("learning-rate schedules") {
  ScheduleConfig c;
  c.kind = ScheduleKind::step;
  c.step_epochs = 2;
  c.gamma = 0.1;
  LrSchedule step(c, 1.0);
  std::vector<double> lrs;
  for (int e = 0; e < 5; ++e) lrs.push_back(step.on_epoch_end(1.0));
  CHECK(lrs[0] == doctest::Approx(1.0));
  CHECK(lrs[1] == doctest::Approx(0.1));
  CHECK(lrs[2] == doctest::Approx(0.1));
  CHECK(lrs[3] == doctest::Approx(0.01));
  c.kind = ScheduleKind::plateau;
  c.patience = 1;
  c.gamma = 0.5;
  c.min_lr = 0.2;
  LrSchedule plateau(c, 1.0);
  CHECK(plateau.on_epoch_end(1.0) == 1.0);   // best
  CHECK(plateau.on_epoch_end(0.5) == 1.0);   // better
  CHECK(plateau.on_epoch_end(0.6) == 1.0);   // 1 bad epoch: tolerated
  CHECK(plateau.on_epoch_end(0.6) == 0.5);   // 2 bad epochs: cut
  CHECK(plateau.on_epoch_end(0.7) == 0.5);
  CHECK(plateau.on_epoch_end(0.7) == 0.25);
  CHECK(plateau.on_epoch_end(0.7) == 0.25);
  CHECK(plateau.on_epoch_end(0.7) == 0.2);   // floor
  c.kind = ScheduleKind::constant;
  LrSchedule constant(c, 0.3);
  CHECK(constant.on_epoch_end(9.0) == 0.3);
  // The trainer applies it: lr per step follows the schedule.
  TrainerConfig tc = small_config();
  tc.schedule.kind = ScheduleKind::step;
  tc.schedule.step_epochs = 1;
  tc.schedule.gamma = 0.5;
  Trainer t(sine_data(), tc);
  t.run();
  CHECK(t.lr() == doctest::Approx(0.01 * 0.125));
}

TEST_CASE("loss `all`, weight decay, momentum and truncation all train") {
  auto data = std::make_shared<const SeriesDataset>(
      [] {
        SignalConfig c;
        c.length = 300;
        return generate_signal(c);
      }(),
      SeriesSplit{0.2, 12, LossMode::all}, "sine");
  TrainerConfig tc = small_config();
  tc.optimizer.weight_decay = 1e-4;
  tc.truncate = 4;
  Trainer a(data, tc);
  CHECK(a.run().status == TrainStatus::finished);
  tc.optimizer.kind = OptimizerKind::sgd;
  tc.optimizer.momentum = 0.9;
  tc.optimizer.lr = 0.05;
  Trainer b(data, tc);
  const TrainSummary s = b.run();
  CHECK(s.status == TrainStatus::finished);
  CHECK(std::isfinite(s.val_mse));
}

TEST_CASE("bad trainer settings are refused") {
  auto data = sine_data();
  TrainerConfig tc = small_config();
  tc.batch = 0;
  CHECK_THROWS_AS(Trainer(data, tc), std::invalid_argument);
  tc = small_config();
  tc.optimizer.lr = -1;
  CHECK_THROWS_WITH_AS(Trainer(data, tc), doctest::Contains("learning rate"), std::invalid_argument);
  tc = small_config();
  tc.model.hidden_size = 0;
  CHECK_THROWS_AS(Trainer(data, tc), std::invalid_argument);
  tc = small_config();
  tc.batch = 60000;  // more than the windows: lowered to them
  Trainer t(data, tc);
  CHECK(t.batch() == data->count(Split::train));
  CHECK(t.steps_per_epoch() == 1);
}

TEST_CASE("an LSTM's forget-gate bias: bias_ih[H:2H] = b, bias_hh[H:2H] = 0 in every layer, the rest as the seed's") {
  auto data = sine_data();
  TrainerConfig tc = small_config();
  tc.model.num_layers = 2;
  const Trainer plain(data, tc);
  tc.forget_bias = 2.0;
  const Trainer biased(data, tc);
  const Model<float>& a = plain.model();
  const Model<float>& b = biased.model();
  REQUIRE(a.params.size() == b.params.size());
  const std::size_t H = 8;
  std::vector<char> in_forget(a.params.size(), 0);
  for (const LayerSlots& l : b.layout.layers) {
    const std::size_t ih = b.layout.tensors[static_cast<std::size_t>(l.bias_ih)].offset;
    const std::size_t hh = b.layout.tensors[static_cast<std::size_t>(l.bias_hh)].offset;
    for (std::size_t j = H; j < 2 * H; ++j) {
      CHECK(b.params[ih + j] == 2.0f);
      CHECK(b.params[hh + j] == 0.0f);
      in_forget[ih + j] = in_forget[hh + j] = 1;
    }
  }
  std::size_t same = 0, others = 0;
  for (std::size_t k = 0; k < a.params.size(); ++k)
    if (!in_forget[k]) ++others, same += a.params[k] == b.params[k];
  CHECK(same == others);
  CHECK(others == a.params.size() - 2 * 2 * H);

  tc = small_config(CellKind::gru);
  tc.forget_bias = 1.0;
  CHECK_THROWS_WITH_AS(Trainer(data, tc), doctest::Contains("forget-gate bias applies to an LSTM"), std::invalid_argument);
  tc = small_config();
  tc.forget_bias = 11.0;
  CHECK_THROWS_WITH_AS(Trainer(data, tc), doctest::Contains("between -10 and 10"), std::invalid_argument);
}
