// The plotting layer's pure math: axis transforms (linear and log10), nice tick numbers, auto-fit
// ranges, colormaps and strided access for ring buffers. No GL, no ImGui: unit-tested on its own.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace unrolled::plot {

enum class Scale { linear, log10 };

struct Range {
  double min = 0.0, max = 1.0;
  double size() const { return max - min; }
  bool contains(double v) const { return v >= min && v <= max; }
};

// Data ↔ pixel along one axis. pix_min is where data_min lands (for y that is the bottom, so
// pix_min > pix_max there). Log scale needs data_min > 0; values ≤ 0 map to pix_min's side.
struct AxisTransform {
  Range data;
  double pix_min = 0.0, pix_max = 1.0;
  Scale scale = Scale::linear;
  double to_pixel(double v) const;
  double to_data(double pixel) const;
};

struct Tick {
  double value = 0.0;
  bool major = true;   // labelled
  std::string label;   // empty for minor ticks
};

// Heckbert's nice numbers: 1, 2, 5 × 10^k.
double nice_number(double x, bool round);
// About `target` labelled ticks covering [lo, hi], each on a multiple of a nice step.
std::vector<Tick> linear_ticks(double lo, double hi, int target, bool integer = false);  // integer: whole steps only
// Decades 10^k labelled, 2…9 × 10^k as minor ticks; thins labels when there are too many decades.
// Spans shorter than a decade fall back to nice linear steps inside the range.
std::vector<Tick> log_ticks(double lo, double hi, int target);
std::vector<Tick> make_ticks(Scale scale, double lo, double hi, int target, bool integer = false);
// A label with just enough decimals for the step: 0.25 with step 0.05 → "0.25"; 1e-5 → "1e-05".
std::string format_tick(double value, double step);

// The range to show for data in [lo, hi]: padded by pad × size on each side, never empty (a flat
// line gets ±0.5, or ±10% of its value), and for log scale positive (a decade around the data).
Range fit_range(double lo, double hi, double pad, Scale scale);

// Colormaps. t in [0, 1]; outside is clamped.
struct Rgb {
  float r = 0, g = 0, b = 0;
};
enum class Colormap { viridis, diverging };
Rgb viridis(double t);    // perceptually uniform, dark purple → yellow (matplotlib's, polynomial fit)
Rgb diverging(double t);  // blue (0) → near-white (0.5) → red (1), ColorBrewer RdBu
Rgb sample(Colormap map, double t);
// 8-bit RGBA packed as ImGui's IM_COL32 (R in the lowest byte).
std::uint32_t pack_rgba(Rgb c, float alpha = 1.0f);
// (v − lo) / (hi − lo) clamped to [0, 1]; NaN stays NaN; an empty range gives 0.5.
double normalize(double v, double lo, double hi);
// A symmetric range around 0 that covers ±absmax, for diverging maps.
Range symmetric_range(double absmax);

// Okabe–Ito's colour-blind-safe palette without its black (the app's background is dark): sky blue,
// orange, bluish green, vermillion, reddish purple, yellow, blue, then a light grey. Cycles.
Rgb okabe_ito(int i);

// Time-series smoothing as TensorBoard's slider does it: an exponential moving average with weight w
// in [0, 1) (0 = raw), debiased so the first points are not pulled towards 0. Non-finite inputs are
// passed through as they are and do not enter the average.
std::vector<double> smooth_ema(const double* ys, std::size_t count, double weight);

// Reduces a polyline in pixel coordinates to at most four points per pixel column: of each run of
// consecutive points whose x rounds to the same column it keeps the first, the lowest, the highest
// and the last, in their order. Drawn as a line, the result covers the same pixels as the input
// (every column's full vertical extent, and the joins between columns), so a history of thousands
// of points costs no more than the plot's width. P is any type with float members x and y.
template <class P> void decimate_columns(const P* in, std::size_t count, std::vector<P>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < count) {
    const long column = static_cast<long>(in[i].x + 0.5f);
    std::size_t end = i + 1, lo = i, hi = i;
    while (end < count && static_cast<long>(in[end].x + 0.5f) == column) {
      if (in[end].y < in[lo].y) lo = end;
      if (in[end].y > in[hi].y) hi = end;
      ++end;
    }
    const std::size_t last = end - 1;
    std::size_t keep[4] = {i, lo < hi ? lo : hi, lo < hi ? hi : lo, last};
    std::size_t prev = count;  // none yet
    for (std::size_t k : keep)
      if (k != prev) {
        out.push_back(in[k]);
        prev = k;
      }
    i = end;
  }
}

