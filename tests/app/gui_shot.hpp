// A GUI test's screenshot of the real app with its --stats, and the pixels two screenshots differ in
// inside a tile (the Text and Seq2seq workspace suites).
#pragma once
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gui_pixels.hpp"

namespace unrolled::test {

// Pixels of r whose colour differs by more than 60 (summed over the channels) between a and b.
inline std::size_t differing(const Image& a, const Image& b, const app::Rect& r) {
  std::size_t n = 0;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.y + r.h) && y < a.h; ++y)
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.x + r.w) && x < a.w; ++x) {
      const unsigned char *p = a.at(x, y), *q = b.at(x, y);
      n += std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) > 60;
    }
  return n;
}

// Runs the app with `flags`, its last frame saved as NAME.png; stats (optional) gets its --stats JSON.
inline Image shot(const std::string& flags, const std::string& name, nlohmann::json* stats = nullptr) {
  const std::filesystem::path png = scratch() / (name + ".png"), js = scratch() / (name + ".json");
  const Run r = run(flags + " --screenshot '" + png.string() + "' --stats '" + js.string() + "'");
  INFO(r.err);
  REQUIRE(r.code == 0);
  if (stats) {
    std::ifstream in(js);
    *stats = nlohmann::json::parse(in);
  }
  return Image(png);
}

}  // namespace unrolled::test
