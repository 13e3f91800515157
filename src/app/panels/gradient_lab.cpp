// The Gradient lab (issue 6): the vanilla RNN's W_hh rescaled to a chosen spectral radius ρ, the norm
// of its gradient ‖dL/dhₜ‖ back through time against the guide ‖dL/dh_T‖·ρ^(T−t), and what clipping
// does to training: a clipped and an unclipped run from the same weights. Three panels (settings,
// decay, clipping) draw from Snapshot::lab; changes go to the worker as ConfigureLab / LabTrain /
// LabPause / LabReset. The worker computes everything (session/lab.hpp).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/panels/train_views.hpp"
#include "app/plot/plot.hpp"
#include "app/session/lab.hpp"
#include "app/look/math_text.hpp"
#include "app/look/theme.hpp"

namespace unrolled::app {

namespace {

constexpr double rho_nudge = 0.05;  // ← / → change ρ by this much

ImVec4 to_vec4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }
// Text in a line's colour, lightened so that the darker Okabe–Ito blue reads on the dark background.
ImVec4 text_tint(ImU32 c) { return to_vec4(LerpColor(c, IM_COL32(255, 255, 255, 255), 0.4f)); }

// Validates the edited copy; sends it when it is usable, else its message stands under the settings.
void SendSettings(UiState& ui, CommandList& out) {
  ui.lab.edit_error = validate_lab_settings(ui.lab.edit);
  if (ui.lab.edit_error.empty()) out.push_back(cmd::ConfigureLab{ui.lab.edit});
}

// The edited copy follows the lab whenever the lab was rebuilt (new settings, a reset), unless a field
// is being edited right now.
void SyncEdit(const LabView& lab, UiState& ui) {
  if (lab.version == ui.lab.seen_version || ImGui::IsAnyItemActive()) return;
  ui.lab.edit = lab.settings;
  ui.lab.seen_version = lab.version;
  ui.lab.edit_error.clear();
}

bool Ended(const LabRunView& r) { return r.state == TrainState::finished || r.state == TrainState::diverged; }

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// "vanishing: ×0.84 per step back", its colour, and why the measured factor differs from ρ.
struct Verdict {
  std::string headline;
  ImU32 color;
  const char* why;
};
Verdict Judge(const LabView& lab) {
  const LabDecay& d = lab.decay;
  const double f = d.per_step, rho = d.measured_rho;
  if (!std::isfinite(f))
    return {"the gradient left the number range", colors::unclipped,
            "A norm is 0 or not finite: the forward pass overflowed, or every unit is off (relu)."};
  char text[96];
  const char* kind = f < 0.98 ? "vanishing" : f > 1.02 ? "exploding" : "steady";
  std::snprintf(text, sizeof text, "%s: ×%.3g per step back", kind, f);
  const ImU32 color = f < 0.98 ? colors::clipped : f > 1.02 ? colors::unclipped : colors::selected;
  const char* why = "f′ ≈ 1 along the way: each step back multiplies ‖dL/dhₜ‖ by about ρ, as the guide says.";
  if (f < rho * 0.97)
    why = lab.settings.activation == Nonlinearity::tanh
              ? "Below the guide: f′(a) = 1 − hₜ² < 1 wherever hₜ ≠ 0, so each step back keeps less than ρ; the "
                "more tanh saturates (|hₜ| near 1), the less."
              : "Below the guide: relu passes the gradient only through active units (f′ is 0 or 1), so less than ρ "
                "survives each step.";
  else if (f > rho * 1.03)
    why = "Above the guide: W_hh is not a normal matrix, and ‖(W_hhᵀ)ᵏ‖ can outgrow ρᵏ for many steps before ρ wins.";
  return {text, color, why};
}

// Pieces of text one after another, each kept whole: a piece that does not fit on the line starts the
// next one (ImGui's wrapping would break numbers at their decimal point).
void FlowText(std::initializer_list<std::string> pieces, const ImVec4& color) {
  bool first = true;
  for (const std::string& p : pieces) {
    if (!first) {
      const float room = RemainingOnLine();
      ImGui::SameLine();
      if (ImGui::CalcTextSize(p.c_str()).x > room) ImGui::NewLine();
    }
    ImGui::TextColored(color, "%s", p.c_str());
    first = false;
  }
}

// A line swatch in `color`, then its label: the plots' legend, above them (inside, it would cover the
// lines' ends).
void Swatch(ImU32 color, float thickness, const char* label) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y + fs * 0.6f), ImVec2(p.x + fs * 1.4f, p.y + fs * 0.6f), color, thickness);
  ImGui::Dummy(ImVec2(fs * 1.5f, fs));
  ImGui::SameLine();
  MathText(label);  // the guide's formula, typeset
}

