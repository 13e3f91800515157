// The app's side of session files (session/session_file.hpp): the UI choices a session keeps, the
// restore at start, the autosave every minute and on exit, and a session opened from the File menu.
// The session's worker reads and writes the files; this decides when, and carries the UI's part.
//
// Interactive runs restore the last session ($XDG_STATE_HOME/unrolled/last-session.json, else
// ~/.local/state/unrolled/last-session.json) unless --fresh, and autosave it. Automated runs
// (--frames, --lesson-shots) do neither unless --autosave, so screenshots and tests never depend on
// what a user did last. --session FILE opens that file instead of the last session.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "app/app_args.hpp"
#include "app/session/session.hpp"
#include "app/session/session_file.hpp"
#include "app/ui_state.hpp"

namespace unrolled::app {

inline constexpr std::chrono::seconds autosave_interval{60};

struct SessionFiles {
  std::string autosave;  // where this run autosaves ("" = it does not)
  std::chrono::steady_clock::time_point next_autosave{};
  std::uint64_t seen_restore_id = 0;  // the last opened session whose UI choices were taken
};

// What the UI keeps in a session file, and taking it back. The parts the command line set (a
// workspace flag, --scale or --projector, --lesson) are kept as they are at start.
SessionUi session_ui_of(const UiState& ui);
struct KeepFromFlags {
  bool workspace = false, scale = false, lesson = false;
};
void adopt_session_ui(UiState& ui, const SessionUi& s, KeepFromFlags keep = {});

// After the Session is made and before the other flags act on it: opens the last session (an
// autosave that cannot be restored is moved to FILE.bad, with a message) or --session FILE, and
// takes its UI choices. Problems go to stderr and the status line; the app carries on.
SessionFiles StartSessionFiles(const AppArgs& args, Session& session, UiState& ui);
// Once per frame: takes the UI choices of a session opened from the File menu; queues an autosave
// when one is due.
void UpdateSessionFiles(const Snapshot& snap, UiState& ui, SessionFiles& files, CommandList& out);
// On exit, before the session shuts down: training paused, then the last autosave, waited for.
void SaveSessionOnExit(const SessionFiles& files, const UiState& ui, Session& session);

}  // namespace unrolled::app
