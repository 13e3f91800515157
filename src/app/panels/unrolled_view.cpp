// The unrolled network: one column per step, h₀ → h₁ → … → h_T, with x_t below and y_t above each
// cell, a lane for the LSTM's cell state c_t (the highway) above each layer, and arrows whose width
// and colour encode ‖h_t‖ (forward pass) or ‖dL/dh_t‖ (backward pass, log scale, since gradients
// shrink by orders of magnitude). Scroll with the wheel, zoom with Ctrl+wheel, click a cell to
// inspect it.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/session/token_scene.hpp"

#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"

namespace unrolled::app {

namespace {

void Arrow(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width) {
  const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  const float ux = dx / len, uy = dy / len;
  const float head = std::max(width * 2.2f, ImGui::GetFontSize() * 0.45f);
  const ImVec2 base(b.x - ux * head, b.y - uy * head);
  dl->AddLine(a, base, col, width);
  dl->AddTriangleFilled(b, ImVec2(base.x - uy * head * 0.55f, base.y + ux * head * 0.55f),
                        ImVec2(base.x + uy * head * 0.55f, base.y - ux * head * 0.55f), col);
}

float MaxOf(const std::vector<float>& v) {
  float m = 0;
  for (float x : v) m = std::max(m, x);
  return m > 0 ? m : 1.0f;
}

// 0…1 strength of a norm: linear for states, log over three decades for gradients.
float Strength(float v, float max, bool log_scale) {
  if (!(v > 0) || !(max > 0)) return 0.0f;
  if (!log_scale) return std::clamp(v / max, 0.0f, 1.0f);
  return std::clamp(1.0f + std::log10(v / max) / 3.0f, 0.0f, 1.0f);
}

// Rows, in units of u: y, then per layer (c lane,) cell and gap — a bidirectional layer has two chains,
// → above ←, with a small gap between them — then x with its step label. A token model's y row holds
// softmax bars, its x row the token read.
constexpr float y_units = 1.0f, y_units_tokens = 2.5f, lane_units_lstm = 0.6f, cell_units = 1.35f, gap_units = 0.5f,
                chain_gap_units = 0.3f, x_units = 1.45f;

// One chain of cells: a layer's → direction, or its ← one (its cells in its own order r, drawn at
// column T + 1 − r, its h₀ at the right end).
struct Chain {
  const LayerView* lv;
  int k;
  bool rev;
  float lane_y, y0, y1;
};

// A token's text cut to fit `width` (with "…"), whole code points only.
std::string FitText(const std::string& text, float width) {
  if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  std::string cut = text;
  while (!cut.empty()) {
    do cut.pop_back();
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80);
    if (!cut.empty()) cut.pop_back();  // the lead byte of the code point just emptied, or a whole ASCII one
    if (ImGui::CalcTextSize((cut + "…").c_str()).x <= width) return cut + "…";
  }
  return "…";
}

// Softmax bars in a box: the `rows` most likely of probs column t (or `column` given), the target's
// bar green. Names from `names`.
void SoftmaxBars(ImDrawList* dl, ImVec2 p0, ImVec2 p1, const std::vector<float>& column, const std::vector<std::string>& names,
                 int target, bool on, int rows) {
  std::vector<int> order(column.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return column[static_cast<std::size_t>(a)] > column[static_cast<std::size_t>(b)]; });
  rows = std::min<int>(rows, static_cast<int>(order.size()));
  const float fs = ImGui::GetFontSize();
  const float pad = fs * 0.15f, row_h = (p1.y - p0.y - 2 * pad) / std::max(rows, 1);
  float label_w = 0;  // the longest name shown, up to half the box
  for (int i = 0; i < rows; ++i)
    label_w = std::max(label_w, ImGui::CalcTextSize(token_label(names[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])]).c_str()).x);
  label_w = std::min(label_w + 2 * pad, (p1.x - p0.x) * 0.5f);
  for (int i = 0; i < rows; ++i) {
    const int id = order[static_cast<std::size_t>(i)];
    const float p = column[static_cast<std::size_t>(id)];
    const float y0 = p0.y + pad + i * row_h, y1 = y0 + row_h;
    const std::string label = FitText(token_label(names[static_cast<std::size_t>(id)]), label_w - pad);
    dl->AddText(ImVec2(p0.x + pad, (y0 + y1 - fs) * 0.5f), on ? ImGui::GetColorU32(ImGuiCol_Text) : colors::dim, label.c_str());
    const float bx0 = p0.x + label_w, bx1 = bx0 + (p1.x - pad - bx0) * std::clamp(p, 0.0f, 1.0f);
    const ImU32 col = !on ? colors::dim : id == target ? colors::selected : colors::forward;
    dl->AddRectFilled(ImVec2(bx0, y0 + row_h * 0.2f), ImVec2(std::max(bx1, bx0 + 1), y1 - row_h * 0.2f), col);
  }
}

