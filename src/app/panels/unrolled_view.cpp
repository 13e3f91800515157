// The unrolled network: one column per step, h₀ → h₁ → … → h_T, with x_t below and y_t above each
// cell, a lane for the LSTM's cell state c_t (the highway) above each layer, and arrows whose width
// and colour encode ‖h_t‖ (forward pass) or ‖dL/dh_t‖ (backward pass, log scale, since gradients
// shrink by orders of magnitude). Scroll with the wheel, zoom with Ctrl+wheel, click a cell to
// inspect it.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

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

// Rows, in units of u: y, then per layer (c lane,) cell and gap, then x with its step label.
constexpr float y_units = 1.0f, lane_units_lstm = 0.6f, cell_units = 1.35f, gap_units = 0.5f, x_units = 1.45f;

}  // namespace

float unrolled_rows(const Scene& sc) {
  const float lane = sc.config.cell == CellKind::lstm ? lane_units_lstm : 0.0f;
  return y_units + sc.config.num_layers * (lane + cell_units + gap_units) + x_units;
}

void UnrolledViewPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  const Scene& sc = *snap.scene;
  const int T = sc.steps, L = sc.config.num_layers;
  const CellKind cell = sc.config.cell;
  const bool lstm = cell == CellKind::lstm;
  const bool fwd = snap.pass == Pass::forward;
  const float fs = ImGui::GetFontSize();
  const float px = fs / 15.0f;  // line widths grow with the UI scale
  const ImGuiIO& io = ImGui::GetIO();

  // Header: what the arrows mean (shorter when the panel is narrow), zoom at the right (only its
  // number when even the short text leaves it too little room: a projector).
  const float avail = ImGui::GetContentRegionAvail().x;
  const char* what = fwd ? (lstm ? "Forward pass: h flows left to right; arrow width = ‖hₜ‖, gold lane = cell state cₜ"
                                 : "Forward pass: h flows left to right; arrow width = ‖hₜ‖")
                         : (lstm ? "Backward pass: dL/dhₜ flows right to left; arrow width = ‖dL/dhₜ‖ (log), gold lane = dL/dcₜ"
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
  ImGui::SetNextWindowContentSize(ImVec2(margin * 2 + (T + 1) * pitch, 0));
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

  // Vertical rows: y on top, then each layer from the top one down (c lane above its cells), x at the bottom.
  const float lane_units = lstm ? lane_units_lstm : 0.0f;
  const float total_units = unrolled_rows(sc);
  const float usable_h = avail_h - ImGui::GetStyle().ScrollbarSize;
  const float u = std::clamp(usable_h / total_units, fs * 0.75f, fs * 3.0f);
  const float top = origin.y + std::max(0.0f, (usable_h - u * total_units) * 0.5f);
  const float y_row = top + 0.5f * y_units * u;
  std::vector<float> lane_y(L), cell_y0(L), cell_y1(L);
  float y = top + (y_units + gap_units) * u;
  for (int k = L - 1; k >= 0; --k) {
    lane_y[k] = y + lane_units * 0.5f * u;
    y += lane_units * u;
    cell_y0[k] = y;
    cell_y1[k] = y + cell_units * u;
    y += (cell_units + gap_units) * u;
  }
  const float x_row = y + 0.4f * u;
  auto col_x = [&](int s) { return origin.x + margin + (s + 0.5f) * pitch; };
  const float cell_w = std::min(pitch * 0.64f, fs * 7.0f), half_w = cell_w * 0.5f;
  // h₀'s circle stays within its row (a short tile at a large scale squeezes the rows), so the c₀
  // label above it is not covered.
  const float h0_r = std::clamp(cell_units * u * 0.5f, fs * 0.7f, fs * 0.9f);

  const int first = std::max(0, static_cast<int>((scroll - margin) / pitch) - 1);
  const int last = std::min(T, static_cast<int>((scroll + view_w - margin) / pitch) + 1);
  const int inspected = inspected_t(snap, ui);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 text_dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 cell_bg = IM_COL32(38, 42, 52, 255);
  const ImU32 arrow_rest = IM_COL32(95, 100, 115, 160);
  int hovered_s = -1, hovered_k = -1;
  const char* hovered_what = nullptr;
  const ImVec2 mouse = io.MousePos;
  const bool canvas_hovered = ImGui::IsWindowHovered();

  for (int k = 0; k < L; ++k) {
    const LayerView& lv = sc.layers[k];
    const float h_max = MaxOf(lv.h_norm), g_max = MaxOf(lv.grad_norm);
    const float mid = (cell_y0[k] + cell_y1[k]) * 0.5f;
    // Recurrent arrows h_{s−1} → h_s.
    for (int s = std::max(1, first); s <= last; ++s) {
      const ImVec2 a(col_x(s - 1) + (s - 1 == 0 ? h0_r : half_w), mid), b(col_x(s) - half_w, mid);
      if (fwd) {
        if (s <= snap.t) {
          const float r = Strength(lv.h_norm[s], h_max, false);
          Arrow(dl, a, b, LerpColor(IM_COL32(50, 80, 120, 255), colors::forward, 0.25f + 0.75f * r), (1.0f + 6.0f * r) * px);
        } else {
          Arrow(dl, a, b, colors::dim, 1.0f * px);
        }
      } else {
        Arrow(dl, a, b, arrow_rest, 1.0f * px);
        // dL/dh_{s−1} arrives from step s: drawn once step s−1 is reached.
        if (s - 1 >= snap.t && s - 1 >= 1) {
          const float r = Strength(lv.grad_norm[s - 2], g_max, true);
          const ImVec2 ga(b.x, mid + fs * 0.45f), gb(a.x, mid + fs * 0.45f);
          Arrow(dl, ga, gb, LerpColor(IM_COL32(110, 45, 40, 255), colors::gradient, 0.25f + 0.75f * r), (1.0f + 6.0f * r) * px);
        }
      }
    }
    // The highway: c_{s−1} → c_s.
    if (lstm) {
      const float cmax = MaxOf(lv.c_norm), gcmax = MaxOf(lv.grad_c_norm);
      for (int s = std::max(1, first); s <= last; ++s) {
        const ImVec2 a(col_x(s - 1) + (s == 1 ? h0_r : 0.0f), lane_y[k]), b(col_x(s), lane_y[k]);
        if (fwd) {
          if (s <= snap.t) {
            const float r = Strength(lv.c_norm[s], cmax, false);
            Arrow(dl, a, b, LerpColor(IM_COL32(110, 85, 30, 255), colors::highway, 0.25f + 0.75f * r), (1.0f + 6.0f * r) * px);
          } else {
            Arrow(dl, a, b, colors::dim, 1.0f * px);
          }
        } else if (s - 1 >= snap.t && s - 1 >= 1) {
          const float r = Strength(lv.grad_c_norm[s - 2], gcmax, true);
          Arrow(dl, b, a, LerpColor(IM_COL32(110, 85, 30, 255), colors::highway, 0.25f + 0.75f * r), (1.0f + 6.0f * r) * px);
        } else {
          dl->AddLine(a, b, IM_COL32(110, 85, 30, 160), 1.0f * px);
        }
        // c enters and leaves the cell.
        if (s >= first && s <= last) {
          const bool on = fwd ? s <= snap.t : true;
          dl->AddLine(ImVec2(col_x(s), lane_y[k]), ImVec2(col_x(s), cell_y0[k]), on ? IM_COL32(150, 120, 50, 200) : colors::dim, 1.0f * px);
        }
      }
    }
    // Vertical arrows: from the input (or the layer below) into the cell, and out to the layer above or y.
    for (int s = std::max(1, first); s <= last; ++s) {
      const bool on = fwd ? s <= snap.t : true;
      const float from = k == 0 ? x_row - std::min(u * 0.4f, pitch * 0.3f) : cell_y0[k - 1];
      Arrow(dl, ImVec2(col_x(s), from), ImVec2(col_x(s), cell_y1[k]), on ? IM_COL32(150, 160, 180, 200) : colors::dim, 1.2f * px);
    }
    // Cells.
    for (int s = first; s <= last; ++s) {
      const ImVec2 c(col_x(s), mid);
      if (s == 0) {
        dl->AddCircleFilled(c, h0_r, cell_bg, 24);
        dl->AddCircle(c, h0_r, IM_COL32(140, 145, 160, 255), 24, 1.0f * px);
        CenteredText(dl, c, text, "h₀");
        if (L > 1) {
          char layer[16];
          std::snprintf(layer, sizeof layer, "L%d", k + 1);
          CenteredText(dl, ImVec2(c.x, c.y + fs * 1.45f), text_dim, layer);
        }
        continue;
      }
      const ImVec2 p0(c.x - half_w, cell_y0[k]), p1(c.x + half_w, cell_y1[k]);
      const bool computed = fwd ? s <= snap.t : true;
      const bool current = s == snap.t;
      dl->AddRectFilled(p0, p1, computed ? cell_bg : IM_COL32(30, 32, 38, 255), fs * 0.3f);
      // The state inside: H small squares coloured by h_s (diverging around 0).
      const int H = lv.h.rows;
      const int cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(H * (p1.x - p0.x) / std::max(1.0f, p1.y - p0.y)))));
      const int rows = (H + cols - 1) / cols;
      const float pad = fs * 0.25f;
      const float sq = std::min((p1.x - p0.x - 2 * pad) / cols, (p1.y - p0.y - 2 * pad - fs) / std::max(rows, 1));
      if (computed && sq >= 2.0f) {
        const float gx = c.x - sq * cols * 0.5f, gy = p0.y + pad;
        for (int j = 0; j < H; ++j) {
          const ImVec2 q(gx + (j % cols) * sq, gy + (j / cols) * sq);
          dl->AddRectFilled(q, ImVec2(q.x + sq - 1, q.y + sq - 1), DivergingColor(lv.h.at(j, s), sc.h_absmax));
        }
      }
      char name[24];
      std::snprintf(name, sizeof name, "h%d", s);
      if (sq >= 2.0f) dl->AddText(ImVec2(c.x - ImGui::CalcTextSize(name).x * 0.5f, p1.y - fs - pad * 0.5f), computed ? text : text_dim, name);
      else CenteredText(dl, c, computed ? text : text_dim, name);
      ImU32 border = computed ? IM_COL32(120, 125, 140, 255) : colors::dim;
      float bw = 1.0f * px;
      if (s == inspected && k == ui.step.layer) {
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
        hovered_k = k;
        hovered_what = "h";
      }
    }
    if (lstm && first == 0) CenteredText(dl, ImVec2(col_x(0), lane_y[k]), IM_COL32(240, 190, 70, 255), "c₀");  // over h₀'s edge
  }

  // Output row y_t (top layer → head) and input row x_t.
  const LayerView& topv = sc.layers.back();
  const float y_box_h = u * 0.78f;
  for (int s = std::max(1, first); s <= last; ++s) {
    const float cx = col_x(s);
    const bool computed = fwd ? s <= snap.t : true;
    char buf[32];
    // y_t
    Arrow(dl, ImVec2(cx, cell_y0[L - 1] - (lstm ? lane_units * u : 0.0f)), ImVec2(cx, y_row + y_box_h * 0.5f),
          computed ? IM_COL32(150, 160, 180, 200) : colors::dim, 1.2f * px);
    if (!fwd && s >= snap.t) {  // dL/dy_t flows down into the top cell
      float local = 0;
      for (int j = 0; j < topv.grad_h_local.rows; ++j) local += topv.grad_h_local.at(j, s - 1) * topv.grad_h_local.at(j, s - 1);
      const float r = Strength(std::sqrt(local), MaxOf(topv.grad_norm), true);
      Arrow(dl, ImVec2(cx + fs * 0.5f, y_row + y_box_h * 0.5f), ImVec2(cx + fs * 0.5f, cell_y0[L - 1] - (lstm ? lane_units * u : 0.0f)),
            LerpColor(IM_COL32(110, 45, 40, 255), colors::gradient, 0.25f + 0.75f * r), (1.0f + 4.0f * r) * px);
    }
    const ImVec2 yp0(cx - half_w, y_row - y_box_h * 0.5f), yp1(cx + half_w, y_row + y_box_h * 0.5f);
    dl->AddRectFilled(yp0, yp1, computed ? IM_COL32(45, 60, 50, 255) : IM_COL32(30, 32, 38, 255), fs * 0.3f);
    dl->AddRect(yp0, yp1, computed ? IM_COL32(110, 170, 120, 255) : colors::dim, fs * 0.3f, 0, 1.0f * px);
    if (computed) std::snprintf(buf, sizeof buf, "%.2f", sc.output.at(0, s - 1));
    else std::snprintf(buf, sizeof buf, "y%d", s);
    CenteredText(dl, ImVec2(cx, y_row), computed ? text : text_dim, buf);
    if (canvas_hovered && mouse.x >= yp0.x && mouse.x <= yp1.x && mouse.y >= yp0.y && mouse.y <= yp1.y) {
      hovered_s = s;
      hovered_what = "y";
    }
    // x_t
    const float r = std::min(u * 0.4f, pitch * 0.3f);
    const ImU32 xc = DivergingColor(sc.input.at(0, s - 1), sc.input_absmax);
    dl->AddCircleFilled(ImVec2(cx, x_row), r, xc, 0);  // 0: ImGui picks segments from the radius
    std::snprintf(buf, sizeof buf, "%.2f", sc.input.at(0, s - 1));
    if (ImGui::CalcTextSize(buf).x < r * 2.1f) CenteredText(dl, ImVec2(cx, x_row), TextOn(xc), buf);
    std::snprintf(buf, sizeof buf, "t=%d", s);
    if (u >= fs * 1.0f) CenteredText(dl, ImVec2(cx, x_row + r + fs * 0.55f), s == snap.t ? text : text_dim, buf);
    if (canvas_hovered && std::abs(mouse.x - cx) <= r && std::abs(mouse.y - x_row) <= r) {
      hovered_s = s;
      hovered_what = "x";
    }
  }
  if (first == 0) {
    CenteredText(dl, ImVec2(col_x(0), y_row), text_dim, "yₜ");
    CenteredText(dl, ImVec2(col_x(0), x_row), text_dim, "xₜ");
  }

  // Hover and click.
  if (hovered_s >= 1) {
    const int s = hovered_s;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(fs * 26);
    if (hovered_what[0] == 'h') {
      const LayerView& lv = sc.layers[hovered_k];
      ImGui::Text("step t = %d, layer %d", s, hovered_k + 1);
      ImGui::Text("‖hₜ‖ = %.3f", lv.h_norm[s]);
      if (lstm) ImGui::Text("‖cₜ‖ = %.3f", lv.c_norm[s]);
      if (!fwd) ImGui::Text("‖dL/dhₜ‖ = %.3g", lv.grad_norm[s - 1]);
      ImGui::TextDisabled("%s", Explain(cell, "h"));
      ImGui::TextDisabled("Click to inspect this cell.");
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
    } else {
      ImGui::Text("x_%d = %.4f", s, sc.input.at(0, s - 1));
      ImGui::TextDisabled("%s", Explain(cell, "x"));
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      ui.step.selected_t = s;
      if (hovered_k >= 0) ui.step.layer = hovered_k;
    }
  }
  ImGui::EndChild();
}

}  // namespace unrolled::app
