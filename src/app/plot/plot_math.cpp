#include "app/plot/plot_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace unrolled::plot {

namespace {
double axis_value(double v, Scale s) {
  if (s == Scale::linear) return v;
  return std::log10(std::max(v, 1e-300));
}
double axis_inverse(double a, Scale s) { return s == Scale::linear ? a : std::pow(10.0, a); }
}  // namespace

double AxisTransform::to_pixel(double v) const {
  const double a0 = axis_value(data.min, scale), a1 = axis_value(data.max, scale);
  const double span = a1 - a0;
  const double f = span != 0.0 ? (axis_value(v, scale) - a0) / span : 0.5;
  return pix_min + f * (pix_max - pix_min);
}

double AxisTransform::to_data(double pixel) const {
  const double a0 = axis_value(data.min, scale), a1 = axis_value(data.max, scale);
  const double pspan = pix_max - pix_min;
  const double f = pspan != 0.0 ? (pixel - pix_min) / pspan : 0.0;
  return axis_inverse(a0 + f * (a1 - a0), scale);
}

double nice_number(double x, bool round) {
  if (!(x > 0.0) || !std::isfinite(x)) return 1.0;
  const double e = std::floor(std::log10(x));
  const double f = x / std::pow(10.0, e);
  double nf;
  if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * std::pow(10.0, e);
}

std::string format_tick(double value, double step) {
  char buf[48];
  if (step > 0.0 && std::abs(value) < step * 1e-6) value = 0.0;  // no "-0.00" or "-1e-12" at zero
  const double a = std::abs(value);
  if (a != 0.0 && (a >= 1e6 || a < 1e-4)) {
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
  }
  int decimals = 0;
  if (step > 0.0 && std::isfinite(step)) decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 8);
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::vector<Tick> linear_ticks(double lo, double hi, int target, bool integer) {
  std::vector<Tick> ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return ticks;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    ticks.push_back({lo, true, format_tick(lo, std::max(std::abs(lo) * 0.1, 1e-12))});
    return ticks;
  }
  target = std::max(target, 2);
  double step = nice_number((hi - lo) / (target - 1), true);
  if (integer) step = std::max(1.0, std::round(step));
  // A rounded-up step can leave a single tick (or none) in a short range: refine until there are two.
  for (int refine = 0; refine < 4; ++refine) {
    ticks.clear();
    const double first = std::ceil(lo / step - 1e-9) * step;
    for (int i = 0; i < 1000; ++i) {
      const double v = first + i * step;
      if (v > hi + step * 1e-9) break;
      ticks.push_back({v, true, format_tick(v, step)});
    }
    const double finer = nice_number(step * 0.45, true);
    if (ticks.size() >= 2 || (integer && finer < 1.0)) break;
    step = integer ? std::max(1.0, std::round(finer)) : finer;
  }
  return ticks;
}

std::vector<Tick> log_ticks(double lo, double hi, int target) {
  std::vector<Tick> ticks;
  if (hi < lo) std::swap(lo, hi);
  if (!(lo > 0.0) || !std::isfinite(hi)) return ticks;
  const int e0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int e1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  const int decades = e1 - e0;
  if (decades <= 1 && hi / lo < 10.0) {
    // Less than a decade on screen: nice linear steps still read best.
    return linear_ticks(lo, hi, target);
  }
  const int every = std::max(1, (decades + std::max(target, 2) - 1) / std::max(target, 2));
  for (int e = e0; e <= e1; ++e) {
    const double base = std::pow(10.0, e);
    if (base >= lo * (1 - 1e-9) && base <= hi * (1 + 1e-9)) {
      const bool labelled = ((e % every) + every) % every == 0;
      char buf[32];
      if (e >= -3 && e <= 4) std::snprintf(buf, sizeof buf, "%g", base);
      else std::snprintf(buf, sizeof buf, "1e%d", e);
      ticks.push_back({base, labelled, labelled ? buf : ""});
    }
    if (every == 1) {
      for (int m = 2; m <= 9; ++m) {
        const double v = m * base;
        if (v >= lo && v <= hi) ticks.push_back({v, false, ""});
      }
    }
  }
  return ticks;
}

std::vector<Tick> make_ticks(Scale scale, double lo, double hi, int target, bool integer) {
  return scale == Scale::log10 ? log_ticks(lo, hi, target) : linear_ticks(lo, hi, target, integer);
}

