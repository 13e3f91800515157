// Text with the small math markup of app/lessons/markup.hpp, drawn with real sub- and superscripts in
// the UI's font: lesson steps, questions and answers, and the gradient lab's explanations. Wraps like
// ImGui's wrapped text, never inside a $formula$, and takes its place in the layout as one item.
#pragma once
#include <imgui.h>

#include <string_view>

namespace unrolled::app {

// Wraps at `wrap_width` (0: the content region's right edge, as PushTextWrapPos(0)); the current text
// colour, or `color` when given. Returns the block's size.
ImVec2 MathText(std::string_view markup, const ImVec4* color = nullptr, float wrap_width = 0.0f);
// Its size without drawing (a tooltip's width, whether a legend fits on the line).
ImVec2 MathTextSize(std::string_view markup, float wrap_width = 1e9f);

}  // namespace unrolled::app
