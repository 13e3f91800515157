// Lessons: the files in assets/lessons parse and validate; malformed lessons fail naming the file and
// the JSON path; each step becomes the commands its JSON says; and a walk-through applies every step
// of every lesson to a real Session and checks what the snapshot then shows. No display needed.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "app/glyph_ranges.hpp"
#include "app/lessons/library.hpp"
#include "app/lessons/lesson.hpp"
#include "app/lessons/plan.hpp"
#include "app/lessons/preset.hpp"
#include "app/session/scene.hpp"
#include "app/session/session.hpp"
#include "app/session_util.hpp"
#include "io/json_util.hpp"

using namespace unrolled;
using namespace unrolled::app;
namespace fs = std::filesystem;

namespace {

const std::string lesson_folder = UNROLLED_LESSON_DIR;
const std::string fixtures = std::string(UNROLLED_TEST_DATA) + "/lessons";

std::vector<fs::path> lesson_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(lesson_folder))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The command's kind, by type (not by position in the variant, which may grow).
std::string kind(const Command& c) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, cmd::Pause>) return "Pause";
        else if constexpr (std::is_same_v<T, cmd::Play>) return "Play";
        else if constexpr (std::is_same_v<T, cmd::Seek>) return "Seek";
        else if constexpr (std::is_same_v<T, cmd::SetPass>) return "SetPass";
        else if constexpr (std::is_same_v<T, cmd::SetSpeed>) return "SetSpeed";
        else if constexpr (std::is_same_v<T, cmd::Configure>) return "Configure";
        else if constexpr (std::is_same_v<T, cmd::ConfigureTraining>) return "ConfigureTraining";
        else if constexpr (std::is_same_v<T, cmd::Train>) return "Train";
        else if constexpr (std::is_same_v<T, cmd::PauseTraining>) return "PauseTraining";
        else if constexpr (std::is_same_v<T, cmd::ResetTraining>) return "ResetTraining";
        else if constexpr (std::is_same_v<T, cmd::SetTrainSpeed>) return "SetTrainSpeed";
        else if constexpr (std::is_same_v<T, cmd::Follow>) return "Follow";
        else if constexpr (std::is_same_v<T, cmd::StartCompare>) return "StartCompare";
        else if constexpr (std::is_same_v<T, cmd::StopCompare>) return "StopCompare";
        else if constexpr (std::is_same_v<T, cmd::ConfigureLab>) return "ConfigureLab";
        else if constexpr (std::is_same_v<T, cmd::LabTrain>) return "LabTrain";
        else if constexpr (std::is_same_v<T, cmd::LabPause>) return "LabPause";
        else if constexpr (std::is_same_v<T, cmd::LabReset>) return "LabReset";
        else return "other";
      },
      c);
}
std::vector<std::string> kinds(const StepPlan& p) {
  std::vector<std::string> out;
  for (const Command& c : p.commands) out.push_back(kind(c));
  return out;
}
template <class T> const T& only(const StepPlan& p) {
  const T* found = nullptr;
  for (const Command& c : p.commands)
    if (const T* x = std::get_if<T>(&c)) {
      REQUIRE(found == nullptr);
      found = x;
    }
  REQUIRE(found != nullptr);
  return *found;
}

// Like test::wait_for, with room for a lesson's real training budget: lesson 5 trains an LSTM with
// H = 32 for 2400 steps, which takes minutes in a sanitizer build on a busy two-core machine.
template <class Pred> std::shared_ptr<const Snapshot> wait_for_training(Session& s, Pred pred) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    auto snap = s.latest();
    if (pred(*snap)) return snap;
    REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::minutes(15));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string load_error(const std::string& path) {
  try {
    load_lesson(path);
  } catch (const io::IoError& e) {
    return e.what();
  }
  return "(loaded without an error)";
}

}  // namespace

TEST_CASE("the six lessons are in assets/lessons, each loads, and its id is its file name") {
  const std::vector<std::string> expected = {"01-rnn-unrolled",   "02-vanishing-exploding", "03-lstm-highway",
                                             "04-gru-vs-lstm",    "05-sine-forecaster",     "06-long-memory"};
  std::vector<std::string> ids;
  for (const fs::path& f : lesson_files()) {
    CAPTURE(f.string());
    Lesson l;
    REQUIRE_NOTHROW(l = load_lesson(f.string()));
    CHECK(l.id == f.stem().string());
    CHECK(l.steps.size() >= 5);
    CHECK(l.steps.size() <= 9);
    CHECK_FALSE(l.title.empty());
    ids.push_back(l.id);
  }
  for (const std::string& id : expected) CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());

  const LessonIndex index = find_lessons(lesson_folder);
  CHECK(index.errors.empty());
  REQUIRE(index.lessons.size() == ids.size());
  for (std::size_t i = 1; i < index.lessons.size(); ++i) CHECK(index.lessons[i - 1].id < index.lessons[i].id);
}

