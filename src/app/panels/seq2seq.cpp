// The Seq2seq workspace's panels (issue 16): the task and the model (settings, Train), the loss and the
// validation accuracies, the attention heatmap of one validation example, its decoding step by step
// (the attention of the step drawn from the decoder to the encoder, the context vector, the state,
// the five likeliest next tokens), its beam-search tree against greedy decoding, and the bottleneck
// plot (sequence accuracy by source length, with attention and without). They draw from
// Snapshot::seq2seq; changes go to the worker as ConfigureSeq2seq / Seq2seqTrain / Seq2seqPause /
// Seq2seqReset / Seq2seqInspectExample (session/seq2seq.hpp computes everything).
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/look/theme.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/panels/readouts.hpp"
#include "app/panels/train_views.hpp"
#include "app/plot/plot.hpp"
#include "app/plot/plot_math.hpp"
#include "app/session/seq2seq.hpp"

namespace unrolled::app {

namespace {

constexpr ImU32 with_colour = IM_COL32(86, 180, 233, 255);   // the model with attention (Okabe–Ito sky blue)
constexpr ImU32 without_colour = IM_COL32(213, 94, 0, 255);  // its no-attention twin (vermillion)
constexpr ImU32 chosen_colour = IM_COL32(240, 190, 70, 255); // the step shown, the beam's chosen path

// The edited copies follow the run whenever it was rebuilt, unless a field is being edited right now;
// the example and beam width asked for go to the worker when they differ from the run's.
void Sync(const Seq2seqView& v, UiState& ui, CommandList& out) {
  Seq2seqUi& u = ui.seq2seq;
  if (v.state == TrainState::idle) return;
  if (v.version != u.seen_version && !ImGui::IsAnyItemActive()) {
    u.edit = v.settings;
    u.seen_version = v.version;
    u.edit_error.clear();
  }
  u.inspect.example = std::clamp(u.inspect.example, 0, std::max(static_cast<int>(v.val_sources.size()) - 1, 0));
  u.inspect.beam = std::clamp(u.inspect.beam, 1, max_seq2seq_beam);
  if (!(u.inspect == v.inspect) && !(u.inspect == u.inspect_sent && u.inspect_version == v.version)) {
    out.push_back(cmd::Seq2seqInspectExample{u.inspect});
    u.inspect_sent = u.inspect;
    u.inspect_version = v.version;
  }
}

const char* task_label(const std::string& task) {
  for (const char* t : {"reverse", "sort", "dates", "add"})
    if (task == t) return t;
  return "a .tsv file";
}
const char* task_example(const std::string& task) {
  if (task == "reverse") return "kqbfa → afbqk";
  if (task == "sort") return "kqbfa → abfkq";
  if (task == "dates") return "3 March 2021, 03/03/2021, Mar 3, 2021 … → 2021-03-03";
  if (task == "add") return "123+45 → 168";
  return "source<TAB>target lines";
}

bool IsGeneratedTask(const std::string& task) { return task == "reverse" || task == "sort" || task == "dates" || task == "add"; }

void EmptyNote(const char* text) {
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s", text);
  ImGui::PopTextWrapPos();
}

// The example every view decodes, or null (and a note drawn) when there is none yet.
const Seq2seqExample* ExampleOrNote(const Seq2seqView& v, const char* what) {
  if (v.example && !v.example->steps.empty()) return v.example.get();
  char buf[200];
  std::snprintf(buf, sizeof buf, "Press T to build the model and train it: %s", what);
  EmptyNote(buf);
  return nullptr;
}

std::string Joined(const std::vector<std::string>& chars) {
  std::string s;
  for (const std::string& c : chars) s += c == " " ? "␣" : c;
  return s;
}

// The decoding step shown (0-based), kept inside the example's steps.
int ShownStep(const Seq2seqExample& e, UiState& ui) {
  ui.seq2seq.step = std::clamp(ui.seq2seq.step, 0, static_cast<int>(e.steps.size()) - 1);
  return ui.seq2seq.step;
}

// "example 3 of 480: kqbfa → afbqk" with − / + to choose another.
void ExampleChooser(const Seq2seqView& v, UiState& ui) {
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 6.5f);
  int shown = ui.seq2seq.inspect.example + 1;
  if (ImGui::InputInt("##s2s_example", &shown, 1, 10))
    ui.seq2seq.inspect.example = std::clamp(shown - 1, 0, std::max(static_cast<int>(v.val_sources.size()) - 1, 0));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The validation example every view decodes (1 to %zu)", v.val_sources.size());
  ImGui::SameLine();
  if (v.example) {
    const std::string s = Joined(v.example->source) + " → " + Joined(v.example->target);
    TextFitted(ImGui::GetStyle().Colors[ImGuiCol_Text], s, ImGui::GetContentRegionAvail().x);
  }
}

}  // namespace

