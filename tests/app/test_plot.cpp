// The plotting layer's math: ticks, transforms, log scale, auto-fit, colormaps, ring-buffer access.
#include <doctest/doctest.h>

#include <cmath>

#include "app/plot/plot_math.hpp"

using namespace unrolled::plot;

TEST_CASE("nice numbers are 1, 2, 5 × 10^k") {
  CHECK(nice_number(0.13, true) == doctest::Approx(0.1));
  CHECK(nice_number(0.17, true) == doctest::Approx(0.2));
  CHECK(nice_number(3.4, true) == doctest::Approx(5));
  CHECK(nice_number(8, true) == doctest::Approx(10));
  CHECK(nice_number(3.4, false) == doctest::Approx(5));
  CHECK(nice_number(1.0, false) == doctest::Approx(1));
  CHECK(nice_number(0.0, true) == 1.0);  // degenerate input gives a usable step
}

TEST_CASE("linear ticks land on multiples of a nice step inside the range") {
  auto ticks = linear_ticks(-1.05, 1.05, 5);
  REQUIRE(ticks.size() >= 3);
  REQUIRE(ticks.size() <= 11);
  const double step = ticks[1].value - ticks[0].value;
  CHECK(step == doctest::Approx(0.5));
  for (const Tick& t : ticks) {
    CHECK(t.value >= -1.05);
    CHECK(t.value <= 1.05);
    CHECK(std::abs(t.value / step - std::round(t.value / step)) < 1e-9);
  }
  CHECK(ticks.front().label == "-1.0");
  bool has_zero = false;
  for (const Tick& t : ticks) has_zero |= t.label == "0.0";
  CHECK(has_zero);  // never "-0.0"

  auto t24 = linear_ticks(0, 24, 6);
  CHECK(t24.front().label == "0");
  CHECK(t24.back().value == doctest::Approx(20));
  CHECK(t24[1].value == doctest::Approx(5));

  // Integer axes (units, steps) never get fractional ticks, even on a tiny range.
  auto units = linear_ticks(-0.5, 1.5, 6, true);
  REQUIRE(units.size() == 2);
  CHECK(units[0].label == "0");
  CHECK(units[1].label == "1");

  // A short range never ends up with a lone tick.
  auto few = linear_ticks(-0.4, 0.4, 2);
  CHECK(few.size() >= 2);
  for (const Tick& t : few) CHECK(std::abs(t.value) <= 0.4 + 1e-12);

  auto reversed = linear_ticks(10, 0, 5);
  CHECK(reversed.front().value == doctest::Approx(0));
  auto flat = linear_ticks(3, 3, 5);
  REQUIRE(flat.size() == 1);
  CHECK(flat[0].value == 3);
  CHECK(linear_ticks(0, NAN, 5).empty());
}

TEST_CASE("tick labels have just enough decimals") {
  CHECK(format_tick(0.25, 0.05) == "0.25");
  CHECK(format_tick(2, 1) == "2");
  CHECK(format_tick(1.5, 0.5) == "1.5");
  CHECK(format_tick(1e-5, 1e-5) == "1e-05");
  CHECK(format_tick(2500000, 500000) == "2.5e+06");
  CHECK(format_tick(-1e-12, 0.1) == "0.0");
}

TEST_CASE("log ticks: decades labelled, 2…9 minor") {
  auto ticks = log_ticks(1e-3, 10, 6);
  int majors = 0, minors = 0;
  for (const Tick& t : ticks) (t.major ? majors : minors)++;
  CHECK(majors == 5);  // 0.001 0.01 0.1 1 10
  CHECK(minors == 4 * 8);
  CHECK(ticks.front().label == "0.001");
  // Many decades: labels thinned, no minors.
  auto wide = log_ticks(1e-12, 1e12, 5);
  int labelled = 0;
  for (const Tick& t : wide) labelled += !t.label.empty();
  CHECK(labelled <= 7);
  CHECK(labelled >= 3);
  for (const Tick& t : wide) CHECK(std::abs(std::log10(t.value) - std::round(std::log10(t.value))) < 1e-9);
  // Less than a decade: linear steps inside the range.
  auto narrow = log_ticks(2, 8, 4);
  REQUIRE(!narrow.empty());
  for (const Tick& t : narrow) {
    CHECK(t.value >= 2);
    CHECK(t.value <= 8);
  }
  CHECK(log_ticks(-1, 10, 5).empty());  // no log axis through zero
}

