// Controls: what network, what signal, what weights. Every change is a Configure command; the
// session clamps out-of-range values and says so, and a bad file keeps the current scene.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "app/look/marks.hpp"
#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/session/token_scene.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

void FollowTrainingSection(const Snapshot& snap, UiState&, CommandList& out) {
  const TrainView& tv = *snap.train;
  if (!tv.following) {
    if (tv.step == 0 && tv.state == TrainState::idle) return;
    char label[96];
    std::snprintf(label, sizeof label, "Show the training model (step %lld)", static_cast<long long>(tv.step));
    if (ImGui::Button(label, ImVec2(-1, 0))) out.push_back(cmd::Follow{true});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Step through the model being trained, on one of its validation windows");
    return;
  }
  SectionHeader("Training model");
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(ImVec4(0.95f, 0.8f, 0.35f, 1), "The views show the training model at step %lld, validation window %d of %d.",
                     static_cast<long long>(tv.step), tv.window + 1, std::max(tv.windows, 1));
  ImGui::PopTextWrapPos();
  if (tv.windows > 1) {
    int w = tv.window + 1;
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderInt("##window", &w, 1, tv.windows, "window %d", ImGuiSliderFlags_AlwaysClamp))
      out.push_back(cmd::SetWindow{w - 1});
  }
  if (ImGui::Button("Back to the explorer", ImVec2(-1, 0))) out.push_back(cmd::Follow{false});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the explorer's own network and signal again (changing a setting below does too)");
}

