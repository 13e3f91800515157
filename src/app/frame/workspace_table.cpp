#include "app/frame/workspace_table.hpp"

#include <algorithm>
#include <cstdio>

#include "app/panels/panels.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

namespace {
constexpr ImGuiWindowFlags no_scroll = ImGuiWindowFlags_NoScrollbar;

// When the stepping views follow the training model, their main tile says so.
const char* unrolled_title(const Snapshot& snap, char* buf, std::size_t n) {
  if (!snap.train->following) return "Unrolled network###unrolled";
  std::snprintf(buf, n, "Unrolled network — training model, step %lld, validation window %d###unrolled",
                static_cast<long long>(snap.train->step), snap.train->window + 1);
  return buf;
}
// A memory task has no series to forecast: the tile shows its answers at t = T instead.
const char* forecast_title(const Snapshot& snap, char*, std::size_t) {
  return snap.train->task ? "Answers at t = T###forecast" : "Forecast###forecast";
}
const char* forecast_tab(const Snapshot& snap) { return snap.train->task ? "Answers" : "Forecast"; }

#define SHOWN(member) +[](UiState& ui) -> bool& { return ui.member; }
}  // namespace

const std::array<PanelRow, panel_count - 1> panel_table = {{
    {Panel::controls, "Controls", ControlsPanel, 0, SHOWN(step.show_controls)},
    {Panel::unrolled, "Unrolled network###unrolled", UnrolledViewPanel,
     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse, SHOWN(step.show_unrolled), unrolled_title},
    {Panel::inspector, "Cell inspector", CellInspectorPanel, 0, SHOWN(step.show_inspector)},
    {Panel::states, "States h and c", StateHeatmapPanel, no_scroll, SHOWN(step.show_states)},
    {Panel::gates, "Gates", GateHeatmapPanel, no_scroll, SHOWN(step.show_gates)},
    {Panel::traces, "Unit traces", UnitTracesPanel, no_scroll, SHOWN(step.show_traces)},
    {Panel::training, "Training", TrainingPanel, 0, SHOWN(train.show_panel)},
    {Panel::curves, "Training curves", TrainingCurvesPanel, no_scroll, SHOWN(train.show_curves)},
    {Panel::forecast, "Forecast###forecast", ForecastPanel, no_scroll, SHOWN(train.show_forecast), forecast_title, forecast_tab},
    {Panel::decay, "Gradient decay across time", GradientDecayPanel, no_scroll, SHOWN(train.show_decay)},
    {Panel::compare_cells, "Compare cells", ComparePanel, 0, SHOWN(compare.show_panel)},
    {Panel::compare_curves, "Loss curves", CompareCurvesPanel, no_scroll, SHOWN(compare.show_curves)},
    {Panel::compare_forecast, "Forecasts", CompareForecastPanel, no_scroll, SHOWN(compare.show_forecast)},
    {Panel::compare_decay, "Gradient decay across time##compare", CompareDecayPanel, no_scroll, SHOWN(compare.show_decay)},
    {Panel::compare_table, "Side by side", CompareTablePanel, no_scroll, SHOWN(compare.show_table)},
    {Panel::lab_settings, "Gradient lab", GradientLabPanel, 0, SHOWN(lab.show_panel)},
    {Panel::lab_decay, "Gradient through time", GradientLabDecayPanel, no_scroll, SHOWN(lab.show_decay)},
    {Panel::lab_clipping, "Clipping: the same run with and without", GradientLabClippingPanel, no_scroll,
     SHOWN(lab.clipping)},
    {Panel::text_settings, "Text and model", TextPanel, 0, SHOWN(text.show_panel)},
    {Panel::text_curves, "Bits per character", TextCurvesPanel, no_scroll, SHOWN(text.show_curves)},
    {Panel::text_samples, "Samples as it learns", TextSamplesPanel, no_scroll, SHOWN(text.show_samples)},
    {Panel::text_reading, "Reading view: the text through one unit", TextReadingPanel, no_scroll, SHOWN(text.show_reading)},
    {Panel::text_units, "Find the units", TextUnitsPanel, no_scroll, SHOWN(text.show_units)},
    {Panel::text_connectivity, "Connectivity: how far back the guess looks, RNN · LSTM · GRU", TextConnectivityPanel, no_scroll,
     SHOWN(text.show_connectivity)},
    {Panel::seq2seq_settings, "Task and model", Seq2seqPanel, 0, SHOWN(seq2seq.show_panel)},
    {Panel::seq2seq_curves, "Loss and validation accuracy", Seq2seqCurvesPanel, no_scroll, SHOWN(seq2seq.show_curves)},
    {Panel::seq2seq_attention, "Attention: where each output looked", Seq2seqAttentionPanel, no_scroll, SHOWN(seq2seq.show_attention)},
    {Panel::seq2seq_steps, "Decoding step by step", Seq2seqStepsPanel, no_scroll, SHOWN(seq2seq.show_steps)},
    {Panel::seq2seq_beam, "Beam search against greedy", Seq2seqBeamPanel, no_scroll, SHOWN(seq2seq.show_beam)},
    {Panel::seq2seq_bottleneck, "The bottleneck: accuracy by source length", Seq2seqBottleneckPanel, no_scroll,
     SHOWN(seq2seq.show_bottleneck)},
}};
#undef SHOWN

