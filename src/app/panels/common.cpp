#include "app/panels/common.hpp"

#include <algorithm>
#include <cmath>

#include "app/plot/plot.hpp"
#include "app/plot/plot_math.hpp"

namespace unrolled::app {

ImU32 LerpColor(ImU32 a, ImU32 b, float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  ImU32 out = 0;
  for (int s = 0; s < 32; s += 8) {
    const float ca = static_cast<float>((a >> s) & 0xFF), cb = static_cast<float>((b >> s) & 0xFF);
    out |= static_cast<ImU32>(std::lround(ca + (cb - ca) * t)) << s;
  }
  return out;
}

ImU32 ViridisColor(float v, float lo, float hi) { return plot::pack_rgba(plot::viridis(plot::normalize(v, lo, hi))); }
ImU32 DivergingColor(float v, float absmax) {
  return plot::pack_rgba(plot::diverging(plot::normalize(v, -absmax, absmax)));
}

ImU32 TextOn(ImU32 bg) {
  const float r = (bg & 0xFF) / 255.0f, g = ((bg >> 8) & 0xFF) / 255.0f, b = ((bg >> 16) & 0xFF) / 255.0f;
  return 0.299f * r + 0.587f * g + 0.114f * b > 0.55f ? IM_COL32(15, 15, 20, 255) : IM_COL32(245, 245, 250, 255);
}

const char* Explain(CellKind cell, const std::string& n) {
  if (n == "x") return "Input xₜ: the signal's value at this step, fed into the first layer.";
  if (n == "y") return "Output yₜ = W_head·hₜ + b: the network's guess of the signal's next value.";
  if (n == "dh")
    return "dL/dhₜ: how much the loss changes when hₜ changes; it arrives from this step's output "
           "and from step t+1, the future.";
  if (n == "dc") return "dL/dcₜ: the gradient on the LSTM's cell state, flowing back along the highway, scaled by f at each step.";
  if (n == "c") return "Cell state cₜ: the LSTM's long-term memory, changed only by f (forget) and i·g (write) — the highway.";
  if (cell == CellKind::lstm) {
    if (n == "i") return "Input gate i = σ(·): how much of the candidate g is written into the cell state.";
    if (n == "f") return "Forget gate f = σ(·): how much of the old cell state cₜ₋₁ is kept (1 keeps all).";
    if (n == "g") return "Candidate g = tanh(·): new content, between −1 and 1, that the input gate may write.";
    if (n == "o") return "Output gate o = σ(·): how much of tanh(cₜ) is shown as the hidden state hₜ.";
    if (n == "h") return "Hidden state hₜ = o·tanh(cₜ): what the cell passes to the next step and to the output.";
  }
  if (cell == CellKind::gru) {
    if (n == "r") return "Reset gate r = σ(·): how much of hₜ₋₁ the candidate n may look at.";
    if (n == "z")
      return "Update gate z = σ(·): how much of the old state hₜ₋₁ is kept (PyTorch's convention; "
             "some textbooks swap z and 1 − z).";
    if (n == "n") return "Candidate n = tanh(·): the new state proposal, built from xₜ and the reset-scaled hₜ₋₁.";
    if (n == "h") return "Hidden state hₜ = (1 − z)·n + z·hₜ₋₁: a blend of the candidate and the old state.";
  }
  if (n == "h")
    return "Hidden state hₜ = tanh(W_ih·xₜ + b_ih + W_hh·hₜ₋₁ + b_hh): the vanilla cell is one squashed sum.";
  return "";
}

void ExplainTooltip(CellKind cell, const std::string& name) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26);
  ImGui::TextUnformatted(Explain(cell, name));
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

bool IsTanhGate(CellKind cell, int gate) {
  return cell == CellKind::rnn || (cell == CellKind::lstm && gate == 2) || (cell == CellKind::gru && gate == 2);
}

float ScaleColumnWidth(double min, double max) { return plot::ColormapScaleWidth(min, max); }

void CenteredText(ImDrawList* dl, ImVec2 c, ImU32 color, const char* text) {
  const ImVec2 s = ImGui::CalcTextSize(text);
  dl->AddText(ImVec2(std::round(c.x - s.x * 0.5f), std::round(c.y - s.y * 0.5f)), color, text);
}

}  // namespace unrolled::app

namespace unrolled::app {
float RemainingOnLine() {
  return ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - ImGui::GetItemRectMax().x -
         ImGui::GetStyle().ItemSpacing.x;
}

float TextFitted(const ImVec4& color, const std::string& text, float width) {
  if (text.empty()) return 0;
  const bool cut = ImGui::CalcTextSize(text.c_str()).x > width;
  std::string shown = text;
  if (cut) {
    const float ellipsis = ImGui::CalcTextSize("…").x;
    std::size_t n = shown.size();
    while (n > 0 && ImGui::CalcTextSize(shown.c_str(), shown.c_str() + n).x + ellipsis > width) {
      --n;
      while (n > 0 && (static_cast<unsigned char>(shown[n]) & 0xC0) == 0x80) --n;
    }
    shown = shown.substr(0, n) + "…";
  }
  ImGui::TextColored(color, "%s", shown.c_str());
  if (cut && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
  return ImGui::GetItemRectSize().x;
}

void FieldLabel(const char* text, float label_w) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(text);
  ImGui::SameLine(label_w);
  ImGui::SetNextItemWidth(-1);
}

void SectionHeader(const char* title) {
  ImGui::Spacing();
  ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "%s", title);
  ImGui::Separator();
}
}  // namespace unrolled::app
