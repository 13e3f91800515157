// What the partial repaints repaint (app/damage.hpp): a simulated screen built from the plans must
// always equal the frame the lists describe, whatever changes, waits or moves.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <vector>

#include "app/damage.hpp"

using namespace unrolled::app;

namespace {

constexpr int W = 40, H = 30;
const Rect viewport{0, 0, W, H};

// A list draws its hash into every pixel of its bounds; later lists cover earlier ones.
using Screen = std::vector<std::uint64_t>;

void paint(Screen& s, const std::vector<DamageList>& lists, const Rect& clip) {
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const Rect px{static_cast<float>(x), static_cast<float>(y), 1, 1};
      if (!intersects(px, clip)) continue;
      std::uint64_t v = 0;  // the background
      for (const DamageList& l : lists)
        if (intersects(px, l.bounds)) v = l.hash * 1000003u + l.key;
      s[static_cast<std::size_t>(y * W + x)] = v;
    }
}

Screen whole(const std::vector<DamageList>& lists) {
  Screen s(W * H, 0);
  paint(s, lists, viewport);
  return s;
}

// The screen after a plan: repainted rectangles take the lists' current content, except that a
// changed list that waits keeps its old content (it may not be drawn anywhere by the plan).
void apply(Screen& s, const DamagePlan& p, const std::vector<DamageList>& lists) {
  if (p.full) {
    s = whole(lists);
    return;
  }
  for (const Rect& r : p.repaint) paint(s, lists, r);
}

}  // namespace

TEST_CASE("damage: the first frame and an unknown buffer age redraw everything; an unchanged frame nothing") {
  DamageTracker t;
  std::vector<DamageList> lists{{1, 10, {0, 0, 20, 30}}, {2, 20, {20, 0, 20, 30}}};
  CHECK(t.plan(lists, viewport, 1).full);
  const DamagePlan same = t.plan(lists, viewport, 1);
  CHECK_FALSE(same.full);
  CHECK(same.repaint.empty());
  CHECK(t.plan(lists, viewport, 0).full);  // age 0: the buffer's contents are unknown
  CHECK(t.plan(lists, Rect{0, 0, 41, 30}, 1).full);  // resized
}

TEST_CASE("damage: a changed tile repaints that tile only; a moved one its old and new place") {
  DamageTracker t;
  std::vector<DamageList> lists{{1, 10, {0, 0, 20, 30}}, {2, 20, {20, 0, 20, 15}}, {3, 30, {20, 15, 20, 15}}};
  t.plan(lists, viewport, 1);
  lists[1].hash = 21;
  DamagePlan p = t.plan(lists, viewport, 1);
  REQUIRE(p.repaint.size() == 1);
  CHECK(p.repaint[0].x == 20);
  CHECK(p.repaint[0].w == 20);
  CHECK(p.repaint[0].h == 15);
  CHECK(p.drawn == std::vector<bool>{false, true, false});

  lists[2].bounds = {25, 20, 10, 10};  // moved inside its old place
  p = t.plan(lists, viewport, 1);
  REQUIRE(p.repaint.size() == 1);
  CHECK(p.repaint[0].y == 15);  // the old, larger place
  CHECK(p.repaint[0].h == 15);

  lists.pop_back();  // gone: its place is repainted (with the background)
  p = t.plan(lists, viewport, 1);
  REQUIRE(p.repaint.size() == 1);
  CHECK(p.repaint[0].x == 25);
}

TEST_CASE("damage: large lists changing together take turns, the one waiting longest first") {
  DamageTracker t;
  std::vector<DamageList> lists{{1, 10, {0, 0, 10, 30}, false, true},
                                {2, 20, {10, 0, 10, 30}, false, true},
                                {3, 30, {20, 0, 10, 30}, false, true},
                                {4, 40, {30, 0, 10, 30}, false, false}};  // small: always drawn
  t.plan(lists, viewport, 1);
  for (DamageList& l : lists) ++l.hash;
  DamagePlan p = t.plan(lists, viewport, 1);
  CHECK(p.drawn == std::vector<bool>{true, false, false, true});
  CHECK(p.deferred == 2);
  p = t.plan(lists, viewport, 1);  // nothing new: the waiting ones get their turns
  CHECK(p.drawn == std::vector<bool>{false, true, false, false});
  lists[0].hash += 1;  // changes again, but 3 has waited longer
  p = t.plan(lists, viewport, 1);
  CHECK(p.drawn == std::vector<bool>{false, false, true, false});
  p = t.plan(lists, viewport, 1);
  CHECK(p.drawn == std::vector<bool>{true, false, false, false});
  CHECK(p.deferred == 0);

  // A waiting list that anything repainted touches is drawn whole, never half old and half new.
  DamageTracker u;
  std::vector<DamageList> over{{1, 10, {0, 0, 30, 30}, false, true}, {2, 20, {20, 0, 20, 30}, false, true}};
  u.plan(over, viewport, 1);
  over[0].hash++, over[1].hash++;
  p = u.plan(over, viewport, 1);
  CHECK(p.drawn == std::vector<bool>{true, true});
}