TEST_CASE("every lesson asks the class something and every step of it folds into valid settings") {
  for (const Lesson& l : find_lessons(lesson_folder).lessons) {
    CAPTURE(l.id);
    int questions = 0;
    LessonState state;
    for (std::size_t i = 0; i < l.steps.size(); ++i) {
      CAPTURE(i);
      questions += l.steps[i].question.has_value();
      REQUIRE_FALSE(fold_step(state, l.steps[i]).has_value());
      SceneSettings clamped = state.scene;
      CHECK(clamp_settings(clamped).empty());                // the session would not change a value
      CHECK(validate_train_settings(state.training).empty());  // nor refuse the run
      for (Panel p : l.steps[i].highlight) CHECK(panel_in_workspace(p, state.workspace));
    }
    CHECK(questions >= 2);
  }
}

TEST_CASE("--list-lessons: one 'ID  title' line per lesson, titles in one column") {
  const LessonIndex index = find_lessons(lesson_folder);
  const std::string text = list_lessons_text(index.lessons);
  std::size_t at = 0, column = std::string::npos;
  for (const Lesson& l : index.lessons) {
    const std::size_t end = text.find('\n', at);
    REQUIRE(end != std::string::npos);
    const std::string line = text.substr(at, end - at);
    CHECK(line.rfind(l.id + "  ", 0) == 0);
    const std::size_t title_at = line.find(l.title);
    REQUIRE(title_at != std::string::npos);
    CHECK(line.size() == title_at + l.title.size());
    if (column == std::string::npos) column = title_at;
    CHECK(title_at == column);
    at = end + 1;
  }
  CHECK(at == text.size());
  CHECK(text.rfind("01-rnn-unrolled         The vanilla RNN, unrolled\n", 0) == 0);
}