namespace {
// A token model reads text: what it reads (typed, or the default), and a classifier's target class.
bool TokenTextSection(const Scene& sc, SceneSettings& e, UiState& ui) {
  const TokenScene& tk = *sc.tokens;
  bool changed = false;
  SectionHeader(tk.classify ? "Sentence" : "Text");
  std::string shown;
  for (std::size_t i = 0; i < tk.ids.size(); ++i)
    shown += (tk.words && i ? " " : "") + tk.vocab[static_cast<std::size_t>(tk.ids[i])];
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s reads%s:", tk.classify ? "The classifier" : "The model", tk.default_text ? " (its default)" : "");
  ImGui::TextWrapped("%s", shown.c_str());
  ImGui::PopTextWrapPos();
  if (ui.step.text_edit_scene_id != sc.id) {
    ui.step.text_edit.clear();
    ui.step.text_edit_scene_id = sc.id;
  }
  ImGui::SetNextItemWidth(-1);
  const bool enter = ImGui::InputTextWithHint("##tokens_text", tk.classify ? "type a sentence, Enter" : "type text, Enter",
                                              &ui.step.text_edit, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(tk.words ? "Words split at spaces; a word the model never saw reads as <unk>. Enter reads it."
                               : "Every character must be in the model's vocabulary. Enter reads it.");
  if (enter && !ui.step.text_edit.empty()) {
    e.text = ui.step.text_edit;
    changed = true;
  }
  if (ImGui::Button(tk.classify ? "A generated sentence" : "Its own sample")) {
    e.text.clear();
    e.seed += tk.default_text ? 1 : 0;
    changed = true;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(tk.classify ? "A sentence of the negation task (seeded), with its label as the target"
                                  : "Text the model writes itself (seeded), as it reads it");
  if (tk.classify) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Target");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    const int current = tk.targets.empty() ? 0 : tk.targets[0];
    if (ImGui::BeginCombo("##target_class", tk.classes[static_cast<std::size_t>(current)].c_str())) {
      for (std::size_t c = 0; c < tk.classes.size(); ++c)
        if (ImGui::Selectable(tk.classes[c].c_str(), static_cast<int>(c) == current)) {
          e.target_class = static_cast<int>(c);
          e.text = tk.default_text ? "" : shown;
          changed = true;
        }
      ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The class the loss (and so the backward pass) compares the answer with");
  }
  if (!tk.note.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", tk.note.c_str());
    ImGui::PopTextWrapPos();
  }
  return changed;
}
}  // namespace

void ControlsPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  FollowTrainingSection(snap, ui, out);
  const Scene& sc = *snap.scene;
  if (ui.step.edit_scene_id != sc.id) {  // a new scene: edit from what was really applied
    ui.step.edit = sc.settings;
    ui.step.edit_scene_id = sc.id;
    if (ui.dialogs.csv_path_edit.empty()) ui.dialogs.csv_path_edit = sc.settings.csv_path;
  }
  SceneSettings& e = ui.step.edit;
  bool changed = false;
  const float fs = ImGui::GetFontSize();
  const float label_w = fs * 5.2f;
  auto label = [&](const char* text) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text);
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
  };

  SectionHeader("Network");
  {
    label("Cell");
    int cell = static_cast<int>(e.model.cell);
    const char* names[] = {"RNN", "LSTM", "GRU"};
    if (ImGui::Combo("##cell", &cell, names, 3)) {
      e.model.cell = static_cast<CellKind>(cell);
      changed = true;
    }
    if (e.model.cell == CellKind::rnn) {
      label("φ");
      int nl = static_cast<int>(e.model.nonlinearity);
      const char* nls[] = {"tanh", "relu"};
      if (ImGui::Combo("##nl", &nl, nls, 2)) {
        e.model.nonlinearity = static_cast<Nonlinearity>(nl);
        changed = true;
      }
    }
    label("Hidden H");
    changed |= ImGui::SliderInt("##hidden", &e.model.hidden_size, min_hidden, max_hidden);
    FlashLessonSlider(ui, "hidden");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Units per layer (1–64). Ctrl+click to type.");
    label("Layers");
    changed |= ImGui::SliderInt("##layers", &e.model.num_layers, min_layers, max_app_layers);
    FlashLessonSlider(ui, "layers");
    label("Steps T");
    changed |= ImGui::SliderInt("##steps", &e.steps, min_steps, max_steps);
    FlashLessonSlider(ui, "seq");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Sequence length (2–256)");
  }

  if (sc.tokens) {
    changed |= TokenTextSection(sc, e, ui);
  } else {
  SectionHeader("Input signal");
  {
    label("Signal");
    int sig = static_cast<int>(e.signal);
    const char* sigs[] = {"sine", "square", "noise", "step", "CSV file"};
    if (ImGui::Combo("##signal", &sig, sigs, 5)) {
      e.signal = static_cast<SignalKind>(sig);
      if (e.signal != SignalKind::csv) changed = true;
    }
    if (e.signal == SignalKind::csv) {
      ImGui::SetNextItemWidth(-fs * 3.6f);
      const bool enter = ImGui::InputTextWithHint("##csv", "path/to/signal.csv", &ui.dialogs.csv_path_edit,
                                                  ImGuiInputTextFlags_EnterReturnsTrue);
      ImGui::SameLine();
      if (ImGui::Button("Load##csv") || enter) {
        e.csv_path = ui.dialogs.csv_path_edit;
        changed = true;
      }
      ImGui::TextDisabled("first column, one row per step");
    }
    label("Loss");
    int loss = e.loss == LossMode::all ? 0 : 1;
    const char* losses[] = {"every step (all)", "last step only"};
    if (ImGui::Combo("##loss", &loss, losses, 2)) {
      e.loss = loss == 0 ? LossMode::all : LossMode::last;
      changed = true;
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Each yₜ predicts the next value xₜ₊₁. 'all' averages the error over every step;\n"
                        "'last' scores y_T only, so every gradient must travel back through time.");
  }
  }

  SectionHeader("Weights");
  {
    label("Scale");
    float scale = static_cast<float>(e.weight_scale);
    if (ImGui::SliderFloat("##wscale", &scale, static_cast<float>(min_weight_scale), static_cast<float>(max_weight_scale),
                           "%.2f ×", ImGuiSliderFlags_Logarithmic)) {
      e.weight_scale = scale;
      e.model_path.clear();
      changed = true;
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Multiplies PyTorch's default init U(−1/√H, 1/√H).\nSmall: gradients vanish. Large: units saturate.");
    FlashLessonSlider(ui, "weight-scale");
    label("Seed");
    int seed = static_cast<int>(e.seed);
    const float reseed_w = ImGui::CalcTextSize("Re-seed").x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SetNextItemWidth(std::max(fs * 3.0f, ImGui::GetContentRegionAvail().x - reseed_w - ImGui::GetStyle().ItemSpacing.x));
    const bool seed_entered = ImGui::InputInt("##seed", &seed, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue);
    FlashLessonSlider(ui, "seed");
    if (seed_entered && seed >= 0) {
      e.seed = static_cast<std::uint64_t>(seed);
      e.model_path.clear();
      changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Button("Re-seed")) out.push_back(cmd::Reseed{e.seed + 1});
  }

  SectionHeader("Model file");
  {
    ImGui::SetNextItemWidth(-fs * 3.6f);
    const bool enter = ImGui::InputTextWithHint("##model", "model.json", &ui.dialogs.model_path_edit,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("Load##model") || enter) out.push_back(cmd::LoadModel{ui.dialogs.model_path_edit});
  }

  if (changed) out.push_back(cmd::Configure{e});

  SectionHeader("This scene");
  ImGui::TextWrapped("%s, H = %d, %d layer%s, T = %d", cell_name(sc.config.cell), sc.config.hidden_size,
                     sc.config.num_layers, sc.config.num_layers > 1 ? "s" : "", sc.steps);
  ImGui::TextWrapped("weights: %s", sc.source.c_str());
  ImGui::Text("%lld parameters", sc.parameter_count);
  ImGui::Text("loss (%s) = %.4g", loss_mode_name(sc.settings.loss), sc.loss);  // significant digits: a trained model's loss is small
  if (!snap.message.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(snap.message_is_error ? ErrorColor() : OkColor(), "%s",
                       snap.message.c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace unrolled::app
