#include "app/gfx/text_clip.hpp"

#include <imgui_internal.h>  // ImGuiWindow: each window's reach this frame against its clip rectangle

#include <cstring>
#include <map>
#include <utility>

namespace unrolled::app::gfx {

namespace {
// A glyph's texture rectangle, found by its top-left corner: ImFont::RenderText writes each glyph as
// one quad (indices a, a+1, a+2, a, a+2, a+3) whose first vertex carries (U0, V0) and third (U1, V1);
// a glyph cut on the CPU (RenderTextClipped) keeps U0 and moves U1.
using UvKey = std::pair<float, float>;

// A window named so, a child window named so wherever it is ("Parent/##child_0A1B2C3D": ImGui adds
// the child's ID), or a window inside one of those.
bool ignored(const char* name, const std::vector<std::string>& ignore) {
  for (const std::string& s : ignore)
    for (const char* at = std::strstr(name, s.c_str()); at; at = std::strstr(at + 1, s.c_str())) {
      const char next = at[s.size()];
      if (next == '\0' || next == '/' || next == '_') return true;
    }
  return false;
}
}  // namespace

std::vector<ClippedText> find_clipped_text(const ImDrawData* dd, const ImFontAtlas& atlas, const std::vector<std::string>& ignore) {
  std::vector<ClippedText> out;
  if (!dd) return out;
  std::map<UvKey, ImVec2> glyph_uv1;  // (U0, V0) → (U1, V1), every font of the atlas
  for (const ImFont* f : atlas.Fonts)
    for (const ImFontGlyph& g : f->Glyphs)
      if (g.Visible) glyph_uv1[{g.U0, g.V0}] = ImVec2(g.U1, g.V1);
  // Pixel rounding, and a glyph's quad reaching a pixel past its ink (the left bearing of 'T', 'j'
  // at a large size): a glyph cut by less than this has lost no ink.
  constexpr float slack = 1.0f;
  for (int l = 0; l < dd->CmdListsCount; ++l) {
    const ImDrawList* dl = dd->CmdLists[l];
    const char* owner = dl->_OwnerName ? dl->_OwnerName : "";
    if (ignored(owner, ignore)) continue;
    for (const ImDrawCmd& cmd : dl->CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != atlas.TexID) continue;
      ClippedText found{owner, cmd.ClipRect, {}, {}, 0};
      const ImDrawIdx* idx = dl->IdxBuffer.Data + cmd.IdxOffset;
      const ImDrawVert* vtx = dl->VtxBuffer.Data + cmd.VtxOffset;
      // Triangle by triangle (shapes have any number of them); a glyph is two of them.
      for (unsigned i = 0; i + 6 <= cmd.ElemCount; i += 3) {
        const unsigned a = idx[i];
        if (idx[i + 1] != a + 1 || idx[i + 2] != a + 2 || idx[i + 3] != a || idx[i + 4] != a + 2 || idx[i + 5] != a + 3) continue;
        i += 3;
        const ImDrawVert& tl = vtx[a];
        const ImDrawVert& br = vtx[a + 2];
        const auto g = glyph_uv1.find({tl.uv.x, tl.uv.y});
        if (g == glyph_uv1.end()) continue;  // not a glyph (a shape, an image)
        // Only glyphs that are at least partly inside vertically: above or below is scrolling.
        if (br.pos.y <= cmd.ClipRect.y + slack || tl.pos.y >= cmd.ClipRect.w - slack) continue;
        const bool cut_cpu = br.uv.x != g->second.x;  // cut on the right by RenderTextClipped (its own rectangle)
        const bool cut_gpu = tl.pos.x < cmd.ClipRect.x - slack || br.pos.x > cmd.ClipRect.z + slack;
        if (!cut_cpu && !cut_gpu) continue;
        if (found.glyphs == 0) found.first = tl.pos;
        found.last = br.pos;
        ++found.glyphs;
      }
      if (found.glyphs > 0) out.push_back(found);
    }
  }
  // Items that reach past the window's clip rectangle: ImGui draws only the glyphs that touch it, so a
  // label cut between two glyphs has no glyph across the edge; the window's reach tells.
  for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
    if (!w->Active || w->Hidden || w->ScrollbarX || (w->Flags & ImGuiWindowFlags_Tooltip)) continue;
    if (ignored(w->Name, ignore)) continue;
    const float over = w->DC.CursorMaxPos.x - w->InnerClipRect.Max.x;
    if (over <= 1.0f) continue;
    ClippedText c{w->Name, ImVec4(w->InnerClipRect.Min.x, w->InnerClipRect.Min.y, w->InnerClipRect.Max.x, w->InnerClipRect.Max.y),
                  ImVec2(w->InnerClipRect.Max.x, w->InnerClipRect.Min.y), ImVec2(w->DC.CursorMaxPos.x, w->DC.CursorMaxPos.y), 0};
    c.overflow = over;
    out.push_back(c);
  }
  return out;
}

nlohmann::json clipped_text_json(const std::vector<ClippedText>& clipped) {
  nlohmann::json out = nlohmann::json::array();
  for (const ClippedText& c : clipped)
    out.push_back({{"window", c.window},
                   {"clip", {c.clip.x, c.clip.y, c.clip.z, c.clip.w}},
                   {"glyphs", c.glyphs},
                   {"overflow", c.overflow},
                   {"first", {c.first.x, c.first.y}},
                   {"last", {c.last.x, c.last.y}}});
  return out;
}

}  // namespace unrolled::app::gfx
