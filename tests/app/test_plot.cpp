// The plotting layer's math: ticks, transforms, log scale, auto-fit, colormaps, ring-buffer access.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>
#include <random>

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

TEST_CASE("EMA smoothing: 0 is raw, debiased from the first point, non-finite points pass through") {
  const double ys[] = {1, 1, 1, 1};
  auto same = smooth_ema(ys, 4, 0.9);
  for (double v : same) CHECK(v == doctest::Approx(1.0));  // no pull towards 0 at the start

  const double steps[] = {0, 0, 10, 10};
  auto raw = smooth_ema(steps, 4, 0.0);
  CHECK(raw[2] == 10.0);
  auto s = smooth_ema(steps, 4, 0.5);
  // acc: 0, 0, 5, 7.5; norm: 0.5, 0.75, 0.875, 0.9375
  CHECK(s[0] == doctest::Approx(0.0));
  CHECK(s[2] == doctest::Approx(5.0 / 0.875));
  CHECK(s[3] == doctest::Approx(7.5 / 0.9375));

  const double gap[] = {2, NAN, 4};
  auto g = smooth_ema(gap, 3, 0.5);
  CHECK(g[0] == doctest::Approx(2));
  CHECK(std::isnan(g[1]));
  CHECK(g[2] == doctest::Approx((0.5 * 1 + 2) / 0.75));  // the NaN did not enter the average
  CHECK(smooth_ema(gap, 0, 0.5).empty());
}

TEST_CASE("decimating a polyline keeps each pixel column's first, lowest, highest and last point") {
  struct P {
    float x, y;
  };
  // 1000 points over 10 columns: a sawtooth inside each column.
  std::vector<P> in;
  for (int i = 0; i < 1000; ++i) in.push_back({i / 100.0f, static_cast<float>((i * 7) % 13)});
  std::vector<P> out;
  decimate_columns(in.data(), in.size(), out);
  CHECK(out.size() <= 4 * 11);
  CHECK(out.size() >= 2 * 10);
  // Every column's vertical extent survives, and the points stay in order of x.
  for (int c = 0; c <= 10; ++c) {
    float lo_in = 1e9f, hi_in = -1e9f, lo_out = 1e9f, hi_out = -1e9f;
    for (const P& p : in)
      if (static_cast<long>(p.x + 0.5f) == c) lo_in = std::min(lo_in, p.y), hi_in = std::max(hi_in, p.y);
    for (const P& p : out)
      if (static_cast<long>(p.x + 0.5f) == c) lo_out = std::min(lo_out, p.y), hi_out = std::max(hi_out, p.y);
    CHECK(lo_out == lo_in);
    CHECK(hi_out == hi_in);
  }
  for (std::size_t i = 1; i < out.size(); ++i) CHECK(out[i].x >= out[i - 1].x);
  CHECK(out.front().x == in.front().x);
  CHECK(out.back().x == in.back().x);

  // Sparse lines (one point per column or fewer) pass through unchanged.
  std::vector<P> sparse{{0, 1}, {3, 2}, {7, 0}};
  decimate_columns(sparse.data(), sparse.size(), out);
  REQUIRE(out.size() == 3);
  CHECK(out[1].y == 2);
  decimate_columns(sparse.data(), 0, out);
  CHECK(out.empty());
}

namespace {
// Distance from p to the segment a–b (double).
template <class P> double segment_distance(const P& p, const P& a, const P& b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = p.x - a.x - t * dx, ey = p.y - a.y - t * dy;
  return std::sqrt(ex * ex + ey * ey);
}
}  // namespace

