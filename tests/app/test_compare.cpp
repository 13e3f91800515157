// Compare mode in the session: RNN, LSTM and GRU trained together on the same data and seed, in
// lockstep; pause / reset act on the whole set, reset repeats each run bit for bit, and a run that
// diverges stops alone. Runs under ThreadSanitizer (label "threaded"), so the runs are small.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "app/session/session.hpp"
#include "app/session_util.hpp"
#include "app/session/training.hpp"

using namespace unrolled;
using namespace unrolled::app;
using namespace std::chrono_literals;
using test::settle;
using test::small_run;
using test::wait_for;

namespace {
const std::vector<CellKind> all_cells{CellKind::rnn, CellKind::lstm, CellKind::gru};
std::int64_t min_step(const Snapshot& s) {
  std::int64_t m = INT64_MAX;
  for (const CompareRunView& r : s.train->compare->runs) m = std::min(m, r.step);
  return m;
}
}  // namespace

TEST_CASE("compare mode builds one run per cell from the current settings, at step 0") {
  Session s({}, small_run());
  CHECK(s.latest()->train->compare == nullptr);
  auto snap = settle(s, s.send(cmd::StartCompare{all_cells}));
  REQUIRE(snap->train->compare != nullptr);
  const CompareView& cv = *snap->train->compare;
  REQUIRE(cv.runs.size() == 3);
  CHECK(!snap->message_is_error);
  for (std::size_t i = 0; i < 3; ++i) {
    const CompareRunView& r = cv.runs[i];
    CHECK(r.cell == all_cells[i]);
    CHECK(r.state == TrainState::idle);
    CHECK(r.step == 0);
    CHECK(r.steps->empty());
    CHECK(r.decay->current.layers.size() == 1);
    CHECK(r.decay->current.layers[0].size() == 16);  // T from the settings
    // The same data: the same truth, split and window length in every forecast.
    CHECK(r.forecast->truth == cv.runs[0].forecast->truth);
    CHECK(r.forecast->split == cv.runs[0].forecast->split);
  }
  CHECK(cv.runs[0].forecast->truth.size() == 400);
  // Parameter counts for H = 8, I = O = 1, one layer: G·H·(I + H + 2) + head (H + 1).
  CHECK(cv.runs[0].parameter_count == 1 * 8 * (1 + 8 + 2) + 9);  // RNN  97
  CHECK(cv.runs[1].parameter_count == 4 * 8 * (1 + 8 + 2) + 9);  // LSTM 361
  CHECK(cv.runs[2].parameter_count == 3 * 8 * (1 + 8 + 2) + 9);  // GRU  273
  CHECK(cv.runs[0].parameter_count < cv.runs[2].parameter_count);
  CHECK(cv.runs[2].parameter_count < cv.runs[1].parameter_count);

  // Bad sets are refused with a message and change nothing.
  snap = settle(s, s.send(cmd::StartCompare{{CellKind::gru}}));
  CHECK(snap->message_is_error);
  CHECK(snap->train->compare->runs.size() == 3);
  snap = settle(s, s.send(cmd::StartCompare{{CellKind::gru, CellKind::gru}}));
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("twice") != std::string::npos);

  snap = settle(s, s.send(cmd::StopCompare{}));
  CHECK(snap->train->compare == nullptr);
}

