#include "app/layout.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace unrolled::app {

namespace {
// Splits `total` among the shown parts in proportion to their weights; hidden parts get 0.
std::vector<float> split(float total, const std::vector<float>& weights, const std::vector<bool>& shown) {
  float sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) sum += shown[i] ? weights[i] : 0;
  std::vector<float> out(weights.size(), 0.0f);
  if (sum <= 0) return out;
  float used = 0;
  int last = -1;
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (shown[i]) {
      out[i] = std::floor(total * weights[i] / sum);
      used += out[i];
      last = static_cast<int>(i);
    }
  out[static_cast<std::size_t>(last)] += total - used;  // no gaps from rounding
  return out;
}

// The Train and Compare workspaces' plots in `r`: the curves on the left half, the forecast over the
// gradient decay on the right; a hidden tile gives its room to the others.
void place_plots(Rect r, bool curves, bool forecast, bool decay, Rect& curves_out, Rect& forecast_out, Rect& decay_out) {
  const bool right = forecast || decay;
  const float curves_w = curves ? (right ? std::round(r.w * 0.5f) : r.w) : 0;
  curves_out = {r.x, r.y, curves_w, curves ? r.h : 0};
  const Rect col{r.x + curves_w, r.y, r.w - curves_w, r.h};
  const std::vector<float> hs = split(col.h, {0.5f, 0.5f}, {forecast, decay});
  forecast_out = {col.x, col.y, forecast ? col.w : 0, hs[0]};
  decay_out = {col.x, col.y + hs[0], decay ? col.w : 0, hs[1]};
}
}  // namespace

Layout compute_layout(Rect area, const PanelVisibility& v, float fs) {
  Layout l;
  // The transport bar takes a third row when the window is narrow (see TransportBar).
  const float transport_h = transport_height(area.w, fs);
  l.transport = {area.x, area.y + area.h - transport_h, area.w, transport_h};
  const Rect content{area.x, area.y, area.w, std::max(0.0f, area.h - transport_h)};

  // Compact: under ~62 characters of width, everything but the unrolled view shares one tabbed tile.
  if (content.w < fs * 62.0f) {
    l.compact = true;
    const bool any_tab = v.controls || v.inspector || v.states || v.gates || v.traces;
    float unrolled_h = 0;
    if (v.unrolled)
      unrolled_h = any_tab ? std::round(std::clamp(fs * (5.0f + 1.75f * v.unrolled_rows), fs * 8.5f, content.h * 0.5f)) : content.h;
    l.unrolled = {content.x, content.y, v.unrolled ? content.w : 0, unrolled_h};
    if (any_tab) l.tabs = {content.x, content.y + unrolled_h, content.w, content.h - unrolled_h};
    return l;
  }
  float controls_w = 0;
  if (v.controls) controls_w = std::round(std::clamp(fs * 15.5f, content.w * 0.16f, content.w * 0.32f));
  l.controls = {content.x, content.y, controls_w, v.controls ? content.h : 0};
  const Rect main{content.x + controls_w, content.y, content.w - controls_w, content.h};

  const bool right_col = v.states || v.gates || v.traces;
  const bool lower = v.inspector || right_col;
  float unrolled_h = 0;
  if (v.unrolled)
    unrolled_h = lower ? std::round(std::clamp(fs * (5.0f + 1.75f * v.unrolled_rows), fs * 10.0f, main.h * 0.55f)) : main.h;
  l.unrolled = {main.x, main.y, v.unrolled ? main.w : 0, unrolled_h};
  const Rect bottom{main.x, main.y + unrolled_h, main.w, main.h - unrolled_h};

  float inspector_w = 0;
  if (v.inspector) inspector_w = right_col ? std::round(std::clamp(bottom.w * 0.40f, fs * 22.0f, bottom.w * 0.6f)) : bottom.w;
  l.inspector = {bottom.x, bottom.y, inspector_w, v.inspector ? bottom.h : 0};
  const Rect col{bottom.x + inspector_w, bottom.y, bottom.w - inspector_w, bottom.h};
  const int right_count = int(v.states) + int(v.gates) + int(v.traces);
  if (right_count > 1 && col.h < fs * 11.0f * right_count) {
    l.tabs = col;
    return l;
  }
  const std::vector<float> hs = split(col.h, {0.37f, 0.33f, 0.30f}, {v.states, v.gates, v.traces});
  float y = col.y;
  l.states = {col.x, y, v.states ? col.w : 0, hs[0]};
  y += hs[0];
  l.gates = {col.x, y, v.gates ? col.w : 0, hs[1]};
  y += hs[1];
  l.traces = {col.x, y, v.traces ? col.w : 0, hs[2]};
  return l;
}