TEST_CASE("simplifying a polyline: every dropped point within the tolerance of the drawn line, few points on a smooth curve") {
  struct P {
    float x, y;
  };
  std::vector<std::pair<std::size_t, std::size_t>> stack;
  std::vector<P> out;
  // A sine over 600 pixels, one point per 0.25 px, and a noisy line: both keep their ends, keep points
  // in order, and no input point is farther than the tolerance from the segment that replaced it.
  std::vector<P> sine, noisy;
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 4.0f);
  for (int i = 0; i <= 2400; ++i) {
    const float x = i * 0.25f;
    sine.push_back({x, 200.0f + 150.0f * std::sin(x / 40.0f)});
    noisy.push_back({x, 200.0f + noise(rng)});
  }
  for (const std::vector<P>* line : {&sine, &noisy}) {
    simplify_polyline(line->data(), line->size(), 0.3f, out, stack);
    REQUIRE(out.size() >= 2);
    CHECK(out.front().x == line->front().x);
    CHECK(out.back().x == line->back().x);
    std::size_t k = 0;  // the kept segment each input point falls in
    for (const P& p : *line) {
      while (k + 1 < out.size() - 1 && out[k + 1].x <= p.x) ++k;
      CHECK(segment_distance(p, out[k], out[k + 1]) <= 0.3 + 1e-4);
    }
  }
  simplify_polyline(sine.data(), sine.size(), 0.3f, out, stack);
  CHECK(out.size() < sine.size() / 10);  // a few points a bend, not four a pixel
  // Collinear points collapse to the two ends; two points stay two.
  std::vector<P> straight{{0, 0}, {1, 1}, {2, 2}, {3, 3}};
  simplify_polyline(straight.data(), straight.size(), 0.3f, out, stack);
  CHECK(out.size() == 2);
  simplify_polyline(straight.data(), 2, 0.3f, out, stack);
  CHECK(out.size() == 2);
}

TEST_CASE("a dense line's column envelope: each column spans its points and the join from the previous column") {
  struct P {
    float x, y;
  };
  // Four points a column over 5 columns, then a jump.
  std::vector<P> in;
  for (int c = 0; c < 5; ++c)
    for (int k = 0; k < 4; ++k) in.push_back({c + k * 0.2f - 0.3f, static_cast<float>(10 * c + (k * 7) % 5)});
  in.push_back({5.0f, 100.0f});
  std::vector<ColumnSpan> spans;
  column_envelope(in.data(), in.size(), spans);
  REQUIRE(spans.size() == 6);
  for (int c = 0; c < 5; ++c) {
    float lo = 1e9f, hi = -1e9f;
    for (const P& p : in)
      if (static_cast<long>(p.x + 0.5f) == c) lo = std::min(lo, p.y), hi = std::max(hi, p.y);
    if (c > 0) {  // the previous column's last point joins in
      const P& last = in[static_cast<std::size_t>(4 * c - 1)];
      lo = std::min(lo, last.y), hi = std::max(hi, last.y);
    }
    CHECK(spans[static_cast<std::size_t>(c)].x == static_cast<float>(c));
    CHECK(spans[static_cast<std::size_t>(c)].y0 == lo);
    CHECK(spans[static_cast<std::size_t>(c)].y1 == hi);
  }
  CHECK(spans[5].y0 == in[19].y);  // the jump to 100 is covered from the last point before it
  CHECK(spans[5].y1 == 100.0f);
}

TEST_CASE("Okabe–Ito line colours: distinct, bright enough for a dark background, cycling") {
  for (int i = 0; i < 8; ++i) {
    const Rgb c = okabe_ito(i);
    CHECK(0.299 * c.r + 0.587 * c.g + 0.114 * c.b > 0.3);  // no black
    for (int j = 0; j < i; ++j) {
      const Rgb d = okabe_ito(j);
      CHECK(std::abs(c.r - d.r) + std::abs(c.g - d.g) + std::abs(c.b - d.b) > 0.2);
    }
  }
  CHECK(okabe_ito(8).r == okabe_ito(0).r);
  CHECK(okabe_ito(-1).g == okabe_ito(7).g);
  CHECK(okabe_ito(1).r == doctest::Approx(230 / 255.0));  // orange
}
