// The app's pure logic: the command line (DESIGN §5), the tiled layouts, and the file dialog's
// folder listing and time-stamped names.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <utility>
#include <vector>

#include "app/app_args.hpp"
#include "app/key_queue.hpp"
#include "app/layout.hpp"
#include "app/file_list.hpp"
#include "app/train_fields.hpp"
#include "app/ui_state.hpp"

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
  CHECK_FALSE(r.args.train_speed.has_value());  // the app then starts at class speed (or a restored session's)
  CHECK(parse({"--train-speed", "full"}).args.train_speed == 0.0);
  CHECK(parse({"--train-speed", "250"}).args.train_speed == 250.0);

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
                                             {"--train-speed", "0"}, {"--train-speed", "fast"}, {"--train-speed", "inf"},
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

  // A dialog for one kind of file keeps the folders and that kind (case-insensitive), and counts the rest.
  std::ofstream(dir / "model.JSON") << "{}";
  std::ofstream(dir / "json") << "x";  // no extension: not a .json file
  std::size_t hidden = 0;
  const std::vector<FileEntry> all = list_folder(dir.string(), err);
  REQUIRE(all.size() == 6);
  const std::vector<FileEntry> js = files_of_kind(all, {".json"}, hidden);
  REQUIRE(js.size() == 4);
  CHECK(js[0].name == "Alpha");
  CHECK(js[1].name == "beta");
  CHECK(js[2].name == "model.JSON");
  CHECK(js[3].name == "zeta.json");
  CHECK(hidden == 2);
  CHECK(files_of_kind(all, {".csv", ".txt"}, hidden).size() == 3);
  CHECK(hidden == 3);
  CHECK(files_of_kind(all, {}, hidden).size() == 6);
  CHECK(hidden == 0);

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
      {"copy task: the sequence length must be between 1 and 100000, got 0", TrainField::steps},
      {"adding task: training windows must be between 1 and 1000000", TrainField::windows},
      {"adding task: validation windows must be between 1 and 1000000", TrainField::val_windows},
      {"adding task: 1000000 + 400 windows of 200 steps are 400160000 input values, more than the 67108864 held "
       "in memory (use fewer windows or a shorter sequence)", TrainField::windows},
      {"sequence length 40 must equal the memory task's T = 30 (copy:30 sets it)", TrainField::steps},
      {"something else entirely", TrainField::none},
      {"", TrainField::none}};
  for (const auto& [message, field] : cases) {
    CAPTURE(message);
    CHECK(train_error_field(message) == field);
  }
}

TEST_CASE("lesson flags: --lesson, --lesson-step, --lesson-shots, --list-lessons; the step and shots need a lesson") {
  ParseResult r = parse({"--lesson", "03-lstm-highway", "--lesson-step", "4", "--lesson-shots", "/tmp/shots"});
  REQUIRE(r.error.empty());
  CHECK(r.args.lesson == "03-lstm-highway");
  CHECK(r.args.lesson_step == 4);
  CHECK(r.args.lesson_shots == "/tmp/shots");
  CHECK_FALSE(r.args.list_lessons);
  CHECK(r.args.frames == 0);  // the walk ends by itself
  CHECK(parse({"--list-lessons"}).args.list_lessons);
  CHECK(parse({}).args.lesson.empty());
  CHECK(parse({}).args.lesson_step == 0);
  CHECK(parse({"--lesson", "x.json"}).args.lesson == "x.json");

  const std::pair<std::vector<std::string>, std::string> bad[] = {
      {{"--lesson-step", "2"}, "--lesson-step needs --lesson"},
      {{"--lesson-shots", "d"}, "--lesson-shots needs --lesson"},
      {{"--lesson", "a", "--lesson-step", "0"}, "--lesson-step: expected a step number >= 1, got '0'"},
      {{"--lesson", "a", "--lesson-step", "two"}, "--lesson-step: expected a step number >= 1, got 'two'"},
      {{"--lesson"}, "--lesson needs a value"},
      {{"--lesson", ""}, "--lesson: expected a lesson ID"},
      {{"--lesson", "a", "--lesson-shots", "d", "--frames", "9"}, "--lesson-shots ends after the lesson's last step"},
      {{"--lesson", "a", "--lesson-shots", "d", "--screenshot", "s.png"}, "drop --frames and --screenshot"}};
  for (const auto& [argv, message] : bad) {
    CAPTURE(argv[0]);
    const ParseResult b = parse(argv);
    CHECK(b.error.find(message) != std::string::npos);
  }
}

