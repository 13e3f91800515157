// The Text workspace in the real app, under Xvfb: `--text` builds a character model on the generated
// structured text, `--train` trains it. The screenshots are read tile by tile (the app's own layout
// function): the reading view's characters are coloured by the chosen unit (another unit, other
// colours), the samples change as the model trains, the bits-per-character curve is drawn, and no
// text is cut, at 1280x800 and at a 1280x800 projector.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/layout.hpp"
#include "gui_shot.hpp"

using namespace unrolled::app;
using namespace unrolled::test;
namespace fs = std::filesystem;

namespace {

// Saturated red or blue: a character cell coloured by a clearly positive or negative activation
// (DivergingColor), and nothing else in the reading tile is that colour.
std::size_t coloured_cells(const Image& img, const Rect& r, bool red) {
  std::size_t n = 0;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.y + r.h) && y < img.h; ++y)
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.x + r.w) && x < img.w; ++x) {
      const unsigned char* p = img.at(x, y);
      if (red ? (p[0] > 150 && p[1] < 110 && p[2] < 110) : (p[2] > 150 && p[0] < 110 && p[1] < 160)) ++n;
    }
  return n;
}

}  // namespace

TEST_CASE("--text: the reading view is coloured by the chosen unit; the tiles are drawn; nothing is cut") {
  nlohmann::json stats;
  const Image u0 = shot("--size 1280x800 --text --frames 40", "text-unit0", &stats);
  CHECK_MESSAGE(stats.at("clipped_text").empty(), stats.at("clipped_text").dump());
  const Image u5 = shot("--size 1280x800 --text --text-unit 5 --frames 40", "text-unit5");
  REQUIRE(u0.w == 1280);
  const float fs = 15;
  const TextLayout l = compute_text_layout(workspace_area(1280, 800, fs), TextVisibility{}, fs);
  REQUIRE_FALSE(l.compact);
  const std::size_t red0 = coloured_cells(u0, l.reading, true), blue0 = coloured_cells(u0, l.reading, false);
  const std::size_t red5 = coloured_cells(u5, l.reading, true), blue5 = coloured_cells(u5, l.reading, false);
  MESSAGE("reading view: unit 0 red " << red0 << " blue " << blue0 << "; unit 5 red " << red5 << " blue " << blue5);
  CHECK(red0 + blue0 > 1000);  // hundreds of characters, each a coloured cell (the tile shares its column with connectivity)
  CHECK(red5 + blue5 > 1000);
  const std::size_t diff = differing(u0, u5, l.reading);
  MESSAGE("pixels that differ between unit 0 and unit 5: " << diff);
  CHECK(diff > 5000);
  // Outside the reading view the two pictures are the same (the unit colours only the text).
  CHECK(differing(u0, u5, l.samples) == 0);
  CHECK(differing(u0, u5, l.curves) == 0);
  // Find the units ranks the passage's units for "inside quotes": a list of bars, vermillion for units
  // on inside the span, blue for units off in it (their length the score).
  std::size_t bars = 0;
  for (int y = static_cast<int>(l.units.y); y < static_cast<int>(l.units.y + l.units.h); ++y)
    for (int x = static_cast<int>(l.units.x); x < static_cast<int>(l.units.x + l.units.w); ++x) {
      const unsigned char* p = u0.at(x, y);
      bars += (p[0] > p[1] + 30 && p[0] > p[2] + 30) || (p[2] > p[0] + 30 && p[2] > p[1] + 10);
    }
  MESSAGE("unit ranking bar pixels: " << bars);
  CHECK(bars > 1500);
  // The settings panel is drawn (text on the background) and the samples tile holds step 0's sample.
  CHECK(count_bright(u0, l.panel) > 3000);
  CHECK(count_bright(u0, l.samples) > 1500);
}

TEST_CASE("--text --train: the curves fill in and the ladder of samples grows while it trains") {
  const Image before = shot("--size 1280x800 --text --frames 40", "text-before");
  const Image after = shot("--size 1280x800 --text --train --frames 240", "text-after");
  const float fs = 15;
  const TextLayout l = compute_text_layout(workspace_area(1280, 800, fs), TextVisibility{}, fs);
  // The train curve in the first series colour (plot::SeriesColor(0), Okabe–Ito sky blue).
  const Rgb sky{86, 180, 233};
  const std::size_t curve_before = count_colour(before, l.curves, sky, static_cast<int>(fs * 2)),
                    curve_after = count_colour(after, l.curves, sky, static_cast<int>(fs * 2));
  MESSAGE("train curve pixels: before " << curve_before << ", after " << curve_after);
  CHECK(curve_after > curve_before + 60);  // a short line: the tile shares its column with connectivity
  const std::size_t changed = differing(before, after, l.samples);
  MESSAGE("samples tile pixels changed: " << changed);
  CHECK(changed > 3000);
}

