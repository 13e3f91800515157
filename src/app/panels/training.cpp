// The training panel: Train / Pause / Reset, the run's numbers (steps per second, step, epoch, loss,
// validation MSE, learning rate), and every trainer setting. The panel edits a copy of the settings
// (UiState::train_edit); validate_train_settings() runs whenever the copy changes and its message
// stands under the field it names, before anything is sent. Apply sends ConfigureTraining (a fresh
// run at step 0); the worker's own refusal (TrainView::error) shows by the Apply button.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <optional>
#include <string>

#include "app/look/marks.hpp"
#include "app/panels/common.hpp"
#include "app/look/theme.hpp"
#include "app/train_fields.hpp"
#include "app/panels/panels.hpp"
#include "app/panels/train_views.hpp"
#include "app/session/training.hpp"
#include "io/data_sets.hpp"

namespace unrolled::app {

namespace {

const ImVec4 ok_color(0.6f, 0.85f, 0.6f, 1.0f);

// One settings row: a label in the left column, the widget filling the rest.
struct Form {
  float label_w;
  TrainField error_at;
  const std::string& error;
  void label(const char* text) const {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text);
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
  }
  // The validation message under the field it names.
  void error_for(TrainField f) const {
    if (f != error_at || error.empty()) return;
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%s", error.c_str());
    ImGui::PopTextWrapPos();
  }
  bool int_field(const char* text, const char* id, int& v, TrainField f, const char* tip = nullptr) const {
    label(text);
    const bool changed = ImGui::InputInt(id, &v, 0, 0);
    if (tip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
    error_for(f);
    return changed;
  }
  bool number_field(const char* text, const char* id, double& v, TrainField f, const char* tip = nullptr,
                    const char* format = "%.6g") const {
    label(text);
    const bool changed = ImGui::InputDouble(id, &v, 0, 0, format);
    if (tip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
    error_for(f);
    return changed;
  }
  bool combo(const char* text, const char* id, int& v, const char* const* names, int count, TrainField f) const {
    label(text);
    const bool changed = ImGui::Combo(id, &v, names, count);
    error_for(f);
    return changed;
  }
};

}  // namespace

ImVec4 TrainStateColor(TrainState s) {
  switch (s) {
    case TrainState::running: return ImVec4(0.45f, 0.85f, 0.55f, 1);
    case TrainState::paused: return ImVec4(0.95f, 0.8f, 0.35f, 1);
    case TrainState::diverged: return ErrorColor();
    case TrainState::finished:
    case TrainState::early_stopped: return ImVec4(0.55f, 0.75f, 1.0f, 1);
    default: return ImVec4(0.75f, 0.76f, 0.8f, 1);
  }
}

namespace {

// The persistence baseline ("tomorrow = today") beside the validation MSE, in the same normalised
// units: green once the network's validation MSE is below it, amber while it is not.
void PersistenceLine(const TrainView& tv) {
  const bool scored = std::isfinite(tv.last_val_mse);
  const bool beaten = scored && tv.last_val_mse < tv.val_persistence_mse;
  const ImVec4 col = !scored ? ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]
                     : beaten ? ok_color
                              : ImVec4(0.95f, 0.75f, 0.3f, 1);
  char text[64];
  std::snprintf(text, sizeof text, "persistence %.4g", tv.val_persistence_mse);
  ImGui::TextColored(col, "%s", text);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("\"Tomorrow = today\": predicting each validation point by the one before it scores this MSE "
                      "(normalised units, as val MSE). %s",
                      !scored ? "The network's val MSE comes after the first epoch."
                      : beaten ? "The network's val MSE is below it: it beats persistence."
                               : "The network's val MSE is not below it yet: it does not beat persistence.");
  const char* verdict = !scored ? nullptr : beaten ? "beaten" : "not beaten";
  if (verdict && ImGui::CalcTextSize(verdict).x + ImGui::GetFontSize() <= RemainingOnLine()) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 0.5f);
    ImGui::TextColored(col, "%s", verdict);
  }
}

