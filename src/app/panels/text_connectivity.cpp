// The Text workspace's connectivity view (issue 15): for one character of the reading passage, how
// much each earlier character's input moves the model's guess for the next one — ‖∂ y_t[next] / ∂ x_k‖
// from the exact backward pass (session/text.cpp, core connectivity()) — for an RNN, an LSTM and a GRU
// trained on the same text with the same settings, one row each. The position follows a click in the
// reading view, a click in a row or the slider; the worker recomputes (cmd::TextConnect).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/session/text.hpp"

namespace unrolled::app {

namespace {

constexpr float decades = 4.0f;  // the shading spans 1 … 10⁻⁴ of a row's largest gradient

// 0…1: how strongly position k's gradient shades, on a log scale of its row's largest.
float Shade(float norm, float max_norm) {
  if (!(max_norm > 0) || !(norm > 0)) return 0;
  return std::clamp(1.0f + std::log10(norm / max_norm) / decades, 0.0f, 1.0f);
}

// How many characters back the gradient still holds 1% of its largest (0: only the position itself).
int Reach(const TextConnectivityRow& row, int position) {
  int far = 0;
  for (int k = 0; k <= position; ++k)
    if (row.norm[static_cast<std::size_t>(k)] >= 0.01f * row.max_norm) {
      far = position - k;
      break;
    }
  return far;
}

std::string Fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

const char* CellTitle(CellKind c) { return c == CellKind::rnn ? "RNN" : c == CellKind::lstm ? "LSTM" : "GRU"; }

}  // namespace

void TextConnectivityPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const TextView& v = *snap.text;
  const float fs = ImGui::GetFontSize();
  if (!v.reading || !v.connectivity || v.connectivity->rows.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Build the model (T, or the Text panel): then pick a character of the reading view and see how far "
                        "back its guess for the next character looks, for an RNN, an LSTM and a GRU on the same text.");
    ImGui::PopTextWrapPos();
    return;
  }
  const TextConnectivity& cv = *v.connectivity;
  const TextReading& r = *v.reading;
  const int N = static_cast<int>(r.chars.size());

  // The position: slider (1-based, as the reading view's tooltip counts), synced with the run.
  if (ui.text.conn_position < 0) ui.text.conn_position = ui.text.conn_sent = cv.position;
  int shown = ui.text.conn_position + 1;
  ImGui::SetNextItemWidth(std::min(fs * 12, ImGui::GetContentRegionAvail().x * 0.35f));
  if (ImGui::SliderInt("##conn_pos", &shown, 1, N, "character %d")) ui.text.conn_position = std::clamp(shown - 1, 0, N - 1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The character whose guess is differentiated (or click one in the reading view or a row)");
  ImGui::SameLine();
  const std::string now = visible_char(r.chars[static_cast<std::size_t>(cv.position)]);
  const std::string next = cv.next >= 0 ? visible_char(v.vocab[static_cast<std::size_t>(cv.next)]) : "";
  char what[160];
  if (cv.next >= 0) std::snprintf(what, sizeof what, "after %s: the logit of %s, ‖∂y[%s]/∂xₖ‖", now.c_str(), next.c_str(), next.c_str());
  else std::snprintf(what, sizeof what, "after %s (the end): ‖∂‖y‖/∂xₖ‖", now.c_str());
  TextFitted(ImGui::GetStyle().Colors[ImGuiCol_Text], what, RemainingOnLine());

  // The companions: the other two cells train on the same text and settings in the background.
  std::string others;
  for (const TextConnectivityRow& row : cv.rows)
    if (!row.main) others += (others.empty() ? "" : " and ") + std::string(CellTitle(row.cell));
  bool on = v.companions;
  const std::string label = "train the " + others + " too";
  if (ImGui::Checkbox(label.c_str(), &on)) out.push_back(cmd::TextCompanions{on});
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Same text, same H, E, T, B, learning rate and seed; they train whenever they are behind (the one "
                      "with the fewest steps goes next), up to the workspace's step goal");
  // The scale: a small bar from 10⁻⁴ to 1 of each row's largest.
  ImGui::SameLine(0, fs);
  {
    const char* lo = "10⁻⁴", *hi = "1× its largest";
    const float bar_w = fs * 5;
    if (RemainingOnLine() > bar_w + ImGui::CalcTextSize(lo).x + ImGui::CalcTextSize(hi).x + fs * 1.5f) {
      ImGui::TextDisabled("%s", lo);
      ImGui::SameLine();
      const ImVec2 p = ImGui::GetCursorScreenPos();
      ImDrawList* dl = ImGui::GetWindowDrawList();
      for (int i = 0; i < 20; ++i)
        dl->AddRectFilled(ImVec2(p.x + bar_w * i / 20.0f, p.y + fs * 0.2f), ImVec2(p.x + bar_w * (i + 1) / 20.0f, p.y + fs * 1.0f),
                          LerpColor(IM_COL32(30, 32, 38, 255), IM_COL32(240, 228, 66, 255), (i + 0.5f) / 20.0f));
      ImGui::Dummy(ImVec2(bar_w, fs));
      ImGui::SameLine();
      ImGui::TextDisabled("%s", hi);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Each character is shaded by its gradient on a log scale relative to its row's largest; the bar "
                          "under it is the gradient on a linear scale");
    }
  }

  ImGui::BeginChild("##conn_rows", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::PushFont(mono_font());
  const float cw = std::ceil(ImGui::CalcTextSize("M").x * 1.15f), ch = std::ceil(ImGui::GetFontSize() * 1.35f);
  ImGui::PopFont();
  const int per_line = std::max(8, static_cast<int>(width / cw));
  // The window of characters: up to the position and a few after it (where a unidirectional model's
  // gradient is exactly zero), so the picture reads left to right towards the guess.
  const int after = std::min(std::max(per_line / 10, 2), N - 1 - cv.position);
  const int last = cv.position + after, first = std::max(0, last - per_line + 1);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int clicked = -1;
  for (const TextConnectivityRow& row : cv.rows) {
    // Heading: the cell, its steps (each trains on its own: they need not be equal), bpc, reach.
    const ImU32 cell_col = colors::cell(row.cell);
    char head[200];
    const bool trained = row.main || row.step > 0;
    std::snprintf(head, sizeof head, "%s%s · step %lld%s", CellTitle(row.cell), row.main ? " (this model)" : "",
                  static_cast<long long>(row.step),
                  row.state == TrainState::running ? ", training" : row.state == TrainState::diverged ? ", diverged" : "");
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(cell_col), "%s", head);
    ImGui::SameLine(0, fs);
    char facts[200];
    if (trained)
      std::snprintf(facts, sizeof facts, "%s bpc · reaches %d back (≥1%%) · largest %.3g", std::isfinite(row.val_bpc) ? Fixed3(row.val_bpc).c_str() : "–",
                    Reach(row, cv.position), row.max_norm);
    else
      std::snprintf(facts, sizeof facts, "untrained: tick \"train the %s too\"", others.c_str());
    TextFitted(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], facts, RemainingOnLine());
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float bar_h = std::max(3.0f, fs * 0.3f);
    ImGui::PushFont(mono_font());
    for (int k = first; k <= last; ++k) {
      const ImVec2 a(origin.x + (k - first) * cw, origin.y);
      const float norm = row.norm[static_cast<std::size_t>(k)];
      const ImU32 fill = LerpColor(IM_COL32(30, 32, 38, 255), IM_COL32(240, 228, 66, 255), Shade(norm, row.max_norm));
      if (k <= cv.position) dl->AddRectFilled(a, ImVec2(a.x + cw, a.y + ch), fill);
      const char32_t c = r.chars[static_cast<std::size_t>(k)];
      const std::string glyph = c == U' ' ? " " : visible_char(c);
      const ImVec2 ts = ImGui::CalcTextSize(glyph.c_str());
      const ImU32 ink = k <= cv.position ? TextOn(fill) : IM_COL32(120, 124, 132, 255);
      dl->AddText(ImVec2(std::round(a.x + (cw - ts.x) * 0.5f), std::round(a.y + (ch - ts.y) * 0.5f)), ink, glyph.c_str());
      if (row.max_norm > 0 && k <= cv.position)
        dl->AddRectFilled(ImVec2(a.x + 1, a.y + ch + bar_h * (1 - norm / row.max_norm)), ImVec2(a.x + cw - 1, a.y + ch + bar_h), cell_col);
      if (k == cv.position) dl->AddRect(a, ImVec2(a.x + cw, a.y + ch + bar_h), IM_COL32(255, 255, 255, 255), 0, 0, 2.0f);
      if (ImGui::IsWindowHovered() && mouse.x >= a.x && mouse.x < a.x + cw && mouse.y >= a.y && mouse.y < a.y + ch + bar_h) {
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) clicked = k;
        ImGui::PopFont();
        ImGui::SetTooltip("%s, character %d (%s): ‖∂/∂x‖ = %.3g%s", CellTitle(row.cell), k + 1, visible_char(c).c_str(), norm,
                          k > cv.position ? " (after the position: it has not been read yet)" : "");
        ImGui::PushFont(mono_font());
      }
    }
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(width, ch + bar_h + fs * 0.4f));
  }
  ImGui::EndChild();
  if (clicked >= 0) ui.text.conn_position = clicked;
  if (ui.text.conn_position != ui.text.conn_sent) {
    ui.text.conn_sent = ui.text.conn_position;
    out.push_back(cmd::TextConnect{ui.text.conn_position});
  }
}

}  // namespace unrolled::app
