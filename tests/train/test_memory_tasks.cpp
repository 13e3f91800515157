// Memory tasks: the copy and adding generators (shapes, determinism, independent splits, targets,
// baselines) and the reason they exist — a seeded race between the LSTM and the vanilla RNN.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "core/memory_tasks.hpp"
#include "core/threads.hpp"
#include "core/trainer.hpp"

using namespace unrolled;

namespace {
MemoryTaskConfig task_config(MemoryTask task, int steps, int train = 200, int val = 50, std::uint64_t seed = 7) {
  MemoryTaskConfig c;
  c.task = task;
  c.steps = steps;
  c.train_windows = train;
  c.val_windows = val;
  c.seed = seed;
  return c;
}

bool same_windows(const MemoryTaskDataset& a, Split sa, const MemoryTaskDataset& b, Split sb) {
  if (a.count(sa) != b.count(sb) || a.steps() != b.steps() || a.input_size() != b.input_size()) return false;
  const std::size_t n = static_cast<std::size_t>(a.steps()) * a.input_size();
  for (int w = 0; w < a.count(sa); ++w)
    if (std::memcmp(a.window(sa, w), b.window(sb, w), n * sizeof(float)) != 0 || a.target(sa, w) != b.target(sb, w))
      return false;
  return true;
}

#ifdef UNROLLED_SHORT_TRAINING  // set by tests/suites/train.cmake for Debug and sanitizer trees
constexpr bool full_budget = false;
#else
constexpr bool full_budget = true;
#endif

// The budget of the races below: ~1240 Adam steps where the code is optimised, a dozen elsewhere.
TrainerConfig race_config(CellKind cell) {
  TrainerConfig tc;
  tc.model.cell = cell;
  tc.model.hidden_size = 16;
  tc.optimizer.lr = 0.01;
  tc.batch = 32;
  tc.epochs = full_budget ? 20 : 2;
  tc.seed = 1;
  return tc;
}

std::shared_ptr<const MemoryTaskDataset> race_data(MemoryTask task) {
  const int train = full_budget ? 2000 : 200, val = full_budget ? 400 : 100;
  return std::make_shared<const MemoryTaskDataset>(task_config(task, 30, train, val, 1));
}

// The training step's thread count is the front end's choice; these tests want one, as the CLI's default.
struct OneComputeThread {
  int before = compute_threads();
  OneComputeThread() { set_compute_threads(1); }
  ~OneComputeThread() { set_compute_threads(before); }
};
}  // namespace

TEST_CASE("copy: shapes, the first input is the target, zeros after it") {
  const MemoryTaskDataset d(task_config(MemoryTask::copy, 12));
  CHECK(d.input_size() == 1);
  CHECK(d.output_size() == 1);
  CHECK(d.steps() == 12);
  CHECK(d.loss() == LossMode::last);
  CHECK(d.count(Split::train) == 200);
  CHECK(d.count(Split::validation) == 50);
  CHECK(d.describe() == "copy task, T = 12");
  for (Split split : {Split::train, Split::validation}) {
    for (int w = 0; w < d.count(split); ++w) {
      const float* x = d.window(split, w);
      CHECK(x[0] >= -1.0f);
      CHECK(x[0] <= 1.0f);
      CHECK(d.target(split, w) == x[0]);
      for (int t = 1; t < 12; ++t) CHECK(x[t] == 0.0f);
    }
  }
}

TEST_CASE("adding: two markers, one in each half; the target is the sum of the marked values") {
  for (int T : {2, 7, 30}) {
    CAPTURE(T);
    const MemoryTaskDataset d(task_config(MemoryTask::adding, T));
    CHECK(d.input_size() == 2);
    CHECK(d.output_size() == 1);
    for (Split split : {Split::train, Split::validation}) {
      for (int w = 0; w < d.count(split); ++w) {
        const float* x = d.window(split, w);  // [T × 2]: value, marker
        int first = 0, second = 0;
        float sum = 0.0f;
        for (int t = 0; t < T; ++t) {
          CHECK(x[t * 2] >= 0.0f);
          CHECK(x[t * 2] < 1.0f);
          const float marker = x[t * 2 + 1];
          REQUIRE((marker == 0.0f || marker == 1.0f));
          if (marker == 1.0f) {
            (t < T / 2 ? first : second) += 1;
            sum += x[t * 2];
          }
        }
        CHECK(first == 1);
        CHECK(second == 1);
        CHECK(d.target(split, w) == sum);
      }
    }
  }
}