void StartSeq2seqRun(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Seq2seqView& v = *snap.seq2seq;
  if (v.state == TrainState::idle) out.push_back(cmd::ConfigureSeq2seq{ui.seq2seq.edit, true});
  else out.push_back(v.running() ? Command{cmd::Seq2seqPause{}} : Command{cmd::Seq2seqTrain{}});
}

void MoveSeq2seqStep(const Snapshot& snap, UiState& ui, int delta) {
  const Seq2seqView& v = *snap.seq2seq;
  const int m = v.example ? static_cast<int>(v.example->steps.size()) : 1;
  ui.seq2seq.step = std::clamp(ui.seq2seq.step + delta, 0, std::max(m - 1, 0));
}

void Seq2seqPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Seq2seqView& v = *snap.seq2seq;
  Sync(v, ui, out);
  Seq2seqSettings& e = ui.seq2seq.edit;
  const float fs = ImGui::GetFontSize();
  const float label_w = ImGui::CalcTextSize("attention").x + fs * 0.8f;

  FieldLabel("task", label_w);
  if (ImGui::BeginCombo("##s2s_task", task_label(e.task))) {
    for (const char* t : {"reverse", "sort", "dates", "add"}) {
      if (ImGui::Selectable(t, e.task == t)) e.task = t;
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", task_example(t));
    }
    if (ImGui::Selectable("a .tsv file (type its path)", !IsGeneratedTask(e.task)) && IsGeneratedTask(e.task)) e.task = "pairs.tsv";
    ImGui::EndCombo();
  }
  if (!IsGeneratedTask(e.task)) {
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##s2s_tsv", "path/to/pairs.tsv", &e.task);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("source<TAB>target lines, UTF-8; the last tenth is validation");
  }
  FieldLabel("cell", label_w);
  int cell = static_cast<int>(e.cell);
  ImGui::RadioButton("rnn", &cell, static_cast<int>(CellKind::rnn));
  ImGui::SameLine();
  ImGui::RadioButton("lstm", &cell, static_cast<int>(CellKind::lstm));
  ImGui::SameLine();
  ImGui::RadioButton("gru", &cell, static_cast<int>(CellKind::gru));
  e.cell = static_cast<CellKind>(cell);
  FieldLabel("attention", label_w);
  if (ImGui::BeginCombo("##s2s_attention", attention_name(e.attention))) {
    for (Attention a : {Attention::none, Attention::additive, Attention::dot, Attention::general})
      if (ImGui::Selectable(attention_name(a), e.attention == a)) e.attention = a;
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("none: the decoder sees only the encoder's last state (the bottleneck); additive (Bahdanau); "
                      "dot and general (Luong)");
  FieldLabel("hidden H", label_w);
  ImGui::InputInt("##s2s_hidden", &e.hidden, 16, 64);
  FieldLabel("teacher r", label_w);
  float tf = static_cast<float>(e.teacher_forcing);
  if (ImGui::SliderFloat("##s2s_tf", &tf, 0.0f, 1.0f, "%.2f")) e.teacher_forcing = tf;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Teacher forcing ratio: each decoder input is the target's token with probability r, else the "
                      "model's own last guess");
  FieldLabel("lr", label_w);
  ImGui::InputDouble("##s2s_lr", &e.lr, 0, 0, "%.4g");
  FieldLabel("steps", label_w);
  ImGui::InputInt("##s2s_steps", &e.max_steps, 500, 5000);
  FieldLabel("seed", label_w);
  int seed = static_cast<int>(std::min<std::uint64_t>(e.seed, 1u << 30));
  if (ImGui::InputInt("##s2s_seed", &seed, 1, 10)) e.seed = static_cast<std::uint64_t>(std::max(seed, 0));
  ImGui::Checkbox("no-attention twin", &e.twin);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Trains the same model without attention beside it, on the same batches: the bottleneck plot");
  ui.seq2seq.edit_error = validate_seq2seq_settings(e);
  const bool running = v.running();
  const RunButtons pressed =
      RunSettingsFoot(ui.seq2seq.edit_error, v.state == TrainState::idle || !(e == v.settings), v.state,
                      "Makes the pairs and builds the model (and its twin) at step 0 (the current run is replaced)");
  if (pressed.apply) out.push_back(cmd::ConfigureSeq2seq{e});
  if (pressed.train_or_pause) StartSeq2seqRun(snap, ui, out);
  if (pressed.reset) out.push_back(cmd::Seq2seqReset{});

  ImGui::PushFont(readout_font(ui));
  ImGui::TextColored(TrainStateColor(v.state), "● %s", v.state == TrainState::idle ? "no model yet" : train_state_name(v.state));
  ImGui::Text("step %lld / %d", static_cast<long long>(v.step), v.settings.max_steps);
  if (!v.seq_acc.empty()) ImGui::Text("seq acc %s%%", Fixed(100.0 * v.seq_acc.back(), 1).c_str());
  ImGui::PopFont();
  if (v.state != TrainState::idle) {
    ImGui::PushTextWrapPos(0);
    const double loss = RecentMean(v.loss, 20);
    if (std::isfinite(loss)) ImGui::TextDisabled("loss %s nats per token", Fixed(loss, 3).c_str());
    if (!v.token_acc.empty()) ImGui::TextDisabled("token accuracy %s%%", Fixed(100.0 * v.token_acc.back(), 1).c_str());
    if (v.twin && !v.twin_seq_acc.empty())
      ImGui::TextDisabled("no attention: seq acc %s%%", Fixed(100.0 * v.twin_seq_acc.back(), 1).c_str());
    ImGui::TextDisabled("%s, %zu for validation; %zu characters; %lld parameters", v.source.c_str(), v.val_sources.size(),
                        v.symbols.size(), v.parameters);
    if (running) ImGui::TextDisabled("%.0f steps/s%s", v.steps_per_second, v.twin ? " (each model)" : "");
    if (!v.message.empty()) ImGui::TextColored(ErrorColor(), "%s", v.message.c_str());
    ImGui::PopTextWrapPos();
  }
}