TEST_CASE("session flags: --session FILE, --fresh, --autosave; --scale is remembered as given") {
  ParseResult r = parse({});
  CHECK_FALSE(r.args.fresh);
  CHECK_FALSE(r.args.autosave);
  CHECK(r.args.session_path.empty());
  CHECK_FALSE(r.args.scale_given);
  CHECK(parse({"--scale", "1"}).args.scale_given);  // even at the default: it wins over a restored scale
  r = parse({"--session", "s.json", "--autosave", "--frames", "5"});
  REQUIRE(r.error.empty());
  CHECK(r.args.session_path == "s.json");
  CHECK(r.args.autosave);
  CHECK(parse({"--fresh"}).args.fresh);
  const std::pair<std::vector<std::string>, std::string> bad[] = {
      {{"--session"}, "--session needs a value"},
      {{"--session", ""}, "--session: expected a session file"},
      {{"--fresh", "--session", "s.json"}, "--fresh starts from the defaults and --session opens a session: choose one"}};
  for (const auto& [argv, message] : bad) {
    CAPTURE(argv[0]);
    CHECK(parse(argv).error.find(message) != std::string::npos);
  }
}

TEST_CASE("a lesson's column: the workspace keeps its tiles at scale 1, the text gets room at scale 2") {
  // 1280x800 at scale 1: a column of 22-28 characters above the full-width transport bar, and the
  // workspace's tiles still at least 62 characters wide (tiled, not tabbed).
  const Rect area{0, 20, 1280, 780};
  const LessonSplit s1 = split_lesson_column(area, 15, transport_height(area.w, 15));
  check_tiles_fill({s1.tiles, s1.lesson, s1.bottom}, area);
  CHECK(s1.bottom.w == area.w);
  CHECK(s1.bottom.h == transport_height(1280, 15));
  CHECK(s1.bottom.h == 69.0f);  // two rows: the whole width is at least 80 characters
  CHECK(s1.lesson.x == doctest::Approx(s1.tiles.x + s1.tiles.w));
  CHECK(s1.lesson.h == s1.tiles.h);
  CHECK(s1.lesson.w >= 15 * 22.0f);
  CHECK(s1.lesson.w <= 15 * 28.0f);
  CHECK(s1.tiles.w >= 15 * tiled_min_width_em);
  // The Step workspace laid out beside the column: its tiles fill exactly the tiles' rectangle.
  const Rect beside{s1.tiles.x, s1.tiles.y, s1.tiles.w, s1.tiles.h + transport_height(s1.tiles.w, 15)};
  const Layout l = compute_layout(beside, PanelVisibility{}, 15);
  CHECK_FALSE(l.compact);
  CHECK_FALSE(l.tabs.visible());
  check_tiles_fill({l.controls, l.unrolled, l.inspector, l.states, l.gates, l.traces}, s1.tiles);
  CHECK(l.transport.y == doctest::Approx(s1.bottom.y));
  const TrainLayout t = compute_train_layout({s1.tiles.x, s1.tiles.y, s1.tiles.w, s1.tiles.h + status_line_height(15)}, TrainVisibility{}, 15);
  CHECK_FALSE(t.compact);
  check_tiles_fill({t.panel, t.curves, t.forecast, t.decay}, s1.tiles);
  // A wide window: the column stops at 28 characters, the workspace takes the rest.
  const LessonSplit wide = split_lesson_column({0, 20, 1920, 1060}, 15, status_line_height(15));
  CHECK(wide.lesson.w == 15 * 28.0f);
  CHECK(wide.tiles.w == 1920 - 15 * 28.0f);
  CHECK(wide.lesson.h == 1060 - status_line_height(15));

  // 1280x800 at scale 2: the workspace is tabbed whatever the column, so the text gets half the width,
  // and the transport keeps the whole width (three rows, not the four a 704-pixel bar would need).
  const Rect a2{0, 40, 1280, 760};
  const LessonSplit s2 = split_lesson_column(a2, 30, transport_height(a2.w, 30));
  check_tiles_fill({s2.tiles, s2.lesson, s2.bottom}, a2);
  CHECK(s2.lesson.w == 640.0f);  // 21 characters of 30 px, about 38 letters a line
  CHECK(s2.bottom.w == 1280.0f);
  const Layout c = compute_layout({s2.tiles.x, s2.tiles.y, s2.tiles.w, s2.tiles.h + transport_height(s2.tiles.w, 30)}, PanelVisibility{}, 30);
  CHECK(c.compact);
  CHECK(c.unrolled.visible());
  check_tiles_fill({c.unrolled, c.tabs}, s2.tiles);
  // 1920x1080 at scale 2: at most 24 characters, so the workspace keeps most of the screen.
  CHECK(split_lesson_column({0, 40, 1920, 1040}, 30, 57).lesson.w == 30 * 24.0f);
  // A tiny window: never more than 60% of it; a bar taller than the area leaves nothing above it.
  const LessonSplit tiny = split_lesson_column({0, 20, 320, 220}, 30, 500);
  CHECK(tiny.lesson.w <= 320 * 0.6f + 0.5f);
  CHECK(tiny.tiles.w > 0);
  CHECK(tiny.tiles.h == 0);
  CHECK(tiny.bottom.h == 220);
}