void RunSection(const Snapshot& snap, const UiState& ui, CommandList& out) {
  const TrainView& tv = *snap.train;
  const float fs = ImGui::GetFontSize();
  const bool running = tv.state == TrainState::running;
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  ImGui::PushStyleColor(ImGuiCol_Button, running ? ImVec4(0.55f, 0.42f, 0.12f, 1) : ImVec4(0.16f, 0.45f, 0.28f, 1));
  if (ImGui::Button(running ? "Pause (Shift+T)" : "Train (T)", ImVec2(half, fs * 1.8f)))
    out.push_back(running ? Command{cmd::PauseTraining{}} : Command{cmd::Train{}});
  ImGui::PopStyleColor();
  ImGui::SameLine();
  if (ImGui::Button("Reset (R)", ImVec2(-1, fs * 1.8f))) out.push_back(cmd::ResetTraining{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to step 0 with the seed's initial weights: the same run again");

  // One click to any speed: "Speed" and a row of buttons on one line where they fit, the buttons on
  // a line of their own under "Speed, steps/s" where only they fit, else a list.
  static const char* const speed_names[] = {"10", "100", "1000", "full"};
  constexpr int n_speeds = static_cast<int>(std::size(train_speed_choices));
  int speed = -1;
  for (int i = 0; i < n_speeds; ++i)
    if (std::abs(tv.max_steps_per_second - train_speed_choices[i]) < 1e-9) speed = i;
  const ImGuiStyle& style = ImGui::GetStyle();
  float buttons_w = -style.ItemSpacing.x;
  for (const char* n : speed_names) buttons_w += ImGui::CalcTextSize(n).x + 2 * style.FramePadding.x + style.ItemSpacing.x;
  const float label_w = ImGui::CalcTextSize("Speed").x + style.ItemSpacing.x;
  const float unit_w = style.ItemSpacing.x + ImGui::CalcTextSize("steps/s").x;
  const float avail = ImGui::GetContentRegionAvail().x;
  ImGui::AlignTextToFramePadding();
  if (label_w + buttons_w + unit_w <= avail || buttons_w <= avail) {
    const bool one_line = label_w + buttons_w + unit_w <= avail;
    ImGui::TextUnformatted(one_line ? "Speed" : "Speed, steps/s");
    if (one_line) ImGui::SameLine();
    ImGui::BeginGroup();
    for (int i = 0; i < n_speeds; ++i) {
      if (i > 0) ImGui::SameLine();
      const bool on = i == speed;
      if (on) ImGui::PushStyleColor(ImGuiCol_Button, style.Colors[ImGuiCol_ButtonActive]);
      if (ImGui::Button(speed_names[i]) && !on) out.push_back(cmd::SetTrainSpeed{train_speed_choices[i]});
      if (on) ImGui::PopStyleColor();
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(i + 1 == n_speeds ? "As fast as this machine trains (200 epochs in a few seconds)"
                                             : "At most %s training steps a second", speed_names[i]);
    }
    if (one_line) {
      ImGui::SameLine();
      ImGui::TextUnformatted("steps/s");
    }
    ImGui::EndGroup();
  } else {
    ImGui::TextUnformatted("Speed");
    ImGui::SameLine();
    static const char* const combo_names[] = {"10 steps/s", "100 steps/s", "1000 steps/s", "full speed"};
    ImGui::SetNextItemWidth(-1);
    char custom[32];
    std::snprintf(custom, sizeof custom, "%g steps/s", tv.max_steps_per_second);
    if (ImGui::BeginCombo("##train_speed", speed < 0 ? custom : combo_names[speed])) {
      for (int i = 0; i < n_speeds; ++i)
        if (ImGui::Selectable(combo_names[i], i == speed) && i != speed) out.push_back(cmd::SetTrainSpeed{train_speed_choices[i]});
      ImGui::EndCombo();
    }
  }
  FlashLessonSlider(ui, "train-speed");

  // The readouts: large in projector mode (readout_font), the second column placed by that font's size.
  // They change with every snapshot, so they are a child window of their own (its own draw list):
  // the settings below are not repainted with them (gfx/partial_redraw.hpp).
  // Two columns when the widest right-hand readout fits beside the left one, else one readout a line
  // (a projector's narrow tile), so that no number is cut.
  ImGui::PushFont(readout_font(ui));
  const float readout_line = ImGui::GetTextLineHeightWithSpacing();
  const float column = ImGui::GetFontSize() * 9.0f;
  const bool two_columns = column + ImGui::CalcTextSize("val MSE -8.888e-08").x <= ImGui::GetContentRegionAvail().x &&
                           ImGui::CalcTextSize("step 8888888    epoch 8888 / 8888").x <= ImGui::GetContentRegionAvail().x;
  const bool best_on_one_line = ImGui::CalcTextSize("best val 8.888e-08 (epoch 8888)").x <= ImGui::GetContentRegionAvail().x;
  ImGui::PopFont();
  const bool baseline = tv.task || std::isfinite(tv.val_persistence_mse);  // a line saying what "no skill" scores
  const int readout_lines = (two_columns ? 4 : 7) + (tv.best_epoch > 0 ? (best_on_one_line ? 1 : 2) : 0) + (baseline ? 1 : 0);
  const int small_lines = tv.model_file.empty() ? 1 : 2;  // the data line, and the model file's
  ImGui::BeginChild("##readouts", ImVec2(0, readout_lines * readout_line + small_lines * ImGui::GetTextLineHeightWithSpacing()), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PushFont(readout_font(ui));
  const float rfs = ImGui::GetFontSize();
  auto next_column = [&] {
    if (two_columns) ImGui::SameLine(column);
  };
  ImGui::TextColored(TrainStateColor(tv.state), "● %s", train_state_name(tv.state));
  if (running) {  // on the state's line; otherwise the step starts its own
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.0f steps/s", tv.steps_per_second);
    if (ImGui::CalcTextSize(rate).x + rfs <= RemainingOnLine()) ImGui::SameLine(0, rfs);
    ImGui::TextUnformatted(rate);
  }
  if (two_columns) {
    ImGui::Text("step %lld    epoch %d / %d", static_cast<long long>(tv.step), tv.epoch, tv.settings.trainer.epochs);
  } else {
    ImGui::Text("step %lld", static_cast<long long>(tv.step));
    ImGui::Text("epoch %d / %d", tv.epoch, tv.settings.trainer.epochs);
  }
  // Before the first step there is no loss yet: a dash, not "nan" (which would read as a divergence).
  if (tv.step > 0 && std::isfinite(tv.last_loss)) ImGui::Text("loss %.4g", tv.last_loss);
  else if (tv.state == TrainState::diverged) ImGui::TextColored(ErrorColor(), "loss %.4g", tv.last_loss);
  else ImGui::TextDisabled("loss –");
  next_column();
  if (std::isfinite(tv.last_val_mse)) ImGui::Text("val MSE %.4g", tv.last_val_mse);
  else ImGui::TextDisabled("val MSE –");
  if (tv.best_epoch > 0) {
    if (best_on_one_line) {
      ImGui::Text("best val %.4g (epoch %d)", tv.best_val_mse, tv.best_epoch);
    } else {
      ImGui::Text("best val %.4g", tv.best_val_mse);
      ImGui::Text("  at epoch %d", tv.best_epoch);
    }
  }
  if (tv.task) {  // what the validation MSE means for a memory task
    ImGui::TextDisabled("no memory: val MSE %.4g", tv.task->val_baseline_mse);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Always giving the average answer (%g) scores this on the validation windows: a run near it "
                        "has learnt nothing",
                        tv.task->baseline_prediction);
  }
  if (!tv.task && std::isfinite(tv.val_persistence_mse)) PersistenceLine(tv);
  ImGui::Text("lr %.3g", tv.lr);
  next_column();
  ImGui::Text("%.1f s", tv.seconds);
  ImGui::PopFont();
  const std::string data_line = tv.data_description + ", B = " + std::to_string(tv.batch);
  TextFitted(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], data_line, ImGui::GetContentRegionAvail().x);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: the data, and the batch actually used", data_line.c_str());
  if (!tv.model_file.empty()) {
    const std::string name = "from " + tv.model_file.substr(tv.model_file.find_last_of('/') + 1);
    TextFitted(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], name, ImGui::GetContentRegionAvail().x);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The run started from the model file %s, with its stored normalisation and data settings",
                        tv.model_file.c_str());
  }
  ImGui::EndChild();
}

