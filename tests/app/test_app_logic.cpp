// The app's pure logic: the command line (DESIGN §5) and the tiled layout.
#include <doctest/doctest.h>

#include <vector>

#include "app/app_args.hpp"
#include "app/layout.hpp"

using namespace unrolled::app;

namespace {
ParseResult parse(std::vector<std::string> a) { return parse_app_args(a); }

bool overlaps(const Rect& a, const Rect& b) {
  if (!a.visible() || !b.visible()) return false;
  return a.x < b.x + b.w - 0.5f && b.x < a.x + a.w - 0.5f && a.y < b.y + b.h - 0.5f && b.y < a.y + a.h - 0.5f;
}
double area_of(const Rect& r) { return r.visible() ? double(r.w) * r.h : 0.0; }
std::vector<Rect> tiles(const Layout& l) {
  return {l.controls, l.unrolled, l.inspector, l.states, l.gates, l.traces, l.transport, l.tabs};
}
}  // namespace

TEST_CASE("flags parse into the arguments; defaults are 1280x800 at scale 1") {
  ParseResult r = parse({});
  CHECK(r.error.empty());
  CHECK(r.args.width == 1280);
  CHECK(r.args.height == 800);
  CHECK(r.args.scale == 1.0f);
  CHECK(r.args.frames == 0);
  CHECK(r.args.step == -1);

  r = parse({"--size", "1920x1080", "--scale", "2", "--model", "m.json", "--frames", "120", "--screenshot", "s.png",
             "--stats", "st.json", "--step", "5", "--play", "--speed", "8"});
  REQUIRE(r.error.empty());
  CHECK(r.args.width == 1920);
  CHECK(r.args.height == 1080);
  CHECK(r.args.scale == 2.0f);
  CHECK(r.args.model_path == "m.json");
  CHECK(r.args.frames == 120);
  CHECK(r.args.screenshot_path == "s.png");
  CHECK(r.args.stats_path == "st.json");
  CHECK(r.args.step == 5);
  CHECK(r.args.play);
  CHECK(r.args.speed == 8.0);
  CHECK(parse({"--help"}).args.help);
  // A screenshot without --frames still ends.
  CHECK(parse({"--screenshot", "x.png"}).args.frames > 0);
}

TEST_CASE("bad flags are usage errors that name the flag") {
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--size", "1280"}, {"--size", "10x10"}, {"--size", "axb"},
                                             {"--scale", "0"}, {"--scale", "nan"}, {"--frames", "-1"},
                                             {"--frames", "3x"}, {"--step", "-2"}, {"--speed", "1000"},
                                             {"--frames"}, {"--wat"}}) {
    const ParseResult r = parse(bad);
    CAPTURE(bad[0]);
    CHECK_FALSE(r.error.empty());
    CHECK(r.error.find(bad[0]) != std::string::npos);
  }
}

TEST_CASE("the tiled layout fills the window without overlaps, and re-flows") {
  const Rect area{0, 20, 1280, 780};
  const float fs = 15;
  PanelVisibility all;
  Layout l = compute_layout(area, all, fs);
  CHECK_FALSE(l.compact);
  CHECK_FALSE(l.tabs.visible());
  const std::vector<Rect> t = tiles(l);
  double sum = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!t[i].visible()) continue;
    sum += area_of(t[i]);
    CHECK(t[i].x >= area.x - 0.5f);
    CHECK(t[i].y >= area.y - 0.5f);
    CHECK(t[i].x + t[i].w <= area.x + area.w + 0.5f);
    CHECK(t[i].y + t[i].h <= area.y + area.h + 0.5f);
    for (std::size_t j = i + 1; j < t.size(); ++j) CHECK_FALSE(overlaps(t[i], t[j]));
  }
  CHECK(sum == doctest::Approx(double(area.w) * area.h).epsilon(1e-4));  // no gaps

  // Hiding panels gives their space to the others.
  PanelVisibility some = all;
  some.gates = false;
  some.controls = false;
  Layout m = compute_layout(area, some, fs);
  CHECK_FALSE(m.gates.visible());
  CHECK_FALSE(m.controls.visible());
  CHECK(m.unrolled.w > l.unrolled.w);
  CHECK(m.states.h > l.states.h);
  double sum2 = 0;
  for (const Rect& r : tiles(m)) sum2 += area_of(r);
  CHECK(sum2 == doctest::Approx(double(area.w) * area.h).epsilon(1e-4));

  // A bigger window: everything grows.
  Layout big = compute_layout({0, 20, 1920, 1060}, all, fs);
  CHECK(big.states.w > l.states.w);
}

TEST_CASE("large scales on small windows switch to tabs, then to the compact layout") {
  PanelVisibility all;
  // 1920x1080 at scale 2: the right column becomes one tabbed tile.
  Layout l = compute_layout({0, 40, 1920, 1040}, all, 30);
  CHECK(l.tabs.visible());
  CHECK_FALSE(l.compact);
  CHECK_FALSE(l.states.visible());
  CHECK(l.inspector.visible());
  CHECK(l.controls.visible());
  // 1280x800 at scale 2: compact — the unrolled view on top, everything else in tabs.
  Layout c = compute_layout({0, 40, 1280, 760}, all, 30);
  CHECK(c.compact);
  CHECK(c.unrolled.visible());
  CHECK(c.tabs.visible());
  CHECK_FALSE(c.controls.visible());
  CHECK_FALSE(c.inspector.visible());
  const Layout wide = compute_layout({0, 40, 1280, 760}, all, 15);
  CHECK(c.transport.h / 30 > wide.transport.h / 15);  // the transport bar wraps onto another row
  CHECK_FALSE(overlaps(c.unrolled, c.tabs));
  CHECK_FALSE(overlaps(c.tabs, c.transport));
}
