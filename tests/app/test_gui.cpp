// GUI smoke test: runs the app under Xvfb (ctest wraps this binary in xvfb-run) and checks what it
// drew — the screenshot's size, real pixel statistics (not blank, many colours), that the picture
// changes between t = 0 and t = 5, the stats file, and the command-line contract (exit codes 0/1/2).
#include <doctest/doctest.h>
#include <stb_image.h>  // implementation in Debian's libstb

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const std::string app = std::string(UNROLLED_BIN_DIR) + "/unrolled";

fs::path scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("unrolled-gui-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

struct Run {
  int code = -1;
  std::string err;
};

// Runs the app with arguments; stderr captured.
Run run(const std::string& args, const std::string& env = "") {
  const fs::path err = scratch() / "stderr.txt";
  const std::string cmd = env + " '" + app + "' " + args + " >/dev/null 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  return r;
}

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;  // RGB
  explicit Image(const fs::path& path) {
    int n = 0;
    unsigned char* data = stbi_load(path.string().c_str(), &w, &h, &n, 3);
    if (data) {
      px.assign(data, data + static_cast<std::size_t>(w) * h * 3);
      stbi_image_free(data);
    }
  }
};

}  // namespace

TEST_CASE("renders the default scene at 1280x800: right size, not blank, changes from t = 0 to t = 5") {
  const fs::path a = scratch() / "t0.png", b = scratch() / "t5.png", stats = scratch() / "stats.json";
  Run r0 = run("--size 1280x800 --frames 8 --step 0 --screenshot '" + a.string() + "' --stats '" + stats.string() + "'");
  INFO(r0.err);
  REQUIRE(r0.code == 0);
  Run r5 = run("--size 1280x800 --frames 8 --step 5 --screenshot '" + b.string() + "'");
  INFO(r5.err);
  REQUIRE(r5.code == 0);

  Image i0(a), i5(b);
  REQUIRE(i0.w == 1280);
  REQUIRE(i0.h == 800);
  REQUIRE(i5.w == 1280);
  REQUIRE(i5.h == 800);

  // Real pixel statistics: brightness spread, many distinct colours, much of the window drawn on.
  double sum = 0, sum2 = 0;
  std::set<unsigned> colours;
  const std::size_t n = static_cast<std::size_t>(i0.w) * i0.h;
  std::map<unsigned, std::size_t> hist;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* p = &i0.px[i * 3];
    const double lum = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    sum += lum;
    sum2 += lum * lum;
    const unsigned key = (p[0] << 16) | (p[1] << 8) | p[2];
    colours.insert(key);
    ++hist[key];
  }
  const double mean = sum / n, stddev = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
  std::size_t mode = 0;
  for (auto& [k, c] : hist) mode = std::max(mode, c);
  MESSAGE("t=0: mean luminance " << mean << ", stddev " << stddev << ", " << colours.size()
                                 << " colours, background share " << double(mode) / n);
  CHECK(stddev > 12.0);
  CHECK(colours.size() > 500);
  CHECK(double(mode) / n < 0.9);  // not one flat colour
  CHECK(mean > 10.0);
  CHECK(mean < 200.0);

  // Stepping changed the picture: many pixels differ between t = 0 and t = 5.
  std::size_t changed = 0;
  for (std::size_t i = 0; i < n * 3; i += 3)
    if (std::abs(i0.px[i] - i5.px[i]) + std::abs(i0.px[i + 1] - i5.px[i + 1]) + std::abs(i0.px[i + 2] - i5.px[i + 2]) > 30)
      ++changed;
  MESSAGE("pixels changed between t = 0 and t = 5: " << changed);
  CHECK(changed > n / 100);

  // The stats file.
  std::ifstream in(stats);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j.at("frames").get<int>() == 8);
  CHECK(j.at("frame_ms").at("p95").get<double>() > 0.0);
  CHECK(j.at("frame_ms").at("max").get<double>() >= j.at("frame_ms").at("p50").get<double>());
  CHECK(j.at("train_steps").get<long long>() == 0);
}

TEST_CASE("scale 2 at 1920x1080 renders too, in both workspaces") {
  for (const char* workspace : {"--step 30", "--train"}) {
    CAPTURE(workspace);
    const fs::path p = scratch() / "scale2.png";
    Run r = run("--size 1920x1080 --scale 2 --frames 5 " + std::string(workspace) + " --screenshot '" + p.string() + "'");
    INFO(r.err);
    REQUIRE(r.code == 0);
    Image i(p);
    CHECK(i.w == 1920);
    CHECK(i.h == 1080);
    std::set<unsigned> colours;
    for (std::size_t k = 0; k + 2 < i.px.size(); k += 3) colours.insert((i.px[k] << 16) | (i.px[k + 1] << 8) | i.px[k + 2]);
    CHECK(colours.size() > 500);
  }
}