// The series' column, chosen from the file's own columns. "" follows the documented rule (the only
// column, else "value"); when the rule picks none (a header of several columns, none named "value"),
// the columns are listed and nothing trains until one is chosen: a year or date column is never
// taken silently.
void ColumnChooser(const Form& form, TrainSettings& e, UiState& ui) {
  if (ui.train.columns_of != e.csv_path) {  // read the header once per file
    ui.train.columns = e.csv_path.empty() ? CsvColumnChoice{} : csv_column_choice(e.csv_path);
    ui.train.columns_of = e.csv_path;
  }
  const CsvColumnChoice& c = ui.train.columns;
  if (e.csv_path.empty()) return;
  if (!c.error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%s", c.error.c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  const std::string rule = c.rule_pick >= 0 ? c.columns[static_cast<std::size_t>(c.rule_pick)] + " (by the rule)"
                                            : std::string("choose a column");
  const std::string shown = e.csv_column.empty() ? rule : e.csv_column;
  form.label("Column");
  if (ImGui::BeginCombo("##t_column", shown.c_str())) {
    if (c.rule_pick >= 0 && ImGui::Selectable(rule.c_str(), e.csv_column.empty())) e.csv_column.clear();
    for (const std::string& name : c.columns)
      if (ImGui::Selectable(name.c_str(), e.csv_column == name)) e.csv_column = name;
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The column to forecast. By the rule: the only column, else the one named \"value\"; "
                      "otherwise choose one (docs/formats.md, CSV)");
  if (e.csv_column.empty() && c.rule_pick < 0) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%zu columns and none named \"value\": choose the one to forecast", c.columns.size());
    ImGui::PopTextWrapPos();
  }
}

