// The Seq2seq workspace in the real app, under Xvfb: `--seq2seq` builds an encoder-decoder with
// attention on the reverse task (and its no-attention twin), `--train` trains them. The screenshots are
// read tile by tile (the app's own layout function): the attention heatmap changes as the model
// trains, --seq2seq-step moves the highlighted decoder step (in the step-by-step view and the
// heatmap's marked row), a wider beam draws more branches, the curves and the bottleneck plot are
// drawn, and no text is cut, at 1280x800 and at a 1280x800 projector.
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

const Rgb amber{240, 190, 70};  // panels/seq2seq.cpp chosen_colour: the step shown, the beam's chosen path

// The mean position of the pixels near colour c in r (x, y), and how many there are.
struct Centroid {
  double x = 0, y = 0;
  std::size_t n = 0;
};
Centroid centroid(const Image& img, const Rect& r, Rgb c) {
  Centroid m;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.y + r.h) && y < img.h; ++y)
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.x + r.w) && x < img.w; ++x)
      if (near(img.at(x, y), c, 30)) {
        m.x += x;
        m.y += y;
        ++m.n;
      }
  if (m.n) {
    m.x /= static_cast<double>(m.n);
    m.y /= static_cast<double>(m.n);
  }
  return m;
}

Seq2seqLayout layout_1280() {
  const float fs = 15;
  return compute_seq2seq_layout(workspace_area(1280, 800, fs), Seq2seqVisibility{}, fs);
}

}  // namespace

TEST_CASE("--seq2seq --train: the heatmap, curves and bottleneck plot change as it trains; nothing is cut") {
  nlohmann::json before_stats, after_stats;
  const Image before = shot("--size 1280x800 --seq2seq --frames 40", "s2s-before", &before_stats);
  const Image after = shot("--size 1280x800 --seq2seq --train --frames 300", "s2s-after", &after_stats);
  CHECK_MESSAGE(before_stats.at("clipped_text").empty(), before_stats.at("clipped_text").dump());
  CHECK_MESSAGE(after_stats.at("clipped_text").empty(), after_stats.at("clipped_text").dump());
  REQUIRE(after.w == 1280);
  const Seq2seqLayout l = layout_1280();
  REQUIRE_FALSE(l.compact);
  // It trained, and both models were scored more than once.
  REQUIRE(after_stats.contains("seq2seq"));
  const nlohmann::json& s = after_stats.at("seq2seq");
  MESSAGE("steps " << s.at("steps") << " at " << s.at("steps_per_second") << " steps/s, val_seq_acc " << s.at("val_seq_acc"));
  CHECK(s.at("steps").get<long long>() >= 100);
  CHECK(s.at("twin").get<bool>());
  // The heatmap of step 0 (about uniform) is not the heatmap after a few hundred steps.
  const std::size_t heat = differing(before, after, l.attention);
  MESSAGE("attention tile pixels changed: " << heat);
  CHECK(heat > 3000);
  // The curves: the attention model's sky blue and the twin's vermillion appear once it trains.
  const Rgb sky{86, 180, 233}, vermillion{213, 94, 0};
  const std::size_t sky_before = count_colour(before, l.curves, sky, 30), sky_after = count_colour(after, l.curves, sky, 30);
  const std::size_t ver_after = count_colour(after, l.curves, vermillion, 30);
  MESSAGE("curves: sky " << sky_before << " -> " << sky_after << ", vermillion " << ver_after);
  CHECK(sky_after > sky_before + 200);
  CHECK(ver_after > 100);
  // The bottleneck plot: one line each, with attention and without.
  CHECK(count_colour(after, l.bottleneck, sky, 30) > 100);
  CHECK(count_colour(after, l.bottleneck, vermillion, 30) > 50);  // near 0 still: partly on the axis
  CHECK(count_bright(before, l.panel) > 2000);  // the settings are drawn
}