TrainLayout compute_train_layout(Rect area, const TrainVisibility& v, float fs) {
  TrainLayout l;
  const float status_h = status_line_height(fs);
  l.status = {area.x, area.y + area.h - status_h, area.w, status_h};
  const Rect content{area.x, area.y, area.w, std::max(0.0f, area.h - status_h)};
  const bool any = v.panel || v.curves || v.forecast || v.decay;
  if (!any) return l;
  if (content.w < fs * 62.0f) {
    l.compact = true;
    l.tabs = content;
    return l;
  }
  float panel_w = 0;
  if (v.panel) panel_w = std::round(std::clamp(fs * 18.0f, content.w * 0.18f, content.w * 0.34f));
  if (!(v.curves || v.forecast || v.decay)) panel_w = content.w;
  l.panel = {content.x, content.y, panel_w, v.panel ? content.h : 0};
  const Rect main{content.x + panel_w, content.y, content.w - panel_w, content.h};
  if (main.w <= 0) return l;
  place_plots(main, v.curves, v.forecast, v.decay, l.curves, l.forecast, l.decay);
  return l;
}

float compare_table_height(int rows, float fs) {
  // Title bar and window padding (~2.4 lines), then the header and each row (a line and cell padding).
  return std::round(fs * (2.4f + 1.3f * static_cast<float>(std::max(rows, 1) + 1)));
}

CompareLayout compute_compare_layout(Rect area, const CompareVisibility& v, float fs, int table_rows) {
  CompareLayout l;
  const float status_h = status_line_height(fs);
  l.status = {area.x, area.y + area.h - status_h, area.w, status_h};
  const Rect content{area.x, area.y, area.w, std::max(0.0f, area.h - status_h)};
  const bool plots = v.curves || v.forecast || v.decay;
  const bool others = v.panel || plots;
  if (!others && !v.table) return l;
  // The table: its own height, but never more than half of the column it sits in; everything when alone.
  auto table_height = [&](float column_h, bool alone) {
    if (!v.table) return 0.0f;
    return alone ? column_h : std::min(compare_table_height(table_rows, fs), std::round(column_h * 0.5f));
  };
  if (content.w < fs * 62.0f) {
    l.compact = true;
    const float table_h = table_height(content.h, !others);
    l.table = {content.x, content.y + content.h - table_h, v.table ? content.w : 0, table_h};
    if (others) l.tabs = {content.x, content.y, content.w, content.h - table_h};
    return l;
  }
  float panel_w = 0;
  if (v.panel) panel_w = std::round(std::clamp(fs * 18.0f, content.w * 0.18f, content.w * 0.30f));
  if (!(plots || v.table)) panel_w = content.w;
  l.panel = {content.x, content.y, panel_w, v.panel ? content.h : 0};
  const Rect main{content.x + panel_w, content.y, content.w - panel_w, content.h};
  if (main.w <= 0) return l;

  const float table_h = table_height(main.h, !plots);
  l.table = {main.x, main.y + main.h - table_h, v.table ? main.w : 0, table_h};
  place_plots({main.x, main.y, main.w, main.h - table_h}, v.curves, v.forecast, v.decay, l.curves, l.forecast, l.decay);
  return l;
}

float transport_height(float width, float fs) { return std::round(fs * (width >= fs * 80.0f ? 4.6f : 6.6f)); }
float status_line_height(float fs) { return std::round(fs * 1.9f); }

LessonSplit split_lesson_column(Rect area, float fs, float bottom_h) {
  float w = fs * 22.0f;
  const float tiled = fs * tiled_min_width_em;
  if (area.w - w >= tiled) w = std::min(fs * 28.0f, area.w - tiled);
  else w = std::min(std::clamp(area.w * 0.5f, fs * 12.0f, fs * 24.0f), area.w * 0.6f);
  w = std::floor(w);
  bottom_h = std::clamp(bottom_h, 0.0f, area.h);
  const float h = area.h - bottom_h;
  return {{area.x, area.y, area.w - w, h}, {area.x + area.w - w, area.y, w, h}, {area.x, area.y + h, area.w, bottom_h}};
}

Stage compute_stage(Rect a, float fs, float stage_h) {
  if (a.w >= fs * stage_side_by_side_em && stage_h <= 0) {
    const float w = std::round(a.w * 0.55f);
    return {{a.x, a.y, w, a.h}, {a.x + w, a.y, a.w - w, a.h}};
  }
  const float h = std::round(std::clamp(stage_h > 0 ? stage_h : a.h * 0.55f, 0.0f, a.h));
  return {{a.x, a.y, a.w, h}, {a.x, a.y + h, a.w, a.h - h}};
}

