// The lesson's marks, drawn by the panels and the frame alike: tiles a lesson step talks about get
// its accent (title band and frame), a slider its set action moved a flash. They read the lesson's UI
// state (UiState::lesson) and nothing of the lesson layer (lesson_ui.hpp), which decides what to mark.
#pragma once
#include <imgui.h>

#include "app/layout.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// The lesson's accent: tiles the step talks about get its border and title, a moved slider its flash.
ImVec4 LessonAccentColor();
// True when `panel` is accented on this step; records where it was drawn (for --lesson-shots).
bool LessonAccent(UiState& ui, Panel panel, const Rect& rect);
// Around Begin() of an accented tile: the title band in the accent.
void PushLessonAccentTitle();
void PopLessonAccentTitle();
// After Begin() of an accented tile: its frame in the accent, inside the tile.
void DrawLessonAccentFrame();
// A tab of a tabbed tile (`tabs`): accented, and brought forward once, when the step talks about `panel`.
// Returns ImGui::BeginTabItem's result.
bool BeginLessonTabItem(UiState& ui, const char* name, Panel panel, const Rect& tabs, bool bring_forward = false);
// True when an accented panel was drawn in `rect` this frame (a tabbed tile: frame it).
bool LessonAccentedAt(const UiState& ui, const Rect& rect);
// After a slider's widget: flashes it for a few seconds when the step's set action moved it.
inline constexpr double lesson_flash_seconds = 3.0;
void FlashLessonSlider(const UiState& ui, const char* slider);

}  // namespace unrolled::app
