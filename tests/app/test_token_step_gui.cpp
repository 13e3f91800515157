// The Step workspace on token models in the real app, under Xvfb (issue 15): model files written by
// `unrolled-cli train --task charlm|classify` are loaded with --model. The screenshots show the tokens
// read on the chain's inputs (token boxes with their glyphs, none for the sine), two chains and the
// join into the head for a bidirectional classifier (one for a unidirectional one), softmax bars that
// appear as the tokens are read, and no text cut at 1280x800 and at a 1280x800 projector.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "gui_pixels.hpp"

using namespace unrolled::app;
using namespace unrolled::test;
namespace fs = std::filesystem;

namespace {

const std::string cli = std::string(UNROLLED_BIN_DIR) + "/unrolled-cli";

// A small model file of `task` (trained briefly: the numbers do not matter here, the pictures do).
fs::path model(const std::string& name, const std::string& flags) {
  const fs::path out = scratch() / (name + ".json");
  if (!fs::exists(out)) {
    const std::string cmd = "'" + cli + "' train " + flags + " --hidden 8 --embed 8 --steps 60 --progress none --out '" +
                            out.string() + "' >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  return out;
}

Image shot(const std::string& flags, const std::string& name, nlohmann::json& stats) {
  const fs::path png = scratch() / (name + ".png"), js = scratch() / (name + ".json.stats");
  const Run r = run("--fresh --frames 4 " + flags + " --screenshot '" + png.string() + "' --stats '" + js.string() + "'");
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::ifstream in(js);
  stats = nlohmann::json::parse(in);
  return Image(png);
}

constexpr Rgb token_box{58, 62, 78}, cell_bg{38, 42, 52}, join{200, 150, 230}, bar_blue{90, 180, 255}, bar_green{120, 230, 140};

// The unrolled view: right of the controls column, above the lower tiles (1280x800, scale 1).
const Rect unrolled_area{240, 70, 1030, 200};

// Horizontal bands of rows that hold many cell-background pixels: one per chain of cells.
int cell_bands(const Image& img, const Rect& r) {
  // Rows inside one chain are split by the state squares drawn in its cells: gaps under 14 px join.
  int bands = 0, gap = 1000;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.y + r.h); ++y) {
    int n = 0;
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.x + r.w); ++x) n += near(img.at(x, y), cell_bg, 3);
    if (n > 150) {
      if (gap >= 14) ++bands;
      gap = 0;
    } else {
      ++gap;
    }
  }
  return bands;
}

// Bright glyph pixels inside the token boxes (the characters drawn on the inputs).
std::size_t glyphs_in_boxes(const Image& img, const Rect& r) {
  std::size_t n = 0;
  for (int y = static_cast<int>(r.y) + 1; y < static_cast<int>(r.y + r.h) - 1; ++y)
    for (int x = static_cast<int>(r.x) + 4; x < static_cast<int>(r.x + r.w) - 4; ++x) {
      const unsigned char* p = img.at(x, y);
      // a bright pixel with box colour on both sides within 4 px: text on a token box
      if (p[0] > 200 && p[1] > 200 && p[2] > 200 && near(img.at(x - 4, y), token_box, 12) && near(img.at(x + 4, y), token_box, 12)) ++n;
    }
  return n;
}

}  // namespace

TEST_CASE("token models in the Step workspace: tokens on the inputs, softmax bars, two chains when bidirectional") {
  const fs::path lm = model("lm", "--task charlm --data structured --chars 20000 --seq 32");
  const fs::path uni = model("uni", "--task classify --data negation --tokens word");
  const fs::path bi = model("bi", "--task classify --data negation --tokens word --bidirectional");
  nlohmann::json st;

  const Image sine = shot("--step 6", "sine", st);
  CHECK(count_colour(sine, unrolled_area, token_box, 0, 3) == 0);  // numbers, no token boxes

  SUBCASE("a character model draws its characters and next-character bars") {
    const Image img = shot("--model '" + lm.string() + "' --step 12", "lm", st);
    CHECK(st["clipped_text"].empty());
    CHECK(count_colour(img, unrolled_area, token_box, 0, 3) > 2000);
    CHECK(glyphs_in_boxes(img, unrolled_area) > 40);
    CHECK(cell_bands(img, unrolled_area) == 1);
    CHECK(count_colour(img, unrolled_area, bar_blue, 0, 12) + count_colour(img, unrolled_area, bar_green, 0, 12) > 100);
  }
  SUBCASE("the classifier's per-token prediction bars appear as the tokens are read") {
    const Image early = shot("--model '" + uni.string() + "' --step 2", "uni2", st);
    CHECK(st["clipped_text"].empty());
    const Image later = shot("--model '" + uni.string() + "' --step 6", "uni6", st);
    const std::size_t bars2 = count_colour(early, unrolled_area, bar_blue, 0, 12) + count_colour(early, unrolled_area, bar_green, 0, 12);
    const std::size_t bars6 = count_colour(later, unrolled_area, bar_blue, 0, 12) + count_colour(later, unrolled_area, bar_green, 0, 12);
    CHECK(bars2 > 30);
    CHECK(bars6 > bars2 * 2);  // four more steps' bars
    CHECK(cell_bands(later, unrolled_area) == 1);
    CHECK(count_colour(later, unrolled_area, join, 0, 40) < 150);  // no ← chain, no join (a few blended edge pixels)
    CHECK(glyphs_in_boxes(later, unrolled_area) > 40);  // the words on the inputs
  }
  SUBCASE("a bidirectional classifier draws → and ← chains joined into one head") {
    const Image img = shot("--model '" + bi.string() + "' --step 7", "bi", st);
    CHECK(st["clipped_text"].empty());
    CHECK(cell_bands(img, unrolled_area) == 2);
    CHECK(count_colour(img, unrolled_area, join, 0, 40) > 600);  // [h→_T ; h←_1] into the head
    const Image proj = shot("--projector --model '" + bi.string() + "' --step 7", "bi_projector", st);
    CHECK(st["clipped_text"].empty());
  }
}