// A dense polyline (pixel coordinates, x non-decreasing) as one vertical span per pixel column: the
// lowest and highest y of the column's points and of the previous column's last point, so the
// spans join up where the line jumps between columns. Drawn `thickness` wide, the spans cover the
// pixels the line would, at one quad per column instead of up to four segments (a noisy training
// loss is drawn this way once it has two or more points per column).
struct ColumnSpan {
  float x, y0, y1;  // column centre, y0 <= y1
};
template <class P> void column_envelope(const P* in, std::size_t count, std::vector<ColumnSpan>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < count) {
    const long column = static_cast<long>(in[i].x + 0.5f);
    float lo = in[i].y, hi = in[i].y;
    if (i > 0) lo = std::min(lo, in[i - 1].y), hi = std::max(hi, in[i - 1].y);
    std::size_t end = i + 1;
    for (; end < count && static_cast<long>(in[end].x + 0.5f) == column; ++end)
      lo = std::min(lo, in[end].y), hi = std::max(hi, in[end].y);
    out.push_back({static_cast<float>(column), lo, hi});
    i = end;
  }
}

// Drops the points of a polyline (pixel coordinates) that lie within `tolerance` pixels of the line
// drawn without them (Douglas–Peucker): every dropped point is at most `tolerance` from the segment
// between the two kept points around it, and the first and last points are always kept. At a
// tolerance under half a pixel the line covers the same pixels, while a smooth curve keeps a few
// points per bend rather than one or more per pixel column: a software rasteriser pays for every
// segment (two triangles each). `stack` is scratch space, reused between calls.
template <class P>
void simplify_polyline(const P* in, std::size_t count, float tolerance, std::vector<P>& out,
                       std::vector<std::pair<std::size_t, std::size_t>>& stack) {
  out.clear();
  if (count <= 2) {
    out.assign(in, in + count);
    return;
  }
  std::vector<bool> keep(count, false);
  keep[0] = keep[count - 1] = true;
  const float tol2 = tolerance * tolerance;
  stack.clear();
  stack.emplace_back(0, count - 1);
  while (!stack.empty()) {
    const auto [a, b] = stack.back();
    stack.pop_back();
    if (b <= a + 1) continue;
    const float dx = in[b].x - in[a].x, dy = in[b].y - in[a].y, len2 = dx * dx + dy * dy;
    float worst = -1.0f;
    std::size_t at = a;
    for (std::size_t i = a + 1; i < b; ++i) {
      const float px = in[i].x - in[a].x, py = in[i].y - in[a].y;
      float d2;  // squared distance from point i to the segment a–b
      if (len2 <= 0.0f) {
        d2 = px * px + py * py;
      } else {
        const float t = std::clamp((px * dx + py * dy) / len2, 0.0f, 1.0f);
        const float ex = px - t * dx, ey = py - t * dy;
        d2 = ex * ex + ey * ey;
      }
      if (d2 > worst) {
        worst = d2;
        at = i;
      }
    }
    if (worst > tol2) {
      keep[at] = true;
      stack.emplace_back(a, at);
      stack.emplace_back(at, b);
    }
  }
  for (std::size_t i = 0; i < count; ++i)
    if (keep[i]) out.push_back(in[i]);
}

// Element i of a strided ring buffer as ImPlot reads it: index (offset + i) mod count, stride in bytes.
template <class T> T strided_at(const T* data, int count, int offset, int stride, int i) {
  const int idx = count > 0 ? ((offset + i) % count + count) % count : 0;
  return *reinterpret_cast<const T*>(reinterpret_cast<const unsigned char*>(data) +
                                     static_cast<long long>(idx) * stride);
}

}  // namespace unrolled::plot
