#include "app/workspace_catalog.hpp"

namespace unrolled::app {

const std::array<WorkspaceInfo, workspace_count> workspace_catalog = {{
    {Workspace::step, "step", " Step ", "Step workspace", "Step through one sequence, forward and backward",
     nullptr},  // the Step workspace's bar is the transport, which has its own hints
    {Workspace::train, "train", " Train ", "Train workspace", "Train the sine-wave forecaster and watch it learn",
     "T train · Shift+T pause · R reset · Ctrl+S save model · F12 screenshot · F1 keys"},
    {Workspace::compare, "compare", " Compare ", "Compare workspace", "Train RNN, LSTM and GRU side by side on the same data",
     "T train all · Shift+T pause · R reset · F12 screenshot · F1 keys"},
    {Workspace::lab, "lab", " Gradient lab ", "Gradient lab",
     "The vanilla RNN's gradient: vanishing and exploding with the spectral radius",
     "← / → ρ · T train both · Shift+T pause · R reset · F12 screenshot · F1 keys"},
    {Workspace::text, "text", " Text ", "Text workspace", "A character model learns to write: samples, bits per character, what its units read",
     "T train · Shift+T pause · R reset · F12 screenshot · F1 keys"},
    {Workspace::seq2seq, "seq2seq", " Seq2seq ", "Seq2seq workspace",
     "An encoder-decoder learns where to look: attention, step-by-step decoding, beam search, the bottleneck",
     "T train · Shift+T pause · R reset · ← / → decoding step · F12 screenshot · F1 keys"},
}};

const std::array<PanelInfo, panel_count> panel_catalog = {{
    {Panel::controls, Workspace::step, "controls", "Controls", "Controls", true},
    {Panel::unrolled, Workspace::step, "unrolled", "Unrolled view", "Unrolled", true},
    {Panel::inspector, Workspace::step, "inspector", "Cell inspector", "Inspector", true},
    {Panel::states, Workspace::step, "states", "State heatmaps", "States", true},
    {Panel::gates, Workspace::step, "gates", "Gate heatmaps", "Gates", true},
    {Panel::traces, Workspace::step, "traces", "Unit traces", "Traces", true},
    {Panel::training, Workspace::train, "training", "Training settings", "Settings", true},
    {Panel::curves, Workspace::train, "curves", "Training curves", "Curves", true},
    {Panel::forecast, Workspace::train, "forecast", "Forecast", "Forecast", true},
    {Panel::decay, Workspace::train, "decay", "Gradient decay", "Decay", true},
    {Panel::compare_cells, Workspace::compare, "compare-cells", "Cells and settings", "Cells", true},
    {Panel::compare_curves, Workspace::compare, "compare-curves", "Loss curves", "Curves", true},
    {Panel::compare_forecast, Workspace::compare, "compare-forecast", "Forecasts", "Forecasts", true},
    {Panel::compare_decay, Workspace::compare, "compare-decay", "Gradient decay", "Decay", true},
    {Panel::compare_table, Workspace::compare, "compare-table", "Table", "Table", true},
    {Panel::lab_settings, Workspace::lab, "lab-settings", "Lab settings", "Settings", true},
    {Panel::lab_decay, Workspace::lab, "lab-decay", "Gradient through time", "Gradient", true},
    {Panel::lab_clipping, Workspace::lab, "lab-clipping", "Clipping comparison", "Clipping", true},
    {Panel::text_settings, Workspace::text, "text-settings", "Text and model", "Settings", true},
    {Panel::text_curves, Workspace::text, "text-curves", "Bits per character", "Curves", true},
    {Panel::text_samples, Workspace::text, "text-samples", "Samples as it learns", "Samples", true},
    {Panel::text_reading, Workspace::text, "text-reading", "Reading view", "Reading", true},
    {Panel::text_units, Workspace::text, "text-units", "Find the units", "Units", true},
    {Panel::text_connectivity, Workspace::text, "text-connectivity", "Connectivity", "Connectivity", true},
    {Panel::seq2seq_settings, Workspace::seq2seq, "seq2seq-settings", "Task and model", "Settings", false},
    {Panel::seq2seq_curves, Workspace::seq2seq, "seq2seq-curves", "Loss and accuracy", "Curves", false},
    {Panel::seq2seq_attention, Workspace::seq2seq, "seq2seq-attention", "Attention heatmap", "Attention", false},
    {Panel::seq2seq_steps, Workspace::seq2seq, "seq2seq-steps", "Decoding step by step", "Steps", false},
    {Panel::seq2seq_beam, Workspace::seq2seq, "seq2seq-beam", "Beam search", "Beam", false},
    {Panel::seq2seq_bottleneck, Workspace::seq2seq, "seq2seq-bottleneck", "The bottleneck", "Bottleneck", false},
    {Panel::lesson, Workspace::step, "lesson", "Lesson", "Lesson", true},
}};

// The rows are in enum order: the lookups are an index.
static_assert(static_cast<int>(Panel::lesson) == panel_count - 1);

const WorkspaceInfo& workspace_info(Workspace w) { return workspace_catalog[static_cast<std::size_t>(w)]; }
const PanelInfo& panel_info(Panel p) { return panel_catalog[static_cast<std::size_t>(p)]; }
const char* panel_name(Panel p) { return panel_info(p).name; }

bool parse_panel(const std::string& text, Panel& out) {
  for (const PanelInfo& p : panel_catalog)
    if (p.lessons && text == p.name) {
      out = p.id;
      return true;
    }
  return false;
}

bool panel_in_workspace(Panel p, Workspace w) { return p == Panel::lesson || panel_info(p).workspace == w; }

std::vector<Panel> lesson_view_panels() {
  std::vector<Panel> out;
  for (const PanelInfo& p : panel_catalog)
    if (p.lessons && p.id != Panel::lesson) out.push_back(p.id);
  return out;
}

std::string lesson_panel_names() {
  std::string known;
  for (const PanelInfo& p : panel_catalog)
    if (p.lessons) known += (known.empty() ? "" : ", ") + std::string(p.name);
  return known;
}

}  // namespace unrolled::app
