#include "app/damage.hpp"

#include <algorithm>
#include <cstddef>
#include <unordered_set>

namespace unrolled::app {

bool intersects(const Rect& a, const Rect& b) {
  return a.visible() && b.visible() && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

Rect intersection(const Rect& a, const Rect& b) {
  const float x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const float x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  if (x1 <= x0 || y1 <= y0) return {};
  return {x0, y0, x1 - x0, y1 - y0};
}

Rect bounding_box(const Rect& a, const Rect& b) {
  if (!a.visible()) return b;
  if (!b.visible()) return a;
  const float x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  const float x1 = std::max(a.x + a.w, b.x + b.w), y1 = std::max(a.y + a.h, b.y + b.h);
  return {x0, y0, x1 - x0, y1 - y0};
}

namespace {

bool same_rect(const Rect& a, const Rect& b) { return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h; }

bool touches(const std::vector<Rect>& region, const Rect& r) {
  return std::any_of(region.begin(), region.end(), [&](const Rect& q) { return intersects(q, r); });
}

void add(std::vector<Rect>& region, const Rect& r, const Rect& viewport) {
  const Rect c = intersection(r, viewport);
  if (c.visible()) region.push_back(c);
}

// Merges rectangles into bounding boxes until at most `most` remain: each time the pair whose box
// adds the least area. Rectangles inside another are dropped first.
void merge(std::vector<Rect>& rs, int most) {
  for (std::size_t i = 0; i < rs.size();) {
    bool inside = false;
    for (std::size_t j = 0; j < rs.size() && !inside; ++j) inside = j != i && same_rect(bounding_box(rs[j], rs[i]), rs[j]);
    if (inside) rs.erase(rs.begin() + static_cast<std::ptrdiff_t>(i));
    else ++i;
  }
  while (rs.size() > static_cast<std::size_t>(std::max(most, 1))) {
    std::size_t bi = 0, bj = 1;
    float best = -1.0f;
    for (std::size_t i = 0; i < rs.size(); ++i)
      for (std::size_t j = i + 1; j < rs.size(); ++j) {
        const Rect b = bounding_box(rs[i], rs[j]);
        const float extra = b.w * b.h - rs[i].w * rs[i].h - rs[j].w * rs[j].h;
        if (best < 0 || extra < best) best = extra, bi = i, bj = j;
      }
    rs[bi] = bounding_box(rs[bi], rs[bj]);
    rs.erase(rs.begin() + static_cast<std::ptrdiff_t>(bj));
  }
}

}  // namespace

void DamageTracker::reset() {
  on_screen_.clear();
  history_.clear();
  valid_ = false;
}

DamagePlan DamageTracker::plan(const std::vector<DamageList>& lists, Rect viewport, int buffer_age) {
  constexpr std::size_t history_frames = 4;
  DamagePlan p;
  const std::size_t n = lists.size();
  p.drawn.assign(n, false);
  const bool known_age = buffer_age >= 1 && static_cast<std::size_t>(buffer_age) <= history_.size() + 1;
  if (!valid_ || !known_age || !same_rect(viewport, viewport_)) {
    p.full = true;
    p.drawn.assign(n, true);
    on_screen_.clear();
    for (const DamageList& l : lists) on_screen_[l.key] = {l.hash, l.bounds, 0};
    history_.assign(1, {viewport});
    viewport_ = viewport;
    valid_ = true;
    return p;
  }

  // What this buffer missed: the repaints of the frames since it was last shown.
  std::vector<Rect> region;
  for (std::size_t k = history_.size() - static_cast<std::size_t>(buffer_age - 1); k < history_.size(); ++k)
    region.insert(region.end(), history_[k].begin(), history_[k].end());

  // Changed lists, and lists that are gone (their old place must be repainted).
  std::vector<char> changed(n, 0);
  std::unordered_set<std::uint64_t> present;
  for (std::size_t i = 0; i < n; ++i) {
    const DamageList& l = lists[i];
    present.insert(l.key);
    const auto it = on_screen_.find(l.key);
    changed[i] = l.always_changed || it == on_screen_.end() || it->second.hash != l.hash || !same_rect(it->second.bounds, l.bounds);
  }
  for (auto it = on_screen_.begin(); it != on_screen_.end();) {
    if (!present.count(it->first)) {
      add(region, it->second.bounds, viewport);
      it = on_screen_.erase(it);
    } else {
      ++it;
    }
  }

  // Which changed lists to draw: every small or new one, and the large ones that waited longest.
  std::vector<std::size_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    if (!changed[i]) continue;
    const bool is_new = !on_screen_.count(lists[i].key);
    if (lists[i].large && !is_new) large.push_back(i);
    else p.drawn[i] = true;
  }
  std::stable_sort(large.begin(), large.end(),
                   [&](std::size_t a, std::size_t b) { return on_screen_[lists[a].key].waiting > on_screen_[lists[b].key].waiting; });
  for (std::size_t k = 0; k < large.size() && k < static_cast<std::size_t>(std::max(max_large_per_frame, 1)); ++k)
    p.drawn[large[k]] = true;

  // A drawn list repaints its new and its old place; a changed list that touches anything repainted
  // is drawn whole (never half old, half new). Repeat until nothing more is pulled in.
  // (A waiting list is on screen at its old place: that counts as touching too.)
  auto waiting_touches = [&](std::size_t i) {
    if (touches(region, lists[i].bounds)) return true;
    const auto it = on_screen_.find(lists[i].key);
    return it != on_screen_.end() && touches(region, it->second.bounds);
  };
  std::vector<char> placed(n, 0);
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (changed[i] && !p.drawn[i] && waiting_touches(i)) p.drawn[i] = true;
      if (p.drawn[i] && !placed[i]) {
        placed[i] = 1;
        grew = true;
        add(region, lists[i].bounds, viewport);
        if (const auto it = on_screen_.find(lists[i].key); it != on_screen_.end()) add(region, it->second.bounds, viewport);
      }
    }
    if (!grew) {
      const std::size_t before = region.size();
      merge(region, max_rects);
      // Merging can grow the region over a deferred list: go round again if it now touches one.
      for (std::size_t i = 0; i < n && before != region.size(); ++i)
        if (changed[i] && !p.drawn[i] && waiting_touches(i)) grew = true;
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    OnScreen& s = on_screen_[lists[i].key];
    if (p.drawn[i]) s = {lists[i].hash, lists[i].bounds, 0};
    else if (changed[i]) ++s.waiting, ++p.deferred;
  }
  p.repaint = region;
  history_.push_back(region);
  if (history_.size() > history_frames) history_.erase(history_.begin());
  return p;
}

}  // namespace unrolled::app