TEST_CASE("command line contract: --help 0, bad flags 2, no display 1 pointing to unrolled-cli") {
  CHECK(run("--help").code == 0);
  Run bad = run("--frames banana");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--frames") != std::string::npos);
  Run unknown = run("--bogus");
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("--bogus") != std::string::npos);
  CHECK(run("--size 10x10").code == 2);
  CHECK(run("--scale 9").code == 2);
  Run headless = run("--frames 1", "env -u DISPLAY -u WAYLAND_DISPLAY");
  CHECK(headless.code == 1);
  CHECK(headless.err.find("unrolled-cli") != std::string::npos);
}

TEST_CASE("a bad model file is reported and the app carries on") {
  const fs::path bad = scratch() / "bad-model.json";
  std::ofstream(bad) << "{\"format\": \"unrolled-model\", \"version\": 1, \"cell\": \"banana\"}";
  const fs::path p = scratch() / "badmodel.png";
  Run r = run("--model '" + bad.string() + "' --frames 3 --screenshot '" + p.string() + "'");
  CHECK(r.code == 0);
  CHECK(r.err.find("bad-model.json") != std::string::npos);
  CHECK(fs::exists(p));
  Run missing = run("--model /nonexistent/m.json --frames 2");
  CHECK(missing.code == 0);
  CHECK(missing.err.find("/nonexistent/m.json") != std::string::npos);
}

TEST_CASE("a screenshot that cannot be written is an error, and leaves no half file") {
  Run r = run("--frames 2 --screenshot /nonexistent-dir/shot.png");
  CHECK(r.code == 1);
  CHECK(r.err.find("/nonexistent-dir/shot.png") != std::string::npos);
}

TEST_CASE("--train: the training curves fill in over the frames, and --stats counts the training steps") {
  const fs::path early = scratch() / "train-early.png", late = scratch() / "train-late.png",
                 stats = scratch() / "train-stats.json";
  Run a = run("--size 1280x800 --train --train-speed full --frames 3 --screenshot '" + early.string() + "'");
  INFO(a.err);
  REQUIRE(a.code == 0);
  Run b = run("--size 1280x800 --train --train-speed full --frames 150 --screenshot '" + late.string() + "' --stats '" + stats.string() + "'");
  INFO(b.err);
  REQUIRE(b.code == 0);
  Image i0(early), i1(late);
  REQUIRE(i0.w == 1280);
  REQUIRE(i1.w == 1280);
  REQUIRE(i1.h == 800);

  // The training-curve tile of the Train workspace at 1280x800: right of the training panel
  // (18 characters of 15 px), left of the forecast, below the menu bar and above the status line.
  const int x0 = 285, x1 = 760, y0 = 60, y1 = 760;
  std::size_t changed = 0, blue0 = 0, blue1 = 0, area = 0;
  // The train-loss line is Okabe–Ito sky blue (86, 180, 233); count pixels close to it.
  auto sky_blue = [](const unsigned char* p) {
    return std::abs(p[0] - 86) < 40 && std::abs(p[1] - 180) < 40 && std::abs(p[2] - 233) < 40;
  };
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * 1280 + x) * 3;
      ++area;
      if (std::abs(i0.px[i] - i1.px[i]) + std::abs(i0.px[i + 1] - i1.px[i + 1]) + std::abs(i0.px[i + 2] - i1.px[i + 2]) > 30)
        ++changed;
      blue0 += sky_blue(&i0.px[i]);
      blue1 += sky_blue(&i1.px[i]);
    }
  MESSAGE("training-curve region: " << changed << " of " << area << " pixels changed; sky-blue pixels " << blue0 << " → " << blue1);
  CHECK(changed > area / 50);
  CHECK(blue1 > blue0 + 300);  // the loss line has been drawn across the plot

  std::ifstream in(stats);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j.at("frames").get<int>() == 150);
  CHECK(j.at("train_steps").get<long long>() > 0);
  CHECK(j.at("train_wall_seconds").get<double>() > 0.0);
  CHECK(j.at("train_steps_per_second").get<double>() ==
        doctest::Approx(j.at("train_steps").get<double>() / j.at("train_wall_seconds").get<double>()));
  CHECK(j.at("frame_ms").at("p95").get<double>() > 0.0);
}

