// The plotting layer (plot.hpp), shaped like ImPlot's API. A little over 500 lines on purpose, as
// implot.cpp is one file: BeginPlot/EndPlot and every item function share one per-plot Context (axes,
// extents, legend, hover entries, lines held until the axes are laid out); splitting it would expose
// that context to several files for no reader's gain. The pure axis maths is in plot_math.*.
#include "app/plot/plot.hpp"

#include <imgui_internal.h>  // ImRect

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace unrolled::plot {

namespace {

struct AxisState {
  int flags = AxisFlags_AutoFit;
  Scale scale = Scale::linear;
  bool fixed = false;
  Range limits{0, 1};
  int ticks = 0;  // 0: from the size
  std::string label;
};

struct Persistent {  // per plot id, across frames: last frame's data extents for auto-fit
  Range x{0, 1}, y{0, 1};
  bool have = false;
};

struct LegendEntry {
  std::string label;
  ImU32 color;
};
struct HoverEntry {
  std::string label;
  ImU32 color;
  double x, y, dist;
};

struct Context {
  ImGuiID id = 0;
  int flags = 0;
  ImRect frame, area;
  std::string title;
  AxisState x, y;
  AxisTransform tx, ty;
  bool ready = false;  // axes laid out, items may draw
  bool hovered = false;
  Point mouse;
  // this frame's data extents
  double xmin = 0, xmax = 0, ymin = 0, ymax = 0;
  bool have_extent = false;
  int item_count = 0;
  ImU32 next_color = 0;
  float next_thickness = -1;
  bool next_no_legend = false;
  std::vector<LegendEntry> legend;
  std::vector<HoverEntry> hover;
  // Lines given before the axes are laid out, on an auto-fit axis: kept here and drawn once this
  // frame's extents are known (so the axes fit this frame's data, not the last frame's).
  struct DeferredLine {
    std::string label;
    std::vector<Point> pts;
    ImU32 color;
    float thickness;
    bool markers, no_legend;
  };
  std::vector<DeferredLine> deferred;
  bool heat_hovered = false;
  int heat_row = 0, heat_col = 0;
  float heat_value = 0;
  std::string heat_label;
  bool in_plot = false;
};

Context g;  // the plot being built (ImGui is single-threaded, as is this)
std::unordered_map<ImGuiID, Persistent> g_persistent;
HeatmapRenderer g_renderer = nullptr;
Style g_style;

ImU32 text_color(float alpha = 1.0f) {
  ImVec4 c = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  c.w *= alpha;
  return ImGui::GetColorU32(c);
}

void extend(double x, double y) {
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  if (g.x.scale == Scale::log10 && x <= 0) return;
  if (g.y.scale == Scale::log10 && y <= 0) return;
  if (!g.have_extent) {
    g.xmin = g.xmax = x;
    g.ymin = g.ymax = y;
    g.have_extent = true;
    return;
  }
  g.xmin = std::min(g.xmin, x);
  g.xmax = std::max(g.xmax, x);
  g.ymin = std::min(g.ymin, y);
  g.ymax = std::max(g.ymax, y);
}

const char* visible_end(const char* label) {
  const char* e = std::strstr(label, "##");
  return e ? e : label + std::strlen(label);
}

void draw_deferred(const Context::DeferredLine& d);

// Lays out the axes once per plot, on the first item that draws at once (or at EndPlot), then draws
// the lines kept until then.
void Finish() {
  if (g.ready) return;
  g.ready = true;
  const Persistent& p = g_persistent[g.id];
  // Auto-fit: to this frame's lines when they were given first (deferred), else to the last frame's
  // extents (items that must draw at once, as ImPlot does).
  const bool now = !g.deferred.empty() && g.have_extent;
  auto resolve = [&](AxisState& a, const Range& last) {
    if (a.fixed) return;
    const Range fit = now ? (&a == &g.x ? Range{g.xmin, g.xmax} : Range{g.ymin, g.ymax}) : last;
    if ((a.flags & AxisFlags_AutoFit) && (now || p.have)) a.limits = fit_range(fit.min, fit.max, 0.05, a.scale);
    else if (a.scale == Scale::log10 && a.limits.min <= 0) a.limits = {1e-3, 1};
  };
  resolve(g.x, p.x);
  resolve(g.y, p.y);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const float pad = std::round(fs * 0.35f);
  float top = g.frame.Min.y;
  const bool title = !(g.flags & PlotFlags_NoTitle) && !g.title.empty();
  if (title || !g.y.label.empty()) top += fs + pad;
  float bottom = g.frame.Max.y - pad;
  if (!(g.x.flags & AxisFlags_NoTickLabels)) bottom -= fs + pad * 0.5f;
  if (!g.x.label.empty()) bottom -= fs;
  bottom = std::max(bottom, top + 4);

  const float plot_h = bottom - top;
  const int y_target = g.y.ticks > 0 ? g.y.ticks : std::clamp(static_cast<int>(plot_h / (fs * 1.6f)), plot_h > fs * 2.8f ? 4 : 2, 8);
  std::vector<Tick> yt = make_ticks(g.y.scale, g.y.limits.min, g.y.limits.max, y_target, g.y.flags & AxisFlags_Integer);
  // Labels closer than about a line apart would overlap: keep every k-th labelled tick, aligned so 0
  // stays labelled. (Only labelled ticks count: on a log axis the unlabelled 2…9 sit between them.)
  std::vector<std::size_t> labelled;
  for (std::size_t i = 0; i < yt.size(); ++i)
    if (!yt[i].label.empty()) labelled.push_back(i);
  const AxisTransform y_pixels{g.y.limits, bottom, top, g.y.scale};
  if (labelled.size() >= 2) {
    const double spacing = std::abs(y_pixels.to_pixel(yt[labelled[1]].value) - y_pixels.to_pixel(yt[labelled[0]].value));
    const int k = spacing > 0 ? static_cast<int>(std::ceil(fs * 1.1 / spacing)) : 1;
    if (k > 1) {
      int anchor = 0;
      for (std::size_t j = 0; j < labelled.size(); ++j)
        if (std::abs(yt[labelled[j]].value) < 1e-12) anchor = static_cast<int>(j);
      for (std::size_t j = 0; j < labelled.size(); ++j)
        if ((static_cast<int>(j) - anchor) % k != 0) yt[labelled[j]].label.clear();
    }
  }
  // Minor grid lines only where a decade is tall enough for them not to blur into a texture.
  const bool y_minor_grid = g.y.scale != Scale::log10 ||
                            std::abs(y_pixels.to_pixel(10 * g.y.limits.min) - y_pixels.to_pixel(g.y.limits.min)) > fs * 4.5;
  float label_w = 0;
  if (!(g.y.flags & AxisFlags_NoTickLabels))
    for (const Tick& t : yt) label_w = std::max(label_w, ImGui::CalcTextSize(t.label.c_str()).x);
  const float left = g.frame.Min.x + (label_w > 0 ? label_w + pad * 1.5f : pad);
  const float right = g.frame.Max.x - pad;
  g.area = ImRect(ImVec2(std::round(left), std::round(top)), ImVec2(std::round(std::max(right, left + 4)), std::round(bottom)));
  g.tx = {g.x.limits, g.area.Min.x, g.area.Max.x, g.x.scale};
  g.ty = {g.y.limits, g.area.Max.y, g.area.Min.y, g.y.scale};

  // Frame, title, y label.
  // No fill behind the data: the window background shows through (fill rate matters on llvmpipe).
  // A narrow plot (a projector) keeps its title and drops the y label rather than draw one over the other.
  const float title_w = title ? ImGui::CalcTextSize(g.title.c_str()).x : 0.0f;
  const float y_label_w = g.y.label.empty() ? 0.0f : ImGui::CalcTextSize(g.y.label.c_str()).x;
  const bool y_label = !g.y.label.empty() && (!title || y_label_w + fs + title_w <= g.frame.GetWidth());
  if (y_label) dl->AddText(ImVec2(g.frame.Min.x, g.frame.Min.y), text_color(0.65f), g.y.label.c_str());
  if (title) {
    const ImVec2 ts(title_w, fs);
    float tx = (g.area.Min.x + g.area.Max.x - ts.x) * 0.5f;
    if (y_label) tx = std::max(tx, g.frame.Min.x + y_label_w + fs);
    tx = std::min(tx, g.frame.Max.x - ts.x);  // inside the plot's own window (its child clips it)
    tx = std::max(tx, g.frame.Min.x);          // a title wider than the plot keeps its start
    dl->AddText(ImVec2(tx, g.frame.Min.y), text_color(), g.title.c_str());
  }

  // Grid and tick labels.
  const ImU32 grid = text_color(g_style.grid_alpha), grid_minor = text_color(g_style.grid_alpha * 0.5f);
  for (const Tick& t : yt) {
    const float py = static_cast<float>(std::round(g.ty.to_pixel(t.value)));
    if (py < g.area.Min.y - 0.5f || py > g.area.Max.y + 0.5f) continue;
    if (!(g.y.flags & AxisFlags_NoGrid) && (t.major || y_minor_grid))
      dl->AddLine(ImVec2(g.area.Min.x, py), ImVec2(g.area.Max.x, py), t.major ? grid : grid_minor);
    if (!t.label.empty() && !(g.y.flags & AxisFlags_NoTickLabels)) {
      const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
      dl->AddText(ImVec2(g.area.Min.x - pad - ts.x, py - ts.y * 0.5f), text_color(0.8f), t.label.c_str());
    }
  }
  const float plot_w = g.area.GetWidth();
  int x_target = g.x.ticks;
  if (x_target <= 0) {
    const float sample_w = ImGui::CalcTextSize(format_tick(g.x.limits.max, g.x.limits.size() / 5).c_str()).x;
    x_target = std::clamp(static_cast<int>(plot_w / std::max(sample_w * 2.5f, fs * 3.0f)), 2, 12);
  }
  std::vector<Tick> xt = make_ticks(g.x.scale, g.x.limits.min, g.x.limits.max, x_target, g.x.flags & AxisFlags_Integer);
  float label_end = -1e30f;  // a label that would touch the one before it is left out ("1020" in a narrow plot)
  for (const Tick& t : xt) {
    const float px = static_cast<float>(std::round(g.tx.to_pixel(t.value)));
    if (px < g.area.Min.x - 0.5f || px > g.area.Max.x + 0.5f) continue;
    if (!(g.x.flags & AxisFlags_NoGrid))
      dl->AddLine(ImVec2(px, g.area.Min.y), ImVec2(px, g.area.Max.y), t.major ? grid : grid_minor);
    if (!t.label.empty() && !(g.x.flags & AxisFlags_NoTickLabels)) {
      const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
      const float lx = std::clamp(px - ts.x * 0.5f, g.frame.Min.x, g.frame.Max.x - ts.x);
      if (lx < label_end + fs * 0.4f) continue;
      dl->AddText(ImVec2(lx, g.area.Max.y + pad * 0.5f), text_color(0.8f), t.label.c_str());
      label_end = lx + ts.x;
    }
  }
  if (!g.x.label.empty()) {
    const ImVec2 ts = ImGui::CalcTextSize(g.x.label.c_str());
    dl->AddText(ImVec2((g.area.Min.x + g.area.Max.x - ts.x) * 0.5f, g.frame.Max.y - ts.y - pad * 0.3f),
                text_color(0.65f), g.x.label.c_str());
  }

  g.hovered = ImGui::IsItemHovered() && g.area.Contains(ImGui::GetIO().MousePos);
  g.mouse = PixelsToPlot(ImGui::GetIO().MousePos);
  dl->PushClipRect(g.area.Min, g.area.Max, true);
  const std::vector<Context::DeferredLine> lines = std::move(g.deferred);
  g.deferred.clear();
  for (const Context::DeferredLine& d : lines) draw_deferred(d);
}

ImU32 take_color() {
  ImU32 c = g.next_color ? g.next_color : SeriesColor(g.item_count);
  g.next_color = 0;
  ++g.item_count;
  return c;
}

}  // namespace

void SetStyle(const Style& style) { g_style = style; }
const Style& GetStyle() { return g_style; }

ImU32 SeriesColor(int i) { return pack_rgba(okabe_ito(i)); }

ImU32 Faded(ImU32 color, float alpha) {
  // Faded lines keep their order of faintness, lifted by the style's floor (projector mode).
  alpha = g_style.fade_floor + (1.0f - g_style.fade_floor) * std::clamp(alpha, 0.0f, 1.0f);
  const float a = static_cast<float>((color >> IM_COL32_A_SHIFT) & 0xFF) * alpha;
  return (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(a + 0.5f) << IM_COL32_A_SHIFT);
}

void SetHeatmapRenderer(HeatmapRenderer renderer) { g_renderer = renderer; }

bool BeginPlot(const char* title_id, ImVec2 size, int flags) {
  IM_ASSERT(!g.in_plot && "BeginPlot without EndPlot");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(avail.x + size.x, ImGui::GetFontSize() * 4);
  if (size.y <= 0) size.y = std::max(avail.y + size.y, ImGui::GetFontSize() * 4);
  // Each plot is a child window: its own draw list, so a plot that changes is repainted without the
  // text and widgets around it (gfx/partial_redraw.hpp), and plots that change together take turns.
  if (!ImGui::BeginChild(title_id, size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::EndChild();
    return false;
  }
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImGuiID id = ImGui::GetID(title_id);
  ImGui::InvisibleButton(title_id, size, ImGuiButtonFlags_None);
  if (!ImGui::IsItemVisible()) {
    ImGui::EndChild();
    return false;
  }
  g = Context{};
  g.id = id;
  g.flags = flags;
  g.frame = ImRect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
  g.title.assign(title_id, visible_end(title_id));
  g.in_plot = true;
  return true;
}

void SetupAxes(const char* x_label, const char* y_label, int x_flags, int y_flags) {
  g.x.label = x_label ? x_label : "";
  g.y.label = y_label ? y_label : "";
  g.x.flags = x_flags;
  g.y.flags = y_flags;
}

void SetupAxisScale(Axis axis, Scale scale) { (axis == Axis::X ? g.x : g.y).scale = scale; }

void SetupAxisLimits(Axis axis, double min, double max) {
  AxisState& a = axis == Axis::X ? g.x : g.y;
  a.fixed = true;
  a.limits = fit_range(min, max, 0.0, a.scale);
  if (max > min) a.limits = {min, max};
}

void HideNextItemFromLegend() { g.next_no_legend = true; }

void SetupAxisTicks(Axis axis, int target_count) { (axis == Axis::X ? g.x : g.y).ticks = target_count; }

void SetNextLineStyle(ImU32 color, float thickness) {
  g.next_color = color;
  g.next_thickness = thickness;
}

namespace {
// How far (pixels) a drawn line may pass from a point it leaves out: under half a pixel, so the
// same pixels are covered.
constexpr float line_tolerance_px = 0.3f;

template <class GetXY>
void draw_line(const char* label, int count, GetXY get, bool markers, ImU32 col, float thickness, bool no_legend) {
  // Whole pixels: ImGui draws an anti-aliased line of integer width as one textured quad per segment,
  // and a fractional width as several fringe triangles per segment (about 40% of a training frame's
  // rasterising time on a software renderer).
  const float thick = std::max(1.0f, std::round((thickness > 0 ? thickness : 2.0f) *
                                                std::max(1.0f, ImGui::GetFontSize() / 16.0f) * g_style.line_weight));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  std::vector<ImVec2> pts;
  pts.reserve(static_cast<std::size_t>(count));
  HoverEntry best{std::string(label, visible_end(label)), col, 0, 0, 1e300};
  const float mx = ImGui::GetIO().MousePos.x;
  std::vector<ImVec2> column_pts, drawn;
  std::vector<std::pair<std::size_t, std::size_t>> stack;
  std::vector<ColumnSpan> spans;
  auto flush = [&] {
    if (pts.size() >= 2 && !markers) {
      // The fewest quads that cover the line's pixels: a polyline of ≤ 4 points per pixel column,
      // simplified to few points on smooth stretches (a forecast), or for a long noisy history
      // (the raw loss, the gradient norm) one span per pixel column, whole pixels wide.
      decimate_columns(pts.data(), pts.size(), column_pts);
      simplify_polyline(column_pts.data(), column_pts.size(), line_tolerance_px, drawn, stack);
      column_envelope(column_pts.data(), column_pts.size(), spans);
      if (spans.size() * 2 < drawn.size()) {
        dl->PrimReserve(static_cast<int>(spans.size()) * 6, static_cast<int>(spans.size()) * 4);
        for (const ColumnSpan& sp : spans) {
          const float x0 = std::floor(sp.x - thick * 0.5f + 0.5f);
          dl->PrimRect(ImVec2(x0, sp.y0 - thick * 0.5f), ImVec2(x0 + thick, sp.y1 + thick * 0.5f), col);
        }
      } else {
        dl->AddPolyline(drawn.data(), static_cast<int>(drawn.size()), col, 0, thick);
      }
    }
    if (markers || pts.size() == 1)
      for (const ImVec2& p : pts) dl->AddCircleFilled(p, thick * 1.6f, col, 12);
    pts.clear();
  };
  for (int i = 0; i < count; ++i) {
    const Point p = get(i);
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {  // NaN breaks the line
      flush();
      continue;
    }
    extend(p.x, p.y);
    const ImVec2 px = PlotToPixels(p.x, p.y);
    pts.push_back(px);
    if (g.hovered && std::abs(px.x - mx) < best.dist) {
      best.dist = std::abs(px.x - mx);
      best.x = p.x;
      best.y = p.y;
    }
  }
  flush();
  if (best.label.size() && !(g.flags & PlotFlags_NoLegend) && !no_legend) g.legend.push_back({best.label, col});
  if (g.hovered && best.dist < 1e300 && !best.label.empty()) g.hover.push_back(best);
}

void draw_deferred(const Context::DeferredLine& d) {
  draw_line(d.label.c_str(), static_cast<int>(d.pts.size()), [&](int i) { return d.pts[static_cast<std::size_t>(i)]; },
            d.markers, d.color, d.thickness, d.no_legend);
}

bool autofits(const AxisState& a) { return (a.flags & AxisFlags_AutoFit) && !a.fixed; }

template <class GetXY> void line_impl(const char* label, int count, GetXY get, bool markers) {
  const ImU32 col = take_color();
  const float thickness = g.next_thickness;
  const bool no_legend = g.next_no_legend;
  g.next_thickness = -1;
  g.next_no_legend = false;
  if (!g.ready && (autofits(g.x) || autofits(g.y))) {  // kept until the axes fit this frame's data
    Context::DeferredLine d{label, {}, col, thickness, markers, no_legend};
    d.pts.reserve(static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) {
      d.pts.push_back(get(i));
      extend(d.pts.back().x, d.pts.back().y);
    }
    g.deferred.push_back(std::move(d));
    return;
  }
  Finish();
  draw_line(label, count, get, markers, col, thickness, no_legend);
}
}  // namespace

void PlotLine(const char* label, const float* ys, int count, double xscale, double x0, int offset, int stride) {
  line_impl(label, count, [&](int i) {
    return Point{x0 + i * xscale, static_cast<double>(strided_at(ys, count, offset, stride, i))};
  }, false);
}

void PlotLine(const char* label, const float* xs, const float* ys, int count, int offset, int stride) {
  line_impl(label, count, [&](int i) {
    return Point{static_cast<double>(strided_at(xs, count, offset, stride, i)),
                 static_cast<double>(strided_at(ys, count, offset, stride, i))};
  }, false);
}

void PlotLine(const char* label, const double* ys, int count, double xscale, double x0) {
  line_impl(label, count, [&](int i) { return Point{x0 + i * xscale, ys[i]}; }, false);
}

void PlotScatter(const char* label, const float* ys, int count, double xscale, double x0) {
  line_impl(label, count, [&](int i) { return Point{x0 + i * xscale, static_cast<double>(ys[i])}; }, true);
}

void PlotHeatmap(const char* label, const float* values, int rows, int cols, double scale_min, double scale_max,
                 Colormap colormap, Range x, Range y) {
  Finish();
  if (rows <= 0 || cols <= 0) return;
  extend(x.min, y.min);
  extend(x.max, y.max);
  HeatmapDraw h;
  h.p0 = PlotToPixels(x.min, y.max);
  h.p1 = PlotToPixels(x.max, y.min);
  h.values = values;
  h.rows = rows;
  h.cols = cols;
  h.scale_min = static_cast<float>(scale_min);
  h.scale_max = static_cast<float>(scale_max);
  h.colormap = colormap;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (g_renderer) {
    g_renderer(dl, h);
  } else {
    const float cw = (h.p1.x - h.p0.x) / cols, ch = (h.p1.y - h.p0.y) / rows;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const float v = values[static_cast<std::size_t>(r) * cols + c];
        if (std::isnan(v)) continue;
        const ImVec2 a(h.p0.x + c * cw, h.p0.y + r * ch);
        dl->AddRectFilled(a, ImVec2(a.x + cw, a.y + ch), pack_rgba(sample(colormap, normalize(v, scale_min, scale_max))));
      }
  }
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (g.hovered && m.x >= h.p0.x && m.x < h.p1.x && m.y >= h.p0.y && m.y < h.p1.y) {
    g.heat_hovered = true;
    g.heat_col = std::clamp(static_cast<int>((m.x - h.p0.x) / (h.p1.x - h.p0.x) * cols), 0, cols - 1);
    g.heat_row = std::clamp(static_cast<int>((m.y - h.p0.y) / (h.p1.y - h.p0.y) * rows), 0, rows - 1);
    g.heat_value = values[static_cast<std::size_t>(g.heat_row) * cols + g.heat_col];
    g.heat_label.assign(label, visible_end(label));
  }
}

void PlotVLine(double x, ImU32 color, float thickness) {
  Finish();
  const float px = PlotToPixels(x, 0).x;
  ImGui::GetWindowDrawList()->AddLine(ImVec2(px, g.area.Min.y), ImVec2(px, g.area.Max.y), color, thickness * g_style.line_weight);
}

void PlotHLine(double y, ImU32 color, float thickness) {
  Finish();
  const float py = PlotToPixels(0, y).y;
  ImGui::GetWindowDrawList()->AddLine(ImVec2(g.area.Min.x, py), ImVec2(g.area.Max.x, py), color, thickness * g_style.line_weight);
}

void PlotShadedX(double x0, double x1, ImU32 color) {
  Finish();
  const float a = PlotToPixels(x0, 0).x, b = PlotToPixels(x1, 0).x;
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(std::min(a, b), g.area.Min.y), ImVec2(std::max(a, b), g.area.Max.y), color);
}

