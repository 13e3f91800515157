// Forecasts from a trained one-input, one-output model over a (normalised) series z.
//
// Size key: N series length, T warm-up window, K horizon.
// one_step_forecast: teacher forcing. The prediction for z[t] is the model's last output over the T true
//   values before it, z[t−T … t−1], from a zero state — exactly how training and validation windows
//   are scored.
// rollout: autoregressive. Warm up on z[from−T … from−1] (fewer when from < T), then feed each
//   prediction back as the next input, carrying the hidden (and cell) state forward with State/final_state.
#pragma once
#include <vector>

#include "core/model.hpp"

namespace unrolled {

// Predictions for t = from … to−1 (needs 1 ≤ from ≤ to ≤ N; windows shorter than T near the start use
// what there is). Evaluated in batches. Returns [to − from].
std::vector<float> one_step_forecast(const Model<float>& model, const std::vector<float>& z, int steps,
                                     int from, int to);

// K predictions for t = from … from+K−1, needs 1 ≤ from ≤ N (from = N forecasts the future). Returns [K].
std::vector<float> rollout(const Model<float>& model, const std::vector<float>& z, int steps, int from,
                           int horizon);

// Mean squared error of a against b[0 … a.size()−1]; NaN when empty.
double mean_squared_error(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace unrolled
