#include "app/frame/session_ui.hpp"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "core/enum_names.hpp"

namespace unrolled::app {

namespace {
using Clock = std::chrono::steady_clock;

constexpr EnumName<CurveAxis> curve_axis_names[] = {{CurveAxis::step, "step"}, {CurveAxis::epoch, "epoch"}, {CurveAxis::time, "time"}};
}  // namespace

SessionUi session_ui_of(const UiState& ui) {
  SessionUi s;
  s.workspace = workspace_info(ui.workspace).name;
  s.scale = ui.scale;
  s.smoothing = ui.train.smoothing;
  s.log_loss = ui.train.log_loss;
  s.curve_axis = name_of(curve_axis_names, ui.train.curve_axis, "step");
  s.lesson_id = ui.lesson_id;
  s.lesson_step = ui.lesson_step;
  return s;
}

void adopt_session_ui(UiState& ui, const SessionUi& s, KeepFromFlags keep) {
  if (!keep.workspace)
    for (const WorkspaceInfo& w : workspace_catalog)
      if (s.workspace == w.name) ui.workspace = w.id;
  if (!keep.scale && static_cast<float>(s.scale) != ui.scale) {
    ui.scale = static_cast<float>(s.scale);
    ui.rebuild_fonts = true;
  }
  ui.train.smoothing = static_cast<float>(s.smoothing);
  ui.train.log_loss = s.log_loss;
  parse_name(curve_axis_names, s.curve_axis, ui.train.curve_axis);
  // The lesson panel reopens the lesson these two name (lesson_ui.hpp, UpdateLesson).
  if (!keep.lesson) {
    ui.lesson_id = s.lesson_id;
    ui.lesson_step = s.lesson_step;
  }
}

SessionFiles StartSessionFiles(const AppArgs& args, Session& session, UiState& ui) {
  SessionFiles files;
  const bool automated = args.frames > 0 || !args.lesson_shots.empty();
  if (!automated || args.autosave) files.autosave = autosave_path();
  files.next_autosave = Clock::now() + autosave_interval;
  std::string open = args.session_path;
  bool is_autosave = false;
  std::error_code ec;
  if (open.empty() && !args.fresh && !files.autosave.empty() && std::filesystem::exists(files.autosave, ec)) {
    open = files.autosave;
    is_autosave = true;
  }
  if (open.empty()) return files;
  const std::uint64_t seq = session.send(cmd::OpenSession{open, /*set_aside_bad=*/is_autosave});
  if (!session.wait_applied(seq, std::chrono::seconds(60))) return files;
  const std::shared_ptr<const Snapshot> snap = session.latest();
  if (snap->message_is_error) std::fprintf(stderr, "unrolled: %s\n", snap->message.c_str());
  if (snap->restored_ui && snap->restore_id != files.seen_restore_id) {
    KeepFromFlags keep;
    keep.workspace = args.train || args.lab || args.text || !args.compare.empty() || !args.lesson.empty();
    keep.scale = args.scale_given || args.projector;
    keep.lesson = !args.lesson.empty();
    adopt_session_ui(ui, *snap->restored_ui, keep);
    files.seen_restore_id = snap->restore_id;
  }
  return files;
}

void UpdateSessionFiles(const Snapshot& snap, UiState& ui, SessionFiles& files, CommandList& out) {
  if (snap.restored_ui && snap.restore_id != files.seen_restore_id) {  // File > Open session…
    adopt_session_ui(ui, *snap.restored_ui);
    files.seen_restore_id = snap.restore_id;
  }
  if (files.autosave.empty() || Clock::now() < files.next_autosave) return;
  out.push_back(cmd::SaveSession{files.autosave, session_ui_of(ui), /*autosave=*/true});
  files.next_autosave = Clock::now() + autosave_interval;
}

void SaveSessionOnExit(const SessionFiles& files, const UiState& ui, Session& session) {
  if (files.autosave.empty()) return;
  const std::uint64_t said = session.latest()->message_id;
  session.send(cmd::PauseTraining{});  // the file then holds the run as it ends, not a step before
  const std::uint64_t seq = session.send(cmd::SaveSession{files.autosave, session_ui_of(ui), /*autosave=*/true});
  if (!session.wait_applied(seq, std::chrono::seconds(60))) {
    std::fprintf(stderr, "unrolled: the last session was not saved to %s in time\n", files.autosave.c_str());
    return;
  }
  const std::shared_ptr<const Snapshot> snap = session.latest();
  if (snap->message_id != said && snap->message_is_error)  // pausing and an autosave that works say nothing bad
    std::fprintf(stderr, "unrolled: %s\n", snap->message.c_str());
}

}  // namespace unrolled::app
