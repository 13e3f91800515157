// Lessons in the real app, under Xvfb: --list-lessons, --lesson errors, and the walk-through — each
// lesson opened in one run that pages through every step (--lesson-shots), waits until the step is
// applied and its training done, and saves a PNG and a line of walk.json per step. The test checks
// every step's picture: the lesson panel changed, the tiles the step talks about carry the accent
// colour (and nothing else does), the panels shown and the workspace are the lesson's, and a train
// action's run stopped exactly at its step.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/lessons/library.hpp"
#include "app/lessons/preset.hpp"
#include "app/session/training.hpp"
#include "gui_run.hpp"

using namespace unrolled::app;
using namespace unrolled::test;
namespace fs = std::filesystem;

namespace {

const std::string lesson_folder = UNROLLED_LESSON_DIR;

// The lesson accent, #FF50C8 (lesson_ui.cpp): a colour in none of the app's palettes and maps.
bool accent(const unsigned char* p) { return std::abs(p[0] - 255) < 30 && std::abs(p[1] - 80) < 30 && std::abs(p[2] - 200) < 30; }

struct Box {
  int x0, y0, x1, y1;
};
Box box(const nlohmann::json& r, const Image& img) {
  const auto v = r.get<std::vector<float>>();
  return {std::max(0, static_cast<int>(std::lround(v[0]))), std::max(0, static_cast<int>(std::lround(v[1]))),
          std::min(img.w, static_cast<int>(std::lround(v[0] + v[2]))), std::min(img.h, static_cast<int>(std::lround(v[1] + v[3])))};
}
bool inside(const Box& b, int x, int y) { return x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1; }

// Accent pixels in the band `width` pixels wide along the inside of the box's edges.
std::size_t accent_on_border(const Image& img, const Box& b, int width) {
  std::size_t n = 0;
  for (int y = b.y0; y < b.y1; ++y)
    for (int x = b.x0; x < b.x1; ++x) {
      const bool edge = x < b.x0 + width || x >= b.x1 - width || y < b.y0 + width || y >= b.y1 - width;
      if (edge && accent(img.at(x, y))) ++n;
    }
  return n;
}

std::vector<std::string> names(const std::vector<Panel>& panels, LessonWorkspace w) {
  std::vector<std::string> out;
  for (int i = 0; i < panel_count; ++i) {
    const Panel p = static_cast<Panel>(i);
    if (p == Panel::lesson || !panel_in_workspace(p, w)) continue;
    if (lesson_shows(panels, p)) out.push_back(panel_name(p));
  }
  return out;
}

// Pages through `lesson` from step `from` (1-based) at the given size and display flags ("--scale 2",
// "--projector"), and checks every step. `must_fit`: every step's text and question fit in the panel
// without scrolling.
// `open`: what --lesson is given (the id by default; a fixture's path).
void walk(const Lesson& lesson, const std::string& size, const std::string& display, int from, bool must_fit,
          const std::string& open = "") {
  std::string tag = display;
  std::replace(tag.begin(), tag.end(), ' ', '-');
  const fs::path dir = scratch() / ("walk-" + lesson.id + tag);
  fs::remove_all(dir);
  const Run r = run("--size " + size + " " + display + " --lesson '" + (open.empty() ? lesson.id : open) + "' --lesson-step " +
                    std::to_string(from) + " --lesson-shots '" + dir.string() + "'");
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::ifstream in(dir / "walk.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j.at("lesson") == lesson.id);
  const nlohmann::json& steps = j.at("steps");
  REQUIRE(steps.size() == lesson.steps.size() - static_cast<std::size_t>(from - 1));

  std::vector<unsigned char> previous_panel;
  for (const nlohmann::json& s : steps) {
    const int k = s.at("step").get<int>();
    CAPTURE(lesson.id);
    CAPTURE(k);
    const LessonStep& step = lesson.steps[static_cast<std::size_t>(k - 1)];
    const LessonState state = lesson_state(lesson, k - 1);
    const Image img(dir / s.at("file").get<std::string>());
    REQUIRE(img.w > 0);
    CHECK(img.w == std::stoi(size.substr(0, size.find('x'))));

    // The workspace and the panels the lesson shows at this step.
    CHECK(s.at("workspace") == lesson_workspace_name(state.workspace));
    CHECK(s.at("shown").get<std::vector<std::string>>() == names(state.panels, state.workspace));
    // The Compare workspace compares the step's cells (the chooser says so too), and nothing else
    // compares; a lab the lesson named has the lesson's ρ and activation; a zoom it named is on screen.
    std::vector<std::string> cells;
    for (unrolled::CellKind c : state.compare_cells) cells.push_back(unrolled::cell_name(c));
    if (state.workspace == Workspace::compare) {
      CHECK(s.at("compared").get<std::vector<std::string>>() == cells);
      CHECK(s.at("compare_cells").get<std::vector<std::string>>() == cells);
    } else {
      CHECK(s.at("compared").empty());
    }
    if (state.lab_named) {
      CHECK(s.at("lab_rho").get<double>() == state.lab.rho);
      CHECK(s.at("lab_activation") == unrolled::nonlinearity_name(state.lab.activation));
    }
    if (state.forecast_zoom) CHECK(s.at("forecast_zoom").get<bool>() == *state.forecast_zoom);

    // The lesson panel shows this step: its pixels differ from the previous step's.
    const Box panel = box(s.at("lesson_panel"), img);
    REQUIRE(panel.x1 - panel.x0 > 100);
    std::vector<unsigned char> now;
    for (int y = panel.y0; y < panel.y1; ++y)
      for (int x = panel.x0; x < panel.x1; ++x) now.insert(now.end(), img.at(x, y), img.at(x, y) + 3);
    if (!previous_panel.empty()) {
      // The column keeps its place and width; its height follows the workspace's bottom bar (the Step
      // workspace's transport is taller than the others' status line): compare the rows both have.
      const std::size_t common = std::min(previous_panel.size(), now.size());
      std::size_t changed = 0;
      for (std::size_t i = 0; i + 2 < common; i += 3)
        changed += std::abs(now[i] - previous_panel[i]) + std::abs(now[i + 1] - previous_panel[i + 1]) +
                       std::abs(now[i + 2] - previous_panel[i + 2]) > 60;
      CHECK(changed > common / 3 / 200);  // at least 0.5% of the panel: new text
    }
    previous_panel = std::move(now);
    if (must_fit) CHECK(s.at("text_fits").get<bool>());
    // No text anywhere is cut by its frame (glyphs across a clip edge, items past a window's edge).
    CHECK_MESSAGE(s.at("clipped_text").empty(), s.at("clipped_text").dump());

    // The accent: on the border of every tile the step highlights, nowhere else in the workspace.
    std::vector<std::string> wanted;
    for (Panel p : step.highlight) wanted.push_back(panel_name(p));
    CHECK(s.at("highlight").get<std::vector<std::string>>() == wanted);
    std::vector<Box> frames;
    for (const nlohmann::json& a : s.at("accented")) {
      const Box b = box(a.at("rect"), img);
      // In view: a tile of real size inside the window.
      CHECK(b.x1 - b.x0 >= img.w / 6);
      CHECK(b.y1 - b.y0 >= img.h / 6);
      frames.push_back(b);
      const std::size_t n = accent_on_border(img, b, 8);
      MESSAGE(lesson.id << " step " << k << ": " << a.at("panel").get<std::string>() << " accent pixels " << n);
      CHECK(n >= static_cast<std::size_t>(2 * ((b.x1 - b.x0) + (b.y1 - b.y0))));  // a frame ≥ 1 px all round
    }
    std::vector<std::string> accented;
    for (const nlohmann::json& a : s.at("accented")) accented.push_back(a.at("panel"));
    for (const std::string& w : wanted) CHECK(std::find(accented.begin(), accented.end(), w) != accented.end());
    std::size_t stray = 0;
    for (int y = 0; y < img.h; ++y)
      for (int x = 0; x < img.w; ++x) {
        if (inside(panel, x, y) || !accent(img.at(x, y))) continue;
        bool in_frame = false;
        for (const Box& b : frames) in_frame |= inside(b, x, y);
        stray += !in_frame;
      }
    CHECK(stray < 40);

    // A train action: the picture was taken with the run stopped exactly at its step (or ended).
    if (const auto* train = std::get_if<TrainAction>(&step.action)) {
      CHECK(s.at("train_until") == train->until_step);
      const TrainTarget target = train_target(state);
      CHECK(s.at("train_target") == (target == TrainTarget::compare ? "compare" : target == TrainTarget::lab ? "lab" : "run"));
      const std::string st = s.at("train_state");
      if (st == "finished" || st == "early_stopped" || st == "diverged") CHECK(s.at("train_steps") <= train->until_step);
      else CHECK(s.at("train_steps") == train->until_step);
      CHECK(st != "running");
    } else {
      CHECK(s.at("train_until").is_null());
    }
  }
}

}  // namespace

TEST_CASE("--list-lessons prints the six lessons' IDs and titles, exit 0, without a display") {
  const Run r = run("--list-lessons", "env -u DISPLAY -u WAYLAND_DISPLAY UNROLLED_LESSONS='" + lesson_folder + "'");
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  const LessonIndex index = find_lessons(lesson_folder);
  REQUIRE(index.lessons.size() == 6);
  CHECK(r.out == list_lessons_text(index.lessons));
  for (const char* line : {"01-rnn-unrolled         The vanilla RNN, unrolled\n",
                           "06-long-memory          Long-range memory: where the vanilla RNN fails and gates help\n"})
    CHECK(r.out.find(line) != std::string::npos);
}

TEST_CASE("a broken lesson file: --list-lessons lists the others, names the file and exits 1") {
  const fs::path dir = scratch() / "lessons-with-a-broken-one";
  fs::create_directories(dir);
  fs::copy_file(lesson_folder + "/01-rnn-unrolled.json", dir / "01-rnn-unrolled.json", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "99-broken.json") << R"({"format": "unrolled-lesson", "version": 1, "id": "99-broken", "title": "x", "steps": [{"txt": "a"}]})";
  const Run r = run("--list-lessons", "env -u DISPLAY UNROLLED_LESSONS='" + dir.string() + "'");
  CHECK(r.code == 1);
  CHECK(r.out.find("01-rnn-unrolled") != std::string::npos);
  CHECK(r.err.find("99-broken.json: steps[0]") != std::string::npos);

  // Opening it: the file and the reason, and the lessons that do load.
  const Run open = run("--lesson 99-broken", "env -u DISPLAY UNROLLED_LESSONS='" + dir.string() + "'");
  CHECK(open.code == 1);
  CHECK(open.err.find("99-broken.json: steps[0]") != std::string::npos);
  CHECK(open.err.find("lessons in " + dir.string() + ": 01-rnn-unrolled") != std::string::npos);

  const Run none = run("--list-lessons", "env UNROLLED_LESSONS=/nonexistent/lessons");
  CHECK(none.code == 1);
  CHECK(none.err.find("/nonexistent/lessons") != std::string::npos);
}

TEST_CASE("--lesson with an unknown ID exits 1 naming it and listing the lessons; bad steps are usage errors") {
  const Run r = run("--lesson 07-attention --frames 1", "env UNROLLED_LESSONS='" + lesson_folder + "'");
  CHECK(r.code == 1);
  CHECK(r.err.find("no lesson \"07-attention\"") != std::string::npos);
  CHECK(r.err.find("01-rnn-unrolled, 02-vanishing-exploding, 03-lstm-highway, 04-gru-vs-lstm, 05-sine-forecaster, "
                   "06-long-memory") != std::string::npos);
  const Run past = run("--lesson 01-rnn-unrolled --lesson-step 8 --frames 1");
  CHECK(past.code == 2);
  CHECK(past.err.find("--lesson-step 8: lesson 01-rnn-unrolled has 7 steps") != std::string::npos);
  const Run alone = run("--lesson-step 2 --frames 1");
  CHECK(alone.code == 2);
  CHECK(alone.err.find("--lesson-step needs --lesson") != std::string::npos);
}

// The issue's walk-through: every lesson, every step, one run per lesson at 1280x800. The lessons train
// for real (their own step counts; lesson_tests checks the same runs without a display).
TEST_CASE("walk-through: each lesson paged through step by step, one screenshot per step") {
  for (const Lesson& l : find_lessons(lesson_folder).lessons) walk(l, "1280x800", "--scale 1", 1, true);
}

// The classroom's projector: 1280x800 in projector mode (scale 2, high contrast). The workspace is in
// its presentation layout: what each step names is on stage or the tab in front, in the accent, and no
// text is cut anywhere. The longer steps scroll there (PageDown shows the rest first).
TEST_CASE("walk-through at a 1280x800 projector: every lesson, every step, nothing cut, the named panels in view") {
  for (const Lesson& l : find_lessons(lesson_folder).lessons) walk(l, "1280x800", "--projector", 1, false);
}

// A lesson drives the Compare workspace and the Gradient lab: the shipped lessons use both (lesson 6
// compares the three cells' gradient decay, lesson 2 shows clipping in the lab), and the fixture
// walks through each with other cells, another ρ and the forecast's zoom, at 1280x800 and at the
// projector. walk() checks the workspace, the panels shown, the cells compared, the lab's ρ and
// activation and the zoom against the lesson's own configuration at every step.
TEST_CASE("walk-through: lesson steps open the Compare workspace and the Gradient lab with their runs") {
  int compare_steps = 0, lab_steps = 0;
  for (const Lesson& l : find_lessons(lesson_folder).lessons)
    for (int i = 0; i < static_cast<int>(l.steps.size()); ++i) {
      const LessonState st = lesson_state(l, i);
      compare_steps += st.workspace == Workspace::compare;
      lab_steps += st.workspace == Workspace::lab;
    }
  CHECK(compare_steps >= 1);
  CHECK(lab_steps >= 1);
  const std::string fixture = std::string(UNROLLED_LESSON_FIXTURES) + "/good/workspaces-fixture.json";
  const Lesson l = load_lesson(fixture);
  walk(l, "1280x800", "--scale 1", 1, true, fixture);
  walk(l, "1280x800", "--projector", 1, false, fixture);
}

// At --scale 2 from a later step: a highlighted panel's tab comes forward in the accent.
TEST_CASE("walk-through at --scale 2: the accent reaches tabbed tiles") {
  const Lesson l = open_lesson("03-lstm-highway", lesson_folder);
  walk(l, "1280x800", "--scale 2", 3, false);
}

// The last session brings the lesson back at its step with the run it had trained: the step's
// commands are not sent again (its ConfigureTraining would start a new run at step 0).
TEST_CASE("a restored session reopens the lesson at its step and keeps the run trained there") {
  const fs::path state = scratch() / "lesson-state";
  fs::remove_all(state);
  const std::string env = "env XDG_STATE_HOME='" + state.string() + "' XDG_CONFIG_HOME='" + state.string() + "'";
  const fs::path s1 = scratch() / "lesson-s1.json", s2 = scratch() / "lesson-s2.json";
  const Run first = run("--autosave --lesson 05-sine-forecaster --lesson-step 2 --frames 400 --stats '" + s1.string() + "'", env);
  INFO(first.err);
  REQUIRE(first.code == 0);
  std::ifstream in1(s1);
  REQUIRE(nlohmann::json::parse(in1).at("train_steps").get<long long>() == 300);  // step 2: "train": 300

  const fs::path shot = scratch() / "lesson-restored.png";
  const Run second = run("--autosave --frames 2 --stats '" + s2.string() + "' --screenshot '" + shot.string() + "'", env);
  INFO(second.err);
  REQUIRE(second.code == 0);
  std::ifstream in2(s2);
  CHECK(nlohmann::json::parse(in2).at("train_steps").get<long long>() == 300);  // not a new run at 0
  // The lesson panel is back (its column at the right holds text) and the Train workspace's curves
  // tile carries the accent of step 2.
  const Image img(shot);
  REQUIRE(img.w == 1280);
  std::size_t accent_px = 0;
  for (int y = 0; y < img.h; ++y)
    for (int x = 0; x < 930; ++x) accent_px += accent(img.at(x, y));
  CHECK(accent_px > 2000);
}
