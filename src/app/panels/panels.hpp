// The panels: one file each, each a free function drawing from the read-only snapshot and the
// small UI state (DESIGN §6, Tracy style). They never touch the model; changes are Commands.
// Each assumes its ImGui window has been begun by the shell (tiled, see layout.hpp).
#pragma once
#include "app/session/snapshot.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

// How many rows of cells the unrolled view draws (for the layout's height).
float unrolled_rows(const Scene& scene);
void UnrolledViewPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void CellInspectorPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void StateHeatmapPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void GateHeatmapPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void UnitTracesPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void ControlsPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void TransportBar(const Snapshot& snap, UiState& ui, CommandList& out);

// The Train workspace (each reads Snapshot::train).
void TrainingPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void TrainingCurvesPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void ForecastPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void GradientDecayPanel(const Snapshot& snap, UiState& ui, CommandList& out);
// In the Step workspace: whether the stepping views show the training model, on which validation
// window, and the way back to the explorer's own settings.
void FollowTrainingSection(const Snapshot& snap, UiState& ui, CommandList& out);

}  // namespace unrolled::app
