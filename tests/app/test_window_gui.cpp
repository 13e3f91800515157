// The app in a real window, driven as a person drives it (xdotool under the suite's Xvfb): grown,
// shrunk and restored, a menu, a modal and a tooltip opened and closed — then what the X server shows
// must be exactly the frame the app draws whole (its own F12 screenshot). And quick key taps (a press
// and its release between two frames, what a presenter's clicker sends) are never lost.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "gui_run.hpp"

namespace fs = std::filesystem;
using namespace unrolled::test;

namespace {

void sleep_s(double s) { std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(s * 1000))); }

std::string sh(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// The app running interactively (no --frames) in its own folder: HOME, the state and config folders
// and the working directory (where F12 saves) are all inside it.
struct LiveApp {
  fs::path dir;
  std::string pid, window;
  explicit LiveApp(const std::string& name, const std::string& args) {
    dir = scratch() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string env = "cd '" + dir.string() + "' && HOME='" + dir.string() + "' XDG_STATE_HOME='" + dir.string() +
                            "/state' XDG_CONFIG_HOME='" + dir.string() + "/config' ";
    pid = sh(env + "'" + app + "' " + args + " >app.log 2>&1 & echo $!");
    window = sh("xdotool search --sync --onlyvisible --pid " + pid + " 2>/dev/null | head -n1");
    sleep_s(1.5);  // the first frames
  }
  bool alive() const { return sh("kill -0 " + pid + " 2>/dev/null && echo yes") == "yes"; }
  void x(const std::string& args) const { sh("xdotool " + args); }
  // Keys go to the focused window through XTEST, as a keyboard's do (events sent to a window are
  // marked synthetic, and GLFW ignores those).
  void keys(const std::string& args) const { sh("xdotool windowfocus --sync " + window + " key " + args); }
  void stop() {
    if (!pid.empty()) sh("kill -TERM " + pid + "; for i in $(seq 50); do kill -0 " + pid + " 2>/dev/null || break; sleep 0.1; done");
    pid.clear();
  }
  ~LiveApp() { stop(); }
};

// An XWD dump (xwd -id WINDOW) as RGB, for the depth-24 / 32-bit pixels Xvfb uses.
struct Xwd {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
  explicit Xwd(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto u32 = [&](std::size_t i) {
      return (std::uint32_t(b[i]) << 24) | (std::uint32_t(b[i + 1]) << 16) | (std::uint32_t(b[i + 2]) << 8) | b[i + 3];
    };
    if (b.size() < 100) return;
    const std::uint32_t header = u32(0), width = u32(16), height = u32(20), byte_order = u32(28), bpp = u32(44),
                        line = u32(48), red = u32(56), green = u32(60), blue = u32(64), ncolors = u32(76);
    if (bpp != 32) return;
    const std::size_t data = header + std::size_t(ncolors) * 12;
    if (b.size() < data + std::size_t(line) * height) return;
    w = static_cast<int>(width);
    h = static_cast<int>(height);
    px.resize(std::size_t(w) * h * 3);
    auto channel = [](std::uint32_t v, std::uint32_t mask) {
      int shift = 0;
      while (mask && !(mask & 1u)) mask >>= 1, ++shift;
      return static_cast<unsigned char>((v >> shift) & 0xFF);
    };
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const std::size_t i = data + std::size_t(y) * line + std::size_t(x) * 4;
        const std::uint32_t v = byte_order == 0 ? (std::uint32_t(b[i + 3]) << 24) | (std::uint32_t(b[i + 2]) << 16) |
                                                      (std::uint32_t(b[i + 1]) << 8) | b[i]
                                                : u32(i);
        unsigned char* p = &px[(std::size_t(y) * w + x) * 3];
        p[0] = channel(v, red), p[1] = channel(v, green), p[2] = channel(v, blue);
      }
  }
};

// Pixels that differ by more than 2 levels in a channel (the software renderer rounds some blends ±1
// differently on its fast path), or -1 when the sizes differ.
long long differing(const Image& a, const Xwd& b) {
  if (a.w != b.w || a.h != b.h || a.px.empty()) return -1;
  long long n = 0;
  for (std::size_t i = 0; i < a.px.size(); i += 3) {
    int d = 0;
    for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(int(a.px[i + c]) - int(b.px[i + c])));
    n += d > 2;
  }
  return n;
}

fs::path newest_png(const fs::path& dir) {
  fs::path best;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".png" && (best.empty() || e.last_write_time() > fs::last_write_time(best))) best = e.path();
  return best;
}