TEST_CASE("fill writes the windows time-major, targets on the last step") {
  const MemoryTaskDataset d(task_config(MemoryTask::adding, 5));
  const int index[3] = {4, 0, 49};
  Mat<float> x(2, 15), y(1, 3);
  d.fill(Split::validation, index, 3, x, y);
  for (int b = 0; b < 3; ++b) {
    const float* src = d.window(Split::validation, index[b]);
    for (int t = 0; t < 5; ++t)
      for (int i = 0; i < 2; ++i) CHECK(x(i, t * 3 + b) == src[t * 2 + i]);
    CHECK(y(0, b) == d.target(Split::validation, index[b]));
  }
  const int bad[1] = {50};
  Mat<float> x1(2, 5), y1(1, 1);
  CHECK_THROWS_AS(d.fill(Split::validation, bad, 1, x1, y1), std::out_of_range);
}

TEST_CASE("same seed, same windows; another seed, other windows; validation drawn apart from training") {
  for (MemoryTask task : {MemoryTask::copy, MemoryTask::adding}) {
    CAPTURE(memory_task_name(task));
    const MemoryTaskDataset a(task_config(task, 9)), b(task_config(task, 9));
    CHECK(same_windows(a, Split::train, b, Split::train));
    CHECK(same_windows(a, Split::validation, b, Split::validation));
    const MemoryTaskDataset c(task_config(task, 9, 200, 50, 8));
    CHECK_FALSE(same_windows(a, Split::train, c, Split::train));
    // More training windows leave the validation set as it was: its stream is its own.
    const MemoryTaskDataset more(task_config(task, 9, 400, 50));
    CHECK(same_windows(a, Split::validation, more, Split::validation));
    // No validation window repeats a training window.
    const std::size_t bytes = 9 * a.input_size() * sizeof(float);
    for (int v = 0; v < a.count(Split::validation); ++v)
      for (int w = 0; w < a.count(Split::train); ++w)
        CHECK(std::memcmp(a.window(Split::validation, v), a.window(Split::train, w), bytes) != 0);
  }
}

TEST_CASE("baselines: a constant answer scores the variance of the target") {
  CHECK(memory_task_baseline_prediction(MemoryTask::copy) == 0.0);
  CHECK(memory_task_baseline_prediction(MemoryTask::adding) == 1.0);
  CHECK(memory_task_baseline_mse(MemoryTask::copy) == doctest::Approx(1.0 / 3.0));
  CHECK(memory_task_baseline_mse(MemoryTask::adding) == doctest::Approx(1.0 / 6.0));
  // 20000 windows: the standard error of the sample MSE is about 0.002 (copy) and 0.0009 (adding).
  for (MemoryTask task : {MemoryTask::copy, MemoryTask::adding}) {
    CAPTURE(memory_task_name(task));
    const MemoryTaskDataset d(task_config(task, 4, 20000, 20000, 3));
    const double theory = memory_task_baseline_mse(task);
    const double tolerance = task == MemoryTask::copy ? 0.01 : 0.005;
    CHECK(std::abs(d.baseline_mse(Split::train) - theory) < tolerance);
    CHECK(std::abs(d.baseline_mse(Split::validation) - theory) < tolerance);
    double direct = 0;
    for (int w = 0; w < d.count(Split::train); ++w) {
      const double e = d.target(Split::train, w) - memory_task_baseline_prediction(task);
      direct += e * e;
    }
    CHECK(d.baseline_mse(Split::train) == doctest::Approx(direct / d.count(Split::train)));
  }
}

