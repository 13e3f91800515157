// Text wider than its clip rectangle: the frame's draw data read back for glyphs cut at the left or
// right edge of the rectangle they were drawn in (a readout "epoch 200 /", a label cut by its frame).
// Cut at the top or bottom is scrolling and is left out, as are windows that scroll sideways on
// purpose (the caller names them). Text shortened on purpose with "…" (ImGui's tabs, our status line)
// has no cut glyph and is not reported. For --stats and --lesson-shots: the layout reports what it clips.
#pragma once
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace unrolled::app::gfx {

struct ClippedText {
  std::string window;      // the window whose draw list holds the glyphs
  ImVec4 clip;             // its clip rectangle (x0, y0, x1, y1)
  ImVec2 first, last;      // left-top of the first and right-bottom of the last glyph cut there
  int glyphs = 0;          // how many glyphs crossed the edge
  float overflow = 0;      // or: how far the window's items reach past its clip rectangle (px)
};

// One entry per (window, clip rectangle) with cut glyphs. `ignore`: windows (or child windows, in any
// parent) named so, and what is inside them ("###unrolled" and "##unrolled_canvas": the unrolled
// view's tile and its canvas, which scrolls sideways, in its own tile or in a tab).
std::vector<ClippedText> find_clipped_text(const ImDrawData* draw_data, const ImFontAtlas& atlas,
                                           const std::vector<std::string>& ignore);

// [{"window", "clip": [x0, y0, x1, y1], "glyphs", "overflow", "first": [x, y], "last": [x, y]}, ...]
nlohmann::json clipped_text_json(const std::vector<ClippedText>& clipped);

}  // namespace unrolled::app::gfx
