// The characters the UI fonts are rasterised with (shell.cpp's load_fonts), as ImGui wants them: pairs
// of first and last code point, ending in 0. A character outside them draws as '?', so the plain
// Unicode math of the panels and the lessons must stay inside (lesson_gui_tests checks every lesson).
// GL-free and ImGui-free, so tests can read it.
#pragma once
#include <cstddef>

namespace unrolled::app {

// Latin, combining accents (x̂), Greek (σ), phonetic modifiers (ᵀ), general punctuation (‖ · …),
// super/subscripts (² ₜ ₀), arrows, math operators (⊙ ∂ ∇), misc technical and geometric shapes
// (▶ ■), control pictures (␣, the Text workspace's space). Must outlive the font atlas.
inline constexpr unsigned short ui_glyph_ranges[] = {0x0020, 0x00FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x1D00, 0x1DBF,
                                                     0x2000, 0x206F, 0x2070, 0x209F, 0x2190, 0x21FF, 0x2200, 0x22FF,
                                                     0x2300, 0x23FF, 0x2400, 0x243F, 0x25A0, 0x25FF, 0};

// True when the fonts hold `c` (a newline is layout, not a glyph).
constexpr bool in_ui_glyph_ranges(char32_t c) {
  if (c == U'\n') return true;
  for (std::size_t i = 0; ui_glyph_ranges[i] != 0; i += 2)
    if (c >= ui_glyph_ranges[i] && c <= ui_glyph_ranges[i + 1]) return true;
  return false;
}

}  // namespace unrolled::app
