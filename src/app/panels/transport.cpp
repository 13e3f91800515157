// The transport bar along the bottom: play/pause, step, start/end, which pass, speed, the timeline
// scrubber over the whole story (forward t = 0…T, then backward t = T…1), and a status line.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/look/marks.hpp"
#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/session/token_scene.hpp"

namespace unrolled::app {

namespace {
// The forward pass's status line on a token model: what step t read and what the model says.
void TokenStatus(const Scene& sc, int t, char* out, std::size_t n) {
  const TokenScene& tk = *sc.tokens;
  const int T = sc.steps;
  const std::string read = token_label(tk.vocab[static_cast<std::size_t>(tk.ids[static_cast<std::size_t>(t - 1)])]);
  auto best = [&](const std::vector<float>& p) { return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin()); };
  std::vector<float> p(static_cast<std::size_t>(tk.probs.rows));
  for (int r = 0; r < tk.probs.rows; ++r) p[static_cast<std::size_t>(r)] = tk.probs.at(r, t - 1);
  if (!tk.classify) {
    const int next = tk.targets[static_cast<std::size_t>(t - 1)], guess = best(p);
    double so_far = 0;
    for (int s = 0; s < t; ++s) so_far += tk.step_loss[static_cast<std::size_t>(s)];
    std::snprintf(out, n, "Forward pass, t = %d of %d: read '%s' → guesses '%s' (p %.2f); the next is '%s' (p %.2f).  Mean −log p so far %.3g",
                  t, T, read.c_str(), token_label(tk.classes[static_cast<std::size_t>(guess)]).c_str(), p[static_cast<std::size_t>(guess)],
                  token_label(tk.classes[static_cast<std::size_t>(next)]).c_str(), p[static_cast<std::size_t>(next)], so_far / t);
  } else if (sc.reverse.empty()) {
    const int guess = best(p);
    std::snprintf(out, n, "Forward pass, t = %d of %d: read '%s' → after %d token%s it says %s (p %.2f)%s", t, T, read.c_str(), t,
                  t > 1 ? "s" : "", tk.classes[static_cast<std::size_t>(guess)].c_str(), p[static_cast<std::size_t>(guess)],
                  t < T ? "; only the answer at t = T is scored" : "");
  } else if (t < T) {
    std::snprintf(out, n, "Forward pass, step %d of %d: → has read x₁…x%d, ← has read x%d…x%d; the head answers once both have read everything",
                  t, T, t, T, T + 1 - t);
  } else {
    const int guess = best(tk.final_probs);
    std::snprintf(out, n, "Forward pass done: head([h→_%d ; h←_1]) says %s (p %.2f), target %s.  Cross-entropy %.4g", T,
                  tk.classes[static_cast<std::size_t>(guess)].c_str(), tk.final_probs[static_cast<std::size_t>(guess)],
                  tk.classes[static_cast<std::size_t>(tk.targets[0])].c_str(), sc.loss);
  }
}
}  // namespace

