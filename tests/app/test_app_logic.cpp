// The app's pure logic: the command line (DESIGN §5), the tiled layouts, and the file dialog's
// folder listing and time-stamped names.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <utility>
#include <vector>

#include "app/app_args.hpp"
#include "app/layout.hpp"
#include "app/panels/file_list.hpp"
#include "app/panels/train_fields.hpp"

using namespace unrolled::app;

namespace {
ParseResult parse(std::vector<std::string> a) { return parse_app_args(a); }

bool overlaps(const Rect& a, const Rect& b) {
  if (!a.visible() || !b.visible()) return false;
  return a.x < b.x + b.w - 0.5f && b.x < a.x + a.w - 0.5f && a.y < b.y + b.h - 0.5f && b.y < a.y + a.h - 0.5f;
}
double area_of(const Rect& r) { return r.visible() ? double(r.w) * r.h : 0.0; }
// The tiles stay inside the area, do not overlap, and leave no gaps.
void check_tiles_fill(const std::vector<Rect>& t, const Rect& area) {
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
  CHECK(sum == doctest::Approx(double(area.w) * area.h).epsilon(1e-4));
}
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
  CHECK_FALSE(r.args.train);
  CHECK(parse({"--train", "--frames", "30"}).args.train);

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
  check_tiles_fill(tiles(l), area);

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

TEST_CASE("the Train workspace: panel left, curves, forecast over decay; no gaps; hidden tiles re-flow") {
  const Rect area{0, 20, 1280, 780};
  const float fs = 15;
  TrainVisibility all;
  TrainLayout l = compute_train_layout(area, all, fs);
  CHECK_FALSE(l.compact);
  check_tiles_fill({l.panel, l.curves, l.forecast, l.decay, l.status, l.tabs}, area);
  CHECK(l.panel.x == area.x);
  CHECK(l.curves.x == doctest::Approx(l.panel.x + l.panel.w));
  CHECK(l.forecast.x > l.curves.x);
  CHECK(l.decay.y > l.forecast.y);
  CHECK(l.status.y + l.status.h == doctest::Approx(area.y + area.h));
  CHECK(l.curves.w > fs * 25);  // room for a readable loss plot at 1280x800
  CHECK(l.forecast.h > fs * 15);

  TrainVisibility no_forecast = all;
  no_forecast.forecast = false;
  TrainLayout m = compute_train_layout(area, no_forecast, fs);
  CHECK_FALSE(m.forecast.visible());
  CHECK(m.decay.h == doctest::Approx(l.forecast.h + l.decay.h));
  check_tiles_fill({m.panel, m.curves, m.forecast, m.decay, m.status, m.tabs}, area);
  TrainVisibility only_curves{false, true, false, false};
  TrainLayout c = compute_train_layout(area, only_curves, fs);
  CHECK(c.curves.w == doctest::Approx(area.w));

  // Narrow or large-scale: one tabbed tile above the status line.
  TrainLayout narrow = compute_train_layout({0, 40, 1280, 760}, all, 30);
  CHECK(narrow.compact);
  CHECK(narrow.tabs.visible());
  CHECK_FALSE(narrow.curves.visible());
  // 1920x1080 at scale 2 is still tiled.
  CHECK_FALSE(compute_train_layout({0, 40, 1920, 1040}, all, 30).compact);
}

TEST_CASE("file dialog logic: folders first, sorted, hidden left out; errors are messages") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("unrolled-files-" + std::to_string(::getpid()));
  fs::create_directories(dir / "beta");
  fs::create_directories(dir / "Alpha");
  std::ofstream(dir / "zeta.json") << "{}";
  std::ofstream(dir / "a.csv") << "1\n2\n";
  std::ofstream(dir / ".hidden") << "x";
  std::string err;
  const std::vector<FileEntry> e = list_folder(dir.string(), err);
  CHECK(err.empty());
  REQUIRE(e.size() == 4);
  CHECK(e[0].name == "Alpha");
  CHECK(e[0].is_dir);
  CHECK(e[1].name == "beta");
  CHECK(e[2].name == "a.csv");
  CHECK(e[2].size == 4);
  CHECK(e[3].name == "zeta.json");

  const std::vector<FileEntry> none = list_folder((dir / "missing").string(), err);
  CHECK(none.empty());
  CHECK(err.find("missing") != std::string::npos);

  CHECK(parent_folder((dir / "beta").string()) == dir.string());
  CHECK(parent_folder((dir / "beta").string() + "/") == dir.string());
  CHECK(parent_folder("/") == "/");
  CHECK(join_path("/tmp", "x.csv") == "/tmp/x.csv");
  CHECK(join_path("/tmp/", "x.csv") == "/tmp/x.csv");
  CHECK_FALSE(default_export_folder().empty());
  fs::remove_all(dir);
}

TEST_CASE("export names are time-stamped to the second in local time") {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  // 2026-11-22 03:15:00 UTC
  const std::time_t when = 1795317300;
  CHECK(timestamped_name("unrolled", "png", when) == "unrolled-20261122-031500.png");
  CHECK(timestamped_name("curves", "csv", when + 61) == "curves-20261122-031601.csv");
}

TEST_CASE("a settings error is placed under the field it names") {
  // Messages as validate_train_settings and the core's validators word them.
  const std::pair<const char*, TrainField> cases[] = {
      {"hidden size 300 is out of range (1…256)", TrainField::hidden},
      {"layers 4 is out of range (1…3)", TrainField::layers},
      {"sequence length 0 is out of range (1…256)", TrainField::steps},
      {"batch 0 is out of range (1…1024)", TrainField::batch},
      {"epochs 0 is out of range (1…1000000)", TrainField::epochs},
      {"learning rate must be in (0, 1000]", TrainField::lr},
      {"minimum learning rate must be 0 or more", TrainField::schedule},
      {"schedule factor must be in (0, 1]", TrainField::schedule},
      {"momentum must be in [0, 1)", TrainField::momentum},
      {"clip must be 0 (off) or a positive norm", TrainField::clip},
      {"wave 2 frequency must be in [0, 0.5] cycles per sample", TrainField::frequency},
      {"noise must be in [0, 1e6]", TrainField::noise},
      {"signal length 1 is out of range (2…100000)", TrainField::length},
      {"the series has 40 points; its training part (32) must be longer than the sequence length 32", TrainField::length},
      {"validation fraction 0 is out of range (0…0.9); it must be above 0", TrainField::val},
      {"CSV column is empty: give a header name or a 0-based index", TrainField::csv},
      {"early-stopping patience must be 0 (off) or more", TrainField::patience},
      {"something else entirely", TrainField::none},
      {"", TrainField::none}};
  for (const auto& [message, field] : cases) {
    CAPTURE(message);
    CHECK(train_error_field(message) == field);
  }
}
