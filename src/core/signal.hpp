// Synthetic time series for the forecaster: sums of up to three periodic waves (sine, square or
// sawtooth) with a linear trend, exponential damping and seeded Gaussian noise.
//
// Size key: N samples (length), K waves summed (1…3). t = 0…N−1 is the sample index.
//   x(t) = offset + trend·t + e^(−damping·t) · Σ_k A_k · wave(2π f_k t + φ_k) + σ·ε_t,   ε_t ~ N(0, 1)
// f_k is in cycles per sample (period 1/f_k samples), φ_k in radians. wave is sin, a ±1 square wave in
// phase with sin, or a sawtooth rising from −1 to 1 that crosses 0 where sin does.
#pragma once
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace unrolled {

enum class WaveShape { sine, square, sawtooth };

inline constexpr int max_signal_waves = 3;
inline constexpr int max_signal_length = 10'000'000;

struct Wave {
  double frequency = 0.02;  // cycles per sample
  double amplitude = 1.0;
  double phase = 0.0;       // radians
  bool operator==(const Wave&) const = default;
};

struct SignalConfig {
  WaveShape shape = WaveShape::sine;
  int waves = 1;                                   // K, how many of `wave` are summed
  std::array<Wave, max_signal_waves> wave{{{0.02, 1.0, 0.0}, {0.05, 0.5, 0.0}, {0.09, 0.25, 0.0}}};
  double offset = 0.0;
  double trend = 0.0;    // added per sample
  double damping = 0.0;  // 1/samples; amplitude decays as e^(−damping·t)
  double noise = 0.0;    // σ of the Gaussian noise
  int length = 1000;     // N
  std::uint64_t seed = 1;  // noise only; the clean signal does not depend on it
  bool operator==(const SignalConfig&) const = default;
};

const char* wave_shape_name(WaveShape shape);  // "sine", "square", "sawtooth"
bool parse_wave_shape(std::string_view text, WaveShape& out);

// Empty when usable; otherwise names the field and the allowed range.
std::string validate_signal(const SignalConfig& config);

// x(0) … x(N−1). Throws std::invalid_argument when validate_signal() objects.
std::vector<double> generate_signal(const SignalConfig& config);

// One wave of period 2π evaluated at θ, amplitude 1.
double wave_value(WaveShape shape, double theta);

// Standard normal deviates from a 64-bit Mersenne twister by Box–Muller: the same numbers on every
// platform for a seed (std::normal_distribution is implementation-defined).
class GaussianNoise {
 public:
  explicit GaussianNoise(std::uint64_t seed);
  double next();

 private:
  std::mt19937_64 rng_;  // its output sequence is fixed by the C++ standard
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace unrolled
