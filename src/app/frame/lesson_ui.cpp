#include "app/frame/lesson_ui.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <system_error>

#include "app/frame/workspace_table.hpp"
#include "app/lessons/library.hpp"
#include "app/look/theme.hpp"
#include "app/lessons/plan.hpp"
#include "app/lessons/preset.hpp"
#include "app/file_list.hpp"
#include "app/session/session_file.hpp"
#include "app/session/training.hpp"
#include "io/atomic_write.hpp"

namespace unrolled::app {

namespace {


// `send`: false when a session file just brought the app's state for this step with it (the run and
// its weights): then only the UI is set up — the plan's ConfigureTraining would start a new run.
void ApplyStep(UiState& ui, CommandList& out, bool send) {
  LessonUi& L = ui.lesson;
  const StepPlan plan = plan_step(L.lesson, ui.lesson_step, L.applied_step);
  if (send) out.insert(out.end(), plan.commands.begin(), plan.commands.end());
  L.applied_step = plan.index;
  L.sent_sequence = 0;
  L.train_until = send ? plan.train_until : std::nullopt;
  L.train_target = plan.train_target;
  L.goal_reached = false;
  L.memory_task = plan.memory_task;
  L.show_answer = false;
  L.scroll_top = true;
  L.body_more = false;
  L.settle_frames = 0;
  L.step_started = ImGui::GetTime();

  const UiDirectives& d = plan.ui;
  ui.workspace = d.workspace;
  for (Panel p : lesson_view_panels()) panel_shown(ui, p) = lesson_shows(d.panels, p);
  if (d.forecast_zoom) ui.train.forecast_zoom = ui.compare.forecast_zoom = *d.forecast_zoom;
  if (!d.compare_cells.empty())  // the chooser shows the cells being compared
    for (std::size_t c = 0; c < ui.compare.pick.size(); ++c)
      ui.compare.pick[c] = std::find(d.compare_cells.begin(), d.compare_cells.end(), static_cast<CellKind>(c)) != d.compare_cells.end();
  L.highlight = d.highlight;
  L.select_frames = 3;  // a few frames: the first frame of a workspace has no tab bar yet
  L.flash_slider = d.slider;
  L.flash_start = ImGui::GetTime();
  if (d.unit) {
    ui.step.unit = *d.unit;
    ui.step.traced[static_cast<std::size_t>(std::clamp(*d.unit, 0, max_hidden - 1))] = true;
  }
  if (d.smoothing) ui.train.smoothing = static_cast<float>(*d.smoothing);
}

// Forgets what the last step did (a lesson opens or closes).
void ForgetSteps(LessonUi& L) {
  L.applied_step = -1;
  L.sent_sequence = 0;
  L.train_until.reset();
  L.goal_reached = false;
  L.memory_task.reset();
  L.highlight.clear();
  L.flash_slider.clear();
  L.show_answer = false;
}

}  // namespace

int PrintLessonList() {
  const std::string dir = lesson_dir();
  if (dir.empty()) {
    std::fprintf(stderr, "unrolled: %s\n", no_lesson_dir_message().c_str());
    return 1;
  }
  const LessonIndex index = find_lessons(dir);
  std::fputs(list_lessons_text(index.lessons).c_str(), stdout);
  for (const std::string& e : index.errors) std::fprintf(stderr, "unrolled: %s\n", e.c_str());
  return index.errors.empty() ? 0 : 1;
}

int LoadLessonForFlags(const AppArgs& args, Lesson& out) {
  const std::string dir = lesson_dir();
  try {
    out = open_lesson(args.lesson, dir);
  } catch (const std::exception& e) {
    std::string message = e.what();
    if (message.find("(lessons: ") == std::string::npos && !dir.empty()) {  // a broken file: say what there is
      std::string known;
      for (const Lesson& l : find_lessons(dir).lessons) known += (known.empty() ? "" : ", ") + l.id;
      message += "\n  lessons in " + dir + ": " + (known.empty() ? std::string("none") : known);
    }
    std::fprintf(stderr, "unrolled: --lesson %s: %s\n", args.lesson.c_str(), message.c_str());
    return 1;
  }
  const int count = static_cast<int>(out.steps.size());
  if (args.lesson_step > count) {
    std::fprintf(stderr, "unrolled: --lesson-step %d: lesson %s has %d steps\n", args.lesson_step, out.id.c_str(), count);
    return 2;
  }
  if (!args.lesson_shots.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.lesson_shots, ec);
    if (ec) {
      std::fprintf(stderr, "unrolled: --lesson-shots %s: cannot make the folder (%s)\n", args.lesson_shots.c_str(),
                   ec.message().c_str());
      return 1;
    }
  }
  return 0;
}