void Seq2seqCurvesPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Seq2seqView& v = *snap.seq2seq;
  Sync(v, ui, out);
  const std::size_t n = v.loss.size();
  std::vector<float> xs(n);
  for (std::size_t i = 0; i < n; ++i) xs[i] = static_cast<float>(i + 1);
  const auto smoothed = [&](const std::vector<float>& y) {
    std::vector<double> raw(y.begin(), y.end());
    const std::vector<double> sm = plot::smooth_ema(raw.data(), raw.size(), ui.train.smoothing);
    return std::vector<float>(sm.begin(), sm.end());
  };
  const double x_max = std::max<double>(static_cast<double>(v.settings.max_steps), 1);
  const float h = std::max(ImGui::GetContentRegionAvail().y * 0.5f - ImGui::GetStyle().ItemSpacing.y, ImGui::GetFontSize() * 5);
  if (plot::BeginPlot("##s2s_loss", ImVec2(-1, h), plot::PlotFlags_LegendRowOnly)) {
    plot::SetupAxes(nullptr, "loss", plot::AxisFlags_AutoFit | plot::AxisFlags_Integer, plot::AxisFlags_AutoFit);
    plot::SetupAxisScale(plot::Axis::Y, plot::Scale::log10);
    plot::SetupAxisLimits(plot::Axis::X, 0, x_max);
    if (n > 0) {
      const std::vector<float> a = smoothed(v.loss);
      plot::SetNextLineStyle(with_colour, 2.0f);
      plot::PlotLine(attention_name(v.settings.attention), xs.data(), a.data(), static_cast<int>(n));
      if (v.twin && v.twin_loss.size() == n) {
        const std::vector<float> b = smoothed(v.twin_loss);
        plot::SetNextLineStyle(without_colour, 2.0f);
        plot::PlotLine("none", xs.data(), b.data(), static_cast<int>(n));
      }
    } else {
      PlotEmptyHint(v.state == TrainState::idle ? "Press T to build the model and train it" : "Press T to train");
    }
    plot::EndPlot();
  }
  if (plot::BeginPlot("##s2s_acc", ImVec2(-1, -1), plot::PlotFlags_LegendRowOnly)) {
    plot::SetupAxes("step", "val accuracy", plot::AxisFlags_AutoFit | plot::AxisFlags_Integer, plot::AxisFlags_None);
    plot::SetupAxisLimits(plot::Axis::X, 0, x_max);
    plot::SetupAxisLimits(plot::Axis::Y, 0, 1);
    std::vector<float> vx(v.val_step.begin(), v.val_step.end());
    const int m = static_cast<int>(vx.size());
    if (m > 0) {
      plot::SetNextLineStyle(plot::Faded(with_colour, 0.55f), 1.5f);
      plot::PlotLine("token", vx.data(), v.token_acc.data(), m);
      plot::SetNextLineStyle(with_colour, 2.5f);
      plot::PlotLine("sequence", vx.data(), v.seq_acc.data(), m);
      if (v.twin && static_cast<int>(v.twin_seq_acc.size()) == m) {
        plot::SetNextLineStyle(without_colour, 2.5f);
        plot::PlotLine("sequence, none", vx.data(), v.twin_seq_acc.data(), m);
      }
    }
    plot::EndPlot();
  }
}