ImVec2 PlotToPixels(double x, double y) {
  Finish();
  return ImVec2(static_cast<float>(g.tx.to_pixel(x)), static_cast<float>(g.ty.to_pixel(y)));
}

Point PixelsToPlot(ImVec2 pixel) { return {g.tx.to_data(pixel.x), g.ty.to_data(pixel.y)}; }
Point GetPlotMousePos() {
  Finish();
  return g.mouse;
}
bool IsPlotHovered() {
  Finish();
  return g.hovered;
}
ImVec2 GetPlotPos() {
  Finish();
  return g.area.Min;
}
ImVec2 GetPlotSize() {
  Finish();
  return g.area.GetSize();
}

bool GetHoveredHeatmapCell(int* row, int* col, float* value) {
  if (!g.heat_hovered) return false;
  if (row) *row = g.heat_row;
  if (col) *col = g.heat_col;
  if (value) *value = g.heat_value;
  return true;
}

void EndPlot() {
  Finish();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  if (g.hovered && !(g.flags & PlotFlags_NoHoverReadout)) {
    const float mx = ImGui::GetIO().MousePos.x;
    dl->AddLine(ImVec2(mx, g.area.Min.y), ImVec2(mx, g.area.Max.y), text_color(0.35f));
    if (!g.hover.empty() || g.heat_hovered) {
      ImGui::BeginTooltip();
      if (g.heat_hovered)
        ImGui::Text("%s  row %d, column %d: %.4g", g.heat_label.c_str(), g.heat_row, g.heat_col, g.heat_value);
      for (const HoverEntry& h : g.hover) {
        ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(h.color), ImGuiColorEditFlags_NoTooltip, ImVec2(fs * 0.7f, fs * 0.7f));
        ImGui::SameLine();
        ImGui::Text("%s  x = %.4g   y = %.4g", h.label.c_str(), h.x, h.y);
      }
      ImGui::EndTooltip();
    }
  }
  dl->PopClipRect();
  // Legend: in a row at the right of the title line when it fits (small plots stay readable),
  // else top-right inside the data area.
  if (!(g.flags & PlotFlags_NoLegend) && !g.legend.empty()) {
    const float sw = fs * 0.9f, pad = fs * 0.3f, line = fs * 1.15f;
    float row_w = 0, w = 0;
    for (const LegendEntry& e : g.legend) {
      const float tw = ImGui::CalcTextSize(e.label.c_str()).x;
      row_w += sw + pad + tw + fs * 0.8f;
      w = std::max(w, tw);
    }
    const bool titled = !(g.flags & PlotFlags_NoTitle) && !g.title.empty();
    const float title_end = titled ? (g.area.Min.x + g.area.Max.x + ImGui::CalcTextSize(g.title.c_str()).x) * 0.5f + fs
                                   : g.frame.Min.x + ImGui::CalcTextSize(g.y.label.c_str()).x + fs;
    if (g.area.Min.y > g.frame.Min.y + fs * 0.5f && g.frame.Max.x - row_w > title_end) {
      float x = g.frame.Max.x - row_w;
      for (const LegendEntry& e : g.legend) {
        const float y = g.frame.Min.y + fs * 0.5f;
        dl->AddRectFilled(ImVec2(x, y - 1.5f), ImVec2(x + sw, y + 1.5f), e.color);
        x += sw + pad;
        dl->AddText(ImVec2(x, g.frame.Min.y), text_color(0.85f), e.label.c_str());
        x += ImGui::CalcTextSize(e.label.c_str()).x + fs * 0.8f;
      }
    } else if (!(g.flags & PlotFlags_LegendRowOnly)) {
      const ImVec2 size(w + sw + pad * 3, line * g.legend.size() + pad * 1.5f);
      const ImVec2 p0(g.area.Max.x - size.x - pad, g.area.Min.y + pad);
      dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), ImGui::GetColorU32(ImGuiCol_PopupBg, 0.85f), 3.0f);
      for (std::size_t i = 0; i < g.legend.size(); ++i) {
        const float y = p0.y + pad + line * i;
        dl->AddRectFilled(ImVec2(p0.x + pad, y + line * 0.5f - 2), ImVec2(p0.x + pad + sw, y + line * 0.5f + 2), g.legend[i].color);
        dl->AddText(ImVec2(p0.x + pad * 2 + sw, y), text_color(), g.legend[i].label.c_str());
      }
    }
  }
  dl->AddRect(g.area.Min, g.area.Max, text_color(0.25f));
  Persistent& p = g_persistent[g.id];
  if (g.have_extent) {
    p.x = {g.xmin, g.xmax};
    p.y = {g.ymin, g.ymax};
    p.have = true;
  }
  g.in_plot = false;
  ImGui::EndChild();
}

