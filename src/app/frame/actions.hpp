// What a menu entry and a key both do (the File menu's and the keys' shared actions).
#pragma once
#include <string>

#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

std::string now_name(const char* prefix, const char* ext);  // prefix-YYYYmmdd-HHMMSS.ext
void TakeScreenshot(UiState& ui);   // F12: to the export folder once this frame is drawn
void OpenModelDialog(UiState& ui);  // Ctrl+O
void SaveModelDialog(UiState& ui);  // Ctrl+S
// 1–9: panel `number` of the workspace comes forward (shown if it was hidden; its tab selected in the
// presentation layout).
void BringPanelForward(UiState& ui, int number);

}  // namespace unrolled::app