TEST_CASE("--seq2seq-step: the step control moves the highlighted decoder step and the heatmap's marked row") {
  const Image one = shot("--size 1280x800 --seq2seq --seq2seq-step 1 --frames 40", "s2s-step1");
  const Image four = shot("--size 1280x800 --seq2seq --seq2seq-step 4 --frames 40", "s2s-step4");
  const Seq2seqLayout l = layout_1280();
  // In the step view, the amber decoder cell (the lowest amber of the unrolled view, with its token
  // under it) moves right.
  const Rect left{l.steps.x, l.steps.y, l.steps.w * 0.6f, l.steps.h};
  const auto decoder_row = [&](const Image& img) {
    int lowest = 0;
    for (int y = static_cast<int>(left.y); y < static_cast<int>(left.y + left.h); ++y)
      for (int x = static_cast<int>(left.x); x < static_cast<int>(left.x + left.w); ++x)
        if (near(img.at(x, y), amber, 30)) lowest = y;
    return Rect{left.x, static_cast<float>(lowest) - 30.0f, left.w, 31.0f};
  };
  const Centroid a = centroid(one, decoder_row(one), amber), b = centroid(four, decoder_row(four), amber);
  MESSAGE("step view amber: step 1 x " << a.x << " (" << a.n << " px), step 4 x " << b.x << " (" << b.n << " px)");
  REQUIRE(a.n > 20);
  REQUIRE(b.n > 20);
  CHECK(b.x > a.x + 20);
  // In the heatmap, the amber frame marks a lower row.
  const Centroid ha = centroid(one, l.attention, amber), hb = centroid(four, l.attention, amber);
  MESSAGE("heatmap amber: step 1 y " << ha.y << ", step 4 y " << hb.y);
  REQUIRE(ha.n > 50);
  REQUIRE(hb.n > 50);
  CHECK(hb.y > ha.y + 10);
  // Nothing else moved: the curves and the bottleneck plot are the same pictures.
  CHECK(differing(one, four, l.curves) == 0);
  CHECK(differing(one, four, l.bottleneck) == 0);
}

TEST_CASE("--seq2seq-beam: a wider beam draws more branches in the tree; a bad width is a usage error") {
  const Image k1 = shot("--size 1280x800 --seq2seq --seq2seq-beam 1 --frames 40", "s2s-beam1");
  const Image k5 = shot("--size 1280x800 --seq2seq --seq2seq-beam 5 --frames 40", "s2s-beam5");
  const Seq2seqLayout l = layout_1280();
  const float fs = 15;
  // Below the title and the width control's line (the greedy line under it is grey, not counted).
  const Rect tree{l.beam.x, l.beam.y + fs * 3.2f, l.beam.w, l.beam.h - fs * 3.2f};
  const std::size_t n1 = count_bright(k1, tree), n5 = count_bright(k5, tree);
  const std::size_t rows1 = [&] {
    std::size_t rows = 0;
    for (int y = static_cast<int>(tree.y); y < static_cast<int>(tree.y + tree.h); ++y) {
      bool any = false;
      for (int x = static_cast<int>(tree.x); x < static_cast<int>(tree.x + tree.w) && !any; ++x) {
        const unsigned char* p = k1.at(x, y);
        any = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] > 150;
      }
      rows += any;
    }
    return rows;
  }();
  MESSAGE("tree pixels: k = 1 " << n1 << ", k = 5 " << n5 << "; rows used at k = 1: " << rows1);
  CHECK(n1 > 100);
  CHECK(n5 > 2 * n1);
  // The chosen path is marked in amber either way.
  CHECK(count_colour(k1, tree, amber, 0, 30) > 50);
  CHECK(count_colour(k5, tree, amber, 0, 30) > 50);
  const Run bad = run("--seq2seq --seq2seq-beam 0 --frames 2");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--seq2seq-beam") != std::string::npos);
}

TEST_CASE("--seq2seq at a 1280x800 projector: the presentation layout, nothing cut, while it trains") {
  nlohmann::json stats;
  const Image img = shot("--size 1280x800 --projector --seq2seq --train --frames 120", "s2s-projector", &stats);
  CHECK(img.w == 1280);
  CHECK_MESSAGE(stats.at("clipped_text").empty(), stats.at("clipped_text").dump());
  CHECK(count_colour(img, Rect{0, 0, 1280, 800}, amber, 0, 30) > 50);  // the heatmap on stage, its marked row
}

TEST_CASE("--seq2seq with a missing file: the status line says so in red and the app carries on") {
  const Image img = shot("--size 1280x800 --seq2seq /nonexistent/pairs.tsv --frames 20", "s2s-missing");
  const Seq2seqLayout l = layout_1280();
  const Rgb error_red{255, 115, 102};  // look/theme.hpp ErrorColor()
  const std::size_t red = count_colour(img, l.status, error_red, 0, 30);
  MESSAGE("error-red pixels in the status line: " << red);
  CHECK(red > 100);
}