TEST_CASE("--text at a 1280x800 projector: the presentation layout, nothing cut, while it trains") {
  nlohmann::json stats;
  const Image img = shot("--size 1280x800 --projector --text --train --frames 120", "text-projector", &stats);
  CHECK(img.w == 1280);
  CHECK_MESSAGE(stats.at("clipped_text").empty(), stats.at("clipped_text").dump());
}

TEST_CASE("--text with a missing file: the status line says so in red and the app carries on; a bad --text-unit is a usage error") {
  const Image img = shot("--size 1280x800 --text /nonexistent/corpus.txt --frames 20", "text-missing");
  const float fs = 15;
  const TextLayout l = compute_text_layout(workspace_area(1280, 800, fs), TextVisibility{}, fs);
  const Rgb error_red{255, 115, 102};  // look/theme.hpp ErrorColor()
  const std::size_t red = count_colour(img, l.status, error_red, 0, 30);
  MESSAGE("error-red pixels in the status line: " << red);
  CHECK(red > 100);
  const Image fine = shot("--size 1280x800 --text --frames 20", "text-fine");
  CHECK(count_colour(fine, l.status, error_red, 0, 30) == 0);
  const Run bad = run("--text --text-unit -1 --frames 2");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--text-unit") != std::string::npos);
}

namespace {
// Pixels near a colour (each channel within 40): the connectivity rows' headings and bars in the
// cell's colour (colors::rnn #E69F00, lstm #56B4E9, gru #009E73).
std::size_t near_colour(const Image& img, const Rect& r, int cr, int cg, int cb) {
  std::size_t n = 0;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.y + r.h) && y < img.h; ++y)
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.x + r.w) && x < img.w; ++x) {
      const unsigned char* p = img.at(x, y);
      n += std::abs(p[0] - cr) < 40 && std::abs(p[1] - cg) < 40 && std::abs(p[2] - cb) < 40;
    }
  return n;
}
// The rightmost column holding the connectivity shading's strong yellow (#F0E442 at 1× the largest).
int rightmost_yellow(const Image& img, const Rect& r) {
  int right = -1;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.y + r.h) && y < img.h; ++y)
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.x + r.w) && x < img.w; ++x) {
      const unsigned char* p = img.at(x, y);
      if (p[0] > 200 && p[1] > 190 && p[2] < 110) right = std::max(right, x);
    }
  return right;
}
}  // namespace

TEST_CASE("--text: the connectivity view has an RNN, an LSTM and a GRU row, and its shading follows the position") {
  nlohmann::json stats;
  const Image early = shot("--size 1280x800 --text --text-position 30 --frames 40", "text-conn30", &stats);
  CHECK_MESSAGE(stats.at("clipped_text").empty(), stats.at("clipped_text").dump());
  const Image late = shot("--size 1280x800 --text --text-position 300 --frames 40", "text-conn300");
  const float fs = 15;
  const TextLayout l = compute_text_layout(workspace_area(1280, 800, fs), TextVisibility{}, fs);
  REQUIRE(l.connectivity.h > fs * 10);
  const std::size_t rnn = near_colour(early, l.connectivity, 230, 159, 0), lstm = near_colour(early, l.connectivity, 86, 180, 233),
                    gru = near_colour(early, l.connectivity, 0, 158, 115);
  MESSAGE("connectivity rows: rnn " << rnn << " lstm " << lstm << " gru " << gru << " pixels in the cell's colour");
  CHECK(rnn > 150);
  CHECK(lstm > 150);
  CHECK(gru > 150);
  // Character 30 sits in the first quarter of the row (the window starts at the passage's start);
  // character 300 at the window's right end: the shaded characters end further right.
  const int r30 = rightmost_yellow(early, l.connectivity), r300 = rightmost_yellow(late, l.connectivity);
  MESSAGE("rightmost strong shading: character 30 at x = " << r30 << ", character 300 at x = " << r300);
  REQUIRE(r30 > 0);
  CHECK(r30 < l.connectivity.x + l.connectivity.w * 0.45f);
  CHECK(r300 > l.connectivity.x + l.connectivity.w * 0.7f);
  CHECK(differing(early, late, l.connectivity) > 3000);
  // Only the connectivity view and the reading view's marked character depend on the position.
  CHECK(differing(early, late, l.samples) == 0);
  CHECK(differing(early, late, l.curves) == 0);
}