namespace {
// What the lab and the Text workspace share: the status line along the bottom; nothing shown (empty);
// narrower than tiled_min_width_em (compact: one tabbed tile over `content`); else the settings
// column at the left (panel_em characters, min_share–34% of the width; all of it when nothing else
// is shown) and the rest (`main`).
struct ColumnSplit {
  Rect status, content, panel, main;
  bool empty = false, compact = false;
};
ColumnSplit split_settings_column(Rect area, float fs, bool panel, bool rest, float panel_em, float min_share) {
  ColumnSplit c;
  const float status_h = status_line_height(fs);
  c.status = {area.x, area.y + area.h - status_h, area.w, status_h};
  c.content = {area.x, area.y, area.w, std::max(0.0f, area.h - status_h)};
  c.empty = !(panel || rest);
  c.compact = !c.empty && c.content.w < fs * tiled_min_width_em;
  if (c.empty || c.compact) return c;
  const Rect& a = c.content;
  float panel_w = 0;
  if (panel) panel_w = rest ? std::round(std::clamp(fs * panel_em, a.w * min_share, a.w * 0.34f)) : a.w;
  c.panel = {a.x, a.y, panel_w, panel ? a.h : 0};
  c.main = {a.x + panel_w, a.y, a.w - panel_w, a.h};
  return c;
}
// Fills a layout's status line, compact switch and settings column from c; false when there is
// nothing more to lay out (nothing shown, or compact).
template <class Layout> bool take_columns(const ColumnSplit& c, Layout& l) {
  l.status = c.status;
  l.compact = c.compact;
  if (c.compact) l.tabs = c.content;
  if (c.empty || c.compact) return false;
  l.panel = c.panel;
  return true;
}
}  // namespace

LabLayout compute_lab_layout(Rect area, const LabVisibility& v, float fs) {
  LabLayout l;
  const ColumnSplit c = split_settings_column(area, fs, v.panel, v.decay || v.clipping, 18.0f, 0.18f);
  if (!take_columns(c, l)) return l;
  const Rect& main = c.main;
  // The decay plot is the lab's picture: it keeps the larger share next to the clipping plots.
  const std::vector<float> ws = split(main.w, {0.55f, 0.45f}, {v.decay, v.clipping});
  l.decay = {main.x, main.y, ws[0], v.decay ? main.h : 0};
  l.clipping = {main.x + ws[0], main.y, ws[1], v.clipping ? main.h : 0};
  return l;
}

TextLayout compute_text_layout(Rect area, const TextVisibility& v, float fs) {
  TextLayout l;
  const ColumnSplit c = split_settings_column(area, fs, v.panel, v.curves || v.samples || v.reading || v.units || v.connectivity,
                                              19.0f, 0.2f);
  if (!take_columns(c, l)) return l;
  const bool top = v.curves || v.samples;
  const bool bottom = v.reading || v.units;
  // The connectivity rows take the bottom of the column: three lines of text and their headings.
  const float conn_h = v.connectivity ? (top || bottom ? std::round(std::min(fs * 16.5f, c.main.h * 0.5f)) : c.main.h) : 0;
  const Rect main = {c.main.x, c.main.y, c.main.w, c.main.h - conn_h};
  l.connectivity = {main.x, main.y + main.h, main.w, conn_h};
  const std::vector<float> hs = split(main.h, {0.45f, 0.55f}, {top, bottom});
  const std::vector<float> ws = split(main.w, {0.42f, 0.58f}, {v.curves, v.samples});
  l.curves = {main.x, main.y, ws[0], v.curves ? hs[0] : 0};
  l.samples = {main.x + ws[0], main.y, ws[1], v.samples ? hs[0] : 0};
  const float units_w = v.reading ? std::round(std::clamp(fs * 17.0f, main.w * 0.22f, main.w * 0.34f)) : main.w;
  const std::vector<float> bw = split(main.w, {main.w - units_w, units_w}, {v.reading, v.units});
  l.reading = {main.x, main.y + hs[0], bw[0], v.reading ? hs[1] : 0};
  l.units = {main.x + bw[0], main.y + hs[0], bw[1], v.units ? hs[1] : 0};
  return l;
}

Seq2seqLayout compute_seq2seq_layout(Rect area, const Seq2seqVisibility& v, float fs) {
  Seq2seqLayout l;
  const ColumnSplit c =
      split_settings_column(area, fs, v.panel, v.curves || v.attention || v.bottleneck || v.steps || v.beam, 17.0f, 0.17f);
  if (!take_columns(c, l)) return l;
  const Rect& main = c.main;
  const bool top = v.curves || v.attention || v.bottleneck;
  const bool bottom = v.steps || v.beam;
  const std::vector<float> hs = split(main.h, {0.44f, 0.56f}, {top, bottom});
  const std::vector<float> ws = split(main.w, {0.32f, 0.36f, 0.32f}, {v.curves, v.attention, v.bottleneck});
  l.curves = {main.x, main.y, ws[0], v.curves ? hs[0] : 0};
  l.attention = {main.x + ws[0], main.y, ws[1], v.attention ? hs[0] : 0};
  l.bottleneck = {main.x + ws[0] + ws[1], main.y, ws[2], v.bottleneck ? hs[0] : 0};
  const std::vector<float> bw = split(main.w, {0.56f, 0.44f}, {v.steps, v.beam});
  l.steps = {main.x, main.y + hs[0], bw[0], v.steps ? hs[1] : 0};
  l.beam = {main.x + bw[0], main.y + hs[0], bw[1], v.beam ? hs[1] : 0};
  return l;
}

}  // namespace unrolled::app
