// Forecasts; size key in forecast.hpp (N series, T window, K horizon).
#include "core/forecast.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace unrolled {

namespace {
void check_univariate(const Model<float>& m, int steps) {
  if (m.config.input_size != 1 || m.config.output_size != 1)
    throw std::invalid_argument("forecast: the model must have input_size 1 and output_size 1");
  if (steps < 1) throw std::invalid_argument("forecast: the warm-up window must be at least 1 step");
}
}  // namespace

std::vector<float> one_step_forecast(const Model<float>& model, const std::vector<float>& z, int steps,
                                     int from, int to) {
  check_univariate(model, steps);
  const int n = static_cast<int>(z.size());
  if (from < 1 || from > to || to > n) throw std::invalid_argument("forecast: one-step range out of bounds");
  std::vector<float> out(static_cast<std::size_t>(to - from));
  Trace<float> trace;
  Mat<float> x;
  // Targets with a full window go through in batches; the first few (t < T) one by one.
  int t = from;
  for (; t < to && t < steps; ++t) {
    x.resize(1, t);
    for (int j = 0; j < t; ++j) x(0, j) = z[static_cast<std::size_t>(j)];
    forward(model, x, 1, trace);
    out[static_cast<std::size_t>(t - from)] = trace.output(0, t - 1);
  }
  constexpr int chunk = 256;
  while (t < to) {
    const int B = std::min(chunk, to - t);
    x.resize(1, static_cast<Eigen::Index>(steps) * B);
    for (int b = 0; b < B; ++b)
      for (int j = 0; j < steps; ++j) x(0, static_cast<Eigen::Index>(j) * B + b) = z[static_cast<std::size_t>(t + b - steps + j)];
    forward(model, x, B, trace);
    for (int b = 0; b < B; ++b) out[static_cast<std::size_t>(t + b - from)] = trace.output(0, trace.output.cols() - B + b);
    t += B;
  }
  return out;
}

const char* rollout_mode_name(RolloutMode mode) { return mode == RolloutMode::carry ? "carry" : "window"; }

bool parse_rollout_mode(std::string_view text, RolloutMode& out) {
  if (text == "window") out = RolloutMode::window;
  else if (text == "carry") out = RolloutMode::carry;
  else return false;
  return true;
}

std::vector<float> rollout(const Model<float>& model, const std::vector<float>& z, int steps, int from,
                           int horizon, RolloutMode mode) {
  check_univariate(model, steps);
  const int n = static_cast<int>(z.size());
  if (from < 1 || from > n) throw std::invalid_argument("forecast: rollout start out of bounds");
  if (horizon < 0) throw std::invalid_argument("forecast: negative horizon");
  std::vector<float> out(static_cast<std::size_t>(horizon));
  if (horizon == 0) return out;
  if (mode == RolloutMode::window) {
    // history[j] = z[from−T+j] for j < T, then the predictions, all in one buffer.
    const int warm = std::min(steps, from);
    std::vector<float> history(static_cast<std::size_t>(warm + horizon));
    for (int j = 0; j < warm; ++j) history[static_cast<std::size_t>(j)] = z[static_cast<std::size_t>(from - warm + j)];
    Mat<float> x;
    Trace<float> trace;
    for (int k = 0; k < horizon; ++k) {
      const int len = std::min(steps, warm + k);
      x.resize(1, len);
      for (int j = 0; j < len; ++j) x(0, j) = history[static_cast<std::size_t>(warm + k - len + j)];
      forward(model, x, 1, trace);
      out[static_cast<std::size_t>(k)] = history[static_cast<std::size_t>(warm + k)] = trace.output(0, len - 1);
    }
    return out;
  }
  const int warm = std::min(steps, from);
  Mat<float> x(1, warm);
  for (int j = 0; j < warm; ++j) x(0, j) = z[static_cast<std::size_t>(from - warm + j)];
  Trace<float> trace;
  forward(model, x, 1, trace);
  float next = trace.output(0, warm - 1);
  Mat<float> one(1, 1);
  for (int k = 0; k < horizon; ++k) {
    out[static_cast<std::size_t>(k)] = next;
    if (k + 1 == horizon) break;
    const State<float> state = final_state(model, trace);
    one(0, 0) = next;
    forward(model, one, 1, trace, &state);
    next = trace.output(0, 0);
  }
  return out;
}

double mean_squared_error(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.size() < a.size()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s / static_cast<double>(a.size());
}

}  // namespace unrolled