void TransportBar(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Scene& sc = *snap.scene;
  const int T = sc.steps;
  const float fs = ImGui::GetFontSize();
  const ImVec2 button(fs * 2.2f, 0);

  if (ImGui::Button("|◀##start", button)) out.push_back(cmd::GoStart{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start of this pass (Home)");
  ImGui::SameLine();
  if (ImGui::Button("◀##back", button)) out.push_back(cmd::StepBack{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Previous step (←)");
  ImGui::SameLine();
  if (ImGui::Button(snap.playing ? "Pause##play" : "Play##play", ImVec2(fs * 4.0f, 0))) out.push_back(cmd::TogglePlay{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Play / pause (Space)");
  ImGui::SameLine();
  if (ImGui::Button("▶##fwd", button)) out.push_back(cmd::StepForward{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Next step (→)");
  ImGui::SameLine();
  if (ImGui::Button("▶|##end", button)) out.push_back(cmd::GoEnd{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("End of this pass (End)");

  ImGui::SameLine(0, fs * 1.2f);
  const bool fwd = snap.pass == Pass::forward;
  ImGui::PushStyleColor(ImGuiCol_Button, fwd ? ImVec4(0.18f, 0.40f, 0.65f, 1) : ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
  if (ImGui::Button("Forward pass")) out.push_back(cmd::SetPass{Pass::forward});
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run the cells t = 1…T, computing hₜ (B switches)");
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Button, !fwd ? ImVec4(0.62f, 0.27f, 0.20f, 1) : ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
  if (ImGui::Button("Backward pass (BPTT)")) out.push_back(cmd::SetPass{Pass::backward});
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Backpropagation through time, t = T…1: dL/dhₜ flows back (B switches)");

  // Narrow windows: speed and timeline move to a second row.
  if (RemainingOnLine() > fs * 13.5f) ImGui::SameLine(0, fs * 1.2f);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Speed");
  ImGui::SameLine();
  float speed = static_cast<float>(snap.speed);
  ImGui::SetNextItemWidth(fs * 7.5f);
  if (ImGui::SliderFloat("##speed", &speed, static_cast<float>(min_speed), static_cast<float>(max_speed), "%.1f steps/s",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    out.push_back(cmd::SetSpeed{speed});
  FlashLessonSlider(ui, "speed");

  if (RemainingOnLine() > fs * 12.0f) ImGui::SameLine(0, fs * 1.2f);
  int pos = snap.position;
  char label[64];
  if (fwd) std::snprintf(label, sizeof label, "forward  t = %d / %d", snap.t, T);
  else std::snprintf(label, sizeof label, "backward  t = %d / %d", snap.t, T);
  ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x, fs * 8));
  if (ImGui::SliderInt("##timeline", &pos, 0, last_position(T), label, ImGuiSliderFlags_AlwaysClamp))
    out.push_back(cmd::Seek{pos});
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The whole story: the forward pass t = 0…%d, then the backward pass t = %d…1", T, T);

  // Status line: where we are and what it means, then the message or the hint.
  char status[256];
  if (fwd && sc.tokens && snap.t > 0) {
    TokenStatus(sc, snap.t, status, sizeof status);
  } else if (fwd) {
    double so_far = 0;
    for (int s = 0; s < snap.t; ++s) so_far += sc.step_loss[static_cast<std::size_t>(s)];
    if (snap.t == 0)
      std::snprintf(status, sizeof status, "t = 0: nothing has run yet, only h₀ = 0. Press Space to play, or → to take one step.");
    else if (std::isnan(sc.target.at(0, snap.t - 1))) {  // a memory task: only t = T has a target
      std::snprintf(status, sizeof status, "Forward pass, t = %d of %d: xₜ = %.3f → yₜ = %.3f (no target yet: the answer is due at t = %d)",
                    snap.t, T, sc.input.at(0, snap.t - 1), sc.output.at(0, snap.t - 1), T);
    } else {
      auto clean = [](float v) { return std::abs(v) < 5e-4f ? 0.0f : v; };  // no "-0.000"
      if (std::isnan(so_far))  // the steps before had no target: the loss is this step's
        std::snprintf(status, sizeof status, "Forward pass, t = %d of %d: xₜ = %.3f → yₜ = %.3f (target %.3f).  Loss %.4g",
                      snap.t, T, clean(sc.input.at(0, snap.t - 1)), clean(sc.output.at(0, snap.t - 1)),
                      clean(sc.target.at(0, snap.t - 1)), sc.step_loss[static_cast<std::size_t>(snap.t - 1)]);
      else
        std::snprintf(status, sizeof status, "Forward pass, t = %d of %d: xₜ = %.3f → yₜ = %.3f (target %.3f).  Mean loss so far %.4g",
                      snap.t, T, clean(sc.input.at(0, snap.t - 1)), clean(sc.output.at(0, snap.t - 1)),
                      clean(sc.target.at(0, snap.t - 1)), so_far / snap.t);
    }
  } else {
    // Split dL/dh_t of the top layer into what y_t adds and what arrives from step t+1.
    const LayerView& top = sc.layers.back();
    const int c = snap.t - 1;
    double local = 0, future = 0;
    for (int u = 0; u < top.grad_h.rows; ++u) {
      const double l = top.grad_h_local.at(u, c), f = top.grad_h.at(u, c) - l;
      local += l * l;
      future += f * f;
    }
    std::snprintf(status, sizeof status, "Backward pass, t = %d: ‖dL/dhₜ‖ = %.3g  (from yₜ %.3g, from t+1 %.3g).  Loss L = %.4g",
                  snap.t, top.grad_norm[static_cast<std::size_t>(c)], std::sqrt(local), std::sqrt(future), sc.loss);
  }
  // Each part cut with "…" to the line (a large scale): the status, then the message or the hint.
  ImGui::AlignTextToFramePadding();
  TextFitted(ImGui::GetStyle().Colors[ImGuiCol_Text], status, ImGui::GetContentRegionAvail().x);
  const std::string& msg = !ui.notice.empty() ? ui.notice : snap.message;
  const bool err = !ui.notice.empty() ? ui.notice_is_error : snap.message_is_error;
  if (!msg.empty() && (err || snap.t == 0)) {
    // An error always shows (on its own line when the status leaves no room); other news only beside it.
    if (RemainingOnLine() > fs * 10.0f) ImGui::SameLine(0, fs * 1.5f);
    else if (!err) return;
    TextFitted(err ? ErrorColor() : OkColor(), msg, ImGui::GetContentRegionAvail().x);
  } else {
    const char* hint = "Space play · → ← step · B backward pass · click a cell · F1 keys";
    const float room = RemainingOnLine() - fs * 1.5f;
    if (ImGui::CalcTextSize(hint).x < room) {
      ImGui::SameLine(0, fs * 1.5f);
      ImGui::TextDisabled("%s", hint);
    } else if (ImGui::CalcTextSize("F1 keys").x < room) {
      ImGui::SameLine(0, fs * 1.5f);
      ImGui::TextDisabled("F1 keys");
    }
  }
}

}  // namespace unrolled::app