const PanelRow* panel_row(Panel p) {
  const auto i = static_cast<std::size_t>(p);
  return i < panel_table.size() ? &panel_table[i] : nullptr;
}

bool& panel_shown(UiState& ui, Panel p) { return panel_row(p)->shown(ui); }

std::vector<Panel> workspace_panels(Workspace w) {
  std::vector<Panel> out;
  for (const PanelInfo& p : panel_catalog)
    if (p.id != Panel::lesson && p.workspace == w) out.push_back(p.id);
  return out;
}

Panel numbered_panel(Workspace w, int number) {
  const std::vector<Panel> ps = workspace_panels(w);
  return number >= 1 && number <= static_cast<int>(ps.size()) ? ps[static_cast<std::size_t>(number - 1)] : Panel::lesson;
}

int panel_number(Panel p) {
  const std::vector<Panel> ps = workspace_panels(panel_info(p).workspace);
  for (std::size_t i = 0; i < ps.size(); ++i)
    if (ps[i] == p) return static_cast<int>(i) + 1;
  return 0;
}

namespace {
void set(WorkspaceTiles& t, Panel p, const Rect& r) { t.rect[static_cast<std::size_t>(p)] = r; }
const Rect& get(const WorkspaceTiles& t, Panel p) { return t.rect[static_cast<std::size_t>(p)]; }
bool is_shown(const UiState& ui, Panel p) { return panel_row(p)->shown(const_cast<UiState&>(ui)); }

// Presentation: the panel on stage (the larger tile) is the first shown panel of `order` (the
// workspace's picture), unless this lesson step names others: then the first it names (a second one
// comes forward as a tab), so that what the text talks about is the largest thing in view.
Panel stage_panel(const UiState& ui, const std::vector<Panel>& order) {
  std::vector<Panel> shown, named;
  for (Panel p : order)
    if (is_shown(ui, p)) shown.push_back(p);
  if (shown.empty()) return Panel::lesson;
  if (!ui.lesson_id.empty())
    for (Panel p : shown)
      if (std::find(ui.lesson.highlight.begin(), ui.lesson.highlight.end(), p) != ui.lesson.highlight.end()) named.push_back(p);
  if (!named.empty() && std::find(named.begin(), named.end(), shown.front()) == named.end()) return named.front();
  return shown.front();
}

// The presentation layout in `area`: `stage` in its own tile, the other panels of `order` as tabs
// (in `order`), side by side or under it (`stage_h` tall when given).
void present(WorkspaceTiles& t, const UiState& ui, Rect area, float fs, const std::vector<Panel>& order, float stage_h = 0) {
  const Panel stage = stage_panel(ui, order);
  for (Panel p : order) set(t, p, {});
  t.presentation = true;
  t.tab_order.clear();
  for (Panel p : order)
    if (p != stage && is_shown(ui, p)) t.tab_order.push_back(p);
  if (stage == Panel::lesson) return;
  if (t.tab_order.empty()) {
    set(t, stage, area);
    t.tabs = {};
    return;
  }
  const Stage s = compute_stage(area, fs, stage_h);
  set(t, stage, s.stage);
  t.tabs = s.tabs;
}

WorkspaceTiles step_tiles(const Snapshot& snap, const UiState& ui, Rect area, float fs) {
  const PanelVisibility shown{ui.step.show_controls, ui.step.show_unrolled, ui.step.show_inspector,
                              ui.step.show_states,   ui.step.show_gates,    ui.step.show_traces, unrolled_rows(*snap.scene)};
  const Layout l = compute_layout(area, shown, fs);
  WorkspaceTiles t;
  set(t, Panel::controls, l.controls);
  set(t, Panel::unrolled, l.unrolled);
  set(t, Panel::inspector, l.inspector);
  set(t, Panel::states, l.states);
  set(t, Panel::gates, l.gates);
  set(t, Panel::traces, l.traces);
  t.tabs = l.tabs;
  t.bar = l.transport;
  t.tab_order = {Panel::states, Panel::gates, Panel::traces};
  if (!l.compact) return t;
  // Presentation: the unrolled view on top at its own height, the inspector first of the tabs under it.
  const std::vector<Panel> order = {Panel::unrolled, Panel::inspector, Panel::states, Panel::gates, Panel::traces, Panel::controls};
  const Rect top = get(t, Panel::unrolled);
  const Rect content{area.x, area.y, area.w, l.transport.y - area.y};
  if (stage_panel(ui, order) == Panel::unrolled && top.visible() && l.tabs.visible()) present(t, ui, content, fs, order, top.h);
  else present(t, ui, content, fs, order);
  return t;
}

WorkspaceTiles train_tiles(const Snapshot&, const UiState& ui, Rect area, float fs) {
  const TrainLayout l = compute_train_layout(area, {ui.train.show_panel, ui.train.show_curves, ui.train.show_forecast, ui.train.show_decay}, fs);
  WorkspaceTiles t;
  set(t, Panel::training, l.panel);
  set(t, Panel::curves, l.curves);
  set(t, Panel::forecast, l.forecast);
  set(t, Panel::decay, l.decay);
  t.tabs = l.tabs;
  t.bar = l.status;
  // Presentation: the curves on stage (the run is what people watch), the forecast first of the tabs.
  if (l.compact) present(t, ui, l.tabs, fs, {Panel::curves, Panel::forecast, Panel::decay, Panel::training});
  return t;
}

WorkspaceTiles compare_tiles(const Snapshot& snap, const UiState& ui, Rect area, float fs) {
  const CompareVisibility shown{ui.compare.show_panel, ui.compare.show_curves, ui.compare.show_forecast,
                                ui.compare.show_decay, ui.compare.show_table};
  const std::size_t runs = snap.train->compare ? snap.train->compare->runs.size() : 0;
  const CompareLayout l = compute_compare_layout(area, shown, fs, runs > 0 ? static_cast<int>(runs) : 3);
  WorkspaceTiles t;
  set(t, Panel::compare_cells, l.panel);
  set(t, Panel::compare_curves, l.curves);
  set(t, Panel::compare_forecast, l.forecast);
  set(t, Panel::compare_decay, l.decay);
  set(t, Panel::compare_table, l.table);
  t.tabs = l.tabs;
  t.bar = l.status;
  // Presentation: the table keeps its own tile at the bottom (the numbers stay in view); above it the
  // loss curves on stage, the forecasts first of the tabs.
  if (l.compact && l.tabs.visible())
    present(t, ui, l.tabs, fs, {Panel::compare_curves, Panel::compare_forecast, Panel::compare_decay, Panel::compare_cells});
  return t;
}

WorkspaceTiles lab_tiles(const Snapshot&, const UiState& ui, Rect area, float fs) {
  const LabLayout l = compute_lab_layout(area, {ui.lab.show_panel, ui.lab.show_decay, ui.lab.clipping}, fs);
  WorkspaceTiles t;
  set(t, Panel::lab_settings, l.panel);
  set(t, Panel::lab_decay, l.decay);
  set(t, Panel::lab_clipping, l.clipping);
  t.tabs = l.tabs;
  t.bar = l.status;
  // Presentation: the gradient on stage; the settings (the ρ slider) first of the tabs, then clipping.
  if (l.compact) present(t, ui, l.tabs, fs, {Panel::lab_decay, Panel::lab_settings, Panel::lab_clipping});
  return t;
}
WorkspaceTiles text_tiles(const Snapshot&, const UiState& ui, Rect area, float fs) {
  const TextLayout l = compute_text_layout(
      area, {ui.text.show_panel, ui.text.show_curves, ui.text.show_samples, ui.text.show_reading, ui.text.show_units,
             ui.text.show_connectivity}, fs);
  WorkspaceTiles t;
  set(t, Panel::text_settings, l.panel);
  set(t, Panel::text_curves, l.curves);
  set(t, Panel::text_samples, l.samples);
  set(t, Panel::text_reading, l.reading);
  set(t, Panel::text_units, l.units);
  set(t, Panel::text_connectivity, l.connectivity);
  t.tabs = l.tabs;
  t.bar = l.status;
  // Presentation: the samples on stage (the model learning to write is what a class watches), the
  // curves first of the tabs.
  if (l.compact) present(t, ui, l.tabs, fs, {Panel::text_samples, Panel::text_curves, Panel::text_reading, Panel::text_units,
                                              Panel::text_connectivity, Panel::text_settings});
  return t;
}
WorkspaceTiles seq2seq_tiles(const Snapshot&, const UiState& ui, Rect area, float fs) {
  const Seq2seqUi& u = ui.seq2seq;
  const Seq2seqLayout l = compute_seq2seq_layout(
      area, {u.show_panel, u.show_curves, u.show_attention, u.show_bottleneck, u.show_steps, u.show_beam}, fs);
  WorkspaceTiles t;
  set(t, Panel::seq2seq_settings, l.panel);
  set(t, Panel::seq2seq_curves, l.curves);
  set(t, Panel::seq2seq_attention, l.attention);
  set(t, Panel::seq2seq_steps, l.steps);
  set(t, Panel::seq2seq_beam, l.beam);
  set(t, Panel::seq2seq_bottleneck, l.bottleneck);
  t.tabs = l.tabs;
  t.bar = l.status;
  // Presentation: the attention heatmap on stage (where the decoder looks is the workspace's picture),
  // the step-by-step decoding first of the tabs.
  if (l.compact)
    present(t, ui, l.tabs, fs, {Panel::seq2seq_attention, Panel::seq2seq_steps, Panel::seq2seq_beam, Panel::seq2seq_bottleneck,
                                Panel::seq2seq_curves, Panel::seq2seq_settings});
  return t;
}
}  // namespace

const std::array<WorkspaceRow, workspace_count> workspace_table = {{
    {Workspace::step, "Details", "##details", "##transport", true, step_tiles},
    {Workspace::train, "Train##tabs", "##tabs", "##train_status", false, train_tiles},
    {Workspace::compare, "Compare##tabs", "##tabs", "##compare_status", false, compare_tiles},
    {Workspace::lab, "Lab##tabs", "##tabs", "##lab_status", false, lab_tiles},
    {Workspace::text, "Text##tabs", "##tabs", "##text_status", false, text_tiles},
    {Workspace::seq2seq, "Seq2seq##tabs", "##tabs", "##seq2seq_status", false, seq2seq_tiles},
}};

const WorkspaceRow& workspace_row(Workspace w) { return workspace_table[static_cast<std::size_t>(w)]; }

}  // namespace unrolled::app
