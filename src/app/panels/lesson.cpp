// The lesson panel: a column at the right while a lesson is open, in every workspace. The lesson's
// title, "Step k of n" with a dot per step, the step's heading and text, a train action's progress,
// the note when the step asks for a memory task the training run cannot hold, the question for the
// class with its answer behind a button, and Previous / Next (PageUp / PageDown anywhere, ← / → when
// the panel has focus). What a step does to the app is lesson_ui.cpp; this only shows and pages.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/look/marks.hpp"
#include "app/look/math_text.hpp"
#include "app/lessons/markup.hpp"
#include "app/lessons/plan.hpp"
#include "app/panels/common.hpp"
#include "app/panels/panels.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

namespace {

const ImVec4 muted(0.68f, 0.70f, 0.76f, 1.0f);
const ImVec4 question_color(1.0f, 0.80f, 0.35f, 1.0f);
const ImVec4 answer_color(0.55f, 0.88f, 0.60f, 1.0f);
const ImVec4 note_color(1.0f, 0.72f, 0.45f, 1.0f);

// Lesson text: the math markup (look/math_text.hpp) typeset, wrapped at the panel's edge.
void Wrapped(const std::string& text, const ImVec4* color = nullptr) { MathText(text, color); }
// Text the app writes itself (names, commands): wrapped as it is.
void PlainWrapped(const char* text, const ImVec4& color) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// One dot per step: done ones filled, the current one in the accent and larger, later ones hollow.
void StepDots(int current, int count, float max_width) {
  const float fs = ImGui::GetFontSize();
  const float r = fs * 0.22f;
  const float gap = std::min(fs * 0.75f, count > 1 ? (max_width - 2 * r) / static_cast<float>(count - 1) : 0.0f);
  if (gap < 2.5f * r) return;  // too narrow to draw them readably: the "Step k of n" line says it
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float cy = p.y + ImGui::GetTextLineHeight() * 0.5f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 accent = ImGui::GetColorU32(LessonAccentColor());
  const ImU32 done = ImGui::GetColorU32(muted);
  for (int i = 0; i < count; ++i) {
    const ImVec2 c(p.x + r * 1.4f + gap * static_cast<float>(i), cy);
    if (i == current) dl->AddCircleFilled(c, r * 1.4f, accent);
    else if (i < current) dl->AddCircleFilled(c, r, done);
    else dl->AddCircle(c, r, done, 0, std::max(1.0f, fs * 0.08f));
  }
  ImGui::Dummy(ImVec2(r * 2.8f + gap * static_cast<float>(count - 1), ImGui::GetTextLineHeight()));
}

// A train action: "Training to step N…" with a bar while the run gets there, then where it stopped.
void TrainProgress(const Snapshot& snap, const LessonUi& L) {
  const long long goal = static_cast<long long>(*L.train_until);
  // The training run's steps, or the comparison's or the lab's (lessons/plan.hpp).
  const long long steps = static_cast<long long>(train_goal_steps(snap, L.train_target));
  char text[160];
  if (!L.goal_reached) {
    std::snprintf(text, sizeof text, "Training to step %lld…", goal);
    ImGui::TextColored(answer_color, "%s", text);
    const bool counting = L.sent_sequence != 0 && snap.applied >= L.sent_sequence;
    const float fraction = counting ? static_cast<float>(std::clamp(static_cast<double>(steps) / goal, 0.0, 1.0)) : 0.0f;
    std::snprintf(text, sizeof text, "step %lld of %lld", counting ? steps : 0LL, goal);
    ImGui::ProgressBar(fraction, ImVec2(-1, 0), text);
    return;
  }
  if (steps == goal)
    std::snprintf(text, sizeof text, "Trained to step %lld.", goal);
  else if (steps > goal)
    std::snprintf(text, sizeof text, "The run was already at step %lld.", steps);
  else
    std::snprintf(text, sizeof text, "The run stopped at step %lld (%s), before step %lld.", steps,
                  train_state_name(train_goal_state(snap, L.train_target)), goal);
  PlainWrapped(text, answer_color);
}

// The question for the class, set off by a bar in its colour; the answer below it once revealed.
void QuestionCallout(const Question& q, LessonUi& L) {
  const float fs = ImGui::GetFontSize();
  ImGui::Spacing();
  ImGui::Spacing();
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float indent = fs * 0.8f;
  ImGui::Indent(indent);
  ImGui::PushStyleColor(ImGuiCol_Text, question_color);
  ImGui::TextUnformatted("Question");
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("for the class");
  Wrapped(q.text);
  if (L.show_answer && !q.answer.empty()) {
    Wrapped(q.answer, &answer_color);
    if (L.scroll_to_answer) ImGui::SetScrollHereY(1.0f);
    L.scroll_to_answer = false;
  }
  ImGui::Unindent(indent);
  const float bottom = ImGui::GetItemRectMax().y;
  ImGui::GetWindowDrawList()->AddRectFilled(top, ImVec2(top.x + fs * 0.25f, bottom), ImGui::GetColorU32(question_color));
}

void MemoryTaskNote(const MemoryTaskConfig& task) {
  char text[400];
  std::snprintf(text, sizeof text,
                "This step asks for the %s task (T = %d). The app's training run cannot hold a memory task "
                "yet, so it trains the generated signal with the same cell, sizes and T meanwhile; "
                "unrolled-cli train --data %s:%d runs the task itself.",
                memory_task_name(task.task), task.steps, memory_task_name(task.task), task.steps);
  PlainWrapped(text, note_color);
}

}  // namespace