TEST_CASE("--compare: 2 or 3 distinct cells in the order given; bad lists are usage errors naming the flag and the value") {
  CHECK(parse({}).args.compare.empty());
  ParseResult r = parse({"--compare", "rnn,lstm,gru", "--frames", "10"});
  REQUIRE(r.error.empty());
  CHECK(r.args.compare == std::vector<unrolled::CellKind>{unrolled::CellKind::rnn, unrolled::CellKind::lstm, unrolled::CellKind::gru});
  r = parse({"--compare", "GRU,rnn"});  // any case, in the order asked for
  REQUIRE(r.error.empty());
  CHECK(r.args.compare == std::vector<unrolled::CellKind>{unrolled::CellKind::gru, unrolled::CellKind::rnn});

  const std::pair<std::vector<std::string>, std::string> bad[] = {
      {{"--compare", "rnn"}, "--compare: expected 2 or 3 distinct cells of rnn, lstm, gru separated by commas, got 1 in 'rnn'"},
      {{"--compare", "rnn,lstm,gru,rnn"}, "--compare: rnn is listed twice in 'rnn,lstm,gru,rnn'"},
      {{"--compare", "lstm,lstm"}, "--compare: lstm is listed twice in 'lstm,lstm'"},
      {{"--compare", "rnn,transformer"}, "--compare: 'transformer' is not a cell (rnn, lstm or gru) in 'rnn,transformer'"},
      {{"--compare", "rnn,,gru"}, "--compare: an empty name in 'rnn,,gru'"},
      {{"--compare", ""}, "--compare: an empty name in ''"},
      {{"--compare"}, "--compare needs a value"}};
  for (const auto& [argv, message] : bad) {
    CAPTURE(argv.back());
    const ParseResult b = parse(argv);
    CHECK(b.error == message);
    CHECK(b.args.compare.empty());
  }
}

