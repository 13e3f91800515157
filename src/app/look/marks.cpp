#include "app/look/marks.hpp"

#include <imgui_internal.h>  // ImGuiWindow: the current tile's outer rectangle for its accent frame

#include <algorithm>
#include <cmath>

namespace unrolled::app {

ImVec4 LessonAccentColor() { return ImVec4(1.0f, 80 / 255.0f, 200 / 255.0f, 1.0f); }  // #FF50C8, in no palette here

bool LessonAccent(UiState& ui, Panel panel, const Rect& rect) {
  const std::vector<Panel>& h = ui.lesson.highlight;
  if (ui.lesson_id.empty() || std::find(h.begin(), h.end(), panel) == h.end()) return false;
  ui.lesson.accented.emplace_back(panel, rect);
  return true;
}

void PushLessonAccentTitle() {
  ImVec4 band = LessonAccentColor();
  band.w = 0.32f;
  ImGui::PushStyleColor(ImGuiCol_TitleBg, band);
  ImGui::PushStyleColor(ImGuiCol_TitleBgActive, band);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
}
void PopLessonAccentTitle() { ImGui::PopStyleColor(3); }

void DrawLessonAccentFrame() {
  const ImGuiWindow* w = ImGui::GetCurrentWindow();
  const float t = std::max(2.0f, std::round(ImGui::GetFontSize() * 0.2f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(w->Pos, ImVec2(w->Pos.x + w->Size.x, w->Pos.y + w->Size.y), false);
  dl->AddRect(ImVec2(w->Pos.x + t * 0.5f, w->Pos.y + t * 0.5f),
              ImVec2(w->Pos.x + w->Size.x - t * 0.5f, w->Pos.y + w->Size.y - t * 0.5f),
              ImGui::GetColorU32(LessonAccentColor()), 0.0f, 0, t);
  dl->PopClipRect();
}

bool BeginLessonTabItem(UiState& ui, const char* name, Panel panel, const Rect& tabs, bool bring_forward) {
  const bool accent = LessonAccent(ui, panel, tabs);
  if (accent) {
    ImVec4 c = LessonAccentColor();
    ImGui::PushStyleColor(ImGuiCol_TabActive, c);
    c.w = 0.55f;
    ImGui::PushStyleColor(ImGuiCol_Tab, c);
    ImGui::PushStyleColor(ImGuiCol_TabHovered, c);
  }
  const bool select = bring_forward || (accent && ui.lesson.select_frames > 0);
  const bool open = ImGui::BeginTabItem(name, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0);
  if (accent) ImGui::PopStyleColor(3);
  return open;
}

bool LessonAccentedAt(const UiState& ui, const Rect& rect) {
  for (const auto& [p, r] : ui.lesson.accented)
    if (r.x == rect.x && r.y == rect.y && r.w == rect.w && r.h == rect.h) return true;
  return false;
}

void FlashLessonSlider(const UiState& ui, const char* slider) {
  const LessonUi& L = ui.lesson;
  if (ui.lesson_id.empty() || L.flash_slider != slider) return;
  const double age = ImGui::GetTime() - L.flash_start;
  if (age < 0 || age > lesson_flash_seconds) return;
  // Three pulses that fade out.
  const float pulse = 0.5f + 0.5f * static_cast<float>(std::cos(age * 2.0 * 3.14159265358979 * 1.5));
  ImVec4 c = LessonAccentColor();
  c.w = 0.35f + 0.65f * pulse * static_cast<float>(1.0 - age / lesson_flash_seconds);
  const float pad = std::round(ImGui::GetFontSize() * 0.2f);
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRectFullScreen();
  dl->AddRect(ImVec2(a.x - pad, a.y - pad), ImVec2(b.x + pad, b.y + pad), ImGui::GetColorU32(c), 3.0f, 0,
              std::max(2.0f, pad));
  dl->PopClipRect();
}

}  // namespace unrolled::app