void LessonPanel(const Snapshot& snap, UiState& ui, CommandList&) {
  LessonUi& L = ui.lesson;
  if (ui.lesson_id.empty() || L.lesson.steps.empty()) return;
  L.focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  const Lesson& lesson = L.lesson;
  const int count = static_cast<int>(lesson.steps.size());
  const int k = std::clamp(ui.lesson_step, 0, count - 1);
  const LessonStep& step = lesson.steps[static_cast<std::size_t>(k)];
  const float fs = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();

  // Header: the lesson, where we are in it, a way out. A short panel (a large scale on a small screen)
  // leaves the lesson's title to the tooltip: the step's own text needs the room.
  const bool short_panel = ImGui::GetContentRegionAvail().y < fs * 24.0f;
  if (!short_panel) Wrapped(lesson.title, &muted);
  const std::string count_text = step_count_text(lesson, k);
  ImGui::TextUnformatted(count_text.c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", markup::plain(lesson.title).c_str());
  const char* close = "Close";
  const float close_w = ImGui::CalcTextSize(close).x + style.FramePadding.x * 2;
  ImGui::SameLine(0, fs);
  StepDots(k, count, ImGui::GetContentRegionAvail().x - close_w - fs);
  ImGui::SameLine(ImGui::GetContentRegionMax().x - close_w);
  if (ImGui::SmallButton(close)) {
    ui.lesson_id.clear();  // the lesson layer closes it before the next frame's panels
    return;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Close the lesson (File > Close lesson); your own panels come back");
  if (!step.title.empty()) Wrapped(step.title, &question_color);
  ImGui::Separator();

  // Body: the text, what the step is doing, the question. Scrolls when a large scale needs it: then
  // PageDown shows the rest before it goes on (LessonKeys), and a line under the text says there is
  // more. That line is kept free of text while the body overflows (known from the frame before).
  const float footer_h = ImGui::GetFrameHeight() + style.ItemSpacing.y * 2 + 1;
  const float more_h = L.body_overflow ? ImGui::GetTextLineHeightWithSpacing() : 0.0f;
  // A few pixels of padding at the sides: the clip rectangle then leaves room for a glyph whose ink
  // starts left of its pen position ('j', '(' at the start of a line).
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(std::max(4.0f, std::round(ImGui::GetFontSize() * 0.25f)), 0.0f));
  ImGui::BeginChild("##lesson_body", ImVec2(0, -(footer_h + more_h)), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::PopStyleVar();
  if (L.scroll_top) ImGui::SetScrollY(0);
  if (L.scroll_page) ImGui::SetScrollY(ImGui::GetScrollY() + ImGui::GetWindowHeight() * 0.8f);
  L.scroll_top = L.scroll_page = false;
  Wrapped(step.text);
  if (L.memory_task) {
    ImGui::Spacing();
    MemoryTaskNote(*L.memory_task);
  }
  if (L.train_until) {
    ImGui::Spacing();
    TrainProgress(snap, L);
  }
  if (step.question) QuestionCallout(*step.question, L);
  L.body_more = ImGui::GetScrollY() < ImGui::GetScrollMaxY() - 0.5f;
  L.body_overflow = ImGui::GetScrollMaxY() > 0.5f;
  ImGui::EndChild();
  if (more_h > 0) {  // "more below", on its own line under the text, never over it
    const char* more = L.body_more ? "▼ more (PgDn)" : "";
    const float w = ImGui::CalcTextSize(more).x;
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), ImGui::GetContentRegionMax().x - w));
    ImGui::TextColored(question_color, "%s", more);
  }

  // Footer: paging (and the answer), always in view.
  ImGui::Separator();
  const bool answer = step.question && !step.question->answer.empty();
  const char* answer_label = L.show_answer ? "Hide answer" : "Show answer";
  const float answer_w = answer ? ImGui::CalcTextSize(answer_label).x + style.FramePadding.x * 2 + style.ItemSpacing.x : 0.0f;
  const float half = (ImGui::GetContentRegionAvail().x - style.ItemSpacing.x - answer_w) * 0.5f;
  ImGui::BeginDisabled(k == 0);
  if (ImGui::Button("◀ Previous", ImVec2(half, 0))) ui.lesson_step = k - 1;
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("PageUp, anywhere (a presenter's clicker); ← when this panel has focus");
  if (answer) {
    ImGui::SameLine();
    if (ImGui::Button(answer_label)) {
      L.show_answer = !L.show_answer;
      L.scroll_to_answer = L.show_answer;
    }
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(k + 1 >= count);
  if (ImGui::Button("Next ▶", ImVec2(half, 0))) ui.lesson_step = k + 1;
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("PageDown, anywhere (a presenter's clicker; it first shows the rest of a long step);\n"
                      "→ when this panel has focus");
}

}  // namespace unrolled::app