TEST_CASE("the Compare workspace: cells left, curves, forecast over decay, the table under the plots; compact keeps the table") {
  const Rect area{0, 20, 1280, 780};
  const float fs = 15;
  CompareVisibility all;
  const CompareLayout l = compute_compare_layout(area, all, fs);
  auto tiles_of = [](const CompareLayout& c) { return std::vector<Rect>{c.panel, c.curves, c.forecast, c.decay, c.table, c.status, c.tabs}; };
  CHECK_FALSE(l.compact);
  check_tiles_fill(tiles_of(l), area);
  CHECK(l.panel.x == area.x);
  CHECK(l.panel.w >= fs * 18);  // the buttons and the settings' names fit
  CHECK(l.curves.x == doctest::Approx(l.panel.x + l.panel.w));
  CHECK(l.forecast.x > l.curves.x);
  CHECK(l.decay.y > l.forecast.y);
  // The table spans the plots' width right under them, as tall as a header and three rows.
  CHECK(l.table.x == l.curves.x);
  CHECK(l.table.w == doctest::Approx(l.curves.w + l.forecast.w));
  CHECK(l.table.y == doctest::Approx(l.curves.y + l.curves.h));
  CHECK(l.table.y == doctest::Approx(l.decay.y + l.decay.h));
  CHECK(l.table.h == compare_table_height(3, fs));
  CHECK(compare_table_height(3, fs) == std::round(fs * 7.6f));
  CHECK(compare_table_height(2, fs) < compare_table_height(3, fs));
  CHECK(l.status.y + l.status.h == doctest::Approx(area.y + area.h));
  CHECK(l.curves.w > fs * 25);   // a readable loss plot at 1280x800
  CHECK(l.forecast.h > fs * 13);

  // Hidden tiles give their room: no table, the plots reach the status line; no plots, the table fills.
  CompareVisibility no_table = all;
  no_table.table = false;
  const CompareLayout m = compute_compare_layout(area, no_table, fs);
  CHECK_FALSE(m.table.visible());
  CHECK(m.curves.h == doctest::Approx(l.curves.h + l.table.h));
  check_tiles_fill(tiles_of(m), area);
  const CompareLayout t = compute_compare_layout(area, {true, false, false, false, true}, fs);
  CHECK(t.table.h == doctest::Approx(area.h - t.status.h));
  check_tiles_fill(tiles_of(t), area);
  const CompareLayout nf = compute_compare_layout(area, {true, true, false, true, true}, fs);
  CHECK(nf.decay.h == doctest::Approx(l.forecast.h + l.decay.h));
  check_tiles_fill(tiles_of(nf), area);

  // 1280x800 at scale 2 (a projector): compact — the table keeps the bottom, the rest are tabs above.
  const Rect a2{0, 40, 1280, 760};
  const CompareLayout c = compute_compare_layout(a2, all, 30);
  CHECK(c.compact);
  CHECK(c.table.visible());
  CHECK(c.tabs.visible());
  CHECK_FALSE(c.curves.visible());
  CHECK(c.table.w == a2.w);
  CHECK(c.tabs.y + c.tabs.h == doctest::Approx(c.table.y));
  check_tiles_fill(tiles_of(c), a2);
  // 1920x1080 at scale 2 stays tiled, the table no more than half the height.
  const CompareLayout big = compute_compare_layout({0, 40, 1920, 1040}, all, 30);
  CHECK_FALSE(big.compact);
  CHECK(big.table.h <= (1040 - big.status.h) * 0.5f);
  CHECK(big.curves.h > 30 * 10);
  check_tiles_fill(tiles_of(big), {0, 40, 1920, 1040});
}