void Seq2seqAttentionPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Seq2seqView& v = *snap.seq2seq;
  Sync(v, ui, out);
  if (v.state != TrainState::idle) ExampleChooser(v, ui);
  const Seq2seqExample* e = ExampleOrNote(v, "each row is one output character, each column a source character, "
                                                "bright where the decoder looked.");
  if (!e) return;
  const int m = static_cast<int>(e->steps.size()), n = static_cast<int>(e->source.size());
  const int shown = ShownStep(*e, ui);
  if (e->steps[0].weights.empty()) {
    EmptyNote("No attention: the decoder sees only the encoder's last state, squeezed into s₀ (the bottleneck). "
              "Choose additive, dot or general attention in the settings to see where it looks.");
    return;
  }
  std::vector<float> grid(static_cast<std::size_t>(m) * n);
  for (int t = 0; t < m; ++t)
    for (int j = 0; j < n; ++j) grid[static_cast<std::size_t>(t) * n + j] = e->steps[static_cast<std::size_t>(t)].weights[static_cast<std::size_t>(j)];
  const float fs = ImGui::GetFontSize();
  const float scale_w = plot::ColormapScaleWidth(0, 1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (plot::BeginPlot("##s2s_heat", ImVec2(avail.x - scale_w - fs * 0.5f, -1), plot::PlotFlags_NoLegend | plot::PlotFlags_NoHoverReadout)) {
    plot::SetupAxes("source", "output", plot::AxisFlags_NoTickLabels | plot::AxisFlags_NoGrid,
                    plot::AxisFlags_NoTickLabels | plot::AxisFlags_NoGrid);
    plot::SetupAxisLimits(plot::Axis::X, 0, n);
    plot::SetupAxisLimits(plot::Axis::Y, 0, m);
    plot::PlotHeatmap("attention", grid.data(), m, n, 0, 1, plot::Colormap::viridis, {0, static_cast<double>(n)},
                      {0, static_cast<double>(m)});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = plot::GetPlotPos(), size = plot::GetPlotSize();
    const float cw = size.x / static_cast<float>(n), ch = size.y / static_cast<float>(m);
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    // The characters: the source's under the columns, the output's beside the rows, when a cell is big enough.
    if (cw >= fs * 0.6f)
      for (int j = 0; j < n; ++j)
        CenteredText(dl, ImVec2(p0.x + (static_cast<float>(j) + 0.5f) * cw, p0.y + size.y + fs * 0.55f), text,
                     e->source[static_cast<std::size_t>(j)] == " " ? "␣" : e->source[static_cast<std::size_t>(j)].c_str());
    if (ch >= fs * 0.6f)
      for (int t = 0; t < m; ++t) {
        const std::string tok = v.token_text(e->steps[static_cast<std::size_t>(t)].token);
        const ImVec2 ts = ImGui::CalcTextSize(tok.c_str());
        dl->AddText(ImVec2(p0.x - ts.x - fs * 0.25f, p0.y + (static_cast<float>(t) + 0.5f) * ch - ts.y * 0.5f),
                    t == shown ? chosen_colour : text, tok.c_str());
      }
    // The step the step-through shows.
    dl->AddRect(ImVec2(p0.x, p0.y + static_cast<float>(shown) * ch), ImVec2(p0.x + size.x, p0.y + static_cast<float>(shown + 1) * ch),
                chosen_colour, 0, 0, 2.5f);
    int row = 0, col = 0;
    float value = 0;
    if (plot::GetHoveredHeatmapCell(&row, &col, &value))
      ImGui::SetTooltip("output %d (%s) looked at source %d (%s) with weight %.3f", row + 1,
                        v.token_text(e->steps[static_cast<std::size_t>(row)].token).c_str(), col + 1,
                        e->source[static_cast<std::size_t>(col)].c_str(), value);
    if (plot::IsPlotHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && row >= 0) ui.seq2seq.step = row;
    plot::EndPlot();
  }
  ImGui::SameLine();
  plot::ColormapScale("##s2s_scale", 0, 1, ImVec2(scale_w, std::max(avail.y - fs * 2.9f, fs * 2)), plot::Colormap::viridis);
}

