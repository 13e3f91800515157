// Memory tasks in the app's training run: validated like the CLI, the same seeded data and the same
// numbers as `unrolled-cli train --data adding:T` (run as a real process), the task view that stands in
// for the forecast, its export, and the stepping views on a task's window. Label threaded (TSan).
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/session/session.hpp"
#include "app/session/settings_io.hpp"
#include "app/session/training.hpp"
#include "app/session_util.hpp"
#include "app/temp_files.hpp"
#include "core/memory_tasks.hpp"
#include "io/model_file.hpp"

using namespace unrolled;
using namespace unrolled::app;
using test::settle;
using test::slurp;
using test::memory_task_run;
using test::TempDir;
using test::wait_for;
namespace fs = std::filesystem;

namespace {

// adding:12 on 256 + 64 windows, LSTM H = 8, batch 16: 16 steps an epoch, quick under sanitizers.
TrainSettings adding_run() {
  TrainSettings t = memory_task_run(MemoryTask::adding, 12, 256, 64);
  t.task->seed = 5;
  t.split.loss = LossMode::last;
  t.trainer.model.hidden_size = 8;
  t.trainer.batch = 16;
  t.trainer.epochs = 3;
  t.trainer.seed = 3;
  return t;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}
}  // namespace

TEST_CASE("memory-task settings are validated like the CLI's, naming the field") {
  TrainSettings t = adding_run();
  CHECK(validate_train_settings(t).empty());
  t.split.steps = 13;  // the task sets T
  CHECK(validate_train_settings(t).find("must equal the memory task's T = 12") != std::string::npos);
  t = adding_run();
  t.split.loss = LossMode::all;
  CHECK(validate_train_settings(t).find("last step only") != std::string::npos);
  t = adding_run();
  t.task->train_windows = 0;
  CHECK(validate_train_settings(t).find("training windows") != std::string::npos);
  t = adding_run();
  t.task->steps = t.split.steps = 300;  // the app keeps T ≤ 256
  CHECK(validate_train_settings(t).find("sequence length 300 is out of range") != std::string::npos);
  t = adding_run();
  t.task->train_windows = 1000000;  // (W + V)·T·I values over the 2^26 held
  t.task->steps = t.split.steps = 200;
  CHECK(validate_train_settings(t).find("input values") != std::string::npos);
  t = adding_run();
  t.csv_path = "x.csv";
  CHECK(validate_train_settings(t).find("choose one") != std::string::npos);

  // The data set: the task's own, with I = 2 inputs for the adding problem.
  const auto data = make_train_dataset(adding_run());
  CHECK(data->input_size() == 2);
  CHECK(data->steps() == 12);
  CHECK(data->count(Split::train) == 256);
  CHECK(data->count(Split::validation) == 64);
  CHECK(data->describe() == MemoryTaskDataset(*adding_run().task).describe());
  CHECK(train_data_name(adding_run()) == "adding:12");
}

TEST_CASE("the settings table reads back what it writes: the task, a CSV, waves beyond the summed ones") {
  std::vector<TrainSettings> cases(4);
  cases[0] = adding_run();
  cases[1].csv_path = "series.csv";
  cases[1].csv_column = "value";
  cases[2].signal.waves = 1;
  cases[2].signal.wave[1].amplitude = 0.75;  // edited but not summed: kept all the same
  cases[2].trainer.optimizer.nesterov = true;
  cases[2].trainer.optimizer.momentum = 0.5;
  cases[3] = adding_run();
  cases[3].task->task = MemoryTask::copy;
  for (const TrainSettings& want : cases) {
    TrainSettings got;
    got.trainer.model.hidden_size = 99;  // every key is written, so nothing of this survives
    const SettingList values = train_setting_values(want);
    CHECK(values.front().first == "data");
    for (const auto& [key, value] : values) REQUIRE(set_train_setting(got, key, value, true).empty());
    CHECK(got == want);
  }
  // Lessons do not name files: a CSV is refused there, and so is a task key without a task.
  TrainSettings t;
  CHECK(set_train_setting(t, "data", std::string("series.csv"), false).find("is not one of") != std::string::npos);
  CHECK(set_train_setting(t, "column", std::string("0"), false).find("unknown key") != std::string::npos);
  CHECK(set_train_setting(t, "windows", std::int64_t{10}, true).find("memory task") != std::string::npos);
  CHECK(set_train_setting(t, "data", std::string("adding:7"), false).empty());
  CHECK(t.split.steps == 7);
  CHECK(t.task->task == MemoryTask::adding);
  CHECK(set_train_setting(t, "data", std::string("sine"), false).empty());
  CHECK_FALSE(t.task);

  SceneSettings scene;
  scene.signal = SignalKind::csv;
  scene.csv_path = "x.csv";
  scene.model_path = "m.json";
  scene.weight_scale = 0.3;
  SceneSettings read;
  for (const auto& [key, value] : scene_setting_values(scene)) REQUIRE(set_scene_setting(read, key, value, true).empty());
  CHECK(read.signal == SignalKind::csv);
  CHECK(read.csv_path == "x.csv");
  CHECK(read.model_path == "m.json");
  CHECK(read.weight_scale == 0.3);
  CHECK(set_scene_setting(read, "signal", std::string("csv"), false).find("is not one of") != std::string::npos);
}