TEST_CASE("the Gradient lab: settings left, the decay plot, the clipping plots; no gaps; hidden tiles re-flow") {
  const Rect area{0, 20, 1280, 780};
  const float fs = 15;
  const LabLayout l = compute_lab_layout(area, LabVisibility{}, fs);
  CHECK_FALSE(l.compact);
  check_tiles_fill({l.panel, l.decay, l.clipping, l.status, l.tabs}, area);
  CHECK(l.panel.x == area.x);
  CHECK(l.panel.w == doctest::Approx(fs * 18));  // the settings' labels and sliders
  CHECK(l.decay.x == doctest::Approx(l.panel.x + l.panel.w));
  CHECK(l.clipping.x == doctest::Approx(l.decay.x + l.decay.w));
  CHECK(l.decay.w > l.clipping.w);  // the decay plot is the lab's picture
  CHECK(l.decay.w > fs * 30);
  CHECK(l.clipping.w > fs * 25);
  CHECK(l.decay.h == doctest::Approx(area.h - l.status.h));
  CHECK(l.status.y + l.status.h == doctest::Approx(area.y + area.h));

  // The clipping comparison switched off: the decay plot takes the width.
  const LabLayout d = compute_lab_layout(area, LabVisibility{true, true, false}, fs);
  CHECK_FALSE(d.clipping.visible());
  CHECK(d.decay.w == doctest::Approx(l.decay.w + l.clipping.w));
  check_tiles_fill({d.panel, d.decay, d.clipping, d.status, d.tabs}, area);
  // Settings hidden: the plots share the whole width; the settings alone take it all.
  const LabLayout p = compute_lab_layout(area, LabVisibility{false, true, true}, fs);
  CHECK(p.decay.x == area.x);
  check_tiles_fill({p.panel, p.decay, p.clipping, p.status, p.tabs}, area);
  const LabLayout s = compute_lab_layout(area, LabVisibility{true, false, false}, fs);
  CHECK(s.panel.w == doctest::Approx(area.w));
  // Nothing shown: only the status line.
  const LabLayout none = compute_lab_layout(area, LabVisibility{false, false, false}, fs);
  CHECK_FALSE(none.panel.visible());
  CHECK_FALSE(none.tabs.visible());
  CHECK(none.status.visible());

  // Narrow or large-scale: one tabbed tile above the status line; 1920x1080 at scale 2 is still tiled.
  const LabLayout narrow = compute_lab_layout({0, 40, 1280, 760}, LabVisibility{}, 30);
  CHECK(narrow.compact);
  CHECK(narrow.tabs.visible());
  CHECK_FALSE(narrow.decay.visible());
  check_tiles_fill({narrow.panel, narrow.decay, narrow.clipping, narrow.status, narrow.tabs}, {0, 40, 1280, 760});
  CHECK_FALSE(compute_lab_layout({0, 40, 1920, 1040}, LabVisibility{}, 30).compact);

  // --lab opens it; --lab-rho and --lab-activation set it up (and open it), bad values name the flag.
  CHECK(parse({"--lab"}).args.lab);
  CHECK_FALSE(parse({}).args.lab);
  CHECK(parse({}).args.lab_rho == 0);
  CHECK_FALSE(parse({}).args.lab_activation.has_value());
  const ParseResult lab = parse({"--lab-rho", "1.5", "--lab-activation", "relu"});
  CHECK(lab.error.empty());
  CHECK(lab.args.lab);
  CHECK(lab.args.lab_rho == 1.5);
  REQUIRE(lab.args.lab_activation.has_value());
  CHECK(*lab.args.lab_activation == unrolled::Nonlinearity::relu);
  for (const char* bad : {"0.05", "3.5", "x", "nan"}) {
    CAPTURE(bad);
    CHECK(parse({"--lab-rho", bad}).error == std::string("--lab-rho: expected a spectral radius from 0.1 to 3, got '") + bad + "'");
  }
  CHECK(parse({"--lab-activation", "sigmoid"}).error.find("--lab-activation") != std::string::npos);
  CHECK(parse({"--lab-rho"}).error.find("needs a value") != std::string::npos);
}

