// Signal generators; size key in signal.hpp (N samples, K waves).
#include "core/signal.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "core/enum_names.hpp"

namespace unrolled {

namespace {
constexpr EnumName<WaveShape> wave_shape_names[] = {
    {WaveShape::sine, "sine"}, {WaveShape::square, "square"}, {WaveShape::sawtooth, "sawtooth"}};
}  // namespace

const char* wave_shape_name(WaveShape shape) { return name_of(wave_shape_names, shape); }
bool parse_wave_shape(std::string_view text, WaveShape& out) { return parse_name(wave_shape_names, text, out); }

std::string validate_signal(const SignalConfig& c) {
  auto bad = [](double x, double lo, double hi) { return !std::isfinite(x) || x < lo || x > hi; };
  if (c.waves < 1 || c.waves > max_signal_waves) return "waves must be between 1 and 3";
  for (int k = 0; k < c.waves; ++k) {
    const std::string n = "wave " + std::to_string(k + 1) + " ";
    if (bad(c.wave[k].frequency, 0.0, 0.5)) return n + "frequency must be in [0, 0.5] cycles per sample";
    if (bad(c.wave[k].amplitude, -1e6, 1e6)) return n + "amplitude must be in [-1e6, 1e6]";
    if (bad(c.wave[k].phase, -1e3, 1e3)) return n + "phase must be in [-1000, 1000] radians";
  }
  if (bad(c.offset, -1e6, 1e6)) return "offset must be in [-1e6, 1e6]";
  if (bad(c.trend, -1e3, 1e3)) return "trend must be in [-1000, 1000] per sample";
  if (bad(c.damping, 0.0, 1.0)) return "damping must be in [0, 1] per sample";
  if (bad(c.noise, 0.0, 1e6)) return "noise must be in [0, 1e6]";
  if (c.length < 2 || c.length > max_signal_length)
    return "length must be between 2 and " + std::to_string(max_signal_length);
  return {};
}

double wave_value(WaveShape shape, double theta) {
  constexpr double two_pi = 2.0 * std::numbers::pi;
  switch (shape) {
    case WaveShape::sine: return std::sin(theta);
    case WaveShape::square: {
      const double cycle = theta / two_pi - std::floor(theta / two_pi);  // [0, 1)
      return cycle < 0.5 ? 1.0 : -1.0;
    }
    case WaveShape::sawtooth: {
      const double u = theta / two_pi + 0.5;
      return 2.0 * (u - std::floor(u)) - 1.0;
    }
  }
  return 0.0;
}

GaussianNoise::GaussianNoise(std::uint64_t seed) : rng_(seed) {}

double GaussianNoise::next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Box–Muller on two uniforms; u1 in (0, 1] so the log is finite.
  const double u1 = (static_cast<double>(rng_() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double a = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(a);
  has_spare_ = true;
  return r * std::cos(a);
}

std::vector<double> generate_signal(const SignalConfig& c) {
  if (std::string why = validate_signal(c); !why.empty()) throw std::invalid_argument("signal: " + why);
  std::vector<double> x(static_cast<std::size_t>(c.length));
  GaussianNoise noise(c.seed);
  constexpr double two_pi = 2.0 * std::numbers::pi;
  for (int t = 0; t < c.length; ++t) {
    double periodic = 0.0;
    for (int k = 0; k < c.waves; ++k) {
      const Wave& w = c.wave[k];
      periodic += w.amplitude * wave_value(c.shape, two_pi * w.frequency * t + w.phase);
    }
    double v = c.offset + c.trend * t + std::exp(-c.damping * t) * periodic;
    if (c.noise > 0) v += c.noise * noise.next();
    x[static_cast<std::size_t>(t)] = v;
  }
  return x;
}

}  // namespace unrolled