void OpenLessonUi(UiState& ui, Lesson lesson, int step) {
  LessonUi& L = ui.lesson;
  if (!L.user_panels_saved) {
    for (Panel p : lesson_view_panels()) L.user_panels[static_cast<std::size_t>(p)] = panel_shown(ui, p);
    L.user_panels_saved = true;
  }
  const int last = static_cast<int>(lesson.steps.size()) - 1;
  L.lesson = std::move(lesson);
  ForgetSteps(L);
  ui.lesson_id = L.lesson.id;
  ui.lesson_step = std::clamp(step, 0, std::max(last, 0));
}

void CloseLessonUi(UiState& ui) {
  LessonUi& L = ui.lesson;
  if (L.user_panels_saved)
    for (Panel p : lesson_view_panels()) panel_shown(ui, p) = L.user_panels[static_cast<std::size_t>(p)];
  L.user_panels_saved = false;
  L.lesson = Lesson{};
  ForgetSteps(L);
  L.focused = false;
  ui.lesson_id.clear();
  ui.lesson_step = 0;
}

void UpdateLesson(const Snapshot& snap, UiState& ui, CommandList& out) {
  LessonUi& L = ui.lesson;
  if (L.select_frames > 0) --L.select_frames;
  L.accented.clear();
  L.panel_rect = {};
  // A session file restored this very lesson step (its ui part was adopted this frame)?
  bool restored = false;
  if (snap.restore_id != L.seen_restore_id) {
    L.seen_restore_id = snap.restore_id;
    restored = snap.restored_ui && !ui.lesson_id.empty() && snap.restored_ui->lesson_id == ui.lesson_id &&
               snap.restored_ui->lesson_step == ui.lesson_step;
  }
  if (ui.lesson_id.empty()) {
    if (!L.lesson.id.empty()) CloseLessonUi(ui);
    return;
  }
  if (ui.lesson_id != L.lesson.id) {  // named from outside (a restored session): load it
    const std::string id = ui.lesson_id;
    try {
      OpenLessonUi(ui, open_lesson(id, lesson_dir()), ui.lesson_step);
    } catch (const std::exception& e) {
      CloseLessonUi(ui);
      ui.notice = std::string("lesson \"") + id + "\" not opened: " + e.what();
      ui.notice_is_error = true;
      return;
    }
  }
  ui.lesson_step = std::clamp(ui.lesson_step, 0, static_cast<int>(L.lesson.steps.size()) - 1);
  if (ui.lesson_step != L.applied_step) ApplyStep(ui, out, !restored);
  if (L.train_until && !L.goal_reached && L.sent_sequence != 0 &&
      train_goal_reached(snap, *L.train_until, L.sent_sequence, L.train_target)) {
    L.goal_reached = true;
    if (train_goal_state(snap, L.train_target) == TrainState::running)
      out.push_back(L.train_target == TrainTarget::lab ? Command{cmd::LabPause{}} : Command{cmd::PauseTraining{}});
  }
}

void LessonCommandsSent(UiState& ui, std::uint64_t sequence) {
  if (ui.lesson.applied_step >= 0 && ui.lesson.sent_sequence == 0) ui.lesson.sent_sequence = sequence;
}

bool LessonKeys(UiState& ui) {
  if (ui.lesson_id.empty()) return false;
  const int last = static_cast<int>(ui.lesson.lesson.steps.size()) - 1;
  const bool arrows = ui.lesson.focused;
  // A step longer than its panel (a large scale on a small screen): the clicker shows the rest first.
  if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN, false) || (arrows && ImGui::IsKeyPressed(GLFW_KEY_RIGHT, false))) {
    if (ui.lesson.body_more) ui.lesson.scroll_page = true;
    else ui.lesson_step = std::min(ui.lesson_step + 1, last);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP, false) || (arrows && ImGui::IsKeyPressed(GLFW_KEY_LEFT, false)))
    ui.lesson_step = std::max(ui.lesson_step - 1, 0);
  return arrows;
}

void LessonFileMenu(UiState& ui) {
  LessonUi& L = ui.lesson;
  if (ImGui::BeginMenu("Open lesson")) {
    if (!L.menu_read) {  // read once per opening of the submenu, not every frame
      const std::string dir = lesson_dir();
      L.menu = dir.empty() ? LessonIndex{{}, {no_lesson_dir_message()}} : find_lessons(dir);
      L.menu_read = true;
    }
    for (const Lesson& l : L.menu.lessons)
      if (ImGui::MenuItem(l.title.c_str(), l.id.c_str(), l.id == ui.lesson_id)) OpenLessonUi(ui, l, 0);
    if (!L.menu.errors.empty()) {
      if (!L.menu.lessons.empty()) ImGui::Separator();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
      for (const std::string& e : L.menu.errors) ImGui::TextColored(ErrorColor(), "%s", e.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::EndMenu();
  } else {
    L.menu_read = false;
  }
  if (ImGui::MenuItem("Close lesson", nullptr, false, !ui.lesson_id.empty())) CloseLessonUi(ui);
}

}  // namespace unrolled::app