TEST_CASE("damage: with two buffers (age 2) the repaint covers what the other buffer missed") {
  DamageTracker t;
  std::vector<DamageList> lists{{1, 10, {0, 0, 20, 30}}, {2, 20, {20, 0, 20, 30}}};
  t.plan(lists, viewport, 1);
  lists[0].hash = 11;
  DamagePlan p = t.plan(lists, viewport, 1);
  REQUIRE(p.repaint.size() == 1);
  lists[1].hash = 21;
  p = t.plan(lists, viewport, 2);  // this buffer missed the last frame's repaint of list 1
  float area = 0;
  for (const Rect& r : p.repaint) area += r.w * r.h;
  CHECK(area == 40 * 30);
}

TEST_CASE("damage: random frames (changes, moves, overlaps, lists coming and going) always leave the frame on screen") {
  std::mt19937 rng(7);
  auto rnd = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 40; ++trial) {
    DamageTracker t;
    t.max_rects = rnd(1, 4);
    // Screens per buffer: with `buffers` buffers shown in turn, each frame's buffer has age `buffers`.
    const int buffers = rnd(1, 3);
    std::vector<Screen> screen(static_cast<std::size_t>(buffers), Screen(W * H, 0));
    std::map<std::uint64_t, DamageList> live;
    for (std::uint64_t k = 1; k <= 6; ++k)
      live[k] = {k, static_cast<std::uint64_t>(rnd(1, 5)),
                 Rect{static_cast<float>(rnd(0, 30)), static_cast<float>(rnd(0, 20)), static_cast<float>(rnd(1, 15)),
                      static_cast<float>(rnd(1, 15))},
                 rnd(0, 9) == 0, rnd(0, 1) == 1};
    // What was last drawn of each list: a waiting list stays as it was on screen.
    std::map<std::uint64_t, DamageList> shown;
    for (int frame = 0; frame < 60; ++frame) {
      for (auto& [k, l] : live) {
        if (rnd(0, 3) == 0) l.hash = static_cast<std::uint64_t>(rnd(1, 50));
        if (rnd(0, 9) == 0)
          l.bounds = {static_cast<float>(rnd(0, 30)), static_cast<float>(rnd(0, 20)), static_cast<float>(rnd(1, 15)),
                      static_cast<float>(rnd(1, 15))};
      }
      if (rnd(0, 7) == 0) live.erase(static_cast<std::uint64_t>(rnd(1, 6)));
      if (rnd(0, 7) == 0) {
        const auto k = static_cast<std::uint64_t>(rnd(1, 6));
        live[k] = {k, 99, Rect{static_cast<float>(rnd(0, 30)), static_cast<float>(rnd(0, 20)), 8, 8}, false, rnd(0, 1) == 1};
      }
      std::vector<DamageList> lists;
      for (auto& [k, l] : live) lists.push_back(l);
      const int age = frame < buffers ? 0 : buffers;
      const DamagePlan p = t.plan(lists, viewport, age);
      // What the frame looks like with the waiting lists as they were last drawn.
      std::vector<DamageList> expected;
      for (std::size_t i = 0; i < lists.size(); ++i) {
        if (p.drawn[i]) shown[lists[i].key] = lists[i];
        const auto it = shown.find(lists[i].key);
        REQUIRE(it != shown.end());  // a list never drawn is never waiting (new lists are drawn at once)
        expected.push_back(it->second);
      }
      // The renderer draws the lists as they are now; in a repainted rectangle a waiting list must
      // not appear (it would be half new), so painting with `expected` is what the screen shows.
      for (std::size_t i = 0; i < lists.size(); ++i) {
        const DamageList& was = expected[i];
        const bool waiting = was.hash != lists[i].hash || was.bounds.x != lists[i].bounds.x || was.bounds.y != lists[i].bounds.y ||
                             was.bounds.w != lists[i].bounds.w || was.bounds.h != lists[i].bounds.h;
        if (waiting)
          for (const Rect& r : p.repaint) REQUIRE_FALSE((intersects(r, lists[i].bounds) || intersects(r, was.bounds)));
      }
      Screen& s = screen[static_cast<std::size_t>(frame % buffers)];
      apply(s, p, expected);
      INFO("trial " << trial << " frame " << frame << " buffers " << buffers);
      REQUIRE(s == whole(expected));
    }
  }
}