// The acceptance check of the issue: the app and `unrolled-cli train --data adding:T` give the same
// numbers for the same settings — every step's loss, and the final weights bit for bit.
TEST_CASE("the app trains adding:T exactly as unrolled-cli train does") {
  const TempDir dir("unrolled-memtask");
  const std::string cli = std::string(UNROLLED_BIN_DIR) + "/unrolled-cli train --data adding:12 --windows 256 "
                          "--val-windows 64 --task-seed 5 --cell lstm --hidden 8 --batch 16 --epochs 3 --seed 3 "
                          "--progress none --out '" + (dir / "cli.json") + "' --metrics '" + (dir / "cli.csv") +
                          "' > '" + (dir / "out.txt") + "' 2>&1";
  const int status = std::system(cli.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  Session s({}, adding_run());
  s.send(cmd::Train{});
  auto snap = wait_for(s, [](const Snapshot& x) { return x.train->state == TrainState::finished; });
  REQUIRE(snap->train->step == 48);  // 3 epochs of 256 / 16 windows
  snap = settle(s, s.send(cmd::SaveModel{dir / "app.json"}));
  REQUIRE_FALSE(snap->message_is_error);

  // Every step's mini-batch loss (the CLI's CSV keeps 9 digits: a float exactly).
  std::istringstream rows(slurp(dir / "cli.csv"));
  std::string line;
  std::getline(rows, line);
  const std::vector<StepPoint>& steps = *snap->train->steps;
  REQUIRE(steps.size() == 48);
  std::size_t i = 0;
  while (std::getline(rows, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    REQUIRE(i < steps.size());
    CHECK(std::stoll(cells[0]) == steps[i].step);
    CHECK(std::strtof(cells[2].c_str(), nullptr) == static_cast<float>(steps[i].loss));
    ++i;
  }
  CHECK(i == 48);

  const io::ModelFile app = io::load_model_file(dir / "app.json"), cli_model = io::load_model_file(dir / "cli.json");
  CHECK(app.config.input_size == 2);
  CHECK(same_bits(app.params, cli_model.params));
  CHECK_FALSE(app.extra.contains("normalization"));  // a task is not normalised, as the CLI's file
  CHECK(app.extra["training"]["data"] == "adding:12");
  CHECK(app.extra["training"]["windows"] == 256);
  CHECK(app.extra["training"]["task-seed"] == 5);
  CHECK(app.extra["training_result"]["val_mse"] == cli_model.extra["training_result"]["val_mse"]);
}

TEST_CASE("a memory task's view: each window's answer against its target, the no-memory baseline, the export") {
  Session s({}, adding_run());
  auto snap = s.latest();
  REQUIRE(snap->train->task);
  CHECK(snap->train->forecast->truth.empty());  // no series to forecast
  const TaskView& v = *snap->train->task;
  CHECK(v.task == MemoryTask::adding);
  CHECK(v.steps == 12);
  CHECK(v.windows == 64);
  REQUIRE(v.target.size() == 64);
  const MemoryTaskDataset data(*adding_run().task);
  double base = 0, se = 0;
  std::vector<int> seen(64, 0);
  for (int k = 0; k < 64; ++k) {
    const int w = v.window[static_cast<std::size_t>(k)];
    REQUIRE((w >= 0 && w < 64));
    ++seen[static_cast<std::size_t>(w)];
    CHECK(v.target[static_cast<std::size_t>(k)] == data.target(Split::validation, w));
    if (k > 0) CHECK(v.target[static_cast<std::size_t>(k) - 1] <= v.target[static_cast<std::size_t>(k)]);  // sorted
    base += (1.0 - v.target[static_cast<std::size_t>(k)]) * (1.0 - v.target[static_cast<std::size_t>(k)]);
    se += (double(v.prediction[static_cast<std::size_t>(k)]) - v.target[static_cast<std::size_t>(k)]) *
          (double(v.prediction[static_cast<std::size_t>(k)]) - v.target[static_cast<std::size_t>(k)]);
  }
  CHECK(seen == std::vector<int>(64, 1));  // every window once
  CHECK(v.baseline_prediction == 1.0);
  CHECK(v.val_baseline_mse == data.baseline_mse(Split::validation));
  CHECK(v.baseline_mse == doctest::Approx(base / 64).epsilon(1e-12));
  CHECK(v.baseline_mse == doctest::Approx(data.baseline_mse(Split::validation)).epsilon(1e-6));
  CHECK(v.mse == doctest::Approx(se / 64).epsilon(1e-12));
  // All 64 windows are shown, so the view's MSE is the run's validation MSE once an epoch has ended.
  snap = settle(s, s.send(cmd::Train{16}));
  snap = wait_for(s, [](const Snapshot& x) { return x.train->state == TrainState::paused; });
  CHECK(snap->train->task->at_step == 16);
  CHECK(snap->train->task->mse == doctest::Approx(snap->train->last_val_mse).epsilon(1e-5));

  const TempDir dir("unrolled-memtask");
  snap = settle(s, s.send(cmd::ExportForecast{dir / "task.csv"}));
  CHECK_FALSE(snap->message_is_error);
  CHECK(snap->message.find("task's answers") != std::string::npos);
  const std::string csv = slurp(dir / "task.csv");
  CHECK(csv.rfind("window,target,prediction\n" + std::to_string(snap->train->task->window[0] + 1) + ",", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 65);
}

TEST_CASE("the stepping views follow a memory task's window: two inputs, a target at t = T only") {
  Session s({}, adding_run());
  auto snap = settle(s, s.send(cmd::Follow{true}));
  const Scene& sc = *snap->scene;
  REQUIRE(sc.follows_training);
  CHECK(sc.steps == 12);
  CHECK(sc.config.input_size == 2);
  CHECK(sc.input.rows == 2);
  // The adding problem's markers: exactly two 1s in channel 1 of the window.
  int markers = 0;
  for (int t = 0; t < 12; ++t) markers += sc.input.at(1, t) == 1.0f;
  CHECK(markers == 2);
  for (int t = 0; t < 11; ++t) CHECK(std::isnan(sc.target.at(0, t)));
  const MemoryTaskDataset data(*adding_run().task);
  CHECK(sc.target.at(0, 11) == data.target(Split::validation, 0));
  CHECK(std::isfinite(sc.loss));
  CHECK(sc.loss == doctest::Approx((sc.output.at(0, 11) - sc.target.at(0, 11)) * (sc.output.at(0, 11) - sc.target.at(0, 11))));
  snap = settle(s, s.send(cmd::SetWindow{5}));
  CHECK(snap->scene->target.at(0, 11) == data.target(Split::validation, 5));
}

TEST_CASE("reset gives a memory task's run the same initial weights and the same curve again") {
  const TempDir dir("unrolled-memtask");
  Session s({}, adding_run());
  settle(s, s.send(cmd::SaveModel{dir / "start.json"}));
  s.send(cmd::Train{20});
  auto snap = wait_for(s, [](const Snapshot& x) { return x.train->state == TrainState::paused; });
  const std::vector<StepPoint> first = *snap->train->steps;
  settle(s, s.send(cmd::ResetTraining{}));
  settle(s, s.send(cmd::SaveModel{dir / "reset.json"}));
  CHECK(same_bits(io::load_model_file(dir / "start.json").params, io::load_model_file(dir / "reset.json").params));
  s.send(cmd::Train{20});
  snap = wait_for(s, [](const Snapshot& x) { return x.train->state == TrainState::paused && x.train->step == 20; });
  REQUIRE(snap->train->steps->size() == first.size());
  for (std::size_t i = 0; i < first.size(); ++i) CHECK((*snap->train->steps)[i].loss == first[i].loss);
}