TEST_CASE("axis transforms round-trip, linear and log") {
  AxisTransform x{{0, 10}, 100, 300, Scale::linear};
  CHECK(x.to_pixel(0) == doctest::Approx(100));
  CHECK(x.to_pixel(5) == doctest::Approx(200));
  CHECK(x.to_data(250) == doctest::Approx(7.5));
  AxisTransform y{{-1, 1}, 400, 200, Scale::linear};  // y grows upwards
  CHECK(y.to_pixel(1) == doctest::Approx(200));
  CHECK(y.to_pixel(-1) == doctest::Approx(400));
  AxisTransform lg{{1e-4, 1}, 0, 400, Scale::log10};
  CHECK(lg.to_pixel(1e-2) == doctest::Approx(200));
  CHECK(lg.to_pixel(1e-3) == doctest::Approx(100));
  CHECK(lg.to_data(300) == doctest::Approx(0.1));
  for (double v : {1e-4, 3e-3, 0.5, 1.0}) CHECK(lg.to_data(lg.to_pixel(v)) == doctest::Approx(v));
  AxisTransform flat{{2, 2}, 0, 100, Scale::linear};
  CHECK(flat.to_pixel(2) == doctest::Approx(50));  // an empty range does not divide by zero
}

TEST_CASE("auto-fit pads, never returns an empty range, and stays positive on log axes") {
  Range r = fit_range(0, 10, 0.05, Scale::linear);
  CHECK(r.min == doctest::Approx(-0.5));
  CHECK(r.max == doctest::Approx(10.5));
  Range flat = fit_range(3, 3, 0.05, Scale::linear);
  CHECK(flat.size() > 0);
  CHECK(flat.contains(3));
  Range zero = fit_range(0, 0, 0.05, Scale::linear);
  CHECK(zero.min == doctest::Approx(-0.5));
  Range lg = fit_range(1e-3, 1e-1, 0.0, Scale::log10);
  CHECK(lg.min == doctest::Approx(1e-3));
  CHECK(lg.max == doctest::Approx(1e-1));
  Range lg0 = fit_range(0, 1, 0.0, Scale::log10);
  CHECK(lg0.min > 0);
  Range bad = fit_range(NAN, 1, 0.1, Scale::linear);
  CHECK(bad.size() > 0);
}

TEST_CASE("viridis and the diverging map hit their reference colours") {
  Rgb v0 = viridis(0), v1 = viridis(1), vh = viridis(0.5);
  CHECK(v0.r == doctest::Approx(0.267).epsilon(0.05));
  CHECK(v0.b == doctest::Approx(0.329).epsilon(0.05));
  CHECK(v1.r == doctest::Approx(0.993).epsilon(0.02));
  CHECK(v1.g == doctest::Approx(0.906).epsilon(0.02));
  CHECK(vh.g == doctest::Approx(0.565).epsilon(0.03));  // matplotlib: (0.128, 0.567, 0.551)
  CHECK(vh.b == doctest::Approx(0.551).epsilon(0.03));
  // Luminance rises monotonically along viridis.
  double last = -1;
  for (int i = 0; i <= 20; ++i) {
    Rgb c = viridis(i / 20.0);
    const double lum = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
    CHECK(lum > last);
    last = lum;
  }
  Rgb mid = diverging(0.5), lo = diverging(0), hi = diverging(1);
  CHECK(mid.r == doctest::Approx(247 / 255.0));
  CHECK(mid.g == doctest::Approx(247 / 255.0));
  CHECK(lo.b > lo.r);  // negative is blue
  CHECK(hi.r > hi.b);  // positive is red
  CHECK(diverging(-5).b == lo.b);  // clamped
  CHECK(pack_rgba({1, 0, 0}, 1) == 0xFF0000FFu);
  CHECK(pack_rgba({0, 0, 1}, 0.5f) == 0x80FF0000u);
}

TEST_CASE("normalize and symmetric ranges for colour scales") {
  CHECK(normalize(0, -2, 2) == doctest::Approx(0.5));
  CHECK(normalize(5, -2, 2) == 1.0);
  CHECK(normalize(1, 1, 1) == 0.5);
  CHECK(std::isnan(normalize(NAN, 0, 1)));
  Range s = symmetric_range(0.3);
  CHECK(s.min == doctest::Approx(-0.3));
  CHECK(s.max == doctest::Approx(0.3));
  CHECK(symmetric_range(0).max == 1.0);
}

TEST_CASE("strided ring-buffer access follows offset and stride") {
  struct P {
    float x, y;
  };
  const P pts[4] = {{0, 10}, {1, 11}, {2, 12}, {3, 13}};
  CHECK(strided_at(&pts[0].y, 4, 0, sizeof(P), 0) == 10);
  CHECK(strided_at(&pts[0].y, 4, 2, sizeof(P), 0) == 12);
  CHECK(strided_at(&pts[0].y, 4, 2, sizeof(P), 3) == 11);  // wraps
  const float ring[3] = {5, 6, 7};
  CHECK(strided_at(ring, 3, 1, sizeof(float), 2) == 5);
}
