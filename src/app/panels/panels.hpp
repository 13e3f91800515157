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
// The Compare workspace (compare.cpp; each reads Snapshot::train->compare, null when compare mode is
// off): the cells and shared settings, overlaid loss curves, forecasts and gradient decay, the table.
void ComparePanel(const Snapshot& snap, UiState& ui, CommandList& out);
void CompareCurvesPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void CompareForecastPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void CompareDecayPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void CompareTablePanel(const Snapshot& snap, UiState& ui, CommandList& out);
// View → Compare cells…: the chooser (a modal, opened by UiState::compare_popup).
void CompareDialog(const Snapshot& snap, UiState& ui, CommandList& out);
// The cells ticked in UiState::compare_pick, in the order rnn, lstm, gru.
std::vector<CellKind> PickedCells(const UiState& ui);
// StartCompare with the picked cells, then Train; false (and a notice saying why) when they are not
// 2 or 3 cells.
bool StartComparison(UiState& ui, CommandList& out);
// The open lesson, in every workspace (lesson.cpp; lesson_ui.hpp applies its steps).
void LessonPanel(const Snapshot& snap, UiState& ui, CommandList& out);
// The Gradient lab (gradient_lab.cpp; each reads Snapshot::lab): the settings (ρ, activation, H, T,
// seed, the clipping comparison), ‖dL/dhₜ‖ against the guide ρ^(T−t), and the clipped and unclipped
// runs' loss and gradient norm.
void GradientLabPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void GradientLabDecayPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void GradientLabClippingPanel(const Snapshot& snap, UiState& ui, CommandList& out);
// What the lab's keys do (frame/keys.cpp): T trains both runs (and shows the clipping comparison);
// ← / → move ρ by `nudge` steps of 0.05.
void StartLabRuns(UiState& ui, CommandList& out);

// The Text workspace (text.cpp).
void TextPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void TextCurvesPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void TextSamplesPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void TextReadingPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void TextUnitsPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void TextConnectivityPanel(const Snapshot& snap, UiState& ui, CommandList& out);  // panels/text_connectivity.cpp
// T: builds the run from the Text panel's settings the first time, then trains or pauses it.
void StartTextRun(const Snapshot& snap, UiState& ui, CommandList& out);

// The Seq2seq workspace (seq2seq.cpp).
void Seq2seqPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void Seq2seqCurvesPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void Seq2seqAttentionPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void Seq2seqStepsPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void Seq2seqBeamPanel(const Snapshot& snap, UiState& ui, CommandList& out);
void Seq2seqBottleneckPanel(const Snapshot& snap, UiState& ui, CommandList& out);
// T: builds the run from the panel's settings the first time, then trains or pauses it.
void StartSeq2seqRun(const Snapshot& snap, UiState& ui, CommandList& out);
// ← / →: the decoding step shown.
void MoveSeq2seqStep(const Snapshot& snap, UiState& ui, int delta);
void NudgeLabRho(const Snapshot& snap, UiState& ui, CommandList& out, int nudge);
// In the Step workspace: whether the stepping views show the training model, on which validation
// window, and the way back to the explorer's own settings.
void FollowTrainingSection(const Snapshot& snap, UiState& ui, CommandList& out);

}  // namespace unrolled::app
