// The Gradient lab in the real app, under Xvfb: `--lab` opens it and trains its clipped and unclipped
// runs. In the screenshot, the gradient tile carries the measured ‖dL/dhₜ‖ line (the RNN's orange) and
// its guide ρ^(T−t) (light grey) inside the plot, and the clipping tile both runs' lines (blue and
// vermillion); at --scale 2 the same. The tiles are found with the app's own layout function.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "app/layout.hpp"
#include "gui_run.hpp"

using namespace unrolled::app;
using namespace unrolled::test;
namespace fs = std::filesystem;

namespace {

struct Rgb {
  int r, g, b;
};
// panels/common.hpp colors::lab_decay, lab_guide, clipped, unclipped.
constexpr Rgb decay_orange{230, 159, 0}, guide_grey{172, 172, 178}, clipped_blue{0, 114, 178}, unclipped_red{213, 94, 0};

bool near(const unsigned char* p, Rgb c, int tol) {
  return std::abs(p[0] - c.r) <= tol && std::abs(p[1] - c.g) <= tol && std::abs(p[2] - c.b) <= tol;
}

// Pixels of colour c in the lower `share` of r (below the tile's title, readouts and the plot's legend
// row: there only the plotted lines and the grid are drawn), `inset` pixels in from the sides.
std::size_t count_in_plot(const Image& img, const Rect& r, Rgb c, int tol, float share, int inset) {
  std::size_t n = 0;
  const int x0 = std::max(0, static_cast<int>(r.x) + inset), x1 = std::min(img.w, static_cast<int>(r.x + r.w) - inset);
  const int y0 = std::max(0, static_cast<int>(r.y + r.h * (1 - share))), y1 = std::min(img.h, static_cast<int>(r.y + r.h) - inset);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += near(img.at(x, y), c, tol);
  return n;
}

// The workspace below the main menu bar (a frame-height line of the scaled 15 px font).
Rect workspace_area(int w, int h, float fs) {
  const float menu = fs + 2 * std::round(3 * fs / 15);
  return {0, menu, static_cast<float>(w), h - menu};
}

void check_lab_picture(const fs::path& png, int w, int h, float fs) {
  const Image img(png);
  REQUIRE(img.w == w);
  REQUIRE(img.h == h);
  const LabLayout l = compute_lab_layout(workspace_area(w, h, fs), LabVisibility{}, fs);
  REQUIRE_FALSE(l.compact);
  const int inset = static_cast<int>(fs);
  // The gradient plot fills the lower part of its tile (readouts and the plot's title above it).
  const std::size_t orange = count_in_plot(img, l.decay, decay_orange, 40, 0.6f, inset);
  const std::size_t grey = count_in_plot(img, l.decay, guide_grey, 10, 0.6f, inset);
  // The clipping tile: the loss plot over the gradient-norm plot, both runs in each.
  const std::size_t blue = count_in_plot(img, l.clipping, clipped_blue, 30, 0.8f, inset);
  const std::size_t red = count_in_plot(img, l.clipping, unclipped_red, 30, 0.8f, inset);
  MESSAGE(png.filename().string() << ": decay line " << orange << " px, guide " << grey << " px; clipped run " << blue
                                  << " px, unclipped run " << red << " px");
  // Lines across most of the plot's width (T = 50 steps), 3 px (decay) and 1.5 px (guide) thick.
  CHECK(orange > static_cast<std::size_t>(l.decay.w));
  CHECK(grey > static_cast<std::size_t>(l.decay.w / 3));
  CHECK(blue > static_cast<std::size_t>(l.clipping.w / 2));
  CHECK(red > static_cast<std::size_t>(l.clipping.w / 2));
  // The settings tile is drawn (text on the dark background).
  CHECK(count_in_plot(img, l.panel, Rgb{230, 232, 240}, 30, 1.0f, inset) > 200);
}

// Runs `unrolled --lab` with these flags at w × h and checks its last frame.
void check_lab_run(const std::string& flags, const char* png, int w, int h, float fs) {
  const fs::path shot = scratch() / png;
  const Run r = run(flags + " --size " + std::to_string(w) + "x" + std::to_string(h) + " --lab --frames 90 --screenshot '" +
                    shot.string() + "'");
  INFO(r.err);
  REQUIRE(r.code == 0);
  check_lab_picture(shot, w, h, fs);
}

}  // namespace

TEST_CASE("--lab: the gradient against its guide, and the clipped and unclipped runs, at 1280x800") {
  check_lab_run("", "lab.png", 1280, 800, 15);
}

TEST_CASE("--lab at --scale 2 on 1920x1080: still tiled, the same lines") {
  check_lab_run("--scale 2", "lab-scale2.png", 1920, 1080, 30);
}
