// --lesson-shots DIR: the walk through a lesson that saves one screenshot per step once the step is
// applied (and its training goal reached), and walk.json with what each step showed and accented.
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>

#include "app/file_list.hpp"
#include "app/frame/lesson_ui.hpp"
#include "app/frame/workspace_table.hpp"
#include "app/lessons/plan.hpp"
#include "app/session/training.hpp"
#include "io/atomic_write.hpp"

namespace unrolled::app {

namespace {
constexpr int settle_frames_before_shot = 3;  // the plots fit their axes to the previous frame's data
constexpr double walk_step_limit_seconds = 300.0;
nlohmann::json rect_json(const Rect& r) { return {r.x, r.y, r.w, r.h}; }
}  // namespace

std::string LessonShotDue(const Snapshot& snap, UiState& ui) {
  LessonUi& L = ui.lesson;
  if (L.shots_dir.empty() || L.walk_done || ui.lesson_id.empty() || L.applied_step != ui.lesson_step) return {};
  const bool applied = L.sent_sequence != 0 && snap.applied >= L.sent_sequence;
  if (!applied || (L.train_until && !L.goal_reached)) {
    if (ImGui::GetTime() - L.step_started > walk_step_limit_seconds) {
      char why[256];
      std::snprintf(why, sizeof why, "step %d of %s: not ready after %.0f s (training at step %lld of %lld)",
                    ui.lesson_step + 1, L.lesson.id.c_str(), walk_step_limit_seconds,
                    static_cast<long long>(train_goal_steps(snap, L.train_target)),
                    static_cast<long long>(L.train_until.value_or(0)));
      L.walk_error = why;
      L.walk_done = true;
    }
    return {};
  }
  if (++L.settle_frames < settle_frames_before_shot) return {};
  char name[32];
  std::snprintf(name, sizeof name, "step-%02d.png", ui.lesson_step + 1);
  return join_path(L.shots_dir, name);
}

std::chrono::milliseconds LessonWalkFrameTime(const UiState& ui) {
  const LessonUi& L = ui.lesson;
  const bool waiting = !L.shots_dir.empty() && !L.walk_done && L.train_until && !L.goal_reached;
  return std::chrono::milliseconds(waiting ? 100 : 0);
}

void LessonShotTaken(const Snapshot& snap, UiState& ui, const std::string& error, const nlohmann::json& clipped_text) {
  LessonUi& L = ui.lesson;
  if (!error.empty()) {
    L.walk_error = error;
    L.walk_done = true;
    return;
  }
  char name[32];
  std::snprintf(name, sizeof name, "step-%02d.png", ui.lesson_step + 1);
  nlohmann::ordered_json r;
  r["step"] = ui.lesson_step + 1;
  r["file"] = name;
  r["workspace"] = workspace_info(ui.workspace).name;
  nlohmann::json shown = nlohmann::json::array(), highlight = nlohmann::json::array(), accented = nlohmann::json::array();
  for (Panel p : lesson_view_panels())
    if (panel_in_workspace(p, ui.workspace) && panel_shown(ui, p)) shown.push_back(panel_name(p));
  for (Panel p : L.highlight) highlight.push_back(panel_name(p));
  for (const auto& [p, rect] : L.accented) accented.push_back({{"panel", panel_name(p)}, {"rect", rect_json(rect)}});
  r["shown"] = shown;
  r["highlight"] = highlight;
  r["accented"] = accented;
  r["lesson_panel"] = rect_json(L.panel_rect);
  // What the step's train action trained (the run, the comparison's runs, the lab's two runs).
  r["train_target"] = L.train_target == TrainTarget::compare ? "compare" : L.train_target == TrainTarget::lab ? "lab" : "run";
  r["train_steps"] = train_goal_steps(snap, L.train_target);
  r["train_until"] = L.train_until ? nlohmann::json(*L.train_until) : nlohmann::json(nullptr);
  r["train_state"] = train_state_name(train_goal_state(snap, L.train_target));
  // The forecasts' zoom and the cells the Compare workspace's chooser holds.
  r["forecast_zoom"] = ui.train.forecast_zoom;
  nlohmann::json cells = nlohmann::json::array();
  for (std::size_t c = 0; c < ui.compare.pick.size(); ++c)
    if (ui.compare.pick[c]) cells.push_back(cell_name(static_cast<CellKind>(c)));
  r["compare_cells"] = cells;
  nlohmann::json compared = nlohmann::json::array();
  if (snap.train->compare)
    for (const CompareRunView& run : snap.train->compare->runs) compared.push_back(cell_name(run.cell));
  r["compared"] = compared;
  r["lab_rho"] = snap.lab->settings.rho;
  r["lab_activation"] = nonlinearity_name(snap.lab->settings.activation);
  r["memory_task"] = L.memory_task.has_value();
  r["text_fits"] = !L.body_overflow;
  r["clipped_text"] = clipped_text;
  L.walk_records.push_back(r.dump());
  if (ui.lesson_step + 1 < static_cast<int>(L.lesson.steps.size())) {
    ++ui.lesson_step;
    return;
  }
  std::string all = "{\"lesson\": " + nlohmann::json(L.lesson.id).dump() + ", \"steps\": [\n";
  for (std::size_t i = 0; i < L.walk_records.size(); ++i) all += "  " + L.walk_records[i] + (i + 1 < L.walk_records.size() ? ",\n" : "\n");
  all += "]}\n";
  try {
    io::write_file_atomic(join_path(L.shots_dir, "walk.json"), all);
  } catch (const std::exception& e) {
    L.walk_error = e.what();
  }
  L.walk_done = true;
}

}  // namespace unrolled::app
