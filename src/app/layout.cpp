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
}  // namespace

Layout compute_layout(Rect area, const PanelVisibility& v, float fs) {
  Layout l;
  // The transport bar takes a third row when the window is narrow (see TransportBar).
  const float transport_h = std::round(fs * (area.w >= fs * 80.0f ? 4.6f : 6.6f));
  l.transport = {area.x, area.y + area.h - transport_h, area.w, transport_h};
  const Rect content{area.x, area.y, area.w, std::max(0.0f, area.h - transport_h)};

  // Compact: under ~62 characters of width, everything but the unrolled view shares one tabbed tile.
  if (content.w < fs * 62.0f) {
    l.compact = true;
    const bool any_tab = v.controls || v.inspector || v.states || v.gates || v.traces;
    float unrolled_h = 0;
    if (v.unrolled)
      unrolled_h = any_tab ? std::round(std::clamp(fs * (5.0f + 1.75f * v.unrolled_rows), fs * 9.0f, content.h * 0.55f)) : content.h;
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
  const float status_h = std::round(fs * 1.9f);
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

  const bool right = v.forecast || v.decay;
  const float curves_w = v.curves ? (right ? std::round(main.w * 0.5f) : main.w) : 0;
  l.curves = {main.x, main.y, curves_w, v.curves ? main.h : 0};
  const Rect col{main.x + curves_w, main.y, main.w - curves_w, main.h};
  const std::vector<float> hs = split(col.h, {0.5f, 0.5f}, {v.forecast, v.decay});
  l.forecast = {col.x, col.y, v.forecast ? col.w : 0, hs[0]};
  l.decay = {col.x, col.y + hs[0], v.decay ? col.w : 0, hs[1]};
  return l;
}

}  // namespace unrolled::app