void Seq2seqStepsPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Seq2seqView& v = *snap.seq2seq;
  Sync(v, ui, out);
  const Seq2seqExample* e = ExampleOrNote(v, "then step through the decoding of one example, token by token.");
  if (!e) return;
  const float fs = ImGui::GetFontSize();
  const int m = static_cast<int>(e->steps.size()), n = static_cast<int>(e->source.size());
  int t = ShownStep(*e, ui);
  // The step control.
  if (ImGui::ArrowButton("##s2s_prev", ImGuiDir_Left)) MoveSeq2seqStep(snap, ui, -1);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##s2s_next", ImGuiDir_Right)) MoveSeq2seqStep(snap, ui, 1);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(fs * 10, ImGui::GetContentRegionAvail().x * 0.4f));
  int shown = ui.seq2seq.step + 1;
  if (ImGui::SliderInt("##s2s_step", &shown, 1, m, "step %d")) ui.seq2seq.step = shown - 1;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The decoding step shown (← / →)");
  t = ShownStep(*e, ui);
  const Seq2seqDecodeStep& st = e->steps[static_cast<std::size_t>(t)];
  ImGui::SameLine();
  char head[160];
  std::snprintf(head, sizeof head, "fed %s, wrote %s (step %lld)", v.token_text(st.fed).c_str(), v.token_text(st.token).c_str(),
                static_cast<long long>(e->step));
  TextFitted(ImGui::GetStyle().Colors[ImGuiCol_Text], head, ImGui::GetContentRegionAvail().x);

  // Left: the unrolled encoder and decoder, the attention of step t drawn as lines; right: the top 5.
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bars_w = std::clamp(avail.x * 0.3f, fs * 9, fs * 14);
  const float view_w = avail.x - bars_w - fs;
  const float vectors_h = fs * 4.2f;
  const float view_h = std::max(avail.y - vectors_h, fs * 5);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float box = std::clamp(std::min(view_w / std::max(n, m) * 0.7f, fs * 1.6f), fs * 0.35f, fs * 1.6f);
  const float enc_y = origin.y + fs * 1.3f + box * 0.5f, dec_y = origin.y + view_h - fs * 2.6f;
  const auto enc_x = [&](int j) { return origin.x + (static_cast<float>(j) + 0.5f) * view_w / static_cast<float>(n); };
  const auto dec_x = [&](int s) { return origin.x + (static_cast<float>(s) + 0.5f) * view_w / static_cast<float>(m); };
  dl->AddText(ImVec2(origin.x, origin.y), faint, "encoder h_j");
  dl->AddText(ImVec2(origin.x, dec_y - box * 0.5f - fs * 1.3f), faint, "decoder s_t");
  if (!st.weights.empty()) {
    float wmax = 1e-6f;
    for (float w : st.weights) wmax = std::max(wmax, w);
    for (int j = 0; j < n; ++j) {
      const float w = st.weights[static_cast<std::size_t>(j)];
      const float a = std::clamp(w / wmax, 0.0f, 1.0f);
      dl->AddLine(ImVec2(dec_x(t), dec_y - box * 0.5f), ImVec2(enc_x(j), enc_y + box * 0.5f),
                  plot::Faded(chosen_colour, 0.08f + 0.92f * a), 1.0f + 5.0f * a);
    }
  } else {
    CenteredText(dl, ImVec2(origin.x + view_w * 0.5f, (enc_y + dec_y) * 0.5f), faint, "no attention: only s₀ carries the source");
  }
  for (int j = 0; j < n; ++j) {
    const float w = st.weights.empty() ? 0.0f : st.weights[static_cast<std::size_t>(j)];
    const ImVec2 c(enc_x(j), enc_y);
    dl->AddRectFilled(ImVec2(c.x - box * 0.5f, c.y - box * 0.5f), ImVec2(c.x + box * 0.5f, c.y + box * 0.5f),
                      ViridisColor(w, 0, 1), fs * 0.15f);
    dl->AddRect(ImVec2(c.x - box * 0.5f, c.y - box * 0.5f), ImVec2(c.x + box * 0.5f, c.y + box * 0.5f), faint, fs * 0.15f);
    if (view_w / static_cast<float>(n) >= fs * 0.6f)
      CenteredText(dl, ImVec2(c.x, c.y + box * 0.5f + fs * 0.6f), text,
                   e->source[static_cast<std::size_t>(j)] == " " ? "␣" : e->source[static_cast<std::size_t>(j)].c_str());
  }
  for (int s = 0; s < m; ++s) {
    const ImVec2 c(dec_x(s), dec_y);
    const bool now = s == t;
    dl->AddRectFilled(ImVec2(c.x - box * 0.5f, c.y - box * 0.5f), ImVec2(c.x + box * 0.5f, c.y + box * 0.5f),
                      now ? chosen_colour : (s < t ? IM_COL32(90, 110, 140, 255) : IM_COL32(50, 55, 66, 255)), fs * 0.15f);
    if (s > 0) dl->AddLine(ImVec2(dec_x(s - 1) + box * 0.5f, c.y), ImVec2(c.x - box * 0.5f, c.y), faint, 1.5f);
    if (view_w / static_cast<float>(m) >= fs * 0.6f)
      CenteredText(dl, ImVec2(c.x, c.y + box * 0.5f + fs * 0.6f), now ? chosen_colour : text,
                   v.token_text(e->steps[static_cast<std::size_t>(s)].token).c_str());
  }

  // The five likeliest next tokens, as bars.
  const float bx = origin.x + view_w + fs;
  dl->AddText(ImVec2(bx, origin.y), faint, "next token");
  const float bar_h = std::min(fs * 1.3f, (view_h - fs * 1.6f) / 5.0f);
  const float label_w = fs * 2.4f;
  for (int k = 0; k < 5; ++k) {
    const float y = origin.y + fs * 1.4f + static_cast<float>(k) * bar_h;
    const float p = st.top_p[static_cast<std::size_t>(k)];
    const std::string tok = v.token_text(st.top[static_cast<std::size_t>(k)]);
    dl->AddText(ImVec2(bx, y), k == 0 ? chosen_colour : text, tok.c_str());
    const float w = (bars_w - label_w - fs * 3.2f) * std::clamp(p, 0.0f, 1.0f);
    dl->AddRectFilled(ImVec2(bx + label_w, y + bar_h * 0.12f), ImVec2(bx + label_w + std::max(w, 1.0f), y + bar_h * 0.88f),
                      k == 0 ? chosen_colour : with_colour);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * p);
    dl->AddText(ImVec2(bx + label_w + std::max(w, 1.0f) + fs * 0.25f, y), text, pct);
  }

  // The context vector and the decoder state, one coloured cell per unit.
  const auto strip = [&](const char* label, const std::vector<float>& x, float y) {
    dl->AddText(ImVec2(origin.x, y), faint, label);
    if (x.empty()) return;
    const float lx = origin.x + fs * 5.5f, w = (avail.x - fs * 5.5f) / static_cast<float>(x.size());
    float absmax = 1e-6f;
    for (float a : x) absmax = std::max(absmax, std::abs(a));
    for (std::size_t i = 0; i < x.size(); ++i)
      dl->AddRectFilled(ImVec2(lx + static_cast<float>(i) * w, y + fs * 0.1f), ImVec2(lx + static_cast<float>(i + 1) * w, y + fs * 1.2f),
                        DivergingColor(x[i], absmax));
  };
  const float vy = origin.y + view_h + fs * 0.3f;
  strip("context c_t", st.context, vy);
  strip("state s_t", st.state, vy + fs * 1.7f);
  ImGui::Dummy(avail);
}