TEST_CASE("malformed lessons fail with the file, the JSON path and the reason") {
  struct Case {
    const char* file;
    const char* where;   // "FILE: PATH" prefix after the folder
    const char* reason;  // part of the reason
  };
  const Case cases[] = {
      {"unknown-key", "unknown-key.json: steps[1].txet: ", "unknown key"},
      {"unknown-top-key", "unknown-top-key.json: titel: ", "unknown key (expected one of: format, version, id, title, steps)"},
      {"unknown-scene-key", "unknown-scene-key.json: steps[0].preset.scene.hiden: ", "unknown key"},
      {"unknown-training-key", "unknown-training-key.json: steps[0].preset.training.learning-rate: ", "unknown key"},
      {"wrong-type", "wrong-type.json: steps[0].preset.scene.hidden: ", "must be a whole number, got a string"},
      {"wrong-type-text", "wrong-type-text.json: steps[1].text: ", "must be a string, got number"},
      {"bad-action", "bad-action.json: steps[1].action.jump: ", "unknown key"},
      {"two-actions", "two-actions.json: steps[1].action: ", "exactly one"},
      {"bad-pass", "bad-pass.json: steps[1].action.seek.pass: ", "not one of forward, backward"},
      {"seek-past-t", "seek-past-t.json: steps[1].action.seek.t: ", "t = 30 is outside 0…12"},
      {"bad-slider", "bad-slider.json: steps[1].action.set.slider: ", "\"volume\" is not a slider"},
      {"missing-title", "missing-title.json: title: ", "missing"},
      {"missing-text", "missing-text.json: steps[1].text: ", "missing"},
      {"bad-version", "bad-version.json: version: ", "version 2 is not supported"},
      {"bad-format", "bad-format.json: format: ", "must be \"unrolled-lesson\""},
      {"no-steps", "no-steps.json: steps: ", "1 to 64 steps, got 0"},
      {"scene-out-of-range", "scene-out-of-range.json: steps[0].preset.scene: ", "weight scale 20 is out of range"},
      {"training-refused", "training-refused.json: steps[0].preset.training: ", "learning rate must be in (0, 1000]"},
      {"bad-cell", "bad-cell.json: steps[0].preset.scene.cell: ", "\"transformer\" is not one of rnn, lstm, gru"},
      {"bad-panel", "bad-panel.json: steps[1].panels[1]: ", "\"graph\" is not a panel"},
      {"highlight-other-workspace", "highlight-other-workspace.json: steps[1].highlight[0]: ", "not in the step workspace"},
      {"highlight-hidden", "highlight-hidden.json: steps[1].highlight[0]: ", "not among the shown panels"},
      {"task-key-without-task", "task-key-without-task.json: steps[0].preset.training.windows: ", "memory task"},
      {"bad-memory-task", "bad-memory-task.json: steps[0].preset.training.data: ", "copy:T needs the sequence length"},
      {"memory-task-seq", "memory-task-seq.json: steps[0].preset.training: ", "must equal the memory task's T = 30"},
      {"question-without-text", "question-without-text.json: steps[1].question.text: ", "missing"},
      {"id-mismatch", "id-mismatch.json: id: ", "must equal the file name"},
      {"duplicate-key", "duplicate-key.json: steps[0].text: ", "duplicate key"},
      {"syntax-error", "syntax-error.json: ", "syntax error"},
      {"bad-workspace", "bad-workspace.json: steps[1].preset.workspace: ", "\"garden\" is not one of step, train, compare, lab"},
      {"compare-one-cell", "compare-one-cell.json: steps[1].preset.compare.cells: ", "choose 2 or 3 of rnn, lstm, gru"},
      {"compare-bad-cell", "compare-bad-cell.json: steps[1].preset.compare.cells[1]: ", "\"transformer\" is not one of rnn, lstm, gru"},
      {"lab-out-of-range", "lab-out-of-range.json: steps[1].preset.lab: ", "gradient lab: spectral radius ρ 5 is out of range (0.1…3)"},
      {"lab-unknown-key", "lab-unknown-key.json: steps[1].preset.lab.radius: ", "unknown key (expected one of: rho, activation, hidden"},
      {"lab-train-too-long", "lab-train-too-long.json: steps[1].action.train: ", "training steps 6000 is out of range (10…5000)"},
      {"bad-forecast-zoom", "bad-forecast-zoom.json: steps[1].preset.forecast-zoom: ", "must be true or false, got string"},
      {"highlight-compare-hidden", "highlight-compare-hidden.json: steps[1].highlight[0]: ", "\"compare-table\" is highlighted but not among"},
  };
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(fixtures + "/bad")) files += e.path().extension() == ".json";
  CHECK(files == std::size(cases));  // every fixture has its expected message here
  for (const Case& c : cases) {
    const std::string file = c.file;
    CAPTURE(file);
    const std::string message = load_error(fixtures + "/bad/" + c.file + ".json");
    CAPTURE(message);
    CHECK(message.rfind(fixtures + "/bad/" + c.where, 0) == 0);
    CHECK(message.find(c.reason) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
  // The folder listing reports each bad file and keeps going.
  const LessonIndex index = find_lessons(fixtures + "/bad");
  CHECK(index.lessons.empty());
  CHECK(index.errors.size() == std::size(cases));
}

TEST_CASE("parse_lesson names its source; load_lesson refuses a folder and a missing file") {
  CHECK_THROWS_WITH_AS(parse_lesson("", "lesson.json"), "lesson.json: file is empty (expected a JSON object)",
                       io::FormatError);
  CHECK_THROWS_WITH_AS(parse_lesson("[1]", "x.json"), "x.json: JSON: must be an object, got array", io::FormatError);
  CHECK(load_error(fixtures).find("is a directory") != std::string::npos);
  CHECK(load_error(fixtures + "/none.json").rfind(fixtures + "/none.json: cannot read", 0) == 0);
}

TEST_CASE("each step becomes the commands its JSON says, in order") {
  const Lesson l = load_lesson(fixtures + "/good/walk-fixture.json");
  REQUIRE(l.steps.size() == 7);
  using V = std::vector<std::string>;

  // Opening: everything is sent (a comparison left on ends first; the lab is left alone, since no
  // step of this lesson names it), then the seek.
  StepPlan p = plan_step(l, 0, -1);
  CHECK(kinds(p) == V{"StopCompare", "Pause", "PauseTraining", "Configure", "ConfigureTraining", "SetSpeed", "SetTrainSpeed",
                      "Follow", "Seek"});
  const SceneSettings& sc = only<cmd::Configure>(p).settings;
  CHECK(sc.model.cell == CellKind::rnn);
  CHECK(sc.model.hidden_size == 4);
  CHECK(sc.steps == 12);
  CHECK(sc.loss == LossMode::last);
  CHECK(sc.signal == SignalKind::sine);  // untouched keys keep the app's defaults
  CHECK(sc.weight_scale == 1.0);
  CHECK(only<cmd::ConfigureTraining>(p).settings == TrainSettings{});
  CHECK(only<cmd::SetSpeed>(p).steps_per_second == 2.0);
  CHECK(only<cmd::SetTrainSpeed>(p).max_steps_per_second == 0.0);
  CHECK_FALSE(only<cmd::Follow>(p).on);
  CHECK(only<cmd::Seek>(p).position == 5);
  CHECK(p.ui.workspace == LessonWorkspace::step);
  CHECK(p.ui.panels == std::vector<Panel>{Panel::controls, Panel::unrolled, Panel::inspector});
  CHECK(p.ui.highlight == std::vector<Panel>{Panel::unrolled});
  CHECK_FALSE(p.train_until.has_value());

  // Play: nothing changed, so no settings; playback is not paused first.
  p = plan_step(l, 1, 0);
  CHECK(kinds(p) == V{"PauseTraining", "Follow", "SetPass", "Play"});
  CHECK(only<cmd::SetPass>(p).pass == Pass::backward);
  CHECK(p.ui.panels.size() == 3);  // panels carry over
  CHECK(p.ui.highlight == std::vector<Panel>{Panel::inspector});

  // Train: a new run, then Train; the app pauses at step 50.
  p = plan_step(l, 2, 1);
  CHECK(kinds(p) == V{"Pause", "ConfigureTraining", "Train"});
  const TrainSettings& ts = only<cmd::ConfigureTraining>(p).settings;
  CHECK(ts.trainer.model.cell == CellKind::gru);
  CHECK(ts.trainer.model.hidden_size == 8);
  CHECK(ts.split.steps == 16);
  CHECK(ts.trainer.epochs == 5);
  CHECK(ts.trainer.batch == 16);
  CHECK(ts.signal.length == 300);
  CHECK(p.train_until == 50);
  CHECK(p.ui.workspace == LessonWorkspace::train);
  CHECK(p.ui.highlight.empty());

  // Set lr: the run is reconfigured with it, the slider is named for the UI.
  p = plan_step(l, 3, 2);
  CHECK(kinds(p) == V{"Pause", "PauseTraining", "ConfigureTraining", "Follow"});
  CHECK(only<cmd::ConfigureTraining>(p).settings.trainer.optimizer.lr == 0.003);
  CHECK(only<cmd::ConfigureTraining>(p).settings.trainer.model.cell == CellKind::gru);
  CHECK(p.ui.slider == "lr");

  p = plan_step(l, 4, 3);
  CHECK(kinds(p) == V{"Pause", "PauseTraining", "Follow", "ResetTraining"});
  REQUIRE(l.steps[4].question.has_value());
  CHECK(l.steps[4].question->answer == "Nothing yet: the run is at step 0.");

  // Following the training run: the seek counts in the run's T = 16.
  p = plan_step(l, 5, 4);
  CHECK(kinds(p) == V{"Pause", "PauseTraining", "Follow", "Seek"});
  CHECK(only<cmd::Follow>(p).on);
  CHECK(only<cmd::Seek>(p).position == position_of(Pass::backward, 16, 16));

  p = plan_step(l, 6, 5);
  CHECK(kinds(p) == V{"Pause", "PauseTraining", "Follow"});
  CHECK(p.ui.unit == 2);
  CHECK(p.ui.slider == "unit");
  // A list replaces the shown panels of its own workspace only: the Train workspace keeps step 3's.
  CHECK(p.ui.panels == std::vector<Panel>{Panel::training, Panel::curves, Panel::unrolled, Panel::inspector});
  for (Panel shown : {Panel::unrolled, Panel::inspector, Panel::training, Panel::curves, Panel::compare_curves, Panel::lab_decay})
    CHECK(lesson_shows(p.ui.panels, shown));
  for (Panel hidden : {Panel::controls, Panel::states, Panel::forecast, Panel::decay}) CHECK_FALSE(lesson_shows(p.ui.panels, hidden));

  // Paging back restores the earlier step's settings: the run returns to the defaults, no following.
  p = plan_step(l, 1, 6);
  CHECK(kinds(p) == V{"PauseTraining", "ConfigureTraining", "Follow", "SetPass", "Play"});
  CHECK(only<cmd::ConfigureTraining>(p).settings == TrainSettings{});
  CHECK_FALSE(only<cmd::Follow>(p).on);
  CHECK(p.ui.workspace == LessonWorkspace::step);
}

TEST_CASE("a lesson drives the Compare workspace and the Gradient lab: the commands for each step, in order") {
  const Lesson l = load_lesson(fixtures + "/good/workspaces-fixture.json");
  REQUIRE(l.steps.size() == 6);
  using V = std::vector<std::string>;

  // The Train workspace, its forecast zoomed; the lab is not the lesson's yet, so nothing is sent to it.
  StepPlan p = plan_step(l, 0, -1);
  CHECK(kinds(p) == V{"StopCompare", "Pause", "PauseTraining", "Configure", "ConfigureTraining", "SetSpeed", "SetTrainSpeed",
                      "Follow", "ResetTraining"});
  CHECK(p.ui.workspace == Workspace::train);
  CHECK(p.ui.forecast_zoom == true);
  CHECK(p.ui.compare_cells.empty());

  // Into Compare: the comparison of the two cells on the training settings, then 40 steps of it.
  p = plan_step(l, 1, 0);
  CHECK(kinds(p) == V{"Pause", "StartCompare", "Follow", "Train"});
  CHECK(only<cmd::StartCompare>(p).cells == std::vector<CellKind>{CellKind::rnn, CellKind::gru});
  CHECK(only<cmd::Train>(p).until_step == 40);
  CHECK(p.train_until == 40);
  CHECK(p.train_target == TrainTarget::compare);
  CHECK(p.ui.workspace == Workspace::compare);
  CHECK(p.ui.compare_cells == std::vector<CellKind>{CellKind::rnn, CellKind::gru});
  CHECK(p.ui.highlight == std::vector<Panel>{Panel::compare_curves});
  CHECK(lesson_shows(p.ui.panels, Panel::compare_curves));
  CHECK_FALSE(lesson_shows(p.ui.panels, Panel::compare_forecast));
  CHECK_FALSE(lesson_shows(p.ui.panels, Panel::compare_table));
  CHECK(lesson_shows(p.ui.panels, Panel::forecast));  // the Train workspace keeps step 1's list
  CHECK_FALSE(lesson_shows(p.ui.panels, Panel::decay));

  // Other cells: a new comparison (at step 0), paused; the zoom off again.
  p = plan_step(l, 2, 1);
  CHECK(kinds(p) == V{"Pause", "PauseTraining", "StartCompare", "Follow"});
  CHECK(only<cmd::StartCompare>(p).cells == std::vector<CellKind>{CellKind::rnn, CellKind::lstm, CellKind::gru});
  CHECK(p.ui.forecast_zoom == false);
  CHECK_FALSE(p.train_until.has_value());

  // The lab: out of Compare first, the lab's settings (its runs as long as the train action), then both runs.
  p = plan_step(l, 3, 2);
  CHECK(kinds(p) == V{"StopCompare", "Pause", "PauseTraining", "ConfigureLab", "Follow", "LabTrain"});
  const LabSettings& lab = only<cmd::ConfigureLab>(p).settings;
  CHECK(lab.rho == 1.2);
  CHECK(lab.activation == Nonlinearity::tanh);
  CHECK(lab.hidden == 8);
  CHECK(lab.steps == 20);
  CHECK(lab.seed == 2);
  CHECK(lab.train_steps == 30);
  CHECK(lab.clip == LabSettings{}.clip);  // untouched keys keep the lab's defaults
  CHECK(p.train_until == 30);
  CHECK(p.train_target == TrainTarget::lab);
  CHECK(p.ui.workspace == Workspace::lab);

  // Another ρ: the lab's runs are paused (they trained on the step before), the lab rebuilt with it.
  p = plan_step(l, 4, 3);
  CHECK(kinds(p) == V{"Pause", "PauseTraining", "LabPause", "ConfigureLab", "Follow"});
  CHECK(only<cmd::ConfigureLab>(p).settings.rho == 0.5);
  CHECK(only<cmd::ConfigureLab>(p).settings.train_steps == 30);  // carried over

  // Back to the training run: it trains; the lab is left as it is.
  p = plan_step(l, 5, 4);
  CHECK(kinds(p) == V{"Pause", "Train"});
  CHECK(p.train_target == TrainTarget::run);

  // Paging back from the training run into Compare rebuilds the comparison of that step.
  p = plan_step(l, 2, 5);
  CHECK(kinds(p) == V{"Pause", "PauseTraining", "StartCompare", "Follow"});
  // Opening at the lab step sends the lab's settings and the comparison is ended.
  p = plan_step(l, 4, -1);
  CHECK(kinds(p) == V{"StopCompare", "Pause", "PauseTraining", "Configure", "ConfigureTraining", "SetSpeed", "SetTrainSpeed",
                      "ConfigureLab", "Follow"});
}

TEST_CASE("train goals in the Compare workspace and the lab: every run there, or both lab runs ended") {
  Snapshot s;
  auto view = std::make_shared<TrainView>();
  auto cv = std::make_shared<CompareView>();
  cv->runs.resize(2);
  cv->runs[0].step = 40;
  cv->runs[0].state = TrainState::paused;
  cv->runs[1].step = 39;
  cv->runs[1].state = TrainState::running;
  view->compare = cv;
  s.train = view;
  auto lab = std::make_shared<LabView>();
  lab->clipped.step = 30;
  lab->clipped.state = TrainState::finished;
  lab->unclipped.step = 12;
  lab->unclipped.state = TrainState::running;
  s.lab = lab;
  s.applied = 7;
  CHECK_FALSE(train_goal_reached(s, 40, 7, TrainTarget::compare));  // one run is at 39
  CHECK(train_goal_steps(s, TrainTarget::compare) == 39);
  CHECK(train_goal_state(s, TrainTarget::compare) == TrainState::running);
  cv->runs[1].step = 40;
  cv->runs[1].state = TrainState::paused;
  CHECK(train_goal_reached(s, 40, 7, TrainTarget::compare));
  CHECK_FALSE(train_goal_reached(s, 40, 8, TrainTarget::compare));  // the plan's commands not applied yet
  CHECK(train_goal_state(s, TrainTarget::compare) == TrainState::paused);
  cv->runs[1].step = 20;
  cv->runs[1].state = TrainState::diverged;  // a run that stopped on its own does not hold the rest up
  CHECK(train_goal_reached(s, 40, 7, TrainTarget::compare));

  CHECK_FALSE(train_goal_reached(s, 30, 7, TrainTarget::lab));
  CHECK(train_goal_steps(s, TrainTarget::lab) == 30);  // the lab counts its furthest run
  lab->unclipped.state = TrainState::diverged;
  CHECK(train_goal_reached(s, 30, 7, TrainTarget::lab));
  CHECK(train_goal_state(s, TrainTarget::lab) == TrainState::diverged);
  lab->unclipped.step = 30;
  lab->unclipped.state = TrainState::finished;
  CHECK(train_goal_state(s, TrainTarget::lab) == TrainState::finished);
}

TEST_CASE("a memory task is the training run's data: seq = T, loss last, the task's own windows and seed") {
  const Lesson l = load_lesson(lesson_folder + "/06-long-memory.json");
  // Step 1 trains the adding problem; step 6 switches to the copy task and keeps the task's knobs.
  const TrainSettings adding = plan_step(l, 0, -1).state.training;
  REQUIRE(adding.task.has_value());
  CHECK(adding.task->task == MemoryTask::adding);
  CHECK(adding.task->steps == 30);
  CHECK(adding.task->train_windows == 2000);
  CHECK(adding.task->val_windows == 400);
  CHECK(adding.task->seed == 1);
  CHECK(adding.split.steps == 30);
  CHECK(adding.split.loss == LossMode::last);
  CHECK(validate_train_settings(adding).empty());
  const StepPlan copy = plan_step(l, 5, 4);
  REQUIRE(copy.state.training.task.has_value());
  CHECK(copy.state.training.task->task == MemoryTask::copy);
  CHECK(copy.state.training.task->train_windows == 2000);
  CHECK(only<cmd::ConfigureTraining>(copy).settings.task == copy.state.training.task);  // sent to the session
  // Nothing falls back to the sine any more.
  for (int i = 0; i < static_cast<int>(l.steps.size()); ++i) CHECK_FALSE(plan_step(l, i, i - 1).memory_task);
}

TEST_CASE("train_goal_reached: after the plan's commands, at the step or when the run stops") {
  Snapshot s;
  auto view = std::make_shared<TrainView>();
  view->state = TrainState::running;
  s.train = view;
  s.applied = 4;
  s.train_steps = 900;  // the previous run, before the new one is applied
  CHECK_FALSE(train_goal_reached(s, 50, 5));
  s.applied = 5;
  s.train_steps = 49;
  CHECK_FALSE(train_goal_reached(s, 50, 5));
  s.train_steps = 50;
  CHECK(train_goal_reached(s, 50, 5));
  s.train_steps = 10;
  view->state = TrainState::finished;
  CHECK(train_goal_reached(s, 50, 5));
  view->state = TrainState::diverged;
  CHECK(train_goal_reached(s, 50, 5));
  CHECK(step_count_text(load_lesson(fixtures + "/good/walk-fixture.json"), 2) == "Step 3 of 7");
}

TEST_CASE("lesson_dir: $UNROLLED_LESSONS first, then beside the binary, then the source tree from the build tree") {
  CHECK(lesson_dir_candidates("/x/lessons", "/opt/u/bin/unrolled") == std::vector<std::string>{"/x/lessons"});
  // An installed binary: its prefix only, never the checkout it was built from.
  CHECK(lesson_dir_candidates(nullptr, "/opt/u/bin/unrolled") == std::vector<std::string>{"/opt/u/share/unrolled/lessons"});
  // A binary in the build tree: the share folder beside it, then the source tree.
  const auto c = lesson_dir_candidates(nullptr, std::string(UNROLLED_BIN_DIR) + "/unrolled");
  REQUIRE(c.size() == 2);
  CHECK(c[0] == (fs::path(UNROLLED_BIN_DIR) / ".." / "share" / "unrolled" / "lessons").lexically_normal().string());
  CHECK(fs::equivalent(c[1], lesson_folder));
  CHECK(lesson_dir_candidates("", "").empty());  // empty variable: as if unset; no binary path: nowhere
  CHECK(lesson_dir_candidates("", "/opt/u/bin/unrolled").size() == 1);

  const char* old = std::getenv("UNROLLED_LESSONS");
  const std::string saved = old ? old : "";
  setenv("UNROLLED_LESSONS", (fixtures + "/good").c_str(), 1);
  CHECK(lesson_dir() == fixtures + "/good");
  setenv("UNROLLED_LESSONS", "/nonexistent/lessons", 1);
  CHECK(lesson_dir().empty());  // the variable is the only place looked at
  CHECK(no_lesson_dir_message() == "UNROLLED_LESSONS=/nonexistent/lessons is not a folder of lesson files");
  CHECK_THROWS_WITH_AS(open_lesson("01-rnn-unrolled", lesson_dir()), doctest::Contains("/nonexistent/lessons"), io::IoError);
  unsetenv("UNROLLED_LESSONS");
  CHECK(fs::equivalent(lesson_dir(), lesson_folder));  // the test binary is not installed: the source tree
  if (old) setenv("UNROLLED_LESSONS", saved.c_str(), 1);
}

TEST_CASE("open_lesson: an id in the folder, a path, or an error listing the ids") {
  CHECK(open_lesson("03-lstm-highway", lesson_folder).title.find("LSTM") != std::string::npos);
  CHECK(open_lesson(fixtures + "/good/walk-fixture.json", lesson_folder).id == "walk-fixture");
  try {
    open_lesson("07-attention", lesson_folder);
    FAIL("no error");
  } catch (const io::IoError& e) {
    const std::string m = e.what();
    CHECK(m.find("no lesson \"07-attention\"") != std::string::npos);
    CHECK(m.find("01-rnn-unrolled, 02-vanishing-exploding") != std::string::npos);
  }
  CHECK_THROWS_AS(open_lesson("x", ""), io::IoError);
}

// The walk-through, as the app will do it, without a display: open each lesson, send every step's
// commands, wait until they are applied (and a train action's goal is met), and compare the snapshot
// with the lesson's configuration at that step.
TEST_CASE("walk-through: every step of every lesson applied to a real Session") {
#ifdef UNROLLED_SHORT_TRAINING
  std::vector<Lesson> lessons;  // slow trees: the fixture only (see tests/suites/lessons.cmake)
#else
  std::vector<Lesson> lessons = find_lessons(lesson_folder).lessons;
#endif
  lessons.push_back(load_lesson(fixtures + "/good/walk-fixture.json"));
  lessons.push_back(load_lesson(fixtures + "/good/workspaces-fixture.json"));
  for (const Lesson& l : lessons) {
    Session session;
    for (int i = 0; i < static_cast<int>(l.steps.size()); ++i) {
      CAPTURE(l.id);
      CAPTURE(i);
      const StepPlan plan = plan_step(l, i, i - 1);
      std::uint64_t seq = 0;
      for (const Command& c : plan.commands) seq = session.send(c);
      auto snap = test::settle(session, seq);
      const LessonStep& step = l.steps[static_cast<std::size_t>(i)];
      const LessonState& st = plan.state;
      if (plan.train_until) {
        const TrainTarget target = plan.train_target;
        snap = wait_for_training(session, [&](const Snapshot& s) { return train_goal_reached(s, *plan.train_until, seq, target); });
        snap = test::settle(session, session.send(target == TrainTarget::lab ? Command{cmd::LabPause{}} : Command{cmd::PauseTraining{}}));
        CHECK(train_goal_state(*snap, target) != TrainState::running);
        CHECK(train_goal_steps(*snap, target) == *plan.train_until);  // the session stops exactly there
        if (target == TrainTarget::compare)  // every run of the comparison, not only the slowest
          for (const CompareRunView& r : snap->train->compare->runs) CHECK(r.step == *plan.train_until);
        // Training the run shows its model in the stepping views; the comparison and the lab leave them.
        CHECK(snap->scene->follows_training == (target == TrainTarget::run || st.follow));
      } else {
        CHECK(snap->scene->follows_training == plan.state.follow);
      }
      // The Compare workspace compares the step's cells (and only while it shows); the lab is the lesson's.
      if (st.workspace == Workspace::compare) {
        REQUIRE(snap->train->compare != nullptr);
        std::vector<CellKind> cells;
        for (const CompareRunView& r : snap->train->compare->runs) cells.push_back(r.cell);
        CHECK(cells == st.compare_cells);
      } else {
        CHECK(snap->train->compare == nullptr);
      }
      if (st.lab_named) CHECK(snap->lab->settings == st.lab);
      // A lab run that diverges says so in red: that is the step's point (lesson 2's unclipped run).
      if (!(plan.train_target == TrainTarget::lab && train_goal_state(*snap, TrainTarget::lab) == TrainState::diverged))
        CHECK_FALSE(snap->message_is_error);
      CHECK(snap->train->error.empty());
      CHECK(snap->train->settings == st.training);
      CHECK(snap->speed == st.speed);
      CHECK(snap->train->max_steps_per_second == st.train_speed);
      const Scene& scene = *snap->scene;
      if (scene.follows_training) {
        CHECK(scene.steps == st.training.split.steps);
        CHECK(scene.config.cell == st.training.trainer.model.cell);
        CHECK(scene.config.hidden_size == st.training.trainer.model.hidden_size);
      } else {
        CHECK(scene.config.cell == st.scene.model.cell);
        CHECK(scene.config.hidden_size == st.scene.model.hidden_size);
        CHECK(scene.config.num_layers == st.scene.model.num_layers);
        CHECK(scene.steps == st.scene.steps);
        CHECK(scene.settings.signal == st.scene.signal);
        CHECK(scene.settings.weight_scale == st.scene.weight_scale);
        CHECK(scene.settings.seed == st.scene.seed);
        CHECK(scene.settings.loss == st.scene.loss);
      }
      if (const auto* seek = std::get_if<SeekAction>(&step.action)) {
        CHECK(snap->pass == seek->pass);
        CHECK(snap->t == seek->t);
        CHECK_FALSE(snap->playing);
      } else if (const auto* play = std::get_if<PlayAction>(&step.action)) {
        CHECK(snap->playing);
        CHECK(snap->pass == play->pass);
      } else if (std::holds_alternative<ResetAction>(step.action)) {
        CHECK(train_goal_steps(*snap, train_target(st)) == 0);
      } else if (!plan.train_until) {
        CHECK_FALSE(snap->playing);
        CHECK(snap->train->state != TrainState::running);
        CHECK(train_goal_state(*snap, TrainTarget::compare) != TrainState::running);
        CHECK_FALSE(snap->lab->running());
      }
    }
  }
}

namespace {
// Code points of UTF-8 text (the lessons are checked to be valid UTF-8 by the parser's JSON reader).
std::vector<char32_t> code_points(const std::string& s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < n && i + k < s.size(); ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(c);
    i += static_cast<std::size_t>(n);
  }
  return out;
}
}  // namespace

// A character the UI font was not rasterised with draws as '?' on the projector.
TEST_CASE("every character of every lesson is one the app's fonts are loaded with") {
  CHECK(code_points("ᵀ⊙x̂") == std::vector<char32_t>{0x1D40, 0x2299, U'x', 0x0302});
  CHECK_FALSE(in_ui_glyph_ranges(0x4E2D));  // a CJK character is not (the check can fail)
  for (const Lesson& l : find_lessons(lesson_folder).lessons) {
    std::vector<std::string> texts = {l.title};
    for (const LessonStep& s : l.steps) {
      texts.insert(texts.end(), {s.title, s.text});
      if (s.question) texts.insert(texts.end(), {s.question->text, s.question->answer});
    }
    for (const std::string& t : texts)
      for (char32_t c : code_points(t)) {
        CAPTURE(l.id);
        CAPTURE(static_cast<unsigned>(c));
        CHECK(in_ui_glyph_ranges(c));
      }
  }
}
