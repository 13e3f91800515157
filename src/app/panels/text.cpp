// The Text workspace's panels (issue 15): the text and the model (settings, Train, sampling), bits per
// character as it learns, the ladder of samples, and the reading view — a validation passage coloured
// by one unit's activation with the model's five best guesses under each character. They draw from
// Snapshot::text; changes go to the worker as ConfigureText / TextTrain / TextPause / TextReset /
// TextSample (session/text.hpp computes everything).
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
#include "app/session/text.hpp"
#include "core/text_analysis.hpp"
#include "io/char_corpus.hpp"
#include "io/text.hpp"

namespace unrolled::app {

namespace {

// The edited copies follow the run whenever it was rebuilt (new settings, a reset), unless a field is
// being edited right now.
void SyncEdit(const TextView& v, UiState& ui) {
  if (v.state == TrainState::idle || v.version == ui.text.seen_version || ImGui::IsAnyItemActive()) return;
  ui.text.edit = v.settings;
  ui.text.sampling = v.sampling;
  ui.text.seen_version = v.version;
  ui.text.edit_error.clear();
  ui.text.synced = true;
}

const char* corpus_label(const std::string& data) {
  if (data == "structured") return "structured (generated)";
  if (data == "english") return "english (GPL-3 text)";
  return "a file";
}

// The positions the Find-the-units question selects in the reading passage, and the ones it compares
// (within: letters only, when asked), or an empty mask when there is no question yet.
struct SpanQuestion {
  std::vector<bool> mask, within;
  bool use_within = false;
};
SpanQuestion AskedSpan(const TextReading& r, const UiState& ui) {
  SpanQuestion q;
  const std::u32string_view text(r.chars);
  switch (ui.text.span_kind) {
    case 0: q.mask = inside_quotes_mask(text); break;
    case 1: q.mask = bracket_depth_mask(text, std::max(ui.text.depth, 1)); break;
    case 2: q.mask = letter_mask(text); break;
    default:
      if (ui.text.drag_from >= 0) {
        q.mask.assign(r.chars.size(), false);
        const int a = std::min(ui.text.drag_from, ui.text.drag_to), b = std::max(ui.text.drag_from, ui.text.drag_to);
        for (int i = std::max(a, 0); i <= b && i < static_cast<int>(q.mask.size()); ++i) q.mask[static_cast<std::size_t>(i)] = true;
      }
  }
  q.use_within = ui.text.letters_only && (ui.text.span_kind == 0 || ui.text.span_kind == 1);
  if (q.use_within) q.within = letter_mask(text);
  return q;
}

void SendSampling(UiState& ui, const TextView& v, CommandList& out) {
  ui.text.sampling_error = validate_text_sampling(ui.text.sampling, v.vocab);
  if (ui.text.sampling_error.empty()) out.push_back(cmd::TextSample{ui.text.sampling});
}

}  // namespace

void StartTextRun(const Snapshot& snap, UiState& ui, CommandList& out) {
  const TextView& v = *snap.text;
  if (v.state == TrainState::idle) out.push_back(cmd::ConfigureText{ui.text.edit, true});
  else out.push_back(v.running() ? Command{cmd::TextPause{}} : Command{cmd::TextTrain{}});
}

void TextPanel(const Snapshot& snap, UiState& ui, CommandList& out) {
  const TextView& v = *snap.text;
  SyncEdit(v, ui);
  TextSettings& e = ui.text.edit;
  const float fs = ImGui::GetFontSize();
  const float label_w = ImGui::CalcTextSize("temperature").x + fs * 0.8f;

  // The text.
  FieldLabel("text", label_w);
  if (ImGui::BeginCombo("##text_data", corpus_label(e.data))) {
    if (ImGui::Selectable("structured (generated)", e.data == "structured")) e.data = "structured";
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Nested brackets ( [ { and quoted strings: a unit that counts depth or knows \"inside a quote\" can be found");
    if (ImGui::Selectable("english (GPL-3 text)", e.data == "english")) e.data = "english";
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The GNU GPL, version 3: an English text every Debian system has (%s)", io::english_text_path);
    if (ImGui::Selectable("a file…")) OpenFileDialog(ui, FileDialogPurpose::open_text, ui.export_dir, "");
    ImGui::EndCombo();
  }
  if (e.data != "structured" && e.data != "english")
    TextFitted(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], e.data, ImGui::GetContentRegionAvail().x);

  // The model.
  FieldLabel("cell", label_w);
  int cell = static_cast<int>(e.cell);
  ImGui::RadioButton("rnn", &cell, static_cast<int>(CellKind::rnn));
  ImGui::SameLine();
  ImGui::RadioButton("lstm", &cell, static_cast<int>(CellKind::lstm));
  ImGui::SameLine();
  ImGui::RadioButton("gru", &cell, static_cast<int>(CellKind::gru));
  e.cell = static_cast<CellKind>(cell);
  FieldLabel("hidden H", label_w);
  ImGui::InputInt("##text_hidden", &e.hidden, 16, 64);
  FieldLabel("layers", label_w);
  ImGui::InputInt("##text_layers", &e.layers, 1, 1);
  FieldLabel("embed E", label_w);
  ImGui::InputInt("##text_embed", &e.embed, 8, 32);
  FieldLabel("window T", label_w);
  ImGui::InputInt("##text_seq", &e.seq, 8, 32);
  FieldLabel("lr", label_w);
  ImGui::InputDouble("##text_lr", &e.lr, 0, 0, "%.4g");
  FieldLabel("steps", label_w);
  ImGui::InputInt("##text_steps", &e.max_steps, 500, 5000);
  FieldLabel("seed", label_w);
  int seed = static_cast<int>(std::min<std::uint64_t>(e.seed, 1u << 30));
  if (ImGui::InputInt("##text_seed", &seed, 1, 10)) e.seed = static_cast<std::uint64_t>(std::max(seed, 0));
  ui.text.edit_error = validate_text_settings(e);
  // Apply, train, pause, reset.
  const bool running = v.running();
  const RunButtons pressed = RunSettingsFoot(ui.text.edit_error, v.state == TrainState::idle || !(e == v.settings), v.state,
                                             "Reads the text and builds the model at step 0 (the current run is replaced)");
  if (pressed.apply) out.push_back(cmd::ConfigureText{e});
  if (pressed.train_or_pause) StartTextRun(snap, ui, out);
  if (pressed.reset) out.push_back(cmd::TextReset{});
  ImGui::BeginDisabled(v.state == TrainState::idle);
  if (ImGui::Button("Step through this model", ImVec2(-1, 0))) {
    out.push_back(cmd::StepTextModel{});
    ui.workspace = Workspace::step;
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Open a copy of the model as it is now in the Step workspace: each character it reads, its guesses, its gates");

  // Readouts, large in projector mode.
  ImGui::PushFont(readout_font(ui));
  ImGui::TextColored(TrainStateColor(v.state), "● %s", v.state == TrainState::idle ? "no model yet" : train_state_name(v.state));
  ImGui::Text("step %lld / %d", static_cast<long long>(v.step), v.settings.max_steps);
  const double train_bpc = RecentMean(v.train_bpc, 20);
  if (std::isfinite(train_bpc)) ImGui::Text("train %s bpc", Fixed(train_bpc, 3).c_str());
  else ImGui::TextDisabled("train – bpc");
  if (!v.val_bpc.empty()) ImGui::Text("val %s bpc", Fixed(v.val_bpc.back(), 3).c_str());
  ImGui::PopFont();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Bits per character on the validation text (the last tenth), at step %lld", static_cast<long long>(v.val_step.back()));
  if (v.state != TrainState::idle) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("no context: %s bpc (the text's own letter frequencies)", Fixed(v.unigram_bpc, 3).c_str());
    ImGui::TextDisabled("%s; %zu characters in its vocabulary; %lld parameters%s", v.source.c_str(), v.vocab.size(), v.parameters,
                        running ? "" : "");
    if (running) ImGui::TextDisabled("%.0f steps/s (B = %d windows of T = %d)", v.steps_per_second, v.settings.batch, v.settings.seq);
    if (!v.message.empty()) ImGui::TextColored(ErrorColor(), "%s", v.message.c_str());
    ImGui::PopTextWrapPos();
  }

  // Sampling: how the ladder's samples are drawn.
  SectionHeader("Sampling");
  TextSampling& s = ui.text.sampling;
  FieldLabel("temperature", label_w);
  float temperature = static_cast<float>(s.temperature);
  if (ImGui::SliderFloat("##text_temp", &temperature, 0.1f, 2.0f, "%.2f", ImGuiSliderFlags_Logarithmic)) s.temperature = temperature;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("softmax(logits / temperature): below 1 safer and more repetitive, above 1 wilder");
  FieldLabel("top-k", label_w);
  ImGui::InputInt("##text_topk", &s.top_k, 1, 5);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Draw among the k likeliest characters only (0: all of them)");
  FieldLabel("prime", label_w);
  ImGui::InputTextWithHint("##text_prime", "(a newline)", &s.prime);
  FieldLabel("seed", label_w);
  int sseed = static_cast<int>(std::min<std::uint64_t>(s.seed, 1u << 30));
  if (ImGui::InputInt("##text_sample_seed", &sseed, 1, 10)) s.seed = static_cast<std::uint64_t>(std::max(sseed, 0));
  ImGui::BeginDisabled(v.state == TrainState::idle);
  if (ImGui::Button("Sample now", ImVec2(-1, 0))) SendSampling(ui, v, out);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Writes a sample with these settings now; the ladder's next samples use them too");
  if (!ui.text.sampling_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%s", ui.text.sampling_error.c_str());
    ImGui::PopTextWrapPos();
  }
}

void TextCurvesPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const TextView& v = *snap.text;
  const std::size_t n = v.train_bpc.size();
  std::vector<float> xs(n), smooth(n);
  std::vector<double> raw(v.train_bpc.begin(), v.train_bpc.end());
  for (std::size_t i = 0; i < n; ++i) xs[i] = static_cast<float>(i + 1);
  const std::vector<double> sm = plot::smooth_ema(raw.data(), n, ui.train.smoothing);
  for (std::size_t i = 0; i < n; ++i) smooth[i] = static_cast<float>(sm[i]);
  std::vector<float> vx(v.val_step.begin(), v.val_step.end()), vy(v.val_bpc.begin(), v.val_bpc.end());
  if (plot::BeginPlot("##text_bpc", ImVec2(-1, -1))) {
    // A narrow tile (a projector) says "bpc", so the legend keeps its row beside it, off the curves.
    const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 30.0f;
    plot::SetupAxes("step", narrow ? "bpc" : "bits per character", plot::AxisFlags_AutoFit | plot::AxisFlags_Integer,
                    plot::AxisFlags_AutoFit);
    plot::SetupAxisLimits(plot::Axis::X, 0, std::max<double>(static_cast<double>(v.settings.max_steps), 1));
    if (n > 0) {
      plot::SetNextLineStyle(plot::Faded(plot::SeriesColor(0), 0.3f), 1.0f);
      plot::HideNextItemFromLegend();
      plot::PlotLine("train (batch)", xs.data(), v.train_bpc.data(), static_cast<int>(n));
      plot::SetNextLineStyle(plot::SeriesColor(0), 2.0f);
      plot::PlotLine("train", xs.data(), smooth.data(), static_cast<int>(n));
    }
    if (!vx.empty()) {
      plot::SetNextLineStyle(plot::SeriesColor(1), 2.5f);
      plot::PlotLine("validation", vx.data(), vy.data(), static_cast<int>(vx.size()));
    }
    if (v.state != TrainState::idle) {
      plot::PlotHLine(v.unigram_bpc, plot::Faded(colors::truth, 0.6f), 1.5f);
      const ImVec2 p = plot::PlotToPixels(0.0, v.unigram_bpc);
      const float fs = ImGui::GetFontSize();
      if (p.y > plot::GetPlotPos().y + fs * 1.2f && p.y < plot::GetPlotPos().y + plot::GetPlotSize().y)
        ImGui::GetWindowDrawList()->AddText(ImVec2(plot::GetPlotPos().x + fs * 0.3f, p.y - fs * 1.15f),
                                            plot::Faded(colors::truth, 0.8f), "no context");
    }
    if (n == 0) PlotEmptyHint(v.state == TrainState::idle ? "Press T to build the model and train it" : "Press T to train");
    plot::EndPlot();
  }
}

void TextSamplesPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const TextView& v = *snap.text;
  const float fs = ImGui::GetFontSize();
  ImGui::Checkbox("follow the newest", &ui.text.follow_samples);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Scroll to each new sample as it is written; untick to read the older ones");
  ImGui::BeginChild("##samples", ImVec2(0, 0), false);
  if (v.samples.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Samples appear here as the model learns: one every %d steps, from step 0's gibberish on.",
                        ui.text.edit.sample_every);
    ImGui::PopTextWrapPos();
  }
  for (std::size_t i = 0; i < v.samples.size(); ++i) {
    const TextSample& s = v.samples[i];
    ImGui::PushID(static_cast<int>(i));
    char head[160];
    std::snprintf(head, sizeof head, "step %lld", static_cast<long long>(s.step));
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.4f, 1), "%s", head);
    ImGui::SameLine(0, fs);
    char how[96];
    std::snprintf(how, sizeof how, "τ %.2f%s", s.how.temperature, s.how.top_k > 0 ? (", top-" + std::to_string(s.how.top_k)).c_str() : "");
    ImGui::TextDisabled("%s", how);
    ImGui::PushTextWrapPos(0);
    if (!s.how.prime.empty()) {
      ImGui::TextDisabled("%s", s.how.prime.c_str());
      ImGui::SameLine(0, 0);
    }
    ImGui::TextUnformatted(s.text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    ImGui::PopID();
  }
  if (ui.text.follow_samples && v.samples.size() != ui.text.samples_seen) ImGui::SetScrollHereY(1.0f);  // a new one
  ui.text.samples_seen = v.samples.size();
  ImGui::EndChild();
}

void TextReadingPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const TextView& v = *snap.text;
  const float fs = ImGui::GetFontSize();
  if (!v.reading) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Build the model (T, or the Text panel) to read a validation passage with it: each character "
                        "coloured by one unit, the model's five best guesses under it.");
    ImGui::PopTextWrapPos();
    return;
  }
  const TextReading& r = *v.reading;
  const int L = static_cast<int>(r.h.size()), H = r.h.empty() ? 0 : r.h[0].rows;
  ui.text.layer = std::clamp(ui.text.layer, 0, std::max(L - 1, 0));
  ui.text.unit = std::clamp(ui.text.unit, 0, std::max(H - 1, 0));
  if (!r.lstm) ui.text.cell_state = false;

  // Which unit colours the text.
  if (L > 1) {
    ImGui::SetNextItemWidth(fs * 6);
    int layer = ui.text.layer + 1;
    if (ImGui::SliderInt("##text_layer", &layer, 1, L, "layer %d")) ui.text.layer = layer - 1;
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(std::min(fs * 12, std::max(fs * 6, ImGui::GetContentRegionAvail().x - fs * 14)));
  ImGui::SliderInt("##text_unit", &ui.text.unit, 0, std::max(H - 1, 0), "unit %d");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The unit whose activation colours the text (Ctrl+click to type)");
  if (r.lstm) {
    ImGui::SameLine();
    int which = ui.text.cell_state ? 1 : 0;
    ImGui::RadioButton("h", &which, 0);
    ImGui::SameLine();
    ImGui::RadioButton("c", &which, 1);
    ui.text.cell_state = which == 1;
  }
  if (RemainingOnLine() > ImGui::CalcTextSize("guesses").x + fs * 2) ImGui::SameLine();
  ImGui::Checkbox("guesses", &ui.text.guesses);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Under each character: the model's five best guesses for the next one, shaded by probability");
  if (RemainingOnLine() > ImGui::CalcTextSize("±1 scale").x + fs * 2) ImGui::SameLine();
  ImGui::Checkbox("±1 scale", &ui.text.fixed_scale);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Colours from −1 (blue) to +1 (red) for every unit, so units compare; off: stretched to this unit's "
                      "own range on the passage, so a quiet unit's pattern shows too");

  const Grid& g = ui.text.cell_state ? r.c[static_cast<std::size_t>(ui.text.layer)] : r.h[static_cast<std::size_t>(ui.text.layer)];
  const int N = static_cast<int>(r.chars.size());
  float absmax = 1e-6f, lo = 0, hi = 0;
  for (int i = 0; i < N; ++i) {
    const float x = g.at(ui.text.unit, i);
    absmax = std::max(absmax, std::abs(x));
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  if (ui.text.fixed_scale) absmax = 1.0f;
  char note[160];
  std::snprintf(note, sizeof note, "%s from %+.2f to %+.2f · step %lld: %.2f bpc on this passage", ui.text.cell_state ? "c" : "h",
                lo, hi, static_cast<long long>(r.step), r.bpc);
  TextFitted(ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], note, ImGui::GetContentRegionAvail().x);

  const std::vector<bool> in_span = ui.text.show_units ? AskedSpan(r, ui).mask : std::vector<bool>{};
  ImGui::BeginChild("##reading", ImVec2(0, 0), false);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::PushFont(mono_font());
  const float cw = std::ceil(ImGui::CalcTextSize("M").x * 1.15f), ch = std::ceil(ImGui::GetFontSize() * 1.35f);
  const float gh = std::ceil(ImGui::GetFontSize() * 1.0f);  // a guess row
  const int rows_per_line = ui.text.guesses ? 5 : 0;
  const float line_h = ch + rows_per_line * gh + fs * 0.35f;
  const float width = ImGui::GetContentRegionAvail().x;
  const int per_line = std::max(8, static_cast<int>(width / cw));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  int col = 0, line = 0;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered = -1;
  for (int i = 0; i < N; ++i) {
    const char32_t c = r.chars[static_cast<std::size_t>(i)];
    if (col >= per_line) {
      col = 0;
      ++line;
    }
    const ImVec2 a(origin.x + col * cw, origin.y + line * line_h);
    const ImU32 fill = DivergingColor(g.at(ui.text.unit, i), absmax);
    dl->AddRectFilled(a, ImVec2(a.x + cw, a.y + ch), fill);
    const std::string glyph = c == U'\n' ? "⏎" : c == U' ' ? " " : visible_char(c);
    const ImVec2 ts = ImGui::CalcTextSize(glyph.c_str());
    dl->AddText(ImVec2(std::round(a.x + (cw - ts.x) * 0.5f), std::round(a.y + (ch - ts.y) * 0.5f)), TextOn(fill), glyph.c_str());
    if (ui.text.guesses)
      for (int k = 0; k < 5; ++k) {
        const int id = r.guess[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
        if (id < 0) continue;
        const float p = r.guess_p[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
        const ImVec2 b(a.x, a.y + ch + k * gh);
        dl->AddRectFilled(b, ImVec2(b.x + cw - 1, b.y + gh - 1), IM_COL32(0, 158, 115, static_cast<int>(40 + 215 * p)));
        const std::string gg = visible_char(v.vocab[static_cast<std::size_t>(id)]);
        const ImVec2 gs = ImGui::CalcTextSize(gg.c_str());
        dl->AddText(ImVec2(std::round(b.x + (cw - gs.x) * 0.5f), std::round(b.y + (gh - gs.y) * 0.5f)),
                    p > 0.35f ? IM_COL32(255, 255, 255, 255) : IM_COL32(200, 205, 215, 200), gg.c_str());
      }
    if (in_span.size() == static_cast<std::size_t>(N) && in_span[static_cast<std::size_t>(i)])  // the question's span
      dl->AddRectFilled(ImVec2(a.x, a.y + ch - std::max(2.0f, fs * 0.15f)), ImVec2(a.x + cw, a.y + ch), IM_COL32(240, 228, 66, 255));
    if (ui.text.show_connectivity && v.connectivity && v.connectivity->position == i)  // the connectivity view's character
      dl->AddRect(a, ImVec2(a.x + cw, a.y + ch), IM_COL32(255, 255, 255, 255), 0, 0, 2.0f);
    if (mouse.x >= a.x && mouse.x < a.x + cw && mouse.y >= a.y && mouse.y < a.y + line_h) hovered = i;
    ++col;
    if (c == U'\n') col = per_line;  // a newline ends the line
  }
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(width, (line + 1) * line_h));
  // Dragging over characters selects a span for Find the units.
  if (hovered >= 0 && ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    ui.text.drag_from = ui.text.drag_to = hovered;
    ui.text.dragging = true;
    ui.text.span_kind = 3;
    ui.text.conn_position = hovered;  // and the connectivity view's position
  }
  if (ui.text.dragging) {
    if (hovered >= 0) ui.text.drag_to = hovered;
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) ui.text.dragging = false;
  }
  if (hovered >= 0 && ImGui::IsWindowHovered() && !ui.text.dragging) {
    const std::size_t i = static_cast<std::size_t>(hovered);
    const int u = ui.text.unit, l = ui.text.layer;
    ImGui::BeginTooltip();
    ImGui::Text("character %d: %s", hovered + 1, visible_char(r.chars[i]).c_str());
    ImGui::Text("unit %d: h = %+.3f%s", u, r.h[static_cast<std::size_t>(l)].at(u, hovered),
                r.lstm ? ("   c = " + Fixed(r.c[static_cast<std::size_t>(l)].at(u, hovered), 3)).c_str() : "");
    const std::vector<Grid>& gates = r.gates[static_cast<std::size_t>(l)];
    if (r.lstm && gates.size() == 4) {
      const float ig = gates[0].at(u, hovered), fg = gates[1].at(u, hovered), gg = gates[2].at(u, hovered),
                  og = gates[3].at(u, hovered);
      const float c_prev = hovered > 0 ? r.c[static_cast<std::size_t>(l)].at(u, hovered - 1) : 0.0f;
      ImGui::PushFont(mono_font());
      ImGui::Text("i = %.3f  f = %.3f  g = %+.3f  o = %.3f", ig, fg, gg, og);
      ImGui::Text("c = f·c₋₁ + i·g = %.3f·(%+.3f) + %.3f·(%+.3f) = %+.3f", fg, c_prev, ig, gg, r.c[static_cast<std::size_t>(l)].at(u, hovered));
      ImGui::Text("h = o·tanh(c) = %.3f·tanh(%+.3f) = %+.3f", og, r.c[static_cast<std::size_t>(l)].at(u, hovered),
                  r.h[static_cast<std::size_t>(l)].at(u, hovered));
      ImGui::PopFont();
    } else if (gates.size() == 3) {
      const float rg = gates[0].at(u, hovered), zg = gates[1].at(u, hovered), ng = gates[2].at(u, hovered);
      const float h_prev = hovered > 0 ? r.h[static_cast<std::size_t>(l)].at(u, hovered - 1) : 0.0f;
      ImGui::PushFont(mono_font());
      ImGui::Text("r = %.3f  z = %.3f  n = %+.3f", rg, zg, ng);
      ImGui::Text("h = (1−z)·n + z·h₋₁ = %.3f·(%+.3f) + %.3f·(%+.3f) = %+.3f", 1 - zg, ng, zg, h_prev,
                  r.h[static_cast<std::size_t>(l)].at(u, hovered));
      ImGui::PopFont();
    }
    ImGui::Separator();
    ImGui::TextDisabled("its guesses for the next character:");
    for (int k = 0; k < 5; ++k) {
      const int id = r.guess[i][static_cast<std::size_t>(k)];
      if (id >= 0) ImGui::Text("  %s  %.1f%%", visible_char(v.vocab[static_cast<std::size_t>(id)]).c_str(), 100.0 * r.guess_p[i][static_cast<std::size_t>(k)]);
    }
    if (i + 1 < r.chars.size())
      ImGui::Text("what came: %s  (%.1f%%)", visible_char(r.chars[i + 1]).c_str(), 100.0 * r.next_p[i]);
    ImGui::EndTooltip();
  }
  ImGui::EndChild();
}

void TextUnitsPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const TextView& v = *snap.text;
  const float fs = ImGui::GetFontSize();
  ImGui::PushTextWrapPos(0);
  if (!v.reading) {
    ImGui::TextDisabled("Build the model first: then pick a span of the passage and see which units tell it apart.");
    ImGui::PopTextWrapPos();
    return;
  }
  ImGui::TextDisabled("Which units tell this span from the rest of the passage?");
  ImGui::PopTextWrapPos();
  static const char* const kinds[] = {"inside quotes", "bracket depth ≥ d", "in a word (letters)", "the span dragged over"};
  ImGui::SetNextItemWidth(-1);
  ImGui::Combo("##span_kind", &ui.text.span_kind, kinds, 4);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The positions to find units for; they are underlined in yellow in the reading view");
  if (ui.text.span_kind == 1) {
    FieldLabel("d", fs * 1.5f);
    ImGui::InputInt("##span_depth", &ui.text.depth, 1, 1);
    ui.text.depth = std::clamp(ui.text.depth, 1, 6);
  }
  if (ui.text.span_kind <= 1) {
    ImGui::Checkbox("letters only", &ui.text.letters_only);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Compare letters with letters: a unit that only tells letters from brackets does not count");
  }
  if (ui.text.span_kind == 3 && ui.text.drag_from < 0) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Drag over characters in the reading view to select a span.");
    ImGui::PopTextWrapPos();
    return;
  }

  // Rank the units of the reading view's layer and state (h or c) once per question and reading.
  const TextReading& r = *v.reading;
  const int layer = std::clamp(ui.text.layer, 0, static_cast<int>(r.h.size()) - 1);
  const bool use_c = ui.text.cell_state && r.lstm;
  char key[160];
  std::snprintf(key, sizeof key, "%llu/%lld/%d/%d/%d/%d/%d/%d/%d", static_cast<unsigned long long>(v.version),
                static_cast<long long>(r.step), layer, use_c, ui.text.span_kind, ui.text.depth, ui.text.letters_only,
                ui.text.drag_from, ui.text.drag_to);
  if (ui.text.ranked_key != key) {
    ui.text.ranked_key = key;
    ui.text.ranked.clear();
    ui.text.rank_error.clear();
    const Grid& g = use_c ? r.c[static_cast<std::size_t>(layer)] : r.h[static_cast<std::size_t>(layer)];
    Mat<float> a(g.rows, g.cols);
    for (int u = 0; u < g.rows; ++u)
      for (int i = 0; i < g.cols; ++i) a(u, i) = g.at(u, i);
    const SpanQuestion q = AskedSpan(r, ui);
    try {
      ui.text.ranked = rank_units<float>(a, q.mask, q.use_within ? &q.within : nullptr);
    } catch (const std::exception& e) {
      ui.text.rank_error = e.what();
    }
  }
  if (!ui.text.rank_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ErrorColor(), "%s", ui.text.rank_error.c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  ImGui::TextDisabled("%s, layer %d: best first (score 0…1)", use_c ? "c" : "h", layer + 1);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("score = |AUC − 0.5|·2: 1 when a threshold on the unit alone puts every selected character on one "
                      "side and every other on the other; 0 when the unit says nothing about the span. Click a unit to "
                      "colour the text by it.");
  ImGui::BeginChild("##ranked", ImVec2(0, 0), false);
  const std::size_t shown = std::min<std::size_t>(ui.text.ranked.size(), 12);
  for (std::size_t k = 0; k < shown; ++k) {
    const UnitScore& sc = ui.text.ranked[k];
    char label[96];
    std::snprintf(label, sizeof label, "unit %d  %.2f  %s###rank%zu", sc.unit, sc.score,
                  sc.sign > 0 ? "↑ on in it" : sc.sign < 0 ? "↓ off in it" : "–", k);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w * static_cast<float>(sc.score), p.y + ImGui::GetTextLineHeight()),
                                              sc.sign > 0 ? IM_COL32(213, 94, 0, 110) : IM_COL32(0, 114, 178, 110));
    if (ImGui::Selectable(label, ui.text.unit == sc.unit)) ui.text.unit = sc.unit;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("unit %d: mean %+.3f in the span, %+.3f outside (AUC %.3f)", sc.unit, sc.mean_in, sc.mean_out, sc.auc);
  }
  ImGui::EndChild();
}

}  // namespace unrolled::app