void Seq2seqBeamPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Seq2seqView& v = *snap.seq2seq;
  Sync(v, ui, out);
  const Seq2seqExample* e = ExampleOrNote(v, "then compare beam search's tree with greedy decoding.");
  if (!e) return;
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 7);
  ImGui::SliderInt("##s2s_beam", &ui.seq2seq.inspect.beam, 1, max_seq2seq_beam, "width k %d");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Beam search keeps the k likeliest hypotheses at every length");
  const std::string beam = "beam " + Joined(e->beamed) + (e->beam_finished ? "" : "…") + "  " + Fixed(e->beam_score, 3);
  const std::string greedy = "greedy " + Joined(e->greedy) + (e->greedy_finished ? "" : "…") + "  " + Fixed(e->greedy_score, 3);
  ImGui::SameLine();
  TextFitted(ImGui::GetStyle().Colors[ImGuiCol_Text], beam, ImGui::GetContentRegionAvail().x);
  TextFitted(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], greedy + "   (scores: log p per token)", ImGui::GetContentRegionAvail().x);

  // The tree: one column per length, the hypotheses kept at that length top to bottom.
  int depth = 0;
  for (const BeamNode& b : e->tree) depth = std::max(depth, b.step);
  if (depth == 0) return;
  std::vector<int> rank(e->tree.size(), 0), per(static_cast<std::size_t>(depth) + 1, 0);
  for (std::size_t i = 0; i < e->tree.size(); ++i) rank[i] = per[static_cast<std::size_t>(e->tree[i].step)]++;
  const int rows = *std::max_element(per.begin(), per.end());
  std::vector<bool> chosen(e->tree.size(), false);
  for (int i : e->path) chosen[static_cast<std::size_t>(i)] = true;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float col_w = (avail.x - fs * 1.5f) / static_cast<float>(depth + 1);
  const float row_h = std::min(fs * 1.6f, (avail.y - fs * 0.5f) / static_cast<float>(rows));
  const auto at = [&](int step, int r) {
    return ImVec2(origin.x + fs * 0.8f + static_cast<float>(step) * col_w, origin.y + (static_cast<float>(r) + 0.5f) * row_h);
  };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 faint = ImGui::GetColorU32(ImGuiCol_TextDisabled), text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImVec2 root = at(0, 0);
  dl->AddCircleFilled(root, fs * 0.3f, faint);
  for (int pass = 0; pass < 2; ++pass)  // the chosen path last, on top
    for (std::size_t i = 0; i < e->tree.size(); ++i) {
      if (chosen[i] != (pass == 1)) continue;
      const BeamNode& b = e->tree[i];
      const ImVec2 p = at(b.step, rank[i]);
      const ImVec2 q = b.parent < 0 ? root : at(e->tree[static_cast<std::size_t>(b.parent)].step, rank[static_cast<std::size_t>(b.parent)]);
      dl->AddLine(ImVec2(q.x + fs * 0.35f, q.y), ImVec2(p.x - fs * 0.35f, p.y), chosen[i] ? chosen_colour : faint, chosen[i] ? 3.0f : 1.2f);
    }
  for (std::size_t i = 0; i < e->tree.size(); ++i) {
    const BeamNode& b = e->tree[i];
    const ImVec2 p = at(b.step, rank[i]);
    const std::string tok = b.finished ? "■" : v.token_text(b.token);
    if (col_w >= fs * 0.9f && row_h >= fs * 0.8f) CenteredText(dl, p, chosen[i] ? chosen_colour : text, tok.c_str());
    else dl->AddCircleFilled(p, fs * 0.2f, chosen[i] ? chosen_colour : text);
    if (ImGui::IsMouseHoveringRect(ImVec2(p.x - col_w * 0.5f, p.y - row_h * 0.5f), ImVec2(p.x + col_w * 0.5f, p.y + row_h * 0.5f)))
      ImGui::SetTooltip("length %d: %s  log p %.3f, per token %.3f%s", b.step, b.finished ? "</s>" : tok.c_str(), b.log_prob,
                        b.score, b.finished ? " (finished)" : "");
  }
  ImGui::Dummy(avail);
}

