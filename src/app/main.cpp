// unrolled: the desktop app. A straight skeleton in the manner of Dear ImGui's examples:
// parse flags → window + GL 3.3 core → ImGui → session (worker thread) → frame loop → clean shutdown.
#include <epoxy/gl.h>  // before GLFW, so GLFW does not pull in another GL header
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <csignal>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/threads.hpp"
#include "app/app_args.hpp"
#include "app/gfx/heatmap_renderer.hpp"
#include "app/gfx/partial_redraw.hpp"
#include "app/gfx/screenshot.hpp"
#include "app/frame_stats.hpp"
#include "app/gfx/text_clip.hpp"
#include "app/key_queue.hpp"
#include "app/layout.hpp"
#include "app/frame/lesson_ui.hpp"
#include "app/frame/file_dialog.hpp"
#include "app/panels/panels.hpp"
#include "app/session/lab.hpp"
#include "app/session/text.hpp"
#include "app/session/session.hpp"
#include "app/session/training.hpp"
#include "app/frame/session_ui.hpp"
#include "app/frame/frame.hpp"
#include "app/frame/keys.hpp"
#include "app/look/theme.hpp"
#include "app/ui_state.hpp"

using namespace unrolled;
using namespace unrolled::app;

namespace {

std::string g_glfw_error;
KeyQueue g_keys;  // filled by the GLFW key callback, drained one frame's worth before each frame
volatile std::sig_atomic_t g_stop_signal = 0;  // Ctrl+C / SIGTERM: leave the loop and shut down cleanly
void on_stop_signal(int) { g_stop_signal = 1; }
void on_glfw_error(int /*code*/, const char* text) { g_glfw_error = text ? text : ""; }

int no_display(const std::string& why) {
  std::fprintf(stderr,
               "unrolled: cannot open a window (%s).\n"
               "  The desktop app needs a display. Without one, use unrolled-cli (train, trace, bench),\n"
               "  or run the app under a virtual X server: xvfb-run -a unrolled --frames 60 --screenshot out.png\n",
               why.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // The session's products stay on one core: the UI thread and the software renderer need the other.
  unrolled::set_compute_threads(1);
  const ParseResult parsed = parse_app_args(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "unrolled: %s\n\n%s", parsed.error.c_str(), app_usage());
    return 2;
  }
  const AppArgs& args = parsed.args;
  if (args.help) {
    std::fputs(app_usage(), stdout);
    return 0;
  }
  // Lessons are read before any window: a listing or a bad lesson needs no display.
  if (args.list_lessons) return PrintLessonList();
  Lesson lesson;
  if (!args.lesson.empty()) {
    const int code = LoadLessonForFlags(args, lesson);
    if (code != 0) return code;
  }

  // Window and OpenGL 3.3 core.
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((!display || !*display) && (!wayland || !*wayland)) return no_display("DISPLAY is not set");
  // Mesa's software renderer (llvmpipe) starts a rasteriser thread per core; training takes one core
  // and the UI thread another, so it gets the cores beyond two (0: it draws on the UI thread).
  // Measured on two cores while training: p95 frame time and training throughput both better (the
  // README's Speed). A value the user set is kept; hardware drivers ignore it.
  if (!std::getenv("LP_NUM_THREADS")) {
    const unsigned cores = std::thread::hardware_concurrency();
    setenv("LP_NUM_THREADS", std::to_string(cores > 2 ? cores - 2 : 0).c_str(), 0);
  }
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) return no_display(g_glfw_error.empty() ? "GLFW could not start" : g_glfw_error);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_DEPTH_BITS, 0);  // ImGui needs neither depth nor stencil
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  GLFWwindow* window = glfwCreateWindow(args.width, args.height, "unrolled", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    return no_display(g_glfw_error.empty() ? "no OpenGL 3.3 window" : g_glfw_error);
  }
  glfwMakeContextCurrent(window);
  const bool automated = args.frames > 0 || !args.lesson_shots.empty();
  glfwSwapInterval(automated ? 0 : 1);  // automated runs measure the frame, not the monitor
  glfwSetWindowRefreshCallback(window, [](GLFWwindow*) { gfx::window_exposed(); });  // redraw what was uncovered
  float content_x = 1, content_y = 1;
  glfwGetWindowContentScale(window, &content_x, &content_y);
  const float content_scale = std::max(content_x, content_y) > 0 ? std::max(content_x, content_y) : 1.0f;

  // Dear ImGui.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  // The layout is computed every frame, so the .ini only keeps small things (table widths); it lives
  // in the XDG config dir, never the working directory, and automated runs leave no trace.
  const std::string ini = automated ? std::string() : ini_path();
  io.IniFilename = ini.empty() ? nullptr : ini.c_str();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  // Key events go through our queue (key_queue.hpp) so that a quick tap is never lost; the backend's
  // handler gets them frame by frame.
  glfwSetKeyCallback(window, [](GLFWwindow*, int key, int scancode, int action, int mods) {
    g_keys.push({key, scancode, action, mods, action == GLFW_REPEAT});
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
  UiState ui;
  ui.scale = args.scale;
  if (args.projector) set_projector(ui, true);
  ui.export_dir = default_export_folder();
  if (args.train) ui.workspace = Workspace::train;
  if (args.lab) ui.workspace = Workspace::lab;
  if (args.text) {
    ui.workspace = Workspace::text;
    ui.text.edit.data = *args.text;
    ui.text.unit = args.text_unit;
    if (args.text_position > 0) ui.text.conn_position = args.text_position - 1;
  }
  if (args.seq2seq) {
    ui.workspace = Workspace::seq2seq;
    ui.seq2seq.edit.task = *args.seq2seq;
    if (args.seq2seq_step > 0) ui.seq2seq.step = args.seq2seq_step - 1;
    if (args.seq2seq_beam > 0) ui.seq2seq.inspect.beam = args.seq2seq_beam;
  }
  if (!lesson.id.empty()) {
    OpenLessonUi(ui, std::move(lesson), std::max(args.lesson_step, 1) - 1);
    ui.lesson.shots_dir = args.lesson_shots;
  }
  if (!args.compare.empty()) {
    ui.workspace = Workspace::compare;
    for (std::size_t c = 0; c < ui.compare.pick.size(); ++c)
      ui.compare.pick[c] = std::find(args.compare.begin(), args.compare.end(), static_cast<CellKind>(c)) != args.compare.end();
  }
  load_fonts(content_scale * ui.scale);
  apply_style(content_scale * ui.scale, ui.projector);
  gfx::heatmap_init();

  // The session: default scene (LSTM, H = 8, sine, T = 24, untrained, t = 0) on its worker thread.
  Session session({}, TrainSettings{}, /*background=*/true);
  // The last session (or --session FILE) first: the flags below act on top of it.
  SessionFiles session_files = StartSessionFiles(args, session, ui);
  std::uint64_t last_seq = 0;
  if (!args.series.empty()) {  // as File → Open series does, with the column asked for
    TrainSettings s = session.latest()->train->settings;
    s.task.reset();
    s.csv_path = args.series;
    s.csv_column = args.column;
    s.normalization.reset();
    ui.workspace = Workspace::train;
    last_seq = session.send(cmd::ConfigureTraining{s});
    if (session.wait_applied(last_seq, std::chrono::seconds(30))) {
      auto snap = session.latest();
      if (!snap->train->error.empty()) std::fprintf(stderr, "unrolled: --series %s: %s\n", args.series.c_str(), snap->train->error.c_str());
    }
  }
  if (!args.model_path.empty()) {
    const std::uint64_t seq = session.send(cmd::LoadModel{args.model_path});
    if (session.wait_applied(seq, std::chrono::seconds(30))) {
      auto s = session.latest();
      if (s->message_is_error) std::fprintf(stderr, "unrolled: %s\n", s->message.c_str());
    }
  }
  // The training speed: --train-speed, else a restored session's own, else a pace a class can follow.
  if (args.train_speed) last_seq = session.send(cmd::SetTrainSpeed{*args.train_speed});
  else if (session_files.seen_restore_id == 0) last_seq = session.send(cmd::SetTrainSpeed{class_train_speed});
  if (args.speed > 0) last_seq = session.send(cmd::SetSpeed{args.speed});
  if (args.step >= 0) last_seq = session.send(cmd::Seek{args.step});
  if (args.play) last_seq = session.send(cmd::Play{});
  if (args.train && args.compare.empty() && !args.text && !args.seq2seq) last_seq = session.send(cmd::Train{});
  if (args.text) last_seq = session.send(cmd::ConfigureText{ui.text.edit, args.train});
  if (args.seq2seq) {
    last_seq = session.send(cmd::ConfigureSeq2seq{ui.seq2seq.edit, args.train});
  }
  if (!args.compare.empty()) {
    session.send(cmd::StartCompare{args.compare});
    last_seq = session.send(cmd::Train{});  // the comparison is open: Train trains it
  }
  if (args.lab_rho > 0 || args.lab_activation) {
    LabSettings lab = session.latest()->lab->settings;
    if (args.lab_rho > 0) lab.rho = args.lab_rho;
    if (args.lab_activation) lab.activation = *args.lab_activation;
    session.send(cmd::ConfigureLab{lab});
  }
  if (args.lab) last_seq = session.send(cmd::LabTrain{});
  if (!ui.lesson_id.empty()) {  // the lesson's first step is in place before the first frame
    CommandList first;
    UpdateLesson(*session.latest(), ui, first);
    for (Command& c : first) last_seq = session.send(std::move(c));
    LessonCommandsSent(ui, last_seq);
  }
  if (last_seq) session.wait_applied(last_seq, std::chrono::seconds(10));

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::vector<double> frame_ms;
  FrameStats phases;
  phases.enabled = !args.stats_path.empty();
  RedrawReport redraw;
  nlohmann::json clipped_text = nlohmann::json::array();  // --stats: the last frame's
  redraw.partial = gfx::partial_redraw_available();
  double wait_s = 0.0;  // how long the next interactive frame may sleep for input (0 = draw at once)
  int exit_code = 0;
  using Clock = std::chrono::steady_clock;
  constexpr auto frame_budget = std::chrono::microseconds(16667);  // 60 fps
  for (int frame = 0; !glfwWindowShouldClose(window) && !ui.quit && !g_stop_signal; ++frame) {
    // Interactive and nothing moving but the play clock: sleep until input or until the picture can
    // have changed, instead of redrawing the same frame (a teacher's laptop stays cool). Automated
    // runs draw every frame, so --stats measures real frames.
    if (!automated && frame > 3 && wait_s > 0 && g_keys.empty()) glfwWaitEventsTimeout(wait_s);
    const auto start = Clock::now();
    glfwPollEvents();
    for (const KeyEvent& e : g_keys.take_frame()) ImGui_ImplGlfw_KeyCallback(window, e.key, e.scancode, e.action, e.mods);
    if (ui.rebuild_fonts) {
      load_fonts(content_scale * ui.scale);
      apply_style(content_scale * ui.scale, ui.projector);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
      ui.rebuild_fonts = false;
    }
    gfx::heatmap_begin_frame();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (automated) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // screenshots must not depend on where Xvfb's pointer is
    phases.begin();
    ImGui::NewFrame();

    const std::shared_ptr<const Snapshot> snap = session.latest();  // one snapshot for the whole frame
    CommandList commands;
    const float menu_h = MainMenu(*snap, ui, commands);
    HandleKeys(*snap, ui, commands);
    UpdateSessionFiles(*snap, ui, session_files, commands);
    UpdateLesson(*snap, ui, commands);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const Rect area{vp->Pos.x, vp->Pos.y + menu_h, vp->Size.x, vp->Size.y - menu_h};
    DrawWorkspace(*snap, ui, commands, area);
    Dialogs(*snap, ui, commands);
    ImGui::Render();
    phases.end(FramePhase::ui);

    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    const bool last_frame = args.frames > 0 && frame + 1 >= args.frames;
    const std::string lesson_shot = LessonShotDue(*snap, ui);  // --lesson-shots
    // Only what changed is repainted (gfx/partial_redraw.hpp); a frame that becomes a PNG is drawn
    // whole, so no plot in it waits for its turn.
    const bool shot_due = (last_frame && !args.screenshot_path.empty()) || !lesson_shot.empty() ||
                          (!ui.dialogs.pending_screenshot.empty() && ui.dialogs.screenshot_delay <= 1);
    // Text cut by its clip rectangle, on the frames that are reported (the unrolled view scrolls sideways).
    auto clipped_now = [] { return gfx::find_clipped_text(ImGui::GetDrawData(), *ImGui::GetIO().Fonts, {"###unrolled", "##unrolled_canvas"}); };
    if (last_frame && phases.enabled) clipped_text = gfx::clipped_text_json(clipped_now());
    if (last_frame && phases.enabled && redraw.partial) {  // --stats: check the repaints on the last frame
      redraw.mismatched = gfx::check_partial_redraw(ImGui::GetDrawData(), clear_color(ui.projector));
    } else {
      const bool whole = gfx::render_draw_data(ImGui::GetDrawData(), clear_color(ui.projector),
                                               shot_due ? gfx::Redraw::all_changed : gfx::Redraw::partial);
      redraw.partial_frames += !whole;
    }
    if (phases.enabled) glFinish();  // the rasteriser's work belongs to this phase, not to the swap
    phases.end(FramePhase::render);

    if (last_frame && !args.screenshot_path.empty()) {
      const std::string err = gfx::save_screenshot(args.screenshot_path, fb_w, fb_h);
      if (!err.empty()) {
        std::fprintf(stderr, "unrolled: %s\n", err.c_str());
        exit_code = 1;
      }
    }
    if (!ui.dialogs.pending_screenshot.empty() && --ui.dialogs.screenshot_delay <= 0) {
      const std::string err = gfx::save_screenshot(ui.dialogs.pending_screenshot, fb_w, fb_h);
      ui.notice = err.empty() ? "saved " + ui.dialogs.pending_screenshot : err;
      ui.notice_is_error = !err.empty();
      ui.dialogs.pending_screenshot.clear();
    }
    if (!lesson_shot.empty())
      LessonShotTaken(*snap, ui, gfx::save_screenshot(lesson_shot, fb_w, fb_h), gfx::clipped_text_json(clipped_now()));
    phases.begin();  // screenshots are not part of presenting
    gfx::present(window);
    phases.end(FramePhase::present);
    const bool quiet = commands.empty() && !ImGui::IsAnyItemActive() && ui.dialogs.pending_screenshot.empty();
    const bool training = snap->train->state == TrainState::running ||
                          (snap->train->compare && snap->train->compare->running()) || snap->lab->running() ||
                          snap->text->running() || snap->seq2seq->running();
    if (training) wait_s = 0.0;  // live curves; paced below
    else if (!quiet) wait_s = 0.0;
    else if (snap->playing) wait_s = std::clamp(0.25 / snap->speed, 1.0 / 240.0, 0.1);  // a quarter step
    else wait_s = 0.1;
    std::uint64_t sent = 0;
    for (Command& c : commands) sent = session.send(std::move(c));
    if (sent) LessonCommandsSent(ui, sent);
    const auto work_end = Clock::now();
    // The last frame's repaint check (two whole passes and two read-backs) is a measurement, not a frame.
    if (redraw.mismatched < 0 || !last_frame) frame_ms.push_back(std::chrono::duration<double, std::milli>(work_end - start).count());
    if (last_frame) break;
    if (ui.lesson.walk_done) {
      if (!ui.lesson.walk_error.empty()) {
        std::fprintf(stderr, "unrolled: --lesson-shots: %s\n", ui.lesson.walk_error.c_str());
        exit_code = 1;
      }
      break;
    }
    // While training, the worker needs a core: at most 60 frames a second (interactive and automated
    // alike), sleeping what is left of the 16.7 ms after this frame's own work, which --stats measured.
    // Interactive frames are paced to 60 fps here too: presenting by copying rectangles does not wait
    // for the monitor as a swap does.
    if (training || !automated)
      std::this_thread::sleep_until(start + std::max<Clock::duration>(frame_budget, LessonWalkFrameTime(ui)));
  }

  SaveSessionOnExit(session_files, ui, session);
  const std::shared_ptr<const TrainView> train = session.latest()->train;
  const std::shared_ptr<const TextView> final_text = session.latest()->text;
  const std::shared_ptr<const Seq2seqView> final_seq2seq = session.latest()->seq2seq;
  session.shutdown();
  if (!args.stats_path.empty() && !write_stats(args.stats_path, frame_ms, phases, *train, redraw, clipped_text, *final_text,
                                                 final_seq2seq.get())) exit_code = 1;

  gfx::heatmap_shutdown();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