// The data: the generated signal (sine, square, sawtooth), a real series of the data folder (co2, nile,
// sunspots: io::data_sets), any CSV series, or a memory task with its own knobs (T, windows, seed;
// scored on the last step, so loss and validation fraction do not apply).
void DataSection(const Form& form, TrainSettings& e, UiState& ui) {
  const std::vector<io::DataSetInfo>& real = real_series();
  const int n_real = static_cast<int>(real.size());
  // Entries: the three waves, the real series, "CSV file…", the two tasks.
  const int csv = 3 + n_real, copy = csv + 1, adding = csv + 2;
  int real_pick = -1;
  for (int i = 0; i < n_real; ++i)
    if (ui.train.csv_edit == real[static_cast<std::size_t>(i)].name) real_pick = i;
  const int source = e.task ? (e.task->task == MemoryTask::copy ? copy : adding)
                     : real_pick >= 0 ? 3 + real_pick
                     : (!e.csv_path.empty() || !ui.train.csv_edit.empty()) ? csv
                                                                           : static_cast<int>(e.signal.shape);
  auto entry = [&](int i) -> std::string {
    static const char* const waves[] = {"sine", "square", "sawtooth"};
    if (i < 3) return waves[i];
    if (i < csv) return real[static_cast<std::size_t>(i - 3)].name + " (real series)";
    return i == csv ? "CSV file…" : i == copy ? "copy task" : "adding task";
  };
  int picked = source;
  form.label("Data");
  if (ImGui::BeginCombo("##t_source", entry(source).c_str())) {
    for (int i = 0; i <= adding; ++i) {
      if (ImGui::Selectable(entry(i).c_str(), i == source)) picked = i;
      if (i >= 3 && i < csv && ImGui::IsItemHovered()) {
        const io::DataSetInfo& d = real[static_cast<std::size_t>(i - 3)];
        ImGui::SetTooltip("%s", (d.what.empty() ? d.path : d.what).c_str());
      }
    }
    ImGui::EndCombo();
  }
  form.error_for(TrainField::source);
  if (picked != source) {
    e.normalization.reset();  // a model file's statistics belong to its own data
    if (picked == copy || picked == adding) {
      MemoryTaskConfig task = e.task.value_or(MemoryTaskConfig{});  // a series' T is not the task's: 30 to start
      task.task = picked == copy ? MemoryTask::copy : MemoryTask::adding;
      e.task = task;
      e.csv_path.clear();
      ui.train.csv_edit.clear();
    } else {
      e.task.reset();
      if (picked < 3) {
        e.signal.shape = static_cast<WaveShape>(picked);
        e.csv_path.clear();
        ui.train.csv_edit.clear();
      } else if (picked < csv) {
        ui.train.csv_edit = real[static_cast<std::size_t>(picked - 3)].name;
        e.csv_column.clear();
      } else {
        if (real_pick >= 0) ui.train.csv_edit.clear();
        if (ui.train.csv_edit.empty()) OpenFileDialog(ui, FileDialogPurpose::choose_csv, ui.export_dir, "");
      }
    }
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A series to forecast one step ahead (a generated wave, a real series, or any CSV file), or a "
                      "memory task: an answer at t = T that needs an input seen many steps before");
  if (e.task) {
    MemoryTaskConfig& task = *e.task;
    form.int_field("Steps T", "##t_task_steps", task.steps, TrainField::steps,
                   "the window length; the answer is due at its last step (copy 1–256, adding 2–256)");
    e.split.steps = task.steps;  // the task sets T and scores the last step, as unrolled-cli train does
    e.split.loss = LossMode::last;
    form.int_field("Windows", "##t_task_windows", task.train_windows, TrainField::windows,
                   "training windows, drawn once from the task seed");
    form.int_field("Val windows", "##t_task_val", task.val_windows, TrainField::val_windows,
                   "validation windows, drawn from a random stream of their own");
    int seed = static_cast<int>(std::min<std::uint64_t>(task.seed, 2147483647));
    if (form.int_field("Task seed", "##t_task_seed", seed, TrainField::none, "the windows' seed (Seed below: weights, shuffling)") &&
        seed >= 0)
      task.seed = static_cast<std::uint64_t>(seed);
    ImGui::PushTextWrapPos(0);
    if (task.task == MemoryTask::copy)
      ImGui::TextDisabled("x₁ ~ U(−1, 1), then T − 1 zeros; the answer at t = T is x₁. Without memory the best is "
                          "always 0: MSE 1/3.");
    else
      ImGui::TextDisabled("Two inputs: values ~ U(0, 1) and markers, one 1 in each half; the answer at t = T is the "
                          "sum of the two marked values. Without memory the best is always 1: MSE 1/6.");
    ImGui::PopTextWrapPos();
    return;
  }
if (source >= 3 || !e.csv_path.empty() || !ui.train.csv_edit.empty()) {
    if (real_pick >= 0) {  // where it comes from, as assets/data/README.md says
      const io::DataSetInfo& d = real[static_cast<std::size_t>(real_pick)];
      ImGui::PushTextWrapPos(0);
      if (!d.what.empty()) ImGui::TextUnformatted(d.what.c_str());
      if (!d.source.empty()) ImGui::TextDisabled("Source: %s", d.source.c_str());
      if (!d.licence.empty()) ImGui::TextDisabled("Licence: %s", d.licence.c_str());
      ImGui::PopTextWrapPos();
    } else {
      const float browse_w = ImGui::CalcTextSize("Browse…").x + ImGui::GetStyle().FramePadding.x * 2;
      ImGui::SetNextItemWidth(-browse_w - ImGui::GetStyle().ItemSpacing.x);
      if (ImGui::InputTextWithHint("##t_csv", "path/to/series.csv", &ui.train.csv_edit)) e.normalization.reset();
      ImGui::SameLine();
      if (ImGui::Button("Browse…")) OpenFileDialog(ui, FileDialogPurpose::choose_csv, ui.export_dir, ui.train.csv_edit);
    }
    if (e.csv_path != ui.train.csv_edit) {
      e.csv_path = ui.train.csv_edit;
      if (!e.csv_path.empty()) e.task.reset();
    }
    ColumnChooser(form, e, ui);
    form.error_for(TrainField::csv);
  } else {
    SignalConfig& sg = e.signal;
    form.int_field("Length N", "##t_len", sg.length, TrainField::length, "samples in the series, 2–100000");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Waves");
    ImGui::SameLine(form.label_w);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##t_waves", &sg.waves, 1, max_signal_waves);
    form.error_for(TrainField::waves);
    for (int k = 0; k < std::clamp(sg.waves, 1, max_signal_waves); ++k) {
      ImGui::PushID(k);
      char text[32];
      std::snprintf(text, sizeof text, "f%d, A%d", k + 1, k + 1);
      form.label(text);
      const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
      ImGui::SetNextItemWidth(w);
      ImGui::InputDouble("##f", &sg.wave[k].frequency, 0, 0, "%.4g");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("frequency in cycles per sample (0.02 = a period of 50 samples)");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(-1);
      ImGui::InputDouble("##a", &sg.wave[k].amplitude, 0, 0, "%.4g");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("amplitude");
      ImGui::PopID();
    }
    form.error_for(TrainField::frequency);
    form.error_for(TrainField::amplitude);
    form.number_field("Noise σ", "##t_noise", sg.noise, TrainField::noise, "standard deviation of the Gaussian noise added");
    if (ImGui::TreeNode("More signal")) {
      form.number_field("Offset", "##t_off", sg.offset, TrainField::none);
      form.number_field("Trend", "##t_trend", sg.trend, TrainField::none, "added per sample");
      form.number_field("Damping", "##t_damp", sg.damping, TrainField::none, "amplitude decays as e^(−damping·t)");
      int noise_seed = static_cast<int>(sg.seed);
      if (form.int_field("Noise seed", "##t_nseed", noise_seed, TrainField::none) && noise_seed >= 0)
        sg.seed = static_cast<std::uint64_t>(noise_seed);
      ImGui::TreePop();
    }
    form.error_for(TrainField::more_signal);
  }
  form.int_field("Steps T", "##t_seq", e.split.steps, TrainField::steps, "sequence length of each training window, 1–256");
  int loss = e.split.loss == LossMode::last ? 0 : 1;
  static const char* const losses[] = {"last step", "every step"};
  if (form.combo("Loss", "##t_loss", loss, losses, 2, TrainField::loss)) e.split.loss = loss == 0 ? LossMode::last : LossMode::all;
  form.number_field("Validation", "##t_val", e.split.val_fraction, TrainField::val,
                    "the last fraction of the series, kept for validation (0–0.9)", "%.3g");
}

}  // namespace

void TrainingPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const TrainView& tv = *snap.train;
  // Edit from what the run applied; adopt a newly applied run only when nothing is being edited.
  if (!ui.train.edit_loaded || (!(tv.settings == ui.train.seen) && ui.train.edit == ui.train.seen)) {
    ui.train.edit = tv.settings;
    ui.train.csv_edit = tv.settings.csv_path;
    ui.train.edit_loaded = true;
  }
  ui.train.seen = tv.settings;
  TrainSettings& e = ui.train.edit;
  if (!ui.train.validated_once || !(e == ui.train.validated)) {  // validate only when the copy changed
    ui.train.edit_error = validate_train_settings(e);
    ui.train.validated = e;
    ui.train.validated_once = true;
  }
  const std::string& error = ui.train.edit_error;
  const float fs = ImGui::GetFontSize();
  const Form form{fs * 6.4f, error.empty() ? TrainField::none : train_error_field(error), error};

  RunSection(snap, ui, out);

  TrainerConfig& t = e.trainer;
  SectionHeader("Model");
  {
    int cell = t.model.cell == CellKind::rnn ? (t.model.nonlinearity == Nonlinearity::relu ? 1 : 0)
                                             : (t.model.cell == CellKind::lstm ? 2 : 3);
    static const char* const cells[] = {"RNN (tanh)", "RNN (relu)", "LSTM", "GRU"};
    if (form.combo("Cell", "##t_cell", cell, cells, 4, TrainField::cell)) {
      t.model.cell = cell <= 1 ? CellKind::rnn : (cell == 2 ? CellKind::lstm : CellKind::gru);
      t.model.nonlinearity = cell == 1 ? Nonlinearity::relu : Nonlinearity::tanh;
      if (t.model.cell != CellKind::lstm) t.forget_bias.reset();  // only an LSTM has a forget gate
    }
    form.int_field("Hidden H", "##t_hidden", t.model.hidden_size, TrainField::hidden, "units per layer, 1–256");
    form.int_field("Layers", "##t_layers", t.model.num_layers, TrainField::layers, "1–3");
    if (t.model.cell == CellKind::lstm) {
      // Lesson 6's advice: a forget-gate bias of about 2 makes a fresh LSTM keep its cell state (f ≈ 0.88).
      bool set = t.forget_bias.has_value();
      ImGui::AlignTextToFramePadding();
      if (ImGui::Checkbox("Forget bias", &set)) t.forget_bias = set ? std::optional<double>(2.0) : std::nullopt;
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Start the forget gate's bias b_f at this value (bias_ih = b_f, bias_hh = 0) instead of\n"
                          "PyTorch's random initialisation: at 2, f = σ(2) ≈ 0.88, so a new LSTM remembers");
      if (t.forget_bias) {
        ImGui::SameLine(form.label_w);
        ImGui::SetNextItemWidth(-1);
        ImGui::InputDouble("##t_fbias", &*t.forget_bias, 0, 0, "%.3g");
        FlashLessonSlider(ui, "forget-bias");
      }
      form.error_for(TrainField::forget_bias);
    }
  }

  SectionHeader("Data");
  DataSection(form, e, ui);

  SectionHeader("Optimizer");
  {
    int kind = t.optimizer.kind == OptimizerKind::adam ? 0 : 1;
    static const char* const kinds[] = {"Adam", "SGD"};
    if (form.combo("Optimizer", "##t_opt", kind, kinds, 2, TrainField::optimizer))
      t.optimizer.kind = kind == 0 ? OptimizerKind::adam : OptimizerKind::sgd;
    form.number_field("Learning rate", "##t_lr", t.optimizer.lr, TrainField::lr, "step size, in (0, 1000]", "%.4g");
    FlashLessonSlider(ui, "lr");
    if (t.optimizer.kind == OptimizerKind::sgd)
      form.number_field("Momentum", "##t_mom", t.optimizer.momentum, TrainField::momentum, "0 ≤ momentum < 1", "%.3g");
    form.number_field("Weight decay", "##t_wd", t.optimizer.weight_decay, TrainField::weight_decay, "L2 penalty, 0–1", "%.3g");
    bool clip = t.clip > 0;
    ImGui::AlignTextToFramePadding();
    if (ImGui::Checkbox("Clip ‖g‖", &clip)) t.clip = clip ? 1.0 : 0.0;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Global-norm gradient clipping (clip_grad_norm_): keeps one bad step from blowing up the weights");
    if (clip) {
      ImGui::SameLine(form.label_w);
      ImGui::SetNextItemWidth(-1);
      ImGui::InputDouble("##t_clip", &t.clip, 0, 0, "%.3g");
      FlashLessonSlider(ui, "clip");
    }
    form.error_for(TrainField::clip);
    int sched = static_cast<int>(t.schedule.kind);
    static const char* const scheds[] = {"constant", "step decay", "on plateau"};
    if (form.combo("Schedule", "##t_sched", sched, scheds, 3, TrainField::schedule)) t.schedule.kind = static_cast<ScheduleKind>(sched);
    if (t.schedule.kind == ScheduleKind::step) {
      form.int_field("Every", "##t_sstep", t.schedule.step_epochs, TrainField::none, "epochs between decays");
      form.number_field("Factor", "##t_gamma", t.schedule.gamma, TrainField::none, "lr multiplied by this, (0, 1]", "%.3g");
    } else if (t.schedule.kind == ScheduleKind::plateau) {
      form.int_field("Patience", "##t_spat", t.schedule.patience, TrainField::none, "epochs without improvement tolerated");
      form.number_field("Factor", "##t_gamma", t.schedule.gamma, TrainField::none, "lr multiplied by this, (0, 1]", "%.3g");
      form.number_field("Min lr", "##t_minlr", t.schedule.min_lr, TrainField::none, nullptr, "%.3g");
    }
  }

  SectionHeader("Run");
  {
    form.int_field("Batch B", "##t_batch", t.batch, TrainField::batch, "windows per step, 1–1024");
    form.int_field("Epochs", "##t_epochs", t.epochs, TrainField::epochs);
    int seed = static_cast<int>(t.seed);
    if (form.int_field("Seed", "##t_seed", seed, TrainField::seed, "weights and shuffling") && seed >= 0)
      t.seed = static_cast<std::uint64_t>(seed);
    form.int_field("Early stop", "##t_pat", t.early_stop_patience, TrainField::patience,
                   "stop after this many epochs without a better validation MSE; 0 = off");
  }

  ImGui::Spacing();
  const bool changed = !(e == tv.settings);
  // A CSV whose column the rule cannot pick waits for a choice (ColumnChooser says so under the field).
  const bool needs_column = !e.task && !e.csv_path.empty() && e.csv_column.empty() && ui.train.columns_of == e.csv_path &&
                            ui.train.columns.error.empty() && ui.train.columns.rule_pick < 0;
  ImGui::BeginDisabled(!changed || !error.empty() || needs_column);
  if (ImGui::Button("Apply", ImVec2(fs * 6, 0))) {
    out.push_back(cmd::ConfigureTraining{e});
    if (tv.state == TrainState::running) out.push_back(cmd::Train{});  // keep training, from step 0
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Start a new run with these settings, at step 0");
  ImGui::SameLine();
  ImGui::BeginDisabled(!changed);
  if (ImGui::Button("Revert")) {
    e = tv.settings;
    ui.train.csv_edit = e.csv_path;
  }
  ImGui::EndDisabled();
  ImGui::PushTextWrapPos(0);
  if (!error.empty() && form.error_at == TrainField::none) ImGui::TextColored(ErrorColor(), "%s", error.c_str());
  else if (!error.empty()) ImGui::TextColored(ErrorColor(), "fix the field marked above to apply");
  else if (needs_column) ImGui::TextColored(ErrorColor(), "choose the column to forecast (Data, Column) to apply");
  else if (changed) ImGui::TextDisabled("changed: Apply starts a new run at step 0");
  if (!tv.error.empty()) ImGui::TextColored(ErrorColor(), "not applied: %s", tv.error.c_str());
  ImGui::PopTextWrapPos();

  SectionHeader("Files");
  {
    const float w = ImGui::GetContentRegionAvail().x;
    if (ImGui::Button("Save model…", ImVec2(w, 0)))
      OpenFileDialog(ui, FileDialogPurpose::save_model, ui.export_dir,
                     join_path(ui.export_dir, timestamped_name("model", "json", std::time(nullptr))));
    if (ImGui::Button("Export curves (CSV)", ImVec2(w, 0)))
      out.push_back(cmd::ExportCurves{join_path(ui.export_dir, timestamped_name("curves", "csv", std::time(nullptr)))});
    if (ImGui::Button(tv.task ? "Export answers (CSV)" : "Export forecast (CSV)", ImVec2(w, 0)))
      out.push_back(cmd::ExportForecast{join_path(ui.export_dir, timestamped_name("forecast", "csv", std::time(nullptr)))});
    ImGui::TextDisabled("to");
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(ui.export_dir.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Change folder…")) OpenFileDialog(ui, FileDialogPurpose::export_folder, ui.export_dir, ui.export_dir);
  }
}

}  // namespace unrolled::app