void Seq2seqBottleneckPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const Seq2seqView& v = *snap.seq2seq;
  Sync(v, ui, out);
  const Seq2seqLengths& l = v.lengths;
  if (plot::BeginPlot("##s2s_bottleneck", ImVec2(-1, -1), plot::PlotFlags_LegendRowOnly)) {
    plot::SetupAxes("source length", "val seq accuracy", plot::AxisFlags_AutoFit | plot::AxisFlags_Integer, plot::AxisFlags_None);
    plot::SetupAxisLimits(plot::Axis::Y, 0, 1.05);
    if (!l.length.empty()) {
      std::vector<float> xs(l.length.begin(), l.length.end());
      plot::SetupAxisLimits(plot::Axis::X, xs.front() - 0.5, xs.back() + 0.5);
      plot::SetNextLineStyle(with_colour, 2.5f);
      plot::PlotLine(attention_name(v.settings.attention), xs.data(), l.with.data(), static_cast<int>(xs.size()));
      if (!l.without.empty()) {
        plot::SetNextLineStyle(without_colour, 2.5f);
        plot::PlotLine("none", xs.data(), l.without.data(), static_cast<int>(xs.size()));
      }
    } else {
      PlotEmptyHint(v.state == TrainState::idle ? "Press T to build the model and train it" : "Press T to train");
    }
    plot::EndPlot();
  }
}

}  // namespace unrolled::app
