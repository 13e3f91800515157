#include "app/frame/keys.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <array>

#include "app/frame/actions.hpp"
#include "app/frame/lesson_ui.hpp"
#include "app/panels/panels.hpp"

namespace unrolled::app {

namespace {

// Where a row acts: a set of workspaces.
constexpr unsigned in(Workspace w) { return 1u << static_cast<unsigned>(w); }
constexpr unsigned stepping = in(Workspace::step) | in(Workspace::train) | in(Workspace::compare);  // not the lab
constexpr unsigned everywhere = stepping | in(Workspace::lab) | in(Workspace::text) | in(Workspace::seq2seq);

struct KeyContext {
  const Snapshot& snap;
  UiState& ui;
  CommandList& out;
};
using KeyAction = void (*)(KeyContext&);

// Which modifiers a binding wants: Ctrl (with or without Shift), Shift without Ctrl, no Shift and no
// Ctrl, or either Shift state without Ctrl.
enum class Mods { ctrl, shift, plain, any_shift };

struct KeyBinding {
  int key = 0;  // GLFW_KEY_*; 0: none
  Mods mods = Mods::any_shift;
  bool repeat = false;  // held down, it repeats
  bool arrow = false;   // an arrow key: the lesson's while its panel has focus
  KeyAction act = nullptr;
};

struct KeyRow {
  const char* keys;
  const char* what;
  unsigned where;  // the workspaces its bindings act in (documentation-only rows: 0)
  std::array<KeyBinding, 9> bind;
  std::array<const char*, workspace_count> hint{};  // per workspace (step, train, compare, lab, text, seq2seq)
};

void push(KeyContext& c, Command command) { c.out.push_back(std::move(command)); }
// In the Compare workspace with no comparison open, T starts one with the ticked cells (and R has
// nothing to reset); otherwise the session routes T / Shift+T / R to the comparison while one is open.
template <int N>
void bring_forward(KeyContext& c) { BringPanelForward(c.ui, N); }
bool compare_idle(const KeyContext& c) { return c.ui.workspace == Workspace::compare && !c.snap.train->compare; }

const KeyRow key_table[] = {
    {"Space", "play / pause", stepping, {{{GLFW_KEY_SPACE, Mods::any_shift, false, false, [](KeyContext& c) { push(c, cmd::TogglePlay{}); }}}}},
    {"→  /  ←", "next / previous step (forward pass, then backward pass)", stepping,
     {{{GLFW_KEY_RIGHT, Mods::any_shift, true, true, [](KeyContext& c) { push(c, cmd::StepForward{}); }},
       {GLFW_KEY_LEFT, Mods::any_shift, true, true, [](KeyContext& c) { push(c, cmd::StepBack{}); }}}}},
    {"Home / End", "start / end of the current pass", stepping,
     {{{GLFW_KEY_HOME, Mods::any_shift, false, false, [](KeyContext& c) { push(c, cmd::GoStart{}); }},
       {GLFW_KEY_END, Mods::any_shift, false, false, [](KeyContext& c) { push(c, cmd::GoEnd{}); }}}}},
    {"B", "switch between the forward and the backward pass", stepping,
     {{{GLFW_KEY_B, Mods::any_shift, false, false,
        [](KeyContext& c) { push(c, cmd::SetPass{c.snap.pass == Pass::forward ? Pass::backward : Pass::forward}); }}}}},
    {"↑ / ↓", "choose the unit whose numbers the inspector shows", stepping,
     {{{GLFW_KEY_UP, Mods::any_shift, true, false, [](KeyContext& c) { c.ui.step.unit = std::max(0, c.ui.step.unit - 1); }},
       {GLFW_KEY_DOWN, Mods::any_shift, true, false,
        [](KeyContext& c) { c.ui.step.unit = std::min(c.snap.scene->config.hidden_size - 1, c.ui.step.unit + 1); }}}}},
    {"Esc", "inspector follows the current step again", stepping,
     {{{GLFW_KEY_ESCAPE, Mods::any_shift, false, false, [](KeyContext& c) { c.ui.step.selected_t = -1; }}}}},
    {"click a cell", "inspect that step", 0, {}},
    {"Ctrl + wheel", "zoom the unrolled view", 0, {}},
    {"→  /  ←  (Gradient lab)", "spectral radius ρ + / − 0.05", in(Workspace::lab),
     {{{GLFW_KEY_RIGHT, Mods::any_shift, true, true, [](KeyContext& c) { NudgeLabRho(c.snap, c.ui, c.out, +1); }},
       {GLFW_KEY_LEFT, Mods::any_shift, true, true, [](KeyContext& c) { NudgeLabRho(c.snap, c.ui, c.out, -1); }}}},
     {nullptr, nullptr, nullptr, "← / → ρ"}},
    {"T / Shift+T / R", "train / pause training / reset training to step 0 (the comparison's, while one is open)", stepping,
     {{{GLFW_KEY_T, Mods::plain, false, false,
        [](KeyContext& c) {
          if (compare_idle(c)) StartComparison(c.ui, c.out);
          else push(c, cmd::Train{});
        }},
       {GLFW_KEY_T, Mods::shift, false, false, [](KeyContext& c) { push(c, cmd::PauseTraining{}); }},
       {GLFW_KEY_R, Mods::any_shift, false, false,
        [](KeyContext& c) {
          if (!compare_idle(c)) push(c, cmd::ResetTraining{});
        }}}},
     {nullptr, "T train · Shift+T pause · R reset", "T train all · Shift+T pause · R reset", nullptr}},
    {"T / Shift+T / R  (Gradient lab)", "train both runs / pause / reset them to step 0", in(Workspace::lab),
     {{{GLFW_KEY_T, Mods::plain, false, false, [](KeyContext& c) { StartLabRuns(c.ui, c.out); }},
       {GLFW_KEY_T, Mods::shift, false, false, [](KeyContext& c) { push(c, cmd::LabPause{}); }},
       {GLFW_KEY_R, Mods::any_shift, false, false, [](KeyContext& c) { push(c, cmd::LabReset{}); }}}},
     {nullptr, nullptr, nullptr, "T train both · Shift+T pause · R reset"}},
    {"T / Shift+T / R  (Text)", "train the character model (the first time: build it) / pause / reset it to step 0",
     in(Workspace::text),
     {{{GLFW_KEY_T, Mods::plain, false, false,
        [](KeyContext& c) {
          if (!c.snap.text->running()) StartTextRun(c.snap, c.ui, c.out);
        }},
       {GLFW_KEY_T, Mods::shift, false, false, [](KeyContext& c) { push(c, cmd::TextPause{}); }},
       {GLFW_KEY_R, Mods::any_shift, false, false, [](KeyContext& c) { push(c, cmd::TextReset{}); }}}},
     {nullptr, nullptr, nullptr, nullptr, "T train · Shift+T pause · R reset"}},
    {"T / Shift+T / R  (Seq2seq)", "train the seq2seq model and its twin (the first time: build them) / pause / reset",
     in(Workspace::seq2seq),
     {{{GLFW_KEY_T, Mods::plain, false, false,
        [](KeyContext& c) {
          if (!c.snap.seq2seq->running()) StartSeq2seqRun(c.snap, c.ui, c.out);
        }},
       {GLFW_KEY_T, Mods::shift, false, false, [](KeyContext& c) { push(c, cmd::Seq2seqPause{}); }},
       {GLFW_KEY_R, Mods::any_shift, false, false, [](KeyContext& c) { push(c, cmd::Seq2seqReset{}); }}}},
     {nullptr, nullptr, nullptr, nullptr, nullptr, "T train · Shift+T pause · R reset"}},
    {"← / →  (Seq2seq)", "the decoding step shown: back / forward one token", in(Workspace::seq2seq),
     {{{GLFW_KEY_LEFT, Mods::any_shift, true, true, [](KeyContext& c) { MoveSeq2seqStep(c.snap, c.ui, -1); }},
       {GLFW_KEY_RIGHT, Mods::any_shift, true, true, [](KeyContext& c) { MoveSeq2seqStep(c.snap, c.ui, 1); }}}},
     {nullptr, nullptr, nullptr, nullptr, nullptr, "← / → step"}},
    {"Ctrl+O / Ctrl+S", "open a model / save the training model", everywhere,
     {{{GLFW_KEY_O, Mods::ctrl, false, false, [](KeyContext& c) { OpenModelDialog(c.ui); }},
       {GLFW_KEY_S, Mods::ctrl, false, false, [](KeyContext& c) { SaveModelDialog(c.ui); }}}},
     {nullptr, "Ctrl+S save model", nullptr, nullptr}},
    {"F12 / Ctrl+E", "screenshot to the export folder / screenshot as…", everywhere,
     {{{GLFW_KEY_F12, Mods::any_shift, false, false, [](KeyContext& c) { TakeScreenshot(c.ui); }},
       {GLFW_KEY_E, Mods::ctrl, false, false, [](KeyContext& c) { c.ui.dialogs.export_popup = true; }}}},
     {nullptr, "F12 screenshot", "F12 screenshot", "F12 screenshot", "F12 screenshot", "F12 screenshot"}},
    {"1 – 9", "bring the workspace's panel N forward (the presentation layout's numbered tabs)", everywhere,
     {{{GLFW_KEY_1, Mods::plain, false, false, bring_forward<1>}, {GLFW_KEY_2, Mods::plain, false, false, bring_forward<2>},
       {GLFW_KEY_3, Mods::plain, false, false, bring_forward<3>}, {GLFW_KEY_4, Mods::plain, false, false, bring_forward<4>},
       {GLFW_KEY_5, Mods::plain, false, false, bring_forward<5>}, {GLFW_KEY_6, Mods::plain, false, false, bring_forward<6>},
       {GLFW_KEY_7, Mods::plain, false, false, bring_forward<7>}, {GLFW_KEY_8, Mods::plain, false, false, bring_forward<8>},
       {GLFW_KEY_9, Mods::plain, false, false, bring_forward<9>}}}},
    {"F11", "projector mode: high contrast, large readouts, scale ≥ 200%", everywhere,
     {{{GLFW_KEY_F11, Mods::any_shift, false, false, [](KeyContext& c) { set_projector(c.ui, !c.ui.projector); }}}}},
    {"PgDn / PgUp", "next / previous lesson step (a presenter's clicker)", 0, {}},  // LessonKeys
    {"→  /  ←  (lesson panel)", "next / previous lesson step, when the lesson panel has focus", 0, {}},
    {"F1", "this list of keys", everywhere,
     {{{GLFW_KEY_F1, Mods::any_shift, false, false, [](KeyContext& c) { c.ui.dialogs.show_keys = !c.ui.dialogs.show_keys; }}}},
     {nullptr, "F1 keys", "F1 keys", "F1 keys", "F1 keys", "F1 keys"}},
    {"Ctrl+Q", "quit", everywhere, {{{GLFW_KEY_Q, Mods::ctrl, false, false, [](KeyContext& c) { c.ui.quit = true; }}}}},
};

bool mods_match(Mods m, const ImGuiIO& io) {
  switch (m) {
    case Mods::ctrl: return io.KeyCtrl;
    case Mods::shift: return !io.KeyCtrl && io.KeyShift;
    case Mods::plain: return !io.KeyCtrl && !io.KeyShift;
    case Mods::any_shift: return !io.KeyCtrl;
  }
  return false;
}

}  // namespace

void HandleKeys(const Snapshot& snap, UiState& ui, CommandList& out) {
  const ImGuiIO& io = ImGui::GetIO();
  // Typing into a field or answering a dialog is not stepping the network.
  if (io.WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
  const bool lesson_arrows = LessonKeys(ui);  // PageDown / PageUp, and ← / → when the lesson panel has focus
  KeyContext c{snap, ui, out};
  const unsigned here = in(ui.workspace);  // the workspace as the frame began: a key that switches it acts once
  for (const KeyRow& row : key_table) {
    if (!(row.where & here)) continue;
    for (const KeyBinding& b : row.bind) {
      if (b.key == 0 || (b.arrow && lesson_arrows) || !mods_match(b.mods, io)) continue;
      if (ImGui::IsKeyPressed(b.key, b.repeat)) b.act(c);
    }
  }
}

void KeysTable() {
  if (!ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) return;
  for (const KeyRow& r : key_table) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.keys);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.what);
  }
  ImGui::EndTable();
}

std::string KeyHints(Workspace w) {
  std::string hints;
  for (const KeyRow& r : key_table)
    if (const char* h = r.hint[static_cast<std::size_t>(w)]) hints += (hints.empty() ? "" : " · ") + std::string(h);
  return hints;
}

}  // namespace unrolled::app