Range fit_range(double lo, double hi, double pad, Scale scale) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi < lo) return scale == Scale::log10 ? Range{1, 10} : Range{0, 1};
  if (scale == Scale::log10) {
    if (!(hi > 0.0)) return {1e-3, 1.0};
    if (!(lo > 0.0)) lo = hi * 1e-3;
    double a = std::log10(lo), b = std::log10(hi);
    if (b - a < 1e-12) {
      a -= 0.5;
      b += 0.5;
    }
    const double p = (b - a) * pad;
    return {std::pow(10.0, a - p), std::pow(10.0, b + p)};
  }
  if (hi - lo <= std::abs(hi) * 1e-12) {
    const double half = lo == 0.0 ? 0.5 : std::abs(lo) * 0.1;
    return {lo - half, hi + half};
  }
  const double p = (hi - lo) * pad;
  return {lo - p, hi + p};
}

Rgb viridis(double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  // Polynomial fit of matplotlib's viridis (max error well under one 8-bit step in most of the range).
  static const double c[7][3] = {
      {0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
      {0.1050930431085774, 1.404613529898575, 1.384590162594685},
      {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
      {-4.634230498983486, -5.799100973351585, -19.33244095627987},
      {6.228269936347081, 14.17993336680509, 56.69055260068105},
      {4.776384997670288, -13.74514537774601, -65.35303263337234},
      {-5.435455855934631, 4.645852612178535, 26.3124352495832}};
  double out[3];
  for (int k = 0; k < 3; ++k) {
    double v = c[6][k];
    for (int i = 5; i >= 0; --i) v = c[i][k] + t * v;
    out[k] = std::clamp(v, 0.0, 1.0);
  }
  return {static_cast<float>(out[0]), static_cast<float>(out[1]), static_cast<float>(out[2])};
}

Rgb diverging(double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.5, 0.0, 1.0);
  static const unsigned char k[11][3] = {{5, 48, 97},    {33, 102, 172}, {67, 147, 195}, {146, 197, 222},
                                         {209, 229, 240}, {247, 247, 247}, {253, 219, 199}, {244, 165, 130},
                                         {214, 96, 77},   {178, 24, 43},  {103, 0, 31}};
  const double x = t * 10.0;
  const int i = std::min(static_cast<int>(x), 9);
  const double f = x - i;
  Rgb c;
  float* out[3] = {&c.r, &c.g, &c.b};
  for (int j = 0; j < 3; ++j) *out[j] = static_cast<float>((k[i][j] * (1 - f) + k[i + 1][j] * f) / 255.0);
  return c;
}

Rgb sample(Colormap map, double t) { return map == Colormap::viridis ? viridis(t) : diverging(t); }

std::uint32_t pack_rgba(Rgb c, float alpha) {
  auto b = [](float v) { return static_cast<std::uint32_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); };
  return b(c.r) | (b(c.g) << 8) | (b(c.b) << 16) | (b(alpha) << 24);
}

double normalize(double v, double lo, double hi) {
  if (std::isnan(v)) return v;
  if (!(hi > lo)) return 0.5;
  return std::clamp((v - lo) / (hi - lo), 0.0, 1.0);
}

Range symmetric_range(double absmax) {
  const double a = std::isfinite(absmax) && absmax > 0.0 ? absmax : 1.0;
  return {-a, a};
}

Rgb okabe_ito(int i) {
  static const Rgb palette[] = {{86 / 255.f, 180 / 255.f, 233 / 255.f}, {230 / 255.f, 159 / 255.f, 0.f},
                                {0.f, 158 / 255.f, 115 / 255.f},        {213 / 255.f, 94 / 255.f, 0.f},
                                {204 / 255.f, 121 / 255.f, 167 / 255.f}, {240 / 255.f, 228 / 255.f, 66 / 255.f},
                                {0.f, 114 / 255.f, 178 / 255.f},        {0.75f, 0.75f, 0.75f}};
  constexpr int n = static_cast<int>(sizeof palette / sizeof palette[0]);
  return palette[((i % n) + n) % n];
}

std::vector<double> smooth_ema(const double* ys, std::size_t count, double weight) {
  std::vector<double> out(ys, ys + count);
  weight = std::clamp(weight, 0.0, 0.999999);
  if (weight <= 0) return out;
  double acc = 0, norm = 0;  // acc = Σ w^k (1−w) y, norm = 1 − w^n: the debiasing denominator
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isfinite(ys[i])) continue;
    acc = weight * acc + (1 - weight) * ys[i];
    norm = weight * norm + (1 - weight);
    out[i] = acc / norm;
  }
  return out;
}

}  // namespace unrolled::plot
