// Forecasts from a trained one-input, one-output model over a (normalised) series z.
//
// Size key: N series length, T warm-up window, K horizon.
// one_step_forecast: teacher forcing. The prediction for z[t] is the model's last output over the T true
//   values before it, z[t−T … t−1], from a zero state — exactly how training and validation windows
//   are scored.
// rollout: autoregressive, each prediction becomes the next input. Two ways to keep the context:
//   window  every prediction comes from the latest T values (true ones, then predictions) run from a
//           zero state: the situation the model was trained in, so it stays accurate far longer.
//   carry   warm up on z[from−T … from−1], then step one value at a time carrying the hidden (and
//           cell) state forward with State/final_state: O(1) per step, but beyond T steps the model
//           sees state it never saw in training (windows of T from zero) and often drifts.
#pragma once
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace unrolled {

// Predictions for t = from … to−1 (needs 1 ≤ from ≤ to ≤ N; windows shorter than T near the start use
// what there is). Evaluated in batches. Returns [to − from].
std::vector<float> one_step_forecast(const Model<float>& model, const std::vector<float>& z, int steps,
                                     int from, int to);

enum class RolloutMode { window, carry };
const char* rollout_mode_name(RolloutMode mode);  // "window", "carry"
bool parse_rollout_mode(std::string_view text, RolloutMode& out);

// K predictions for t = from … from+K−1, needs 1 ≤ from ≤ N (from = N forecasts the future). Returns [K].
std::vector<float> rollout(const Model<float>& model, const std::vector<float>& z, int steps, int from,
                           int horizon, RolloutMode mode = RolloutMode::window);

// Mean squared error of a against b[0 … a.size()−1]; NaN when empty.
double mean_squared_error(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace unrolled