TEST_CASE("projector mode: --projector parses; on raises the scale to at least 2, off gives the user's back") {
  auto r = parse({"--projector"});
  REQUIRE(r.error.empty());
  CHECK(r.args.projector);
  CHECK_FALSE(parse({}).args.projector);

  UiState ui;
  ui.scale = 1.25f;
  set_projector(ui, true);
  CHECK(ui.projector);
  CHECK(ui.scale == 2.0f);
  CHECK(ui.rebuild_fonts);
  ui.rebuild_fonts = false;
  set_projector(ui, true);  // already on: nothing changes, nothing to rebuild
  CHECK(ui.scale == 2.0f);
  CHECK_FALSE(ui.rebuild_fonts);
  set_projector(ui, false);
  CHECK_FALSE(ui.projector);
  CHECK(ui.scale == 1.25f);
  CHECK(ui.rebuild_fonts);

  ui.scale = 3.0f;  // a larger scale is kept
  set_projector(ui, true);
  CHECK(ui.scale == 3.0f);
  set_projector(ui, false);
  CHECK(ui.scale == 3.0f);
}

TEST_CASE("key queue: a press and its release in one frame are seen in two frames; no tap is lost") {
  using unrolled::app::KeyEvent;
  using unrolled::app::KeyQueue;
  constexpr int press = 1, release = 0, repeat = 2, page_down = 267, shift = 340, t = 84;
  KeyQueue q;
  // Sixteen quick taps of PageDown, all between two frames (a presenter's clicker).
  for (int i = 0; i < 16; ++i) {
    q.push({page_down, 0, press, 0, false});
    q.push({page_down, 0, release, 0, false});
  }
  int presses = 0, frames = 0;
  bool down = false;
  while (!q.empty()) {
    const std::vector<KeyEvent> frame = q.take_frame();
    ++frames;
    REQUIRE(frame.size() == 1);  // one change of the key a frame
    down = frame[0].action == press;
    presses += down;
  }
  CHECK(presses == 16);
  CHECK(frames == 32);
  CHECK_FALSE(down);

  // Shift+T tapped: Shift and T go down in the first frame (the press sees Shift held), both up in the next.
  q.push({shift, 0, press, 1, false});
  q.push({t, 0, press, 1, false});
  q.push({t, 0, release, 1, false});
  q.push({shift, 0, release, 0, false});
  const std::vector<KeyEvent> first = q.take_frame();
  REQUIRE(first.size() == 2);
  CHECK(first[0].key == shift);
  CHECK(first[1].key == t);
  CHECK(first[1].action == press);
  const std::vector<KeyEvent> second = q.take_frame();
  REQUIRE(second.size() == 2);
  CHECK(second[0].action == release);
  CHECK(second[1].action == release);
  CHECK(q.empty());

  // Shift released before T, both in one frame's events (xdotool's Shift+T): T is still seen with Shift
  // held, and Shift goes up only in the next frame. A modifier that changes first does not wait.
  q.push({shift, 0, press, 0, false});
  q.push({t, 0, press, 1, false});
  q.push({shift, 0, release, 1, false});
  q.push({t, 0, release, 0, false});
  const std::vector<KeyEvent> held = q.take_frame();
  REQUIRE(held.size() == 2);
  CHECK(held[0].key == shift);
  CHECK(held[1].key == t);
  const std::vector<KeyEvent> after = q.take_frame();
  REQUIRE(after.size() == 2);
  CHECK(after[0].key == shift);
  CHECK(after[0].action == release);
  CHECK(after[1].key == t);
  CHECK(after[1].action == release);
  CHECK(q.empty());

  // The system's auto-repeat of a held key never holds the queue up.
  q.push({t, 0, press, 0, false});
  q.push({t, 0, repeat, 0, true});
  q.push({t, 0, repeat, 0, true});
  CHECK(q.take_frame().size() == 3);
  CHECK(q.take_frame().empty());
}
