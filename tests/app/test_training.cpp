// Live training in the session: the decimated histories, settings validation, Train / Pause / Reset
// (the same seed gives the same curve), divergence, the forecast and gradient-decay views, the
// stepping views following the run, and the exports. Runs under ThreadSanitizer (label "threaded").
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "app/session/session.hpp"
#include "app/session_util.hpp"
#include "app/session/training.hpp"
#include "io/model_file.hpp"

using namespace unrolled;
using namespace unrolled::app;
using namespace std::chrono_literals;
using test::settle;
using test::small_run;
using test::wait_for;

namespace {
std::string temp_dir() {
  const std::string d = (std::filesystem::temp_directory_path() / ("unrolled-train-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(d);
  return d;
}
std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("a history keeps at most its capacity and its merged points keep the exact means") {
  History<StepPoint> h(8);
  double sum = 0;
  for (int i = 1; i <= 1000; ++i) {
    h.add({i, 1 + i / 100, 1, 0.01 * i, double(i), 2.0 * i, 0.5});
    sum += i;
    REQUIRE(h.points().size() <= 8);
  }
  const std::vector<StepPoint> pts = h.with_pending();
  CHECK(h.stride() == 128);  // 1000 steps into at most 8 points: stride doubles to 128
  int count = 0;
  double weighted = 0;
  std::int64_t last_step = 0;
  for (const StepPoint& p : pts) {
    CHECK(p.step > last_step);  // in order
    last_step = p.step;
    count += p.count;
    weighted += p.loss * p.count;
    CHECK(p.grad_norm == doctest::Approx(2.0 * p.loss));  // merged with the same weights
  }
  CHECK(count == 1000);  // nothing lost: every step is in exactly one point
  CHECK(pts.back().step == 1000);
  CHECK(weighted / count == doctest::Approx(sum / 1000));
  // Evenly spaced: every stored point (not the pending one) holds `stride` steps.
  for (const StepPoint& p : h.points()) CHECK(p.count == h.stride());
}

TEST_CASE("training settings are validated like the CLI's, naming the field") {
  CHECK(validate_train_settings(TrainSettings{}).empty());
  TrainSettings t;
  t.trainer.model.hidden_size = 257;
  CHECK(validate_train_settings(t).find("hidden size 257") != std::string::npos);
  t = {};
  t.trainer.batch = 0;
  CHECK(validate_train_settings(t).find("batch") != std::string::npos);
  t = {};
  t.trainer.optimizer.lr = 0;
  CHECK(validate_train_settings(t).find("learning rate") != std::string::npos);
  t = {};
  t.signal.length = 20;  // too short for windows of 32
  CHECK_FALSE(validate_train_settings(t).empty());
  t = {};
  t.signal.noise = -1;
  CHECK(validate_train_settings(t).find("noise") != std::string::npos);
  t = {};
  t.csv_path = "/nonexistent/series.csv";
  CHECK_THROWS_WITH_AS(make_train_dataset(t), doctest::Contains("/nonexistent/series.csv"), std::runtime_error);
}

TEST_CASE("bad settings are refused with a message and the current run is kept") {
  Session s({}, small_run());
  TrainSettings bad = small_run();
  bad.trainer.model.hidden_size = 0;
  auto snap = settle(s, s.send(cmd::ConfigureTraining{bad}));
  CHECK(snap->message_is_error);
  CHECK(snap->train->error.find("hidden size") != std::string::npos);
  CHECK(snap->train->settings.trainer.model.hidden_size == 8);
}

TEST_CASE("train, pause and resume; reset gives the same curve again (same seed)") {
  Session s({}, small_run());
  auto snap = s.latest();
  CHECK(snap->train->state == TrainState::idle);
  CHECK(snap->train->step == 0);
  CHECK(snap->train->steps->empty());

  s.send(cmd::Train{});
  snap = wait_for(s, [](const Snapshot& x) { return x.train->step >= 150; });
  CHECK(snap->train->state == TrainState::running);
  snap = settle(s, s.send(cmd::PauseTraining{}));
  CHECK(snap->train->state == TrainState::paused);
  const std::int64_t paused_at = snap->train->step;
  CHECK(snap->train_steps == paused_at);
  const double wall = snap->train->wall_seconds;
  CHECK(wall > 0.0);
  CHECK(wall >= snap->train->seconds * 0.99);  // the training steps happen inside the running time
  std::this_thread::sleep_for(50ms);
  CHECK(s.latest()->train->step == paused_at);  // paused means paused
  CHECK(s.latest()->train->wall_seconds == wall);
  const std::vector<StepPoint> first = *snap->train->steps;
  REQUIRE(first.size() == static_cast<std::size_t>(paused_at));  // short runs keep every step
  CHECK(first.back().loss < first.front().loss);                   // it learns

  s.send(cmd::Train{});
  snap = wait_for(s, [&](const Snapshot& x) { return x.train->step >= paused_at + 50; });
  CHECK(snap->train->epoch >= 1);

  snap = settle(s, s.send(cmd::ResetTraining{}));
  CHECK(snap->train->step == 0);
  CHECK(snap->train->steps->empty());
  CHECK(snap->train->state == TrainState::idle);
  s.send(cmd::Train{});
  wait_for(s, [&](const Snapshot& x) { return x.train->step >= paused_at; });
  snap = settle(s, s.send(cmd::PauseTraining{}));
  const std::vector<StepPoint>& again = *snap->train->steps;
  REQUIRE(again.size() >= first.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    REQUIRE(again[i].step == first[i].step);
    REQUIRE(again[i].loss == first[i].loss);  // bit for bit
    REQUIRE(again[i].grad_norm == first[i].grad_norm);
  }
}

TEST_CASE("a diverging run stops, says what to try, and keeps the last good weights") {
  TrainSettings t = small_run();
  t.trainer.optimizer.kind = OptimizerKind::sgd;
  t.trainer.optimizer.lr = 1000;
  t.trainer.clip = 0;
  Session s({}, t);
  s.send(cmd::Train{});
  auto snap = wait_for(s, [](const Snapshot& x) { return x.train->state != TrainState::running && x.train->step > 0; });
  CHECK(snap->train->state == TrainState::diverged);
  CHECK(snap->train->divergence_step >= 1);
  CHECK(snap->train->message.find("learning rate") != std::string::npos);
  CHECK(snap->message_is_error);
  // Train again is refused with advice, and the run stays where it stopped.
  snap = settle(s, s.send(cmd::Train{}));
  CHECK(snap->train->state == TrainState::diverged);
  CHECK(snap->message.find("diverged") != std::string::npos);
  // The saved weights are finite (the last good ones).
  const std::string path = temp_dir() + "/diverged.json";
  snap = settle(s, s.send(cmd::SaveModel{path}));
  CHECK_FALSE(snap->message_is_error);
  const Model<float> m = io::load_model<float>(path);
  for (float p : m.params) REQUIRE(std::isfinite(p));
}

TEST_CASE("the forecast view covers the series, the validation split and the chosen rollout") {
  Session s({}, small_run());
  auto snap = s.latest();
  const ForecastView& f = *snap->train->forecast;
  CHECK(f.truth.size() == 400);
  CHECK(f.split == 320);  // 20 % validation
  CHECK(std::isnan(f.one_step[0]));  // nothing before the first sample
  CHECK(std::isfinite(f.one_step[1]));  // teacher forcing over the training part too
  CHECK(std::isfinite(f.one_step[320]));
  CHECK(f.rollout_from == 320);
  CHECK(f.rollout.size() == 80);
  CHECK(std::isfinite(f.one_step_mse));
  snap = settle(s, s.send(cmd::SetForecast{200, 300}));
  CHECK(snap->train->forecast->rollout_from == 200);
  CHECK(snap->train->forecast->rollout.size() == 300);
  CHECK(std::isfinite(snap->train->forecast->rollout_mse));  // 200 of the 300 have a truth

  // Training improves the teacher-forced forecast.
  const double before = snap->train->forecast->one_step_mse;
  s.send(cmd::Train{});
  wait_for(s, [](const Snapshot& x) { return x.train->step >= 300; });
  snap = settle(s, s.send(cmd::PauseTraining{}));
  CHECK(snap->train->forecast->at_step == snap->train->step);
  CHECK(snap->train->forecast->one_step_mse < 0.5 * before);
}

TEST_CASE("gradient decay curves: one per layer, earlier ones kept at steps 0, 10 and 100") {
  TrainSettings t = small_run();
  t.trainer.model.num_layers = 2;
  Session s({}, t);
  auto snap = s.latest();
  REQUIRE(snap->train->decay->current.layers.size() == 2);
  CHECK(snap->train->decay->current.layers[0].size() == 16);
  REQUIRE(snap->train->decay->earlier.size() == 1);
  CHECK(snap->train->decay->earlier[0].step == 0);
  for (float v : snap->train->decay->current.layers[1]) CHECK((std::isfinite(v) && v > 0));
  // With the loss on the last step, dL/dh_T is the largest for the top layer's... at least larger than at t = 1.
  const auto& top = snap->train->decay->current.layers[1];
  CHECK(top.back() > top.front());

  s.send(cmd::Train{});
  wait_for(s, [](const Snapshot& x) { return x.train->step >= 120; });
  snap = settle(s, s.send(cmd::PauseTraining{}));
  const auto& earlier = snap->train->decay->earlier;
  REQUIRE(earlier.size() >= 3);  // 1000 too if the pause came late on a busy machine
  CHECK(earlier[1].step == 10);  // exact: the slices stop at the snapshot steps
  CHECK(earlier[2].step == 100);
  CHECK(earlier[2].layers[0] != earlier[0].layers[0]);
}

TEST_CASE("the stepping views follow the training model on the chosen validation window") {
  Session s({}, small_run());
  CHECK_FALSE(s.latest()->scene->follows_training);
  s.send(cmd::Train{});
  auto snap = wait_for(s, [](const Snapshot& x) { return x.scene->follows_training && x.train->step > 20; });
  CHECK(snap->train->following);
  CHECK(snap->scene->steps == 16);
  CHECK(snap->scene->config.hidden_size == 8);
  CHECK(snap->scene->source.find("training model") != std::string::npos);
  snap = settle(s, s.send(cmd::PauseTraining{}));
  const float x0 = snap->scene->input.at(0, 0);
  snap = settle(s, s.send(cmd::SetWindow{40}));
  CHECK(snap->train->window == 40);
  CHECK(snap->scene->input.at(0, 0) != x0);
  CHECK(snap->scene->source.find("window 41") != std::string::npos);
  // The explorer's controls take the stepping views back.
  snap = settle(s, s.send(cmd::Configure{snap->scene->settings}));
  CHECK_FALSE(snap->scene->follows_training);
  CHECK_FALSE(snap->train->following);
}

TEST_CASE("exports: the curves and forecast CSVs, and failures as messages") {
  Session s({}, small_run());
  s.send(cmd::Train{});
  wait_for(s, [](const Snapshot& x) { return x.train->epoch >= 2; });
  s.send(cmd::PauseTraining{});
  const std::string dir = temp_dir();
  auto snap = settle(s, s.send(cmd::ExportCurves{dir + "/curves.csv"}));
  CHECK_FALSE(snap->message_is_error);
  const std::string curves = read_text(dir + "/curves.csv");
  CHECK(curves.rfind("step,epoch,train_loss,val_loss,grad_norm,lr,seconds\n", 0) == 0);
  std::size_t rows = 0, with_val = 0;
  std::istringstream in(curves);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> cells;
    std::stringstream ls(line);
    std::string c;
    while (std::getline(ls, c, ',')) cells.push_back(c);
    if (cells.size() > 3 && !cells[3].empty()) ++with_val;
  }
  CHECK(rows == static_cast<std::size_t>(snap->train->step));
  CHECK(with_val == static_cast<std::size_t>(snap->train->epoch));

  snap = settle(s, s.send(cmd::ExportForecast{dir + "/forecast.csv"}));
  CHECK_FALSE(snap->message_is_error);
  const std::string fc = read_text(dir + "/forecast.csv");
  CHECK(fc.rfind("t,truth,one_step,rollout\n", 0) == 0);
  CHECK(std::count(fc.begin(), fc.end(), '\n') == 401);

  snap = settle(s, s.send(cmd::ExportCurves{"/nonexistent-dir/curves.csv"}));
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("/nonexistent-dir/curves.csv") != std::string::npos);
  snap = settle(s, s.send(cmd::SaveModel{dir}));  // a directory
  CHECK(snap->message_is_error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a saved model carries the run's settings and opens as the training run's model") {
  Session s({}, small_run());
  s.send(cmd::Train{});
  wait_for(s, [](const Snapshot& x) { return x.train->step >= 60; });
  auto snap = settle(s, s.send(cmd::PauseTraining{}));
  const std::string path = temp_dir() + "/run.json";
  snap = settle(s, s.send(cmd::SaveModel{path}));
  REQUIRE_FALSE(snap->message_is_error);
  const io::ModelFile file = io::load_model_file(path);
  CHECK(file.extra["training"]["hidden"] == 8);
  CHECK(file.extra["training"]["seq"] == 16);
  CHECK(file.extra.contains("normalization"));
  const double trained_mse = snap->train->forecast->one_step_mse;

  snap = settle(s, s.send(cmd::ResetTraining{}));
  CHECK(snap->train->forecast->one_step_mse != trained_mse);
  snap = settle(s, s.send(cmd::LoadModel{path}));
  CHECK_FALSE(snap->message_is_error);
  CHECK(snap->train->forecast->one_step_mse == doctest::Approx(trained_mse).epsilon(1e-6));
  std::filesystem::remove(path);
}

TEST_CASE("a speed limit holds the steps per second") {
  Session s({}, small_run());
  s.send(cmd::SetTrainSpeed{40});
  const auto t0 = std::chrono::steady_clock::now();
  settle(s, s.send(cmd::Train{}));
  std::this_thread::sleep_for(500ms);
  const std::int64_t steps = s.latest()->train->step;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(steps >= 1);
  CHECK(static_cast<double>(steps) <= 40.0 * elapsed + 2.0);  // at full speed it would be thousands
  settle(s, s.send(cmd::SetTrainSpeed{0}));
  wait_for(s, [&](const Snapshot& x) { return x.train->step >= steps + 200; });
}

TEST_CASE("readers on other threads see consistent snapshots while training runs") {
  Session s({}, small_run());
  std::atomic<bool> done{false};
  std::atomic<long long> checked{0};
  std::thread reader([&] {
    while (!done) {
      auto snap = s.latest();
      const TrainView& v = *snap->train;
      if (!v.steps->empty()) REQUIRE(v.steps->back().step <= v.step);
      REQUIRE(v.forecast->truth.size() == 400);
      REQUIRE(static_cast<int>(snap->scene->input.cols) == snap->scene->steps);
      ++checked;
    }
  });
  s.send(cmd::Train{});
  wait_for(s, [](const Snapshot& x) { return x.train->step >= 300; });
  s.send(cmd::SetWindow{3});
  s.send(cmd::ResetTraining{});
  s.send(cmd::Train{});
  wait_for(s, [](const Snapshot& x) { return x.train->step >= 100; });
  done = true;
  reader.join();
  s.shutdown();
  CHECK(checked > 10);
}

TEST_CASE("train to a step: the run pauses exactly there, with the views of that step") {
  Session s({}, small_run());
  s.send(cmd::Train{137});
  auto snap = wait_for(s, [](const Snapshot& x) { return x.train->state == TrainState::paused; });
  CHECK(snap->train->step == 137);
  CHECK(snap->train->forecast->at_step == 137);
  CHECK(snap->train->decay->current.step == 137);
  // Further: resume to a later step; a step already passed is refused without moving.
  s.send(cmd::Train{150});
  snap = wait_for(s, [](const Snapshot& x) { return x.train->state == TrainState::paused && x.train->step > 137; });
  CHECK(snap->train->step == 150);
  snap = settle(s, s.send(cmd::Train{100}));
  CHECK(snap->train->state == TrainState::paused);
  CHECK(snap->train->step == 150);
  CHECK(snap->message.find("already at step 150") != std::string::npos);
}
