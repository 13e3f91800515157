// Reading a GUI test's screenshot by tile: colours near a reference, counted inside a rectangle from
// the app's own layout functions, and the workspace area below the main menu bar.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "app/layout.hpp"
#include "gui_run.hpp"

namespace unrolled::test {

struct Rgb {
  int r, g, b;
};

// Within `tol` of c in every channel.
inline bool near(const unsigned char* p, Rgb c, int tol = 40) {
  return std::abs(p[0] - c.r) < tol && std::abs(p[1] - c.g) < tol && std::abs(p[2] - c.b) < tol;
}

// Pixels within `tol` of c inside r, shrunk by `inset` on every side (a tile's border and title bar).
inline std::size_t count_colour(const Image& img, const app::Rect& r, Rgb c, int inset, int tol = 40) {
  std::size_t n = 0;
  const int x0 = std::max(0, static_cast<int>(r.x) + inset), x1 = std::min(img.w, static_cast<int>(r.x + r.w) - inset);
  const int y0 = std::max(0, static_cast<int>(r.y) + inset), y1 = std::min(img.h, static_cast<int>(r.y + r.h) - inset);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += near(img.at(x, y), c, tol);
  return n;
}

// Bright pixels (text on the dark background) inside r.
inline std::size_t count_bright(const Image& img, const app::Rect& r) {
  std::size_t n = 0;
  const int x0 = std::max(0, static_cast<int>(r.x)), x1 = std::min(img.w, static_cast<int>(r.x + r.w));
  const int y0 = std::max(0, static_cast<int>(r.y)), y1 = std::min(img.h, static_cast<int>(r.y + r.h));
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const unsigned char* p = img.at(x, y);
      n += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] > 150;
    }
  return n;
}

// The workspace below the main menu bar (a frame-height line of the scaled 15 px font) in a w × h
// window at font size fs.
inline app::Rect workspace_area(int w, int h, float fs) {
  const float menu = fs + 2 * std::round(3 * fs / 15);
  return {0, menu, static_cast<float>(w), h - menu};
}

}  // namespace unrolled::test
