// Forecasts: shapes, exactness on a model built by hand, and accuracy after brief training.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "core/forecast.hpp"
#include "core/signal.hpp"
#include "core/trainer.hpp"

using namespace unrolled;

namespace {
// A one-unit ReLU RNN whose output is its input plus c: y_t = relu(x_t + c). On the positive ramp
// z_t = a + c·t it predicts the next value exactly, so every forecast must be exact too.
Model<float> ramp_model(float c, float w_hh) {
  ModelConfig cfg;
  cfg.cell = CellKind::rnn;
  cfg.nonlinearity = Nonlinearity::relu;
  cfg.hidden_size = 1;
  Model<float> m(cfg);
  auto set = [&](const char* name, float v) { m.params[m.layout.find(name)->offset] = v; };
  set("rnn.weight_ih_l0", 1.0f);
  set("rnn.weight_hh_l0", w_hh);
  set("rnn.bias_ih_l0", c);
  set("rnn.bias_hh_l0", 0.0f);
  set("head.weight", 1.0f);
  set("head.bias", 0.0f);
  return m;
}
std::vector<float> ramp(int n, float a, float c) {
  std::vector<float> z(static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) z[static_cast<std::size_t>(t)] = a + c * static_cast<float>(t);
  return z;
}
}  // namespace

TEST_CASE("forecasts are exact where the model is") {
  const Model<float> m = ramp_model(0.25f, 0.0f);
  const std::vector<float> z = ramp(40, 1.0f, 0.25f);
  const std::vector<float> one = one_step_forecast(m, z, 8, 3, 40);
  REQUIRE(one.size() == 37);
  for (int t = 3; t < 40; ++t) CHECK(one[t - 3] == doctest::Approx(z[t]));
  for (RolloutMode mode : {RolloutMode::window, RolloutMode::carry}) {
    CAPTURE(rollout_mode_name(mode));
    const std::vector<float> r = rollout(m, z, 8, 20, 50, mode);  // beyond the data: the future
    REQUIRE(r.size() == 50);
    for (int k = 0; k < 50; ++k) CHECK(r[k] == doctest::Approx(1.0f + 0.25f * (20 + k)).epsilon(1e-5));
  }
  CHECK(rollout(m, z, 8, 40, 0).empty());
  CHECK(rollout(m, z, 8, 2, 3).size() == 3);  // shorter warm-up near the start
}

TEST_CASE("carry keeps the state, window restarts from zero") {
  // With a recurrent weight the two differ after the first prediction, which they share.
  const Model<float> m = ramp_model(0.25f, 0.5f);
  const std::vector<float> z = ramp(40, 1.0f, 0.25f);
  const std::vector<float> w = rollout(m, z, 4, 20, 5, RolloutMode::window);
  const std::vector<float> c = rollout(m, z, 4, 20, 5, RolloutMode::carry);
  CHECK(w[0] == c[0]);
  CHECK(w[3] != doctest::Approx(c[3]));
  // carry equals one long forward pass over warm-up + fed-back predictions.
  Mat<float> x(1, 4 + 4);
  for (int j = 0; j < 4; ++j) x(0, j) = z[16 + j];
  for (int k = 0; k < 4; ++k) x(0, 4 + k) = c[k];
  Trace<float> tr;
  forward(m, x, 1, tr);
  for (int k = 0; k < 5; ++k) CHECK(c[k] == doctest::Approx(tr.output(0, 3 + k)));
}

TEST_CASE("argument checks") {
  const Model<float> m = ramp_model(0.25f, 0.0f);
  const std::vector<float> z = ramp(10, 1.0f, 0.25f);
  CHECK_THROWS_AS(one_step_forecast(m, z, 4, 0, 5), std::invalid_argument);
  CHECK_THROWS_AS(one_step_forecast(m, z, 4, 5, 11), std::invalid_argument);
  CHECK_THROWS_AS(rollout(m, z, 4, 11, 1), std::invalid_argument);
  CHECK_THROWS_AS(rollout(m, z, 0, 5, 1), std::invalid_argument);
  ModelConfig two;
  two.input_size = 2;
  CHECK_THROWS_AS(rollout(Model<float>(two), z, 4, 5, 1), std::invalid_argument);
  CHECK(std::isnan(mean_squared_error({}, {})));
  CHECK(mean_squared_error({1.0, 2.0}, {0.0, 4.0}) == doctest::Approx(2.5));
}

TEST_CASE("a briefly trained LSTM rolls a pure sine out accurately") {
  SignalConfig sc;
  sc.length = 400;
  sc.wave[0].frequency = 0.05;
  SeriesSplit sp;
  sp.steps = 20;
  auto data = std::make_shared<const SeriesDataset>(generate_signal(sc), sp, "sine");
  TrainerConfig tc;
  tc.model.hidden_size = 16;
  tc.batch = 16;
  tc.epochs = 20;
  tc.seed = 3;
  Trainer t(data, tc);
  const TrainSummary s = t.run();
  CHECK(s.val_mse < 1e-3);
  const int S = data->split_index(), N = data->length();
  const std::vector<float> r = rollout(t.model(), data->series(), sp.steps, S, N - S);
  const std::vector<float> one = one_step_forecast(t.model(), data->series(), sp.steps, S, N);
  std::vector<double> rd(r.begin(), r.end()), od(one.begin(), one.end());
  std::vector<double> truth(data->series().begin() + S, data->series().end());
  CHECK(mean_squared_error(od, truth) == doctest::Approx(s.val_mse).epsilon(1e-4));  // the same windows
  CHECK(mean_squared_error(rd, truth) < 0.02);  // 80 steps fed back, the signal's variance is 1
}