TEST_CASE("the compare set trains in lockstep; pause and reset act on every run; reset repeats each curve") {
  Session s({}, small_run());
  settle(s, s.send(cmd::StartCompare{all_cells}));
  auto snap = settle(s, s.send(cmd::Train{}));
  CHECK(snap->train->compare->running());
  snap = wait_for(s, [](const Snapshot& x) { return min_step(x) >= 120; });
  snap = settle(s, s.send(cmd::PauseTraining{}));
  const CompareView& cv = *snap->train->compare;
  CHECK(!cv.running());
  CHECK(snap->train->step == 0);  // the main run did not train
  CHECK(snap->train->state == TrainState::idle);
  const std::int64_t at = cv.runs[0].step;
  std::vector<std::vector<StepPoint>> first;
  for (const CompareRunView& r : cv.runs) {
    CHECK(r.state == TrainState::paused);
    CHECK(r.step == at);  // the same number of steps in every slice
    CHECK(r.steps_per_second > 0);
    CHECK(r.seconds > 0);
    REQUIRE(r.steps->size() == static_cast<std::size_t>(at));
    CHECK(r.steps->back().loss < r.steps->front().loss);  // each learns
    first.push_back(*r.steps);
  }
  CHECK(cv.runs[0].steps->front().loss != cv.runs[1].steps->front().loss);  // but they are different models
  std::this_thread::sleep_for(30ms);
  CHECK(s.latest()->train->compare->runs[1].step == at);  // paused means paused

  // The forecast settings reach every run.
  snap = settle(s, s.send(cmd::SetForecast{250, 40}));
  for (const CompareRunView& r : snap->train->compare->runs) {
    CHECK(r.forecast->rollout_from == 250);
    CHECK(r.forecast->rollout.size() == 40);
  }

  snap = settle(s, s.send(cmd::ResetTraining{}));
  for (const CompareRunView& r : snap->train->compare->runs) {
    CHECK(r.step == 0);
    CHECK(r.steps->empty());
    CHECK(r.state == TrainState::idle);
  }
  s.send(cmd::ToggleTraining{});
  wait_for(s, [&](const Snapshot& x) { return min_step(x) >= at; });
  snap = settle(s, s.send(cmd::ToggleTraining{}));
  for (std::size_t k = 0; k < 3; ++k) {
    const CompareRunView& r = snap->train->compare->runs[k];
    CHECK(r.state == TrainState::paused);
    REQUIRE(r.steps->size() >= first[k].size());
    for (std::size_t i = 0; i < first[k].size(); ++i) {
      REQUIRE((*r.steps)[i].step == first[k][i].step);
      REQUIRE((*r.steps)[i].loss == first[k][i].loss);  // bit for bit
    }
  }
}

TEST_CASE("compare mode takes every setting but the cell from the training settings") {
  TrainSettings t = small_run();
  t.trainer.model.hidden_size = 4;
  Session s({}, small_run());
  settle(s, s.send(cmd::StartCompare{{CellKind::lstm, CellKind::rnn}}));
  // New settings rebuild the set with them.
  auto snap = settle(s, s.send(cmd::ConfigureTraining{t}));
  REQUIRE(snap->train->compare != nullptr);
  REQUIRE(snap->train->compare->runs.size() == 2);
  CHECK(snap->train->compare->runs[0].cell == CellKind::lstm);
  CHECK(snap->train->compare->runs[0].parameter_count == 4 * 4 * (1 + 4 + 2) + 5);
  CHECK(snap->train->compare->runs[1].parameter_count == 1 * 4 * (1 + 4 + 2) + 5);
}

TEST_CASE("in a compare set a diverging run stops alone; the others go on") {
  // Plain SGD at lr = 1 without clipping: the RNN blows up within a few steps, the LSTM's gates
  // saturate instead and it trains on.
  TrainSettings t = small_run();
  t.trainer.optimizer.kind = OptimizerKind::sgd;
  t.trainer.optimizer.lr = 1;
  t.trainer.clip = 0;
  Session s({}, t);
  settle(s, s.send(cmd::StartCompare{{CellKind::rnn, CellKind::lstm}}));
  s.send(cmd::Train{});
  auto snap = wait_for(s, [](const Snapshot& x) {
    const auto& r = x.train->compare->runs;
    return r[0].state == TrainState::diverged && r[1].step >= r[0].step + 100;
  });
  const auto& runs = snap->train->compare->runs;
  CHECK(runs[0].message.find("learning rate") != std::string::npos);
  CHECK(runs[1].state != TrainState::diverged);
  CHECK(runs[1].message.empty());
  const std::int64_t stopped = runs[0].step;
  snap = wait_for(s, [&](const Snapshot& x) { return x.train->compare->runs[1].step >= stopped + 200; });
  CHECK(snap->train->compare->runs[0].step == stopped);
  CHECK(snap->train->compare->runs[0].state == TrainState::diverged);
}