TEST_CASE("task names: copy:T and adding:T; bad lengths and sizes refused with the reason") {
  MemoryTaskConfig c;
  CHECK(parse_memory_task("copy:30", c).empty());
  CHECK(c.task == MemoryTask::copy);
  CHECK(c.steps == 30);
  CHECK(parse_memory_task("adding:100000", c).empty());
  CHECK(c.task == MemoryTask::adding);
  CHECK(c.steps == 100000);
  CHECK(parse_memory_task("copy:1", c).empty());
  for (const char* bad : {"copy:0", "copy:abc", "adding:", "adding:1", "copy", "copy:-3", "copy:3x", "copy: 3",
                          "copy:100001", "copy:99999999999", "adding:+5"}) {
    CAPTURE(bad);
    MemoryTaskConfig before;
    const std::string why = parse_memory_task(bad, before);
    CHECK(why.find(":T needs the sequence length T") != std::string::npos);
    CHECK(before.steps == MemoryTaskConfig{}.steps);  // untouched
  }
  CHECK(parse_memory_task("multiply:3", c).find("unknown memory task 'multiply'") != std::string::npos);
  CHECK(is_memory_task("copy:30"));
  CHECK(is_memory_task("adding:"));
  CHECK(is_memory_task("copy"));
  CHECK_FALSE(is_memory_task("sine"));
  CHECK_FALSE(is_memory_task("copy.csv"));
  CHECK_FALSE(is_memory_task("./copy:3"));

  c = task_config(MemoryTask::adding, 100000, 1000000, 1000);
  CHECK(validate_memory_task(c).find("fewer windows") != std::string::npos);
  CHECK_THROWS_AS(MemoryTaskDataset{c}, std::invalid_argument);
  c = task_config(MemoryTask::copy, 10, 0, 10);
  CHECK(validate_memory_task(c).find("training windows") != std::string::npos);
  c = task_config(MemoryTask::copy, 10, 10, 0);
  CHECK(validate_memory_task(c).find("validation windows") != std::string::npos);
}

// The lesson the tasks teach, with one seed and a fixed budget (race_config): ~1240 Adam steps (20 epochs
// of 2000 windows, batch 32), H = 16, T = 30, about a second in Release. Across seeds 1–8 the LSTM ends at val MSE
// ≤ 0.0012 on adding:30 while the RNN stays at 0.046–0.18 (the baseline is 1/6): the LSTM's MSE is at
// most 1/50 of the RNN's and 1/100 of the baseline, against the 1/2 and 3/10 asked here.
TEST_CASE("adding:30: the LSTM beats the vanilla RNN within a fixed budget") {
  const OneComputeThread one_thread;
  auto data = race_data(MemoryTask::adding);
  const double rnn = Trainer(data, race_config(CellKind::rnn)).run().val_mse;
  const double lstm = Trainer(data, race_config(CellKind::lstm)).run().val_mse;
  const double baseline = data->baseline_mse(Split::validation);
  MESSAGE("adding:30 val_mse: lstm " << lstm << ", rnn " << rnn << ", constant 1 " << baseline);
  REQUIRE(std::isfinite(rnn));
  REQUIRE(std::isfinite(lstm));
  if (!full_budget) return;  // too few steps to learn: the race is run, not judged
  CHECK(lstm < 0.5 * rnn);
  CHECK(lstm < 0.3 * baseline);
}

// The copy task at T = 30 is not where the LSTM wins: with PyTorch's initialisation its forget gate starts
// half open (σ(0) = 0.5), x_1 fades as 0.5^29 before the answer is asked for, and since every window
// asks across the same 29 steps, no gradient teaches it to keep the gate open within this budget (val
// MSE stays at the baseline for seeds 1–8). The vanilla RNN learns to latch x_1 in saturated units. So
// this test only shows the task is learnable: the RNN gets well below the baseline (its best epoch:
// at lr 0.01 it sometimes loses the latch again late in a run).
TEST_CASE("copy:30 is learnable: the vanilla RNN gets well below the baseline") {
  const OneComputeThread one_thread;
  auto data = race_data(MemoryTask::copy);
  Trainer rnn_trainer(data, race_config(CellKind::rnn));
  rnn_trainer.run();
  const double rnn = rnn_trainer.best_val_mse();
  const double baseline = data->baseline_mse(Split::validation);
  MESSAGE("copy:30 best val_mse: rnn " << rnn << ", constant 0 " << baseline);
  REQUIRE(std::isfinite(rnn));
  if (full_budget) CHECK(rnn < 0.5 * baseline);
}
