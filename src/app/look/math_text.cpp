#include "app/look/math_text.hpp"

#include <algorithm>

#include "app/lessons/markup.hpp"

namespace unrolled::app {

namespace {

markup::Layout LayOut(std::string_view text, float wrap_width) {
  ImFont* font = ImGui::GetFont();
  return markup::layout(text, wrap_width, ImGui::GetFontSize(), [font](std::string_view s, float size) {
    return font->CalcTextSizeA(size, 1e9f, 0.0f, s.data(), s.data() + s.size()).x;
  });
}

}  // namespace

ImVec2 MathTextSize(std::string_view text, float wrap_width) {
  const markup::Layout l = LayOut(text, wrap_width);
  return ImVec2(l.width, l.height);
}

ImVec2 MathText(std::string_view text, const ImVec4* color, float wrap_width) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  if (wrap_width <= 0.0f) wrap_width = std::max(ImGui::GetFontSize(), ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x - origin.x);
  const markup::Layout l = LayOut(text, wrap_width);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* font = ImGui::GetFont();
  const float fs = ImGui::GetFontSize();
  const ImU32 col = color ? ImGui::GetColorU32(*color) : ImGui::GetColorU32(ImGuiCol_Text);
  // Code is set off in the muted text colour; it is drawn as written.
  const ImU32 code_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float clip_top = dl->GetClipRectMin().y, clip_bottom = dl->GetClipRectMax().y;
  for (const markup::Placed& r : l.runs) {
    const ImVec2 at(origin.x + r.x, origin.y + r.y);
    if (at.y > clip_bottom || at.y + fs < clip_top) continue;  // scrolled out of view
    dl->AddText(font, fs * r.scale, at, r.code ? code_col : col, r.text.data(), r.text.data() + r.text.size());
  }
  const ImVec2 size(l.width, l.height);
  ImGui::Dummy(size);
  return size;
}

}  // namespace unrolled::app