// The X server's picture of the window and F12 (the app's own whole frame of the same state), compared.
long long window_against_frame(LiveApp& a, const std::string& tag) {
  for (const auto& e : fs::directory_iterator(a.dir))
    if (e.path().extension() == ".png" && e.path().filename().string().rfind("unrolled-", 0) == 0) fs::remove(e.path());
  // The window first: saving the screenshot then writes "saved …" into the status line.
  const fs::path xwd = a.dir / (tag + ".xwd");
  sh("xwd -silent -id " + a.window + " > '" + xwd.string() + "'");
  a.keys("F12");
  sleep_s(1.0);
  fs::path png = newest_png(a.dir);
  if (!png.empty()) {  // kept beside the X server's picture for a look when the test fails
    fs::rename(png, a.dir / (tag + "-frame.png"));
    png = a.dir / (tag + "-frame.png");
  }
  if (png.empty()) return -2;
  return differing(Image(png), Xwd(xwd));
}

}  // namespace

TEST_CASE("a real window grown, shrunk and restored, with a menu, a modal and a tooltip opened and closed, shows exactly its frame") {
  LiveApp a("resize", "--fresh --size 1280x800");
  REQUIRE_FALSE(a.window.empty());
  CHECK(window_against_frame(a, "start") == 0);
  for (const char* size : {"1600 1000", "900 600", "1920 1080", "1300 820", "1280 800"}) {
    a.x("windowsize " + a.window + " " + size);
    sleep_s(1.0);
    REQUIRE_MESSAGE(a.alive(), "the app died when the window was resized to " << size);
  }
  CHECK(window_against_frame(a, "resized") == 0);
  // The File menu, opened and closed.
  a.x("mousemove --window " + a.window + " 20 10 click 1");
  sleep_s(0.6);
  a.x("mousemove --window " + a.window + " 640 400 click 1");  // closed by a click outside it
  sleep_s(0.6);
  // The Keys window (F1): open, it stays open (the press that opens it does not close it), then closed.
  const fs::path before = a.dir / "before-keys.xwd", open = a.dir / "keys-open.xwd";
  sh("xwd -silent -id " + a.window + " > '" + before.string() + "'");
  a.keys("F1");
  sleep_s(1.0);
  sh("xwd -silent -id " + a.window + " > '" + open.string() + "'");
  const Xwd b(before), o(open);
  long long changed = 0;
  for (std::size_t i = 0; i < b.px.size() && i < o.px.size(); ++i) changed += b.px[i] != o.px[i];
  CHECK_MESSAGE(changed > 100000, "F1 did not leave the Keys window open (" << changed << " bytes changed)");
  a.keys("Escape");
  // A tooltip: hover the Train tab, then move to the empty end of the menu bar.
  a.x("mousemove --window " + a.window + " 280 10");
  sleep_s(1.5);
  a.x("mousemove --window " + a.window + " 1000 10");
  sleep_s(1.0);
  CHECK(window_against_frame(a, "after-overlays") == 0);
  a.stop();
}

TEST_CASE("quick key taps are never lost: five PageDown taps page a lesson five steps on") {
  LiveApp a("taps", "--fresh --size 1280x800 --lesson 01-rnn-unrolled");
  REQUIRE_FALSE(a.window.empty());
  // Each tap's press and release back to back (both arrive between two frames), taps 0.1 s apart like
  // a clicker's (GLFW itself takes a release followed within 20 ms by a press of the same key for the
  // system's auto-repeat, so faster taps than that are one held key to any GLFW program).
  sh("xdotool windowfocus --sync " + a.window);
  for (int i = 0; i < 5; ++i) {
    sh("xdotool key --delay 0 Next");
    sleep_s(0.1);
  }
  sleep_s(1.0);
  a.stop();  // SIGTERM: a clean shutdown saves the session (the lesson and its step included)
  const fs::path saved = a.dir / "state" / "unrolled" / "last-session.json";
  REQUIRE(fs::exists(saved));
  std::ifstream in(saved);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j["ui"]["lesson"]["id"] == "01-rnn-unrolled");
  CHECK(j["ui"]["lesson"]["step"] == 5);  // 0-based: from step 1 five on, step 6
}

TEST_CASE("a quick Ctrl+Q is Ctrl+Q: the modifier a key was pressed with holds for that key") {
  LiveApp a("ctrl-q", "--fresh --size 1280x800");
  REQUIRE_FALSE(a.window.empty());
  // xdotool presses Ctrl, then Q, and lets Ctrl go before Q, all within a frame or two. Read with the
  // modifiers as they are at the end of the frame's events, that Q would be a plain Q (nothing), as a
  // quick Shift+T would be a plain T (train instead of pause).
  sh("xdotool windowfocus --sync " + a.window);
  sh("xdotool key --delay 0 q");
  sleep_s(0.5);
  REQUIRE(a.alive());  // a plain Q does nothing
  sh("xdotool key --delay 0 ctrl+q");
  for (int i = 0; i < 30 && a.alive(); ++i) sleep_s(0.1);
  CHECK_FALSE(a.alive());
}