namespace {
// A vertical scale's label: two significant digits, exponents without '+' or leading zeros
// ("3.7e7", "-1.2e-5"), 0 for a value within rounding of zero.
std::string scale_label(double v, double min, double max) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", std::abs(v) < (max - min) * 1e-6 ? 0.0 : v);
  std::string s = buf;
  const std::size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string exp = s.substr(e + 1);
  const bool negative = !exp.empty() && exp[0] == '-';
  if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) exp.erase(0, 1);
  while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
  return s.substr(0, e + 1) + (negative ? "-" : "") + exp;
}
constexpr float scale_bar_em = 0.8f, scale_gap_em = 0.3f;
}  // namespace

float ColormapScaleWidth(double min, double max) {
  const float fs = ImGui::GetFontSize();
  float label = 0;
  for (double v : {min, (min + max) * 0.5, max}) label = std::max(label, ImGui::CalcTextSize(scale_label(v, min, max).c_str()).x);
  return std::ceil(fs * (scale_bar_em + scale_gap_em) + label + fs * 0.3f);
}

void ColormapScale(const char* label, double min, double max, ImVec2 size, Colormap colormap, bool horizontal) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(label, size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const int n = 32;
  if (!horizontal) {
    // Bar on the left, tick labels to its right; max at the top.
    const float bw = std::min(fs * scale_bar_em, size.x * 0.35f);
    const float top = pos.y + fs * 0.5f, bottom = pos.y + size.y - fs * 0.5f;
    for (int i = 0; i < n; ++i) {
      const float y0 = bottom - (bottom - top) * (i + 1) / n, y1 = bottom - (bottom - top) * i / n;
      const ImU32 c0 = pack_rgba(sample(colormap, (i + 1.0) / n)), c1 = pack_rgba(sample(colormap, double(i) / n));
      dl->AddRectFilledMultiColor(ImVec2(pos.x, y0), ImVec2(pos.x + bw, y1 + 0.5f), c0, c0, c1, c1);
    }
    dl->AddRect(ImVec2(pos.x, top), ImVec2(pos.x + bw, bottom), text_color(0.3f));
    // Label both ends and the middle (0 on a diverging scale): what a reader needs to decode colours.
    const double mid = (min + max) * 0.5;
    for (double v : {min, mid, max}) {
      const float y = bottom + (top - bottom) * static_cast<float>(normalize(v, min, max));
      // No tick mark: beside a label it reads as a minus sign.
      dl->AddText(ImVec2(pos.x + bw + fs * scale_gap_em, y - fs * 0.5f), text_color(0.8f), scale_label(v, min, max).c_str());
    }
  } else {
    const float bh = std::min(fs * 0.7f, size.y * 0.45f);
    const float l = pos.x + fs * 0.8f, r = pos.x + size.x - fs * 0.8f;
    for (int i = 0; i < n; ++i) {
      const float x0 = l + (r - l) * i / n, x1 = l + (r - l) * (i + 1) / n;
      const ImU32 c0 = pack_rgba(sample(colormap, double(i) / n)), c1 = pack_rgba(sample(colormap, (i + 1.0) / n));
      dl->AddRectFilledMultiColor(ImVec2(x0, pos.y), ImVec2(x1 + 0.5f, pos.y + bh), c0, c1, c1, c0);
    }
    dl->AddRect(ImVec2(l, pos.y), ImVec2(r, pos.y + bh), text_color(0.3f));
    AxisTransform t{{min, max}, l, r, Scale::linear};
    const int target = std::clamp(static_cast<int>((r - l) / (fs * 4.0f)), 2, 7);
    for (const Tick& tk : linear_ticks(min, max, target)) {
      const float x = static_cast<float>(t.to_pixel(tk.value));
      const ImVec2 ts = ImGui::CalcTextSize(tk.label.c_str());
      dl->AddLine(ImVec2(x, pos.y + bh), ImVec2(x, pos.y + bh + fs * 0.2f), text_color(0.6f));
      dl->AddText(ImVec2(x - ts.x * 0.5f, pos.y + bh + fs * 0.2f), text_color(0.8f), tk.label.c_str());
    }
  }
}

}  // namespace unrolled::plot