std::vector<float> Column(const Grid& g, int c) {
  std::vector<float> v(static_cast<std::size_t>(g.rows));
  for (int r = 0; r < g.rows; ++r) v[static_cast<std::size_t>(r)] = g.at(r, c);
  return v;
}

}  // namespace

float unrolled_rows(const Scene& sc) {
  const float lane = sc.config.cell == CellKind::lstm ? lane_units_lstm : 0.0f;
  const float per_layer = sc.reverse.empty() ? lane + cell_units + gap_units : 2 * (lane + cell_units) + chain_gap_units + gap_units;
  return (sc.tokens ? y_units_tokens : y_units) + sc.config.num_layers * per_layer + x_units;
}

void UnrolledViewPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const Scene& sc = *snap.scene;
  const int T = sc.steps, L = sc.config.num_layers;
  const CellKind cell = sc.config.cell;
  const bool lstm = cell == CellKind::lstm;
  const bool bi = !sc.reverse.empty();
  const TokenScene* tok = sc.tokens.get();
  const bool head_at_end = tok && tok->classify && bi;  // the head reads [h→_T ; h←_1] once, at the right
  const bool fwd = snap.pass == Pass::forward;
  const float fs = ImGui::GetFontSize();
  const float px = fs / 15.0f;  // line widths grow with the UI scale
  const ImGuiIO& io = ImGui::GetIO();

  // Header: what the arrows mean (shorter when the panel is narrow), zoom at the right (only its
  // number when even the short text leaves it too little room: a projector).
  const float avail = ImGui::GetContentRegionAvail().x;
  const char* what = fwd ? (bi ? "Forward pass: → reads left to right, ← right to left; arrow width = ‖hₜ‖"
                           : lstm ? "Forward pass: h flows left to right; arrow width = ‖hₜ‖, gold lane = cell state cₜ"
                                  : "Forward pass: h flows left to right; arrow width = ‖hₜ‖")
                         : (bi ? "Backward pass: dL/dh flows back along both chains; arrow width = ‖dL/dhₜ‖ (log)"
                           : lstm ? "Backward pass: dL/dhₜ flows right to left; arrow width = ‖dL/dhₜ‖ (log), gold lane = dL/dcₜ"
                                  : "Backward pass: dL/dhₜ flows right to left; arrow width = ‖dL/dhₜ‖ (log)");
  float zoom_w = fs * 9.5f;
  const char* zoom_format = "zoom %.1f×";
  if (ImGui::CalcTextSize(what).x > avail - zoom_w - fs) what = fwd ? "Forward: width = ‖hₜ‖" : "Backward: width = ‖dL/dhₜ‖";
  if (ImGui::CalcTextSize(what).x > avail - zoom_w - fs) {
    zoom_w = fs * 4.5f;
    zoom_format = "%.1f×";
  }
  if (ImGui::CalcTextSize(what).x > avail - zoom_w - fs) what = fwd ? "width = ‖hₜ‖" : "width = ‖dL/dhₜ‖";
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(fwd ? ImVec4(0.55f, 0.75f, 1.0f, 1) : ImVec4(1.0f, 0.55f, 0.45f, 1), "%s", what);
  ImGui::SameLine(std::max(ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + fs, ImGui::GetWindowContentRegionMax().x - zoom_w));
  ImGui::SetNextItemWidth(zoom_w);
  ImGui::SliderFloat("##zoom", &ui.step.zoom, 0.4f, 3.0f, zoom_format, ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Zoom (Ctrl+wheel over the cells)");

  const float pitch = std::round(fs * 4.8f * ui.step.zoom);
  const float margin = fs * 2.2f;
  const int columns = bi ? T + 2 : T + 1;  // h₀ (and the ← chain's h₀ at the right end)
  ImGui::SetNextWindowContentSize(ImVec2(margin * 2 + columns * pitch, 0));
  ImGui::BeginChild("##unrolled_canvas", ImVec2(0, 0), false,
                    ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float view_w = ImGui::GetWindowWidth();
  const float avail_h = ImGui::GetContentRegionAvail().y;
  const float scroll = ImGui::GetScrollX();

  // Wheel: scroll sideways; Ctrl+wheel: zoom around the mouse.
  if (ImGui::IsWindowHovered() && io.MouseWheel != 0) {
    if (io.KeyCtrl) {
      const float old = ui.step.zoom;
      ui.step.zoom = std::clamp(ui.step.zoom * std::pow(1.15f, io.MouseWheel), 0.4f, 3.0f);
      const float mouse_content = io.MousePos.x - origin.x;  // content x under the mouse
      ImGui::SetScrollX(std::max(0.0f, scroll + mouse_content * (ui.step.zoom / old - 1)));
    } else {
      ImGui::SetScrollX(std::max(0.0f, scroll - io.MouseWheel * pitch));
    }
  }
  // Keep the current cell in view when the cursor moves.
  if (snap.t != ui.step.last_scrolled_t) {
    const float cx = margin + (snap.t + 0.5f) * pitch;
    if (cx - scroll < pitch || cx - scroll > view_w - pitch) ImGui::SetScrollX(std::max(0.0f, cx - view_w * 0.5f));
    ui.step.last_scrolled_t = snap.t;
  }

  // Vertical rows: y on top, then each layer from the top one down (c lane above its cells; → chain
  // above ←), x at the bottom.
  const float lane_units = lstm ? lane_units_lstm : 0.0f;
  const float y_row_units = tok ? y_units_tokens : y_units;
  const float total_units = unrolled_rows(sc);
  const float usable_h = avail_h - ImGui::GetStyle().ScrollbarSize;
  const float u = std::clamp(usable_h / total_units, fs * 0.75f, fs * 3.0f);
  const float top = origin.y + std::max(0.0f, (usable_h - u * total_units) * 0.5f);
  const float y_row = top + 0.5f * y_row_units * u;
  std::vector<Chain> chains;  // top to bottom
  float y = top + (y_row_units + gap_units) * u;
  for (int k = L - 1; k >= 0; --k) {
    for (int d = 0; d < (bi ? 2 : 1); ++d) {
      Chain ch{d == 0 ? &sc.layers[k] : &sc.reverse[k], k, d == 1, 0, 0, 0};
      ch.lane_y = y + lane_units * 0.5f * u;
      y += lane_units * u;
      ch.y0 = y;
      ch.y1 = y + cell_units * u;
      y += (cell_units + (d == 0 && bi ? chain_gap_units : gap_units)) * u;
      chains.push_back(ch);
    }
  }
  const Chain& top_chain = chains.front();
  // The chain of layer k, direction rev.
  auto chain_of = [&](int k, bool rev) -> const Chain& {
    for (const Chain& c : chains)
      if (c.k == k && c.rev == rev) return c;
    return chains.front();
  };
  const float x_row = y + 0.4f * u;
  auto col_x = [&](int s) { return origin.x + margin + (s + 0.5f) * pitch; };
  const float cell_w = std::min(pitch * 0.64f, fs * 7.0f), half_w = cell_w * 0.5f;
  const float gutter = std::min((pitch - cell_w) * 0.3f, fs * 0.6f);  // side paths between the columns
  // h₀'s circle stays within its row (a short tile at a large scale squeezes the rows), so the c₀
  // label above it is not covered.
  const float h0_r = std::clamp(cell_units * u * 0.5f, fs * 0.7f, fs * 0.9f);

  const int first = std::max(0, static_cast<int>((scroll - margin) / pitch) - 1);
  const int last = std::min(columns - 1, static_cast<int>((scroll + view_w - margin) / pitch) + 1);
  const bool inspect_rev = bi && ui.step.direction == 1;
  const int inspected = inspected_t(snap, ui);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 text_dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 cell_bg = IM_COL32(38, 42, 52, 255);
  const ImU32 arrow_rest = IM_COL32(95, 100, 115, 160);
  const ImU32 wire_on = IM_COL32(150, 160, 180, 200);
  int hovered_s = -1, hovered_k = -1, hovered_r = -1;
  bool hovered_rev = false;
  const char* hovered_what = nullptr;
  const ImVec2 mouse = io.MousePos;
  const bool canvas_hovered = ImGui::IsWindowHovered();
  auto visible = [&](int s) { return s >= first && s <= last; };

  for (const Chain& ch : chains) {
    const LayerView& lv = *ch.lv;
    const int k = ch.k;
    const float dir = ch.rev ? -1.0f : 1.0f;
    auto pos = [&](int r) { return ch.rev ? T + 1 - r : r; };  // column of the state after r steps
    const float h_max = MaxOf(lv.h_norm), g_max = MaxOf(lv.grad_norm);
    const float mid = (ch.y0 + ch.y1) * 0.5f;
    // Recurrent arrows h_{r−1} → h_r.
    for (int r = 1; r <= T; ++r) {
      if (!visible(pos(r)) && !visible(pos(r - 1))) continue;
      const ImVec2 a(col_x(pos(r - 1)) + dir * (r - 1 == 0 ? h0_r : half_w), mid), b(col_x(pos(r)) - dir * half_w, mid);
      if (fwd) {
        if (r <= snap.t) {
          const float st = Strength(lv.h_norm[r], h_max, false);
          Arrow(dl, a, b, LerpColor(IM_COL32(50, 80, 120, 255), colors::forward, 0.25f + 0.75f * st), (1.0f + 6.0f * st) * px);
        } else {
          Arrow(dl, a, b, colors::dim, 1.0f * px);
        }
      } else {
        Arrow(dl, a, b, arrow_rest, 1.0f * px);
        // dL/dh_{r−1} arrives from step r: drawn once step r−1 is reached.
        if (r - 1 >= snap.t && r - 1 >= 1) {
          const float st = Strength(lv.grad_norm[r - 2], g_max, true);
          const ImVec2 ga(b.x, mid + fs * 0.45f), gb(a.x, mid + fs * 0.45f);
          Arrow(dl, ga, gb, LerpColor(IM_COL32(110, 45, 40, 255), colors::gradient, 0.25f + 0.75f * st), (1.0f + 6.0f * st) * px);
        }
      }
    }
    // The highway: c_{r−1} → c_r.
    if (lstm) {
      const float cmax = MaxOf(lv.c_norm), gcmax = MaxOf(lv.grad_c_norm);
      for (int r = 1; r <= T; ++r) {
        if (!visible(pos(r)) && !visible(pos(r - 1))) continue;
        const ImVec2 a(col_x(pos(r - 1)) + dir * (r == 1 ? h0_r : 0.0f), ch.lane_y), b(col_x(pos(r)), ch.lane_y);
        if (fwd) {
          if (r <= snap.t) {
            const float st = Strength(lv.c_norm[r], cmax, false);
            Arrow(dl, a, b, LerpColor(IM_COL32(110, 85, 30, 255), colors::highway, 0.25f + 0.75f * st), (1.0f + 6.0f * st) * px);
          } else {
            Arrow(dl, a, b, colors::dim, 1.0f * px);
          }
        } else if (r - 1 >= snap.t && r - 1 >= 1) {
          const float st = Strength(lv.grad_c_norm[r - 2], gcmax, true);
          Arrow(dl, b, a, LerpColor(IM_COL32(110, 85, 30, 255), colors::highway, 0.25f + 0.75f * st), (1.0f + 6.0f * st) * px);
        } else {
          dl->AddLine(a, b, IM_COL32(110, 85, 30, 160), 1.0f * px);
        }
        // c enters and leaves the cell.
        if (visible(pos(r))) {
          const bool on = fwd ? r <= snap.t : true;
          dl->AddLine(ImVec2(col_x(pos(r)), ch.lane_y), ImVec2(col_x(pos(r)), ch.y0), on ? IM_COL32(150, 120, 50, 200) : colors::dim, 1.0f * px);
        }
      }
    }
    // Vertical arrows: from the input (or the layer below) into the cell. A bidirectional layer's →
    // chain sits above its ← chain, so the input reaches it along the left gutter.
    for (int r = 1; r <= T; ++r) {
      const int s = pos(r);
      if (!visible(s)) continue;
      const bool on = fwd ? r <= snap.t : true;
      const ImU32 col = on ? wire_on : colors::dim;
      const float from = k == 0 ? x_row - std::min(u * 0.4f, pitch * 0.3f) : chain_of(k - 1, false).y0;
      if (!bi || ch.rev) {
        Arrow(dl, ImVec2(col_x(s), from), ImVec2(col_x(s), ch.y1), col, 1.2f * px);
      } else {
        const float gx = col_x(s) - half_w - gutter;
        dl->AddLine(ImVec2(col_x(s) - (k == 0 ? fs * 0.3f : half_w), from), ImVec2(gx, from - fs * 0.3f), col, 1.2f * px);
        dl->AddLine(ImVec2(gx, from - fs * 0.3f), ImVec2(gx, ch.y1 + fs * 0.3f), col, 1.2f * px);
        Arrow(dl, ImVec2(gx, ch.y1 + fs * 0.3f), ImVec2(col_x(s) - half_w * 0.5f, ch.y1), col, 1.2f * px);
      }
      // The ← chain's output joins the → one's on the right gutter: [h→ₜ ; h←ₜ] goes up.
      if (bi && ch.rev && (k < L - 1 || !head_at_end)) {
        const float to = k < L - 1 ? chain_of(k + 1, true).y1 : y_row + (tok ? y_row_units : y_units) * u * 0.39f;
        const float gx = col_x(s) + half_w + gutter;
        const bool out_on = fwd ? (r <= snap.t && T + 1 - r <= snap.t) : true;  // both directions have reached t
        const ImU32 oc = out_on ? IM_COL32(200, 150, 230, 200) : colors::dim;
        dl->AddLine(ImVec2(col_x(s) + half_w, ch.y0 + fs * 0.3f), ImVec2(gx, ch.y0 + fs * 0.3f), oc, 1.2f * px);
        dl->AddLine(ImVec2(gx, ch.y0 + fs * 0.3f), ImVec2(gx, to + fs * 0.3f), oc, 1.2f * px);
        Arrow(dl, ImVec2(gx, to + fs * 0.3f), ImVec2(col_x(s) + half_w * 0.5f, to), oc, 1.2f * px);
      }
    }
    // Cells (r = 0: the zero start h₀).
    for (int r = 0; r <= T; ++r) {
      const int s = pos(r);
      if (!visible(s)) continue;
      const ImVec2 c(col_x(s), mid);
      if (r == 0) {
        dl->AddCircleFilled(c, h0_r, cell_bg, 24);
        dl->AddCircle(c, h0_r, IM_COL32(140, 145, 160, 255), 24, 1.0f * px);
        CenteredText(dl, c, text, "h₀");
        if (L > 1 || bi) {
          char layer[24];
          if (bi && L > 1) std::snprintf(layer, sizeof layer, "L%d %s", k + 1, ch.rev ? "←" : "→");
          else if (bi) std::snprintf(layer, sizeof layer, "%s", ch.rev ? "←" : "→");
          else std::snprintf(layer, sizeof layer, "L%d", k + 1);
          CenteredText(dl, ImVec2(c.x, c.y + fs * 1.45f), text_dim, layer);
        }
        if (lstm) CenteredText(dl, ImVec2(c.x, ch.lane_y), IM_COL32(240, 190, 70, 255), "c₀");  // over h₀'s edge
        continue;
      }
      const ImVec2 p0(c.x - half_w, ch.y0), p1(c.x + half_w, ch.y1);
      const bool computed = fwd ? r <= snap.t : true;
      const bool current = r == snap.t;
      dl->AddRectFilled(p0, p1, computed ? cell_bg : IM_COL32(30, 32, 38, 255), fs * 0.3f);
      // The state inside: H small squares coloured by h (diverging around 0).
      const int H = lv.h.rows;
      const int cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(H * (p1.x - p0.x) / std::max(1.0f, p1.y - p0.y)))));
      const int rows = (H + cols - 1) / cols;
      const float pad = fs * 0.25f;
      const float sq = std::min((p1.x - p0.x - 2 * pad) / cols, (p1.y - p0.y - 2 * pad - fs) / std::max(rows, 1));
      if (computed && sq >= 2.0f) {
        const float gx = c.x - sq * cols * 0.5f, gy = p0.y + pad;
        for (int j = 0; j < H; ++j) {
          const ImVec2 q(gx + (j % cols) * sq, gy + (j / cols) * sq);
          dl->AddRectFilled(q, ImVec2(q.x + sq - 1, q.y + sq - 1), DivergingColor(lv.h.at(j, r), sc.h_absmax));
        }
      }
      char name[24];
      std::snprintf(name, sizeof name, ch.rev ? "h←%d" : (bi ? "h→%d" : "h%d"), s);
      if (sq >= 2.0f) dl->AddText(ImVec2(c.x - ImGui::CalcTextSize(name).x * 0.5f, p1.y - fs - pad * 0.5f), computed ? text : text_dim, name);
      else CenteredText(dl, c, computed ? text : text_dim, name);
      ImU32 border = computed ? IM_COL32(120, 125, 140, 255) : colors::dim;
      float bw = 1.0f * px;
      if (r == inspected && k == ui.step.layer && ch.rev == inspect_rev) {
        border = colors::selected;
        bw = 2.0f * px;
      }
      if (current) {
        border = fwd ? colors::forward : colors::gradient;
        bw = 3.0f * px;
        dl->AddRect(ImVec2(p0.x - 3 * px, p0.y - 3 * px), ImVec2(p1.x + 3 * px, p1.y + 3 * px), IM_COL32(255, 255, 255, 90), fs * 0.4f, 0, 1.0f * px);
      }
      dl->AddRect(p0, p1, border, fs * 0.3f, 0, bw);
      if (canvas_hovered && mouse.x >= p0.x && mouse.x <= p1.x && mouse.y >= p0.y && mouse.y <= p1.y) {
        hovered_s = s;
        hovered_r = r;
        hovered_k = k;
        hovered_rev = ch.rev;
        hovered_what = "h";
      }
    }
  }

  // Output row y_t (top layer → head) and input row x_t.
  const LayerView& topv = sc.layers.back();
  const float y_box_h = u * y_row_units * 0.78f;
  const float out_from = top_chain.y0 - (lstm ? lane_units * u : 0.0f);
  for (int s = std::max(1, first); s <= std::min(last, T); ++s) {
    const float cx = col_x(s);
    // y_t needs h→_t and, bidirectional, h←_t (the ← chain reaches t at its step T + 1 − t).
    const bool computed = fwd ? (s <= snap.t && (!bi || T + 1 - s <= snap.t)) : true;
    char buf[32];
    if (!head_at_end) {
      Arrow(dl, ImVec2(cx, out_from), ImVec2(cx, y_row + y_box_h * 0.5f), computed ? wire_on : colors::dim, 1.2f * px);
      if (!fwd && s >= snap.t) {  // dL/dy_t flows down into the top cell
        float local = 0;
        for (int j = 0; j < topv.grad_h_local.rows; ++j) local += topv.grad_h_local.at(j, s - 1) * topv.grad_h_local.at(j, s - 1);
        const float r = Strength(std::sqrt(local), MaxOf(topv.grad_norm), true);
        Arrow(dl, ImVec2(cx + fs * 0.5f, y_row + y_box_h * 0.5f), ImVec2(cx + fs * 0.5f, out_from),
              LerpColor(IM_COL32(110, 45, 40, 255), colors::gradient, 0.25f + 0.75f * r), (1.0f + 4.0f * r) * px);
      }
      const float yw = tok ? std::max(half_w, pitch * 0.46f) : half_w;  // softmax bars want the room
      const ImVec2 yp0(cx - yw, y_row - y_box_h * 0.5f), yp1(cx + yw, y_row + y_box_h * 0.5f);
      // A classifier scores y_T only; the boxes before it say what it would answer if the text ended there.
      const bool scored = !tok || !tok->classify || s == T;
      dl->AddRectFilled(yp0, yp1, computed ? (scored ? IM_COL32(45, 60, 50, 255) : IM_COL32(40, 46, 48, 255)) : IM_COL32(30, 32, 38, 255), fs * 0.3f);
      dl->AddRect(yp0, yp1, computed ? (scored ? IM_COL32(110, 170, 120, 255) : IM_COL32(90, 110, 100, 255)) : colors::dim, fs * 0.3f, 0, 1.0f * px);
      if (tok) {
        if (computed) {
          const int target = tok->classify ? tok->targets[0] : tok->targets[static_cast<std::size_t>(s - 1)];
          SoftmaxBars(dl, yp0, yp1, Column(tok->probs, s - 1), tok->classes, target, true, 3);
        } else {
          std::snprintf(buf, sizeof buf, "y%d", s);
          CenteredText(dl, ImVec2(cx, y_row), text_dim, buf);
        }
      } else {
        if (computed) std::snprintf(buf, sizeof buf, "%.2f", sc.output.at(0, s - 1));
        else std::snprintf(buf, sizeof buf, "y%d", s);
        CenteredText(dl, ImVec2(cx, y_row), computed ? text : text_dim, buf);
      }
      if (canvas_hovered && mouse.x >= yp0.x && mouse.x <= yp1.x && mouse.y >= yp0.y && mouse.y <= yp1.y) {
        hovered_s = s;
        hovered_what = "y";
      }
    }
    // x_t: the token read (a token model) or the input's value.
    const float r = std::min(u * 0.4f, pitch * 0.3f);
    if (tok) {
      const std::string label = FitText(token_label(tok->vocab[static_cast<std::size_t>(tok->ids[static_cast<std::size_t>(s - 1)])]), cell_w - fs * 0.3f);
      const ImVec2 xp0(cx - half_w, x_row - r), xp1(cx + half_w, x_row + r);
      dl->AddRectFilled(xp0, xp1, IM_COL32(58, 62, 78, 255), fs * 0.3f);
      dl->AddRect(xp0, xp1, s == snap.t ? colors::forward : IM_COL32(130, 135, 150, 255), fs * 0.3f, 0, 1.0f * px);
      CenteredText(dl, ImVec2(cx, x_row), IM_COL32(250, 250, 250, 255), label.c_str());
    } else {
      const ImU32 xc = DivergingColor(sc.input.at(0, s - 1), sc.input_absmax);
      dl->AddCircleFilled(ImVec2(cx, x_row), r, xc, 0);  // 0: ImGui picks segments from the radius
      std::snprintf(buf, sizeof buf, "%.2f", sc.input.at(0, s - 1));
      if (ImGui::CalcTextSize(buf).x < r * 2.1f) CenteredText(dl, ImVec2(cx, x_row), TextOn(xc), buf);
    }
    std::snprintf(buf, sizeof buf, "t=%d", s);
    if (u >= fs * 1.0f) CenteredText(dl, ImVec2(cx, x_row + r + fs * 0.55f), s == snap.t ? text : text_dim, buf);
    if (canvas_hovered && std::abs(mouse.x - cx) <= (tok ? half_w : r) && std::abs(mouse.y - x_row) <= r) {
      hovered_s = s;
      hovered_what = "x";
    }
  }
  // A bidirectional classifier's head: [h→_T ; h←_1] joined once, at the right end.
  if (head_at_end) {
    const Chain& rc = chain_of(L - 1, true);
    const bool on = fwd ? snap.t >= T : true;
    const ImU32 jc = on ? IM_COL32(200, 150, 230, 220) : colors::dim;
    const float join_y = out_from - gap_units * u * 0.5f;
    const float hx = col_x(T + 1);
    const ImVec2 yp0(hx - pitch * 0.46f, y_row - y_box_h * 0.5f), yp1(hx + pitch * 0.46f, y_row + y_box_h * 0.5f);
    // h→_T up from the last → cell; h←_1 from the ← chain's last step (at t = 1) along the left gutter.
    dl->AddLine(ImVec2(col_x(T), top_chain.y0), ImVec2(col_x(T), join_y), jc, 2.0f * px);
    const float gx = col_x(1) - half_w - gutter;
    dl->AddLine(ImVec2(col_x(1) - half_w, (rc.y0 + rc.y1) * 0.5f - fs * 0.5f), ImVec2(gx, (rc.y0 + rc.y1) * 0.5f - fs * 0.5f), jc, 2.0f * px);
    dl->AddLine(ImVec2(gx, (rc.y0 + rc.y1) * 0.5f - fs * 0.5f), ImVec2(gx, join_y), jc, 2.0f * px);
    dl->AddLine(ImVec2(gx, join_y), ImVec2(hx, join_y), jc, 2.0f * px);
    Arrow(dl, ImVec2(hx, join_y), ImVec2(hx, yp1.y), jc, 2.0f * px);
    if (visible(T + 1) || visible(T)) {
      const char* join = "[h→_T ; h←_1]";
      const ImVec2 js = ImGui::CalcTextSize(join);
      if (js.x < pitch * 1.9f) dl->AddText(ImVec2(hx - half_w - js.x - fs * 0.3f, join_y - js.y - fs * 0.1f), jc, join);
    }
    dl->AddRectFilled(yp0, yp1, on ? IM_COL32(45, 60, 50, 255) : IM_COL32(30, 32, 38, 255), fs * 0.3f);
    dl->AddRect(yp0, yp1, on ? IM_COL32(110, 170, 120, 255) : colors::dim, fs * 0.3f, 0, 1.0f * px);
    if (on) SoftmaxBars(dl, yp0, yp1, tok->final_probs, tok->classes, tok->targets[0], true, 3);
    else CenteredText(dl, ImVec2(hx, y_row), text_dim, "head");
    if (canvas_hovered && mouse.x >= yp0.x && mouse.x <= yp1.x && mouse.y >= yp0.y && mouse.y <= yp1.y) {
      hovered_s = T;
      hovered_what = "head";
    }
  }
  if (first == 0) {
    CenteredText(dl, ImVec2(col_x(0), y_row), text_dim, tok && tok->classify ? "class" : "yₜ");
    CenteredText(dl, ImVec2(col_x(0), x_row), text_dim, "xₜ");
  }

  // Hover and click.
  if (hovered_s >= 1) {
    const int s = hovered_s;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(fs * 26);
    if (hovered_what[0] == 'h' && hovered_what[1] == 0) {
      const LayerView& lv = hovered_rev ? sc.reverse[hovered_k] : sc.layers[hovered_k];
      const int r = hovered_r;
      if (bi) ImGui::Text("step t = %d, layer %d, %s (its step %d of %d)", s, hovered_k + 1, hovered_rev ? "← reading right to left" : "→", r, T);
      else ImGui::Text("step t = %d, layer %d", s, hovered_k + 1);
      ImGui::Text("‖hₜ‖ = %.3f", lv.h_norm[r]);
      if (lstm) ImGui::Text("‖cₜ‖ = %.3f", lv.c_norm[r]);
      if (!fwd) ImGui::Text("‖dL/dhₜ‖ = %.3g", lv.grad_norm[r - 1]);
      ImGui::TextDisabled("%s", Explain(cell, "h"));
      ImGui::TextDisabled("Click to inspect this cell.");
    } else if (hovered_what[0] == 'h' && tok) {  // the bidirectional classifier's head
      ImGui::Text("head([h→_%d ; h←_1]): the last → state and the last ← state (it read x_1 last)", T);
      for (std::size_t c = 0; c < tok->classes.size(); ++c)
        ImGui::Text("p(%s) = %.3f%s", tok->classes[c].c_str(), tok->final_probs[c], static_cast<int>(c) == tok->targets[0] ? "  (target)" : "");
      ImGui::Text("cross-entropy %.4f", sc.loss);
    } else if (hovered_what[0] == 'y' && tok) {
      const int target = tok->classify ? tok->targets[0] : tok->targets[static_cast<std::size_t>(s - 1)];
      const std::vector<float> p = Column(tok->probs, s - 1);
      if (tok->classify) {
        ImGui::Text("after reading %d token%s:", s, s > 1 ? "s" : "");
        for (std::size_t c = 0; c < p.size(); ++c)
          ImGui::Text("p(%s) = %.3f%s", tok->classes[c].c_str(), p[c], static_cast<int>(c) == target ? "  (target)" : "");
        if (s < T) ImGui::TextDisabled("Only y_%d is scored: this is what the model would answer if the text ended here.", T);
        else ImGui::Text("cross-entropy %.4f", sc.loss);
      } else {
        ImGui::Text("y_%d: next-character guess; the next is '%s', p = %.3f", s, token_label(tok->classes[static_cast<std::size_t>(target)]).c_str(),
                    p[static_cast<std::size_t>(target)]);
        ImGui::Text("−log p = %.4f", tok->step_loss[static_cast<std::size_t>(s - 1)]);
      }
      ImGui::TextDisabled("Bars: softmax(yₜ), the three most likely; green = the target.");
    } else if (hovered_what[0] == 'y') {
      // A memory task's window has its target at t = T only (NaN before), and it is not x_{T+1}.
      const bool task = sc.steps > 1 && std::isnan(sc.target.at(0, 0));
      if (std::isnan(sc.target.at(0, s - 1)))
        ImGui::Text("y_%d = %.4f (no target: only y_%d is scored)", s, sc.output.at(0, s - 1), sc.steps);
      else if (task)
        ImGui::Text("y_%d = %.4f, target %.4f", s, sc.output.at(0, s - 1), sc.target.at(0, s - 1));
      else
        ImGui::Text("y_%d = %.4f, target x_%d = %.4f", s, sc.output.at(0, s - 1), s + 1, sc.target.at(0, s - 1));
      ImGui::Text("squared error %.4f", sc.step_loss[s - 1]);
      ImGui::TextDisabled("%s", Explain(cell, "y"));
    } else if (tok) {
      const int id = tok->ids[static_cast<std::size_t>(s - 1)];
      ImGui::Text("x_%d = '%s' (id %d): row %d of embed.weight, %d numbers", s, token_label(tok->vocab[static_cast<std::size_t>(id)]).c_str(), id, id,
                  sc.input.rows);
      ImGui::TextDisabled("The cell reads this row as its input; click the cell above to see it in the inspector.");
    } else {
      ImGui::Text("x_%d = %.4f", s, sc.input.at(0, s - 1));
      ImGui::TextDisabled("%s", Explain(cell, "x"));
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && hovered_k >= 0) {
      ui.step.selected_t = hovered_r;
      ui.step.layer = hovered_k;
      ui.step.direction = hovered_rev ? 1 : 0;
    } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && !(bi && hovered_what[0] == 'x')) {
      ui.step.selected_t = s;
      ui.step.direction = 0;
    }
  }
  ImGui::EndChild();
}

}  // namespace unrolled::app
