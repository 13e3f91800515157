// Signal generators: period, amplitude, shapes, trend, damping, and seeded noise statistics.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "core/signal.hpp"

using namespace unrolled;

TEST_CASE("sine: period, amplitude and phase") {
  SignalConfig c;
  c.wave[0] = {0.025, 2.5, 0.0};  // period 40 samples
  c.length = 500;
  const std::vector<double> x = generate_signal(c);
  REQUIRE(x.size() == 500);
  for (int t = 0; t + 40 < 500; ++t) CHECK(x[t + 40] == doctest::Approx(x[t]).scale(1.0).epsilon(1e-9));
  CHECK(*std::max_element(x.begin(), x.end()) == doctest::Approx(2.5).epsilon(1e-9));
  CHECK(*std::min_element(x.begin(), x.end()) == doctest::Approx(-2.5).epsilon(1e-9));
  CHECK(x[0] == doctest::Approx(0.0));
  CHECK(x[10] == doctest::Approx(2.5));
  CHECK(x[7] == doctest::Approx(2.5 * std::sin(2 * std::numbers::pi * 0.025 * 7)));
  c.wave[0].phase = std::numbers::pi / 2;
  CHECK(generate_signal(c)[0] == doctest::Approx(2.5));
}

TEST_CASE("sum of three sines, offset, trend and damping") {
  SignalConfig c;
  c.waves = 3;
  c.wave = {{{0.01, 1.0, 0.0}, {0.05, 0.5, 0.3}, {0.1, 0.25, 1.0}}};
  c.offset = 3.0;
  c.trend = 0.01;
  c.damping = 0.005;
  c.length = 300;
  const std::vector<double> x = generate_signal(c);
  for (int t : {0, 17, 123, 299}) {
    double p = 0;
    for (const Wave& w : c.wave) p += w.amplitude * std::sin(2 * std::numbers::pi * w.frequency * t + w.phase);
    CHECK(x[t] == doctest::Approx(3.0 + 0.01 * t + std::exp(-0.005 * t) * p).epsilon(1e-12));
  }
}

TEST_CASE("square and sawtooth waves") {
  SignalConfig c;
  c.length = 100;
  c.wave[0] = {0.1, 1.0, 0.1};  // period 10; the phase keeps samples off the jumps
  c.shape = WaveShape::square;
  const std::vector<double> sq = generate_signal(c);
  int high = 0;
  for (int t = 0; t < 100; ++t) {
    CHECK(std::abs(sq[t]) == 1.0);
    high += sq[t] > 0;
  }
  CHECK(high == 50);
  CHECK(sq[0] == 1.0);
  CHECK(sq[6] == -1.0);
  c.shape = WaveShape::sawtooth;
  c.wave[0].phase = 0.0;
  const std::vector<double> saw = generate_signal(c);
  CHECK(saw[0] == doctest::Approx(0.0));
  for (int t = 0; t < 100; ++t) {
    CHECK(saw[t] >= -1.0);
    CHECK(saw[t] < 1.0);
  }
  CHECK(saw[2] == doctest::Approx(0.4));  // rises 0.2 per sample
  CHECK(saw[4] == doctest::Approx(0.8));
  CHECK(saw[6] == doctest::Approx(-0.8));  // wrapped half a period in
  CHECK(saw[13] == doctest::Approx(saw[3]));
}

TEST_CASE("noise is seeded Gaussian with the requested sigma") {
  SignalConfig c;
  c.wave[0].amplitude = 0.0;
  c.noise = 0.5;
  c.length = 200000;
  c.seed = 7;
  const std::vector<double> a = generate_signal(c);
  double mean = 0, var = 0, m4 = 0;
  for (double v : a) mean += v;
  mean /= a.size();
  for (double v : a) {
    var += (v - mean) * (v - mean);
    m4 += std::pow(v - mean, 4);
  }
  var /= a.size();
  m4 /= a.size();
  CHECK(std::abs(mean) < 0.005);                            // 4 standard errors
  CHECK(std::sqrt(var) == doctest::Approx(0.5).epsilon(0.01));
  CHECK(m4 / (var * var) == doctest::Approx(3.0).epsilon(0.05));  // Gaussian kurtosis
  CHECK(generate_signal(c) == a);                          // same seed, same numbers
  c.seed = 8;
  CHECK(generate_signal(c) != a);
  // The noise does not move the clean signal: its seed changes only the noise.
  SignalConfig clean;
  clean.length = 100;
  SignalConfig other = clean;
  other.seed = 99;
  CHECK(generate_signal(clean) == generate_signal(other));
}

TEST_CASE("bad signal settings are refused with the field named") {
  SignalConfig c;
  c.length = 1;
  CHECK(validate_signal(c).find("length") != std::string::npos);
  c = SignalConfig{};
  c.waves = 4;
  CHECK(validate_signal(c).find("waves") != std::string::npos);
  c = SignalConfig{};
  c.wave[0].frequency = 0.7;
  CHECK(validate_signal(c).find("frequency") != std::string::npos);
  c = SignalConfig{};
  c.noise = -1;
  CHECK(validate_signal(c).find("noise") != std::string::npos);
  c.noise = std::nan("");
  CHECK_THROWS_AS(generate_signal(c), std::invalid_argument);
  WaveShape shape;
  CHECK(parse_wave_shape("sawtooth", shape));
  CHECK(shape == WaveShape::sawtooth);
  CHECK_FALSE(parse_wave_shape("triangle", shape));
}
