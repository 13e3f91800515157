// Cell inspector: the selected cell as a diagram of its gates (each box coloured by its activation
// for the chosen unit), the cell's equations with that unit's real numbers plugged in, and bars of
// every gate across all units. Every gate and state explains itself in a tooltip.
#include <imgui.h>

#include <algorithm>
#include <cstdarg>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>

#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/look/theme.hpp"
#include "app/session/token_scene.hpp"

namespace unrolled::app {

namespace {

struct Canvas {
  ImDrawList* dl;
  ImVec2 p0, size;
  float fs;
  ImVec2 at(float fx, float fy) const { return ImVec2(p0.x + fx * size.x, p0.y + fy * size.y); }
};

float GateUnit(float v, bool tanh_gate) { return tanh_gate ? (v + 1.0f) * 0.5f : v; }

// A gate box at (fx, fy), coloured by its activation; tooltip on hover.
void GateBox(const Canvas& c, float fx, float fy, const char* fn, const char* name, float value, bool tanh_gate,
             CellKind cell, const std::string& explain_key) {
  const ImVec2 m = c.at(fx, fy);
  const float w = std::clamp(c.size.x * 0.115f, c.fs * 2.2f, c.fs * 5.5f), h = std::clamp(c.size.y * 0.22f, c.fs * 2.3f, c.fs * 3.2f);
  const ImVec2 a(m.x - w * 0.5f, m.y - h * 0.5f), b(m.x + w * 0.5f, m.y + h * 0.5f);
  const ImU32 fill = ViridisColor(GateUnit(value, tanh_gate), 0.0f, 1.0f);
  c.dl->AddRectFilled(a, b, fill, c.fs * 0.25f);
  c.dl->AddRect(a, b, IM_COL32(200, 205, 215, 180), c.fs * 0.25f);
  char line1[32], line2[32];
  std::snprintf(line1, sizeof line1, "%s %s", name, fn);
  if (ImGui::CalcTextSize(line1).x > w * 0.94f) std::snprintf(line1, sizeof line1, "%s", *name ? name : fn);
  std::snprintf(line2, sizeof line2, "%.2f", value);
  const ImU32 tc = TextOn(fill);
  CenteredText(c.dl, ImVec2(m.x, m.y - c.fs * 0.5f), tc, line1);
  CenteredText(c.dl, ImVec2(m.x, m.y + c.fs * 0.55f), tc, line2);
  if (ImGui::IsMouseHoveringRect(a, b) && ImGui::IsWindowHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(c.fs * 24);
    ImGui::TextUnformatted(Explain(cell, explain_key));
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void Node(const Canvas& c, float fx, float fy, const char* sym) {
  const ImVec2 m = c.at(fx, fy);
  const float r = c.fs * 0.62f;
  c.dl->AddCircleFilled(m, r, IM_COL32(60, 64, 76, 255), 20);
  c.dl->AddCircle(m, r, IM_COL32(200, 205, 215, 200), 20);
  CenteredText(c.dl, m, IM_COL32(240, 240, 245, 255), sym);
}

void Wire(const Canvas& c, float x0, float y0, float x1, float y1, ImU32 col = IM_COL32(150, 155, 170, 220)) {
  c.dl->AddLine(c.at(x0, y0), c.at(x1, y1), col, std::max(1.0f, c.fs / 11.0f));
}

// A state value label: name above, number below; tooltip.
void StateLabel(const Canvas& c, float fx, float fy, const char* name, float value, CellKind cell, const char* key) {
  ImVec2 m = c.at(fx, fy);
  char v[32];
  std::snprintf(v, sizeof v, "%.3f", value);
  // At the diagram's edge: moved in until the wider of its two lines fits inside the frame.
  const float half = std::max(ImGui::CalcTextSize(name).x, ImGui::CalcTextSize(v).x) * 0.5f + c.fs * 0.2f;
  m.x = std::clamp(m.x, c.p0.x + half, std::max(c.p0.x + half, c.p0.x + c.size.x - half));
  CenteredText(c.dl, ImVec2(m.x, m.y - c.fs * 0.55f), IM_COL32(235, 235, 240, 255), name);
  CenteredText(c.dl, ImVec2(m.x, m.y + c.fs * 0.55f), IM_COL32(170, 175, 190, 255), v);
  const ImVec2 a(m.x - c.fs * 2.2f, m.y - c.fs * 1.1f), b(m.x + c.fs * 2.2f, m.y + c.fs * 1.1f);
  if (ImGui::IsMouseHoveringRect(a, b) && ImGui::IsWindowHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(c.fs * 24);
    ImGui::TextUnformatted(Explain(cell, key));
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void Diagram(const Scene& sc, const LayerView& lv, int t, int u, ImVec2 size) {
  const CellKind cell = sc.config.cell;
  ImGui::InvisibleButton("##diagram", size);
  Canvas c{ImGui::GetWindowDrawList(), ImGui::GetItemRectMin(), size, ImGui::GetFontSize()};
  c.dl->AddRect(c.p0, ImVec2(c.p0.x + size.x, c.p0.y + size.y), IM_COL32(60, 64, 76, 255), c.fs * 0.3f);
  const int col = t - 1;
  const float h_prev = lv.h.at(u, t - 1), h_new = lv.h.at(u, t);
  const ImU32 lane = colors::highway;
  if (cell == CellKind::lstm) {
    const float i = lv.gates[0].at(u, col), f = lv.gates[1].at(u, col), g = lv.gates[2].at(u, col), o = lv.gates[3].at(u, col);
    const float c_prev = lv.c.at(u, t - 1), c_new = lv.c.at(u, t);
    // the highway
    Wire(c, 0.11f, 0.15f, 0.89f, 0.15f, lane);
    Wire(c, 0.78f, 0.15f, 0.78f, 0.36f, lane);
    // input bus to the gates
    Wire(c, 0.11f, 0.90f, 0.66f, 0.90f);
    for (float x : {0.22f, 0.38f, 0.54f, 0.66f}) Wire(c, x, 0.90f, x, 0.62f);
    Wire(c, 0.22f, 0.62f, 0.22f, 0.15f);           // f → ⊗
    Wire(c, 0.38f, 0.62f, 0.38f, 0.38f);           // i → ⊗
    Wire(c, 0.38f, 0.38f, 0.46f, 0.38f);
    Wire(c, 0.54f, 0.62f, 0.54f, 0.38f);           // g → ⊗
    Wire(c, 0.54f, 0.38f, 0.46f, 0.38f);
    Wire(c, 0.46f, 0.38f, 0.46f, 0.15f);           // i·g → ⊕
    Wire(c, 0.66f, 0.62f, 0.78f, 0.62f);           // o → ⊗
    Wire(c, 0.78f, 0.36f, 0.78f, 0.62f);           // tanh(c) → ⊗
    Wire(c, 0.78f, 0.62f, 0.89f, 0.62f);           // → h_t
    StateLabel(c, 0.055f, 0.15f, "cₜ₋₁", c_prev, cell, "c");
    StateLabel(c, 0.945f, 0.15f, "cₜ", c_new, cell, "c");
    StateLabel(c, 0.055f, 0.90f, "hₜ₋₁", h_prev, cell, "h");
    StateLabel(c, 0.945f, 0.62f, "hₜ", h_new, cell, "h");
    Node(c, 0.22f, 0.15f, "×");
    Node(c, 0.46f, 0.15f, "+");
    Node(c, 0.46f, 0.38f, "×");
    Node(c, 0.78f, 0.62f, "×");
    GateBox(c, 0.22f, 0.62f, "σ", "f", f, false, cell, "f");
    GateBox(c, 0.38f, 0.62f, "σ", "i", i, false, cell, "i");
    GateBox(c, 0.54f, 0.62f, "tanh", "g", g, true, cell, "g");
    GateBox(c, 0.66f, 0.62f, "σ", "o", o, false, cell, "o");
    GateBox(c, 0.78f, 0.36f, "", "tanh", std::tanh(c_new), true, cell, "h");
  } else if (cell == CellKind::gru) {
    const float r = lv.gates[0].at(u, col), z = lv.gates[1].at(u, col), n = lv.gates[2].at(u, col);
    Wire(c, 0.11f, 0.15f, 0.89f, 0.15f, colors::forward);   // h_{t−1} carried over, scaled by z
    Wire(c, 0.11f, 0.90f, 0.62f, 0.90f);
    Wire(c, 0.11f, 0.15f, 0.11f, 0.90f);
    for (float x : {0.24f, 0.42f, 0.62f}) Wire(c, x, 0.90f, x, 0.62f);
    Wire(c, 0.24f, 0.62f, 0.62f, 0.62f);  // r → n (scales W_hn h + b_hn)
    Wire(c, 0.42f, 0.62f, 0.42f, 0.15f);  // z → ⊗ on the carried state
    Wire(c, 0.42f, 0.40f, 0.76f, 0.40f);  // 1 − z
    Wire(c, 0.62f, 0.62f, 0.76f, 0.62f);
    Wire(c, 0.76f, 0.62f, 0.76f, 0.40f);
    Wire(c, 0.76f, 0.40f, 0.76f, 0.15f);
    StateLabel(c, 0.055f, 0.15f, "hₜ₋₁", h_prev, cell, "h");
    StateLabel(c, 0.945f, 0.15f, "hₜ", h_new, cell, "h");
    Node(c, 0.42f, 0.15f, "×");
    Node(c, 0.76f, 0.15f, "+");
    Node(c, 0.57f, 0.40f, "1−");
    Node(c, 0.76f, 0.40f, "×");
    GateBox(c, 0.24f, 0.62f, "σ", "r", r, false, cell, "r");
    GateBox(c, 0.42f, 0.62f, "σ", "z", z, false, cell, "z");
    GateBox(c, 0.62f, 0.62f, "tanh", "n", n, true, cell, "n");
  } else {
    Wire(c, 0.11f, 0.45f, 0.89f, 0.45f, colors::forward);
    Wire(c, 0.50f, 0.76f, 0.50f, 0.45f);
    StateLabel(c, 0.055f, 0.45f, "hₜ₋₁", h_prev, cell, "h");
    StateLabel(c, 0.945f, 0.45f, "hₜ", h_new, cell, "h");
    StateLabel(c, 0.50f, 0.88f, "xₜ", sc.input.at(0, col), cell, "x");
    GateBox(c, 0.50f, 0.45f, sc.config.nonlinearity == Nonlinearity::relu ? "relu" : "tanh", "", h_new, true, cell, "h");
  }
}

// One equation line in the mono font, with a tooltip for the gate it computes. In a narrow tile (a
// lesson's column beside it, a large --scale) it breaks before a " + " or " = " and goes on under its
// first "=", rather than losing its end at the tile's edge.
void Equation(CellKind cell, const char* key, const char* fmt, ...) IM_FMTARGS(3);
void Equation(CellKind cell, const char* key, const char* fmt, ...) {
  char text[256];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(text, sizeof text, fmt, args);
  va_end(args);
  const float avail = ImGui::GetContentRegionAvail().x;
  auto width = [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; };
  std::string rest = text, indent;
  ImGui::BeginGroup();
  while (width(indent + rest) > avail) {
    std::size_t cut = std::string::npos;
    for (std::size_t i = 1; i + 3 <= rest.size(); ++i)
      if ((rest.compare(i, 3, " + ") == 0 || rest.compare(i, 3, " = ") == 0) && width(indent + rest.substr(0, i)) <= avail)
        cut = i;
    if (cut == std::string::npos) break;  // no break fits: the tile clips it
    ImGui::TextUnformatted((indent + rest.substr(0, cut)).c_str());
    if (indent.empty()) {  // continuation lines start under the first "=" (columns: the font is mono)
      const std::size_t eq = std::string(text).find(" = ");
      std::size_t columns = 0;
      for (std::size_t b = 0; b < std::min(eq, rest.size()); ++b) columns += (static_cast<unsigned char>(text[b]) & 0xC0) != 0x80;
      indent.assign(eq == std::string::npos ? 2 : columns + 1, ' ');
    }
    rest = rest.substr(cut + 1);
  }
  ImGui::TextUnformatted((indent + rest).c_str());
  ImGui::EndGroup();
  ExplainTooltip(cell, key);
}

// A greyed note in parts: each on the line before it when it fits, else on its own line (a narrow tile).
void NoteParts(std::initializer_list<const char*> parts) {
  bool first = true;
  for (const char* p : parts) {
    if (!first && ImGui::CalcTextSize(p).x + ImGui::CalcTextSize(" ").x <= RemainingOnLine()) ImGui::SameLine();
    ImGui::TextDisabled("%s", p);
    first = false;
  }
}

// Bars of one row of values across units; click selects a unit.
void UnitBars(const char* label, const float* values, int H, int stride, float lo, float hi, bool diverging, UiState& ui,
              CellKind cell, const char* key) {
  const float fs = ImGui::GetFontSize();
  const float label_w = fs * 2.6f;
  const float w = ImGui::GetContentRegionAvail().x - label_w;
  const float h = fs * 1.15f;
  ImGui::TextUnformatted(label);
  ExplainTooltip(cell, key);
  ImGui::SameLine(label_w);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::PushID(label);
  ImGui::InvisibleButton("##bars", ImVec2(std::max(w, 10.0f), h));
  ImGui::PopID();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float bw = w / H;
  const float zero_y = lo < 0 ? p.y + h * 0.5f : p.y + h;
  dl->AddLine(ImVec2(p.x, zero_y), ImVec2(p.x + w, zero_y), IM_COL32(90, 95, 110, 255));
  for (int j = 0; j < H; ++j) {
    const float v = values[static_cast<std::size_t>(j) * stride];
    const float x0 = p.x + j * bw + (bw > 4 ? 1 : 0), x1 = p.x + (j + 1) * bw - (bw > 4 ? 1 : 0);
    const float frac = std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f);
    const float vy = p.y + h * (1 - frac);
    const ImU32 col = diverging ? DivergingColor(v, std::max(std::abs(lo), std::abs(hi))) : ViridisColor(v, lo, hi);
    dl->AddRectFilled(ImVec2(x0, std::min(vy, zero_y)), ImVec2(x1, std::max(vy, zero_y) + 1), col);
    if (j == ui.step.unit) dl->AddRect(ImVec2(x0 - 1, p.y), ImVec2(x1 + 1, p.y + h), colors::selected, 0, 0, 2.0f);
  }
  if (ImGui::IsItemHovered()) {
    const int j = std::clamp(static_cast<int>((ImGui::GetIO().MousePos.x - p.x) / bw), 0, H - 1);
    ImGui::SetTooltip("%s of unit %d = %.4f\nclick to plug this unit into the equations", label, j,
                      values[static_cast<std::size_t>(j) * stride]);
    if (ImGui::IsItemClicked()) ui.step.unit = j;
  }
}

}  // namespace

void CellInspectorPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const Scene& sc = *snap.scene;
  const CellKind cell = sc.config.cell;
  const int L = sc.config.num_layers, H = sc.config.hidden_size;
  ui.step.layer = std::clamp(ui.step.layer, 0, L - 1);
  ui.step.unit = std::clamp(ui.step.unit, 0, H - 1);
  const int t = inspected_t(snap, ui);
  const bool bi = !sc.reverse.empty();
  if (!bi) ui.step.direction = 0;
  const bool rev = ui.step.direction == 1;
  const LayerView& lv = rev ? sc.reverse[ui.step.layer] : sc.layers[ui.step.layer];
  const int T = sc.steps;
  const int t_in = rev ? T + 1 - t : t;  // the input step this cell reads (the ← chain's step t reads x_{T+1−t})
  const float fs = ImGui::GetFontSize();
  const int col = t - 1;
  const bool computed = snap.pass == Pass::backward || t <= snap.t;

  // Header: which cell, which unit.
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Step t = %d", t);
  ImGui::SameLine();
  if (ui.step.selected_t >= 1) {
    ImGui::TextDisabled("(clicked)");
    ImGui::SameLine();
    if (ImGui::SmallButton("follow cursor")) ui.step.selected_t = -1;
  } else {
    ImGui::TextDisabled("(follows the cursor)");
  }
  if (L > 1) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fs * 6);
    int layer = ui.step.layer + 1;
    if (ImGui::SliderInt("##layer", &layer, 1, L, "layer %d")) ui.step.layer = layer - 1;
  }
  if (bi) {
    ImGui::SameLine();
    if (ImGui::RadioButton("→", !rev)) ui.step.direction = 0;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The → chain (reads x₁ … x_T)");
    ImGui::SameLine();
    if (ImGui::RadioButton("←", rev)) ui.step.direction = 1;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The ← chain (reads x_T … x₁): its step t reads x_(T+1−t)");
  }
  if (RemainingOnLine() > fs * 7) ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(fs * 6, ImGui::GetContentRegionAvail().x));
  int unit = ui.step.unit;
  if (ImGui::SliderInt("##unit", &unit, 0, H - 1, "unit %d")) ui.step.unit = unit;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The unit whose numbers are plugged into the equations (↑/↓)");
  if (!computed) {  // no spoilers: the numbers appear when the forward pass gets there
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1, 0.8f, 0.4f, 1), "Step %d has not run yet.", t);
    if (snap.t == 0)
      ImGui::TextWrapped("Nothing has run yet: the network starts from h₀ = 0%s. Press → to run step 1, or Space "
                         "to play. This panel then draws the cell's gates, coloured by their values, and its "
                         "equations with the real numbers of one unit plugged in.",
                         cell == CellKind::lstm ? " and c₀ = 0" : "");
    else
      ImGui::TextWrapped("The forward pass is at t = %d. Press → to run it further, or click a cell that has run.", snap.t);
    ImGui::PopTextWrapPos();
    return;
  }

  const float avail_h = ImGui::GetContentRegionAvail().y;
  // A third of the tile, 7.5–12 lines; in a short tile (the presentation layout) no taller than what is
  // left in view, so the whole cell is on screen and the equations scroll under it.
  const float diagram_h = std::min(std::clamp(avail_h * 0.33f, fs * 7.5f, fs * 12.0f), std::max(avail_h - ImGui::GetStyle().WindowPadding.y - ImGui::GetStyle().ItemSpacing.y, fs * 4.5f));
  Diagram(sc, lv, t, ui.step.unit, ImVec2(ImGui::GetContentRegionAvail().x, diagram_h));

  // A token model's input: the embedding row looked up for the token read.
  if (sc.tokens && ui.step.layer == 0) {
    const TokenScene& tk = *sc.tokens;
    const int id = tk.ids[static_cast<std::size_t>(t_in - 1)];
    std::string row;
    char num[24];
    for (int e = 0; e < sc.input.rows; ++e) {
      std::snprintf(num, sizeof num, "%s%+.2f", e ? " " : "", sc.input.at(e, t_in - 1));
      row += num;
    }
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%sxₜ = embed.weight[%d], the row of '%s' (x_%d):", rev ? "← step: " : "", id,
                        token_label(tk.vocab[static_cast<std::size_t>(id)]).c_str(), t_in);
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("[%s]", row.c_str());
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
  } else if (rev) {
    ImGui::TextDisabled("← chain, its step %d: reads x_%d; its previous state is h←_%d", t, t_in, t_in + 1);
  }

  // Equations with numbers.
  const int u = ui.step.unit;
  auto pre = [&](int g) { return lv.preacts[g].at(u, col); };
  auto act = [&](int g) { return lv.gates[g].at(u, col); };
  ImGui::PushFont(mono_font());
  if (cell == CellKind::lstm) {
    const float c_prev = lv.c.at(u, t - 1), c_new = lv.c.at(u, t);
    NoteParts({"a = W_ih·xₜ + W_hh·hₜ₋₁ + b,", "per gate"});
    Equation(cell, "i", "i   = σ(%+.3f)    = %.3f", pre(0), act(0));
    Equation(cell, "f", "f   = σ(%+.3f)    = %.3f", pre(1), act(1));
    Equation(cell, "g", "g   = tanh(%+.3f) = %+.3f", pre(2), act(2));
    Equation(cell, "o", "o   = σ(%+.3f)    = %.3f", pre(3), act(3));
    Equation(cell, "c", "cₜ  = f·cₜ₋₁ + i·g");
    Equation(cell, "c", "    = %.3f·(%+.3f) + %.3f·(%+.3f) = %+.3f", act(1), c_prev, act(0), act(2), c_new);
    Equation(cell, "h", "hₜ  = o·tanh(cₜ) = %.3f·tanh(%+.3f) = %+.3f", act(3), c_new, lv.h.at(u, t));
  } else if (cell == CellKind::gru) {
    NoteParts({"u = W_ih·xₜ + b_ih,", "v = W_hh·hₜ₋₁ + b_hh"});
    Equation(cell, "r", "r   = σ(u_r + v_r)      = σ(%+.3f)    = %.3f", pre(0), act(0));
    Equation(cell, "z", "z   = σ(u_z + v_z)      = σ(%+.3f)    = %.3f", pre(1), act(1));
    Equation(cell, "n", "n   = tanh(u_n + r·v_n) = tanh(%+.3f) = %+.3f", pre(2), act(2));
    Equation(cell, "h", "hₜ  = (1−z)·n + z·hₜ₋₁");
    Equation(cell, "h", "    = %.3f·(%+.3f) + %.3f·(%+.3f) = %+.3f", 1 - act(1), act(2), act(1), lv.h.at(u, t - 1),
             lv.h.at(u, t));
  } else {
    const bool relu = sc.config.nonlinearity == Nonlinearity::relu;
    Equation(cell, "h", "hₜ = %s(W_ih·xₜ + b_ih + W_hh·hₜ₋₁ + b_hh)", relu ? "relu" : "tanh");
    Equation(cell, "h", "    = %s(%+.3f) = %+.3f", relu ? "relu" : "tanh", pre(0), lv.h.at(u, t));
  }
  if (snap.pass == Pass::backward) {
    const bool reached = t >= snap.t;
    const float total = lv.grad_h.at(u, col), local = lv.grad_h_local.at(u, col);
    if (reached) {
      Equation(cell, "dh", "dL/dhₜ = (%s) + (from t+1)", ui.step.layer == L - 1 ? "from yₜ" : "from above");
      const float rest = total - local;  // "a − 0.2", not "a + -0.2" (nor "+ +0")
      Equation(cell, "dh", "       = %+.3g %s %.3g = %+.3g", local, std::signbit(rest) ? "−" : "+", std::abs(rest), total);
      if (cell == CellKind::lstm) Equation(cell, "dc", "dL/dcₜ = %+.3g", lv.grad_c.at(u, col));
    } else {
      ImGui::TextDisabled("dL/dhₜ: not reached yet (the backward pass is at t = %d)", snap.t);
    }
  }
  ImGui::PopFont();

  // Every gate across units.
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("All %d units at t = %d (click a bar to choose the unit)", H, t);  // wraps in a narrow tile
  ImGui::PopStyleColor();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, fs * 0.2f));
  const int G = static_cast<int>(lv.gates.size());
  if (cell != CellKind::rnn) {
    for (int g = 0; g < G; ++g) {
      const bool tg = IsTanhGate(cell, g);
      UnitBars(sc.gate_names[g].c_str(), &lv.gates[g].v[static_cast<std::size_t>(col)], H, lv.gates[g].cols,
               tg ? -1.0f : 0.0f, 1.0f, false, ui, cell, sc.gate_names[g].c_str());
    }
  }
  if (cell == CellKind::lstm)
    UnitBars("c", &lv.c.v[static_cast<std::size_t>(t)], H, lv.c.cols, -sc.c_absmax, sc.c_absmax, true, ui, cell, "c");
  UnitBars("h", &lv.h.v[static_cast<std::size_t>(t)], H, lv.h.cols, -sc.h_absmax, sc.h_absmax, true, ui, cell, "h");
  if (snap.pass == Pass::backward && t >= snap.t) {
    float gmax = 1e-12f;
    for (int j = 0; j < H; ++j) gmax = std::max(gmax, std::abs(lv.grad_h.at(j, col)));
    UnitBars("dh", &lv.grad_h.v[static_cast<std::size_t>(col)], H, lv.grad_h.cols, -gmax, gmax, true, ui, cell, "dh");
  }
  ImGui::PopStyleVar();
}

}  // namespace unrolled::app