TEST_CASE("projector mode: black background, white text, the same scene as at scale 2") {
  const fs::path normal = scratch() / "scale2-normal.png", proj = scratch() / "projector.png";
  Run a = run("--size 1280x800 --scale 2 --step 5 --frames 5 --screenshot '" + normal.string() + "'");
  INFO(a.err);
  REQUIRE(a.code == 0);
  Run b = run("--size 1280x800 --projector --step 5 --frames 5 --screenshot '" + proj.string() + "'");
  INFO(b.err);
  REQUIRE(b.code == 0);
  Image n(normal), p(proj);
  REQUIRE(n.w == 1280);
  REQUIRE(p.w == 1280);
  // The most common colour is the background: the theme's dark grey, or black at a projector.
  auto background = [](const Image& im) {
    std::map<unsigned, std::size_t> hist;
    for (std::size_t k = 0; k + 2 < im.px.size(); k += 3) ++hist[(im.px[k] << 16) | (im.px[k + 1] << 8) | im.px[k + 2]];
    return std::max_element(hist.begin(), hist.end(), [](auto& x, auto& y) { return x.second < y.second; })->first;
  };
  auto white = [](const Image& im) {  // pure white pixels: text and the current cell's outline
    std::size_t c = 0;
    for (std::size_t k = 0; k + 2 < im.px.size(); k += 3) c += im.px[k] == 255 && im.px[k + 1] == 255 && im.px[k + 2] == 255;
    return c;
  };
  CHECK(background(p) == 0x000000u);
  CHECK(background(n) != 0x000000u);
  MESSAGE("pure white pixels: scale 2 " << white(n) << ", projector " << white(p));
  CHECK(white(p) > 3 * white(n) + 1000);  // the theme's text is white, not light grey
}

// The classroom's projector: every workspace at 1280x800 in projector mode (its presentation layout),
// with its work under way (training, comparing, the lab's runs, the forward and the backward pass):
// the frame's draw data has no glyph cut by its clip rectangle and no window whose items reach past
// its edge (--stats "clipped_text", gfx/text_clip.hpp). The lessons' steps are walked the same way in
// lesson_gui_tests.
TEST_CASE("every workspace at a 1280x800 projector: no text cut by its frame") {
  const char* const states[] = {"--step 0", "--step 20", "--step 40", "--step 30 --play",
                                "--train", "--compare rnn,lstm,gru", "--compare rnn,gru", "--lab",
                                "--lab-activation relu --lab-rho 2.5"};
  for (const char* state : states) {
    CAPTURE(state);
    const fs::path stats = scratch() / "projector-clip.json", shot = scratch() / "projector-clip.png";
    const Run r = run(std::string("--size 1280x800 --projector --frames 60 ") + state + " --stats '" + stats.string() +
                      "' --screenshot '" + shot.string() + "'");
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::ifstream in(stats);
    const nlohmann::json j = nlohmann::json::parse(in);
    CHECK_MESSAGE(j.at("clipped_text").empty(), j.at("clipped_text").dump());
    CHECK(Image(shot).w == 1280);
  }
}

// Partial repaints (gfx/partial_redraw.hpp): Xvfb's Mesa offers GLX_MESA_copy_sub_buffer, so the app
// repaints only what changed. On the last frame --stats draws the changes, reads the window back,
// draws the frame whole and counts the pixels that differ: after a run of partial frames (training,
// playing, paging a lesson, switching workspaces) none may.
TEST_CASE("partial repaints leave exactly the whole frame on screen, in every workspace") {
  const char* const runs[] = {
      "--train --train-speed full --frames 120",                    // plots taking turns while a snapshot arrives every 33 ms
      "--play --speed 30 --frames 90",           // the Step workspace's views and heatmaps
      "--compare rnn,lstm --frames 90",          // compare: three plot tiles and the table
      "--lab --lab-rho 1.5 --frames 90",         // the gradient lab
      "--lesson 05-sine-forecaster --lesson-step 2 --frames 90",  // a lesson column beside Train
  };
  for (const char* args : runs) {
    const fs::path stats = scratch() / "redraw-stats.json";
    const Run r = run(std::string("--fresh --size 1280x800 ") + args + " --stats '" + stats.string() + "'");
    INFO(args << "\n" << r.err);
    REQUIRE(r.code == 0);
    std::ifstream in(stats);
    const nlohmann::json j = nlohmann::json::parse(in);
    CHECK(j.at("redraw").at("partial").get<bool>());
    CHECK(j.at("redraw").at("partial_frames").get<long long>() >= j.at("frames").get<long long>() - 3);
    CHECK(j.at("redraw").at("check_mismatched_pixels").get<long long>() == 0);
  }
  // UNROLLED_FULL_REDRAW=1 turns them off: every frame is drawn whole.
  const fs::path stats = scratch() / "redraw-full.json";
  const Run r = run("--fresh --size 1280x800 --train --train-speed full --frames 20 --stats '" + stats.string() + "'", "env UNROLLED_FULL_REDRAW=1");
  REQUIRE(r.code == 0);
  std::ifstream in(stats);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK_FALSE(j.at("redraw").at("partial").get<bool>());
  CHECK(j.at("redraw").at("partial_frames").get<long long>() == 0);
  CHECK(j.at("redraw").at("check_mismatched_pixels").get<long long>() == -1);
}