// One run's state in its colour (the clipping plots' legend): "● clipped at 1: step 300, finished, loss 1.3e-05".
void RunLine(const LabRunView& r, double clip) {
  const std::string name = r.clipped ? "● clipped at " + Num(clip) + ":" : std::string("● unclipped:");
  const ImVec4 color = r.state == TrainState::diverged ? ErrorColor() : text_tint(r.clipped ? colors::clipped : colors::unclipped);
  const std::string loss = "loss " + (r.loss.empty() ? std::string("–") : Num(r.loss.back()));
  // "step 300, finished," or, for a run that blew up, "diverged at step 28," (its last loss is step 27's).
  const std::string where = r.state == TrainState::diverged
                                ? "diverged at step " + std::to_string(r.divergence_step) + ","
                                : "step " + std::to_string(r.step) + ", " + train_state_name(r.state) + ",";
  if (r.clipped)
    FlowText({name, where, loss, "(clipped " + std::to_string(r.clipped_steps) + " of " + std::to_string(r.step) + " steps)"},
             color);
  else
    FlowText({name, where, loss}, color);
}

void TrainButtons(const LabView& lab, UiState& ui, CommandList& out) {
  const float fs = ImGui::GetFontSize();
  const bool running = lab.running();
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  ImGui::PushStyleColor(ImGuiCol_Button, running ? ImVec4(0.55f, 0.42f, 0.12f, 1) : ImVec4(0.16f, 0.45f, 0.28f, 1));
  if (ImGui::Button(running ? "Pause (Shift+T)" : "Train both (T)", ImVec2(half, fs * 1.8f))) {
    out.push_back(running ? Command{cmd::LabPause{}} : Command{cmd::LabTrain{}});
    ui.lab.clipping = true;
  }
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Trains the clipped and the unclipped run together, the same steps on the same mini-batches%s",
                      Ended(lab.clipped) && Ended(lab.unclipped) ? " (again from step 0)" : "");
  ImGui::SameLine();
  if (ImGui::Button("Reset (R)", ImVec2(-1, fs * 1.8f))) out.push_back(cmd::LabReset{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Both runs back to step 0, from the same initial weights");
}

}  // namespace

void StartLabRuns(UiState& ui, CommandList& out) {
  out.push_back(cmd::LabTrain{});
  ui.lab.clipping = true;
}

void NudgeLabRho(const Snapshot& snap, UiState& ui, CommandList& out, int nudge) {
  if (nudge == 0) return;
  ui.lab.edit = snap.lab->settings;
  const double steps = std::round(ui.lab.edit.rho / rho_nudge) + nudge;  // onto the 0.05 grid
  ui.lab.edit.rho = std::clamp(steps * rho_nudge, min_lab_rho, max_lab_rho);
  SendSettings(ui, out);
}

void GradientLabPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const LabView& lab = *snap.lab;
  SyncEdit(lab, ui);
  LabSettings& e = ui.lab.edit;
  const float fs = ImGui::GetFontSize();
  const float label_w = fs * 5.2f;
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("A vanilla RNN whose W_hh is rescaled so that its spectral radius ρ (its largest |eigenvalue|) "
                      "is exactly the value below.");
  ImGui::PopTextWrapPos();

  // ρ: the lab's one big control, its value written on the slider.
  ImGui::SetNextItemWidth(-1);
  const double lo = min_lab_rho, hi = max_lab_rho;
  ImGui::SliderScalar("##rho", ImGuiDataType_Double, &e.rho, &lo, &hi, "ρ = %.2f");
  if (ImGui::IsItemDeactivatedAfterEdit()) SendSettings(ui, out);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Spectral radius of W_hh (← / → : ∓ %.2f; Ctrl+click to type)", rho_nudge);
  FlowText({"measured ρ(W_hh) = " + Num(lab.decay.measured_rho) + ",", "at init " + Num(lab.decay.radius_before)},
           ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);

  FieldLabel("activation", label_w);
  int f = e.activation == Nonlinearity::relu ? 1 : 0;
  bool picked = ImGui::RadioButton("tanh", &f, 0);
  ImGui::SameLine();
  picked |= ImGui::RadioButton("relu", &f, 1);
  if (picked) {
    e.activation = f == 1 ? Nonlinearity::relu : Nonlinearity::tanh;
    SendSettings(ui, out);
  }
  FieldLabel("hidden H", label_w);
  ImGui::InputInt("##lab_hidden", &e.hidden, 1, 8);
  if (ImGui::IsItemDeactivatedAfterEdit() || (ImGui::IsItemEdited() && !ImGui::IsItemActive())) SendSettings(ui, out);
  FieldLabel("steps T", label_w);
  ImGui::InputInt("##lab_steps", &e.steps, 1, 10);
  if (ImGui::IsItemDeactivatedAfterEdit() || (ImGui::IsItemEdited() && !ImGui::IsItemActive())) SendSettings(ui, out);
  FieldLabel("seed", label_w);
  int seed = static_cast<int>(std::min<std::uint64_t>(e.seed, 1u << 30));
  if (ImGui::InputInt("##lab_seed", &seed, 1, 10)) e.seed = static_cast<std::uint64_t>(std::max(seed, 0));
  if (ImGui::IsItemDeactivatedAfterEdit() || (ImGui::IsItemEdited() && !ImGui::IsItemActive())) SendSettings(ui, out);
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s; loss on the last step only", lab.data_description.c_str());
  ImGui::PopTextWrapPos();

  SectionHeader("Clipping");
  ImGui::Checkbox("clipped vs unclipped run", &ui.lab.clipping);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Two runs from the same weights at this ρ: one clips the gradient norm (clip_grad_norm), one does not");
  if (ui.lab.clipping) {
    FieldLabel("threshold", label_w);
    ImGui::InputDouble("##lab_clip", &e.clip, 0, 0, "%.4g");
    if (ImGui::IsItemDeactivatedAfterEdit()) SendSettings(ui, out);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The clipped run scales its gradient down to this norm when it is larger");
    FieldLabel("SGD lr", label_w);
    ImGui::InputDouble("##lab_lr", &e.lr, 0, 0, "%.4g");
    if (ImGui::IsItemDeactivatedAfterEdit()) SendSettings(ui, out);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Plain SGD: Adam rescales its steps itself, which hides what clipping does");
    FieldLabel("steps", label_w);
    ImGui::InputInt("##lab_train_steps", &e.train_steps, 10, 100);
    if (ImGui::IsItemDeactivatedAfterEdit() || (ImGui::IsItemEdited() && !ImGui::IsItemActive())) SendSettings(ui, out);
    TrainButtons(lab, ui, out);
  }
  if (!ui.lab.edit_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%s", ui.lab.edit_error.c_str());
    ImGui::PopTextWrapPos();
  }

  SectionHeader("Try");
  struct Preset {
    const char* label;
    double rho;
    Nonlinearity f;
    bool train;
    const char* tip;
  };
  const Preset presets[] = {
      {"ρ 0.9, tanh: vanishing", 0.9, Nonlinearity::tanh, false, "The gradient shrinks by about ρ per step back"},
      {"ρ 2, tanh: clipping matters", 2.0, Nonlinearity::tanh, true,
       "Trains both runs: without clipping the exploding gradient throws the run off; with it, it learns"},
      {"ρ 1.5, relu: forward explodes", 1.5, Nonlinearity::relu, true,
       "hₜ itself grows like ρᵗ: the loss is huge before any step, and clipping the gradient cannot help"},
  };
  for (const Preset& p : presets) {
    if (ImGui::Button(p.label, ImVec2(-1, 0))) {
      e = lab.settings;
      e.rho = p.rho;
      e.activation = p.f;
      SendSettings(ui, out);
      if (p.train && ui.lab.edit_error.empty()) {
        out.push_back(cmd::LabTrain{});
        ui.lab.clipping = true;
      }
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.tip);
  }
}

void GradientLabDecayPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const LabView& lab = *snap.lab;
  const LabDecay& d = lab.decay;
  const int T = static_cast<int>(d.grad_norm.size());
  const Verdict v = Judge(lab);
  ImGui::PushFont(readout_font(ui));
  ImGui::TextColored(text_tint(v.color), "%s", v.headline.c_str());
  char rho[32];
  std::snprintf(rho, sizeof rho, "(ρ = %.3g)", d.measured_rho);
  const float room = RemainingOnLine() - ImGui::GetFontSize();
  ImGui::SameLine(0, ImGui::GetFontSize());
  if (ImGui::CalcTextSize(rho).x > room) ImGui::NewLine();
  ImGui::TextDisabled("%s", rho);
  ImGui::PopFont();
  if (T >= 2) {
    const double ratio = d.grad_norm[0] / d.grad_norm[static_cast<std::size_t>(T - 1)];
    FlowText({"‖dL/dh₁‖ / ‖dL/dh_T‖ = " + Num(ratio), "over " + std::to_string(T - 1) + " steps back;",
              "the guide ρ^" + std::to_string(T - 1) + " = " + Num(std::pow(d.measured_rho, T - 1))},
             ImGui::GetStyle().Colors[ImGuiCol_Text]);
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s", v.why);
  ImGui::PopTextWrapPos();

  char measured[64];
  std::snprintf(measured, sizeof measured, "‖dL/dhₜ‖, mean over %d windows", d.windows);
  Swatch(colors::lab_decay, 3.0f, measured);
  ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
  const char* guide = "guide ‖dL/dh_T‖·ρ^{T−t}";
  if (MathTextSize(guide).x + ImGui::GetFontSize() * 3 > RemainingOnLine()) ImGui::NewLine();
  Swatch(colors::lab_guide, 1.5f, guide);
  if (BeginDecayPlot("loss on y_T only: every gradient starts at t = T###labdecay", T)) {
    plot::SetNextLineStyle(colors::lab_guide, 1.5f);
    plot::HideNextItemFromLegend();  // the legend is the row above
    plot::PlotLine("guide", d.guide.data(), T, 1.0, 1.0);
    plot::SetNextLineStyle(colors::lab_decay, 3.0f);
    plot::HideNextItemFromLegend();
    plot::PlotLine("‖dL/dhₜ‖", d.grad_norm.data(), T, 1.0, 1.0);
    plot::EndPlot();
  }
}

void GradientLabClippingPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const LabView& lab = *snap.lab;
  const double clip = lab.settings.clip;
  RunLine(lab.clipped, clip);
  RunLine(lab.unclipped, clip);
  // Both stopped before their first step: the forward pass exploded (the summary says so); else the
  // unclipped run's divergence, with the trainer's advice.
  const bool no_step = Ended(lab.clipped) && Ended(lab.unclipped) && lab.clipped.step == 0 && lab.unclipped.step == 0;
  const std::string& why = no_step ? lab.summary : lab.unclipped.message;
  if (!why.empty() && (no_step || lab.unclipped.state == TrainState::diverged)) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%s", why.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::Checkbox("log y##lab", &ui.lab.log_loss);
  ImGui::SameLine(0, ImGui::GetFontSize());
  ImGui::TextDisabled("plain SGD, lr %s, %d steps", Num(lab.settings.lr).c_str(), lab.settings.train_steps);

  const LabRunView* runs[] = {&lab.clipped, &lab.unclipped};
  const int S = lab.settings.train_steps;
  const float fs = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float plot_h = std::max(fs * 7.0f, std::round((avail.y - ImGui::GetStyle().ItemSpacing.y) * 0.5f));
  const bool empty = lab.clipped.loss.empty() && lab.unclipped.loss.empty();
  auto draw_runs = [&](bool loss) {
    for (const LabRunView* r : runs) {
      const std::vector<float>& ys = loss ? r->loss : r->grad_norm;
      plot::SetNextLineStyle(r->clipped ? colors::clipped : colors::unclipped, 2.0f);
      plot::PlotLine(r->clipped ? "clipped" : "unclipped", ys.data(), static_cast<int>(ys.size()), 1.0, 1.0);
      if (r->state == TrainState::diverged) plot::PlotVLine(static_cast<double>(r->divergence_step), plot::Faded(colors::unclipped, 0.8f), 2.0f);
    }
    if (empty) PlotEmptyHint(no_step ? "No step was taken (see above)" : "Press T (or Train both) to train the two runs");
  };
  // No legends: the run lines above name the colours.
  if (plot::BeginPlot("loss (MSE, normalised)###labloss", ImVec2(-1, plot_h), plot::PlotFlags_NoLegend)) {
    plot::SetupAxes("step", nullptr, plot::AxisFlags_Integer, plot::AxisFlags_AutoFit);
    if (ui.lab.log_loss) plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    plot::SetupAxisLimits(plot::Axis::X, 0, S);
    draw_runs(true);
    plot::EndPlot();
  }
  if (plot::BeginPlot("‖g‖ before clipping###labgrad", ImVec2(-1, -1), plot::PlotFlags_NoLegend)) {
    plot::SetupAxes("step", nullptr, plot::AxisFlags_Integer, plot::AxisFlags_AutoFit);
    plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    plot::SetupAxisLimits(plot::Axis::X, 0, S);
    draw_runs(false);
    plot::PlotHLine(clip, colors::lab_guide, 1.5f);
    const ImVec2 p = plot::PlotToPixels(0, clip);
    if (p.y > plot::GetPlotPos().y + fs && p.y < plot::GetPlotPos().y + plot::GetPlotSize().y)
      ImGui::GetWindowDrawList()->AddText(ImVec2(plot::GetPlotPos().x + fs * 0.3f, p.y - fs * 1.1f), colors::lab_guide,
                                          ("threshold " + Num(clip)).c_str());
    plot::EndPlot();
  }
}

}  // namespace unrolled::app
