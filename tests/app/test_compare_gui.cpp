// The Compare workspace in the real app, under Xvfb: `--compare rnn,lstm,gru` opens it and trains the
// three cells together. The stats file says every run trained, in lockstep, with the parameter counts
// of H = 32; the screenshot's loss-curve, forecast and decay tiles carry each cell's colour in lines
// (not just the legend's swatches), and the table tile is drawn with its coloured cell names and
// numbers. The tiles are found with the app's own layout function. Bad lists are usage errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "app/layout.hpp"
#include "gui_pixels.hpp"

using namespace unrolled::app;
using namespace unrolled::test;
namespace fs = std::filesystem;

namespace {
// The cells' Okabe–Ito colours (colors::rnn, lstm, gru in panels/common.hpp).
constexpr Rgb rnn_orange{230, 159, 0}, lstm_sky{86, 180, 233}, gru_green{0, 158, 115};
}  // namespace

TEST_CASE("--compare rnn,lstm,gru: every cell trains in lockstep; each colour in the plots; the table is drawn") {
  const fs::path shot = scratch() / "compare.png", stats = scratch() / "compare-stats.json";
  const Run r = run("--size 1280x800 --compare rnn,lstm,gru --frames 90 --screenshot '" + shot.string() + "' --stats '" +
                    stats.string() + "'");
  INFO(r.err);
  REQUIRE(r.code == 0);

  std::ifstream in(stats);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j.at("frames").get<int>() == 90);
  CHECK(j.at("train_steps").get<long long>() == 0);  // the Train workspace's run waited
  const nlohmann::json& runs = j.at("compare");
  REQUIRE(runs.size() == 3);
  const char* cells[] = {"rnn", "lstm", "gru"};
  // H = 32, one layer, I = O = 1: G·H·(I + H + 2) + head (H + 1).
  const long long parameters[] = {1 * 32 * 35 + 33, 4 * 32 * 35 + 33, 3 * 32 * 35 + 33};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    const nlohmann::json& c = runs[i];
    CHECK(c.at("cell").get<std::string>() == cells[i]);
    CHECK(c.at("parameters").get<long long>() == parameters[i]);
    CHECK(c.at("steps").get<long long>() > 20);
    CHECK(c.at("steps").get<long long>() == runs[0].at("steps").get<long long>());  // lockstep
    CHECK(c.at("state").get<std::string>() == "training");
    CHECK(c.at("seconds").get<double>() > 0.0);
    CHECK(c.at("steps_per_second").get<double>() ==
          doctest::Approx(c.at("steps").get<double>() / c.at("seconds").get<double>()));
  }
  MESSAGE("steps " << runs[0].at("steps") << "; steps/s rnn " << runs[0].at("steps_per_second") << ", lstm "
                   << runs[1].at("steps_per_second") << ", gru " << runs[2].at("steps_per_second"));

  const Image img(shot);
  REQUIRE(img.w == 1280);
  REQUIRE(img.h == 800);
  const float fs = 15;
  const CompareLayout l = compute_compare_layout(workspace_area(1280, 800, fs), CompareVisibility{}, fs);
  REQUIRE_FALSE(l.compact);
  const int inset = static_cast<int>(fs * 2);  // past the tile's title bar and border
  const std::pair<std::string, Rgb> cell_colours[] = {{"rnn", rnn_orange}, {"lstm", lstm_sky}, {"gru", gru_green}};
  for (const auto& [name, colour] : cell_colours) {
    CAPTURE(name);
    const std::size_t curves = count_colour(img, l.curves, colour, inset), forecast = count_colour(img, l.forecast, colour, inset),
                      decay = count_colour(img, l.decay, colour, inset), table = count_colour(img, l.table, colour, 2),
                      panel = count_colour(img, l.panel, colour, 2);
    MESSAGE(name << ": curves " << curves << ", forecast " << forecast << ", decay " << decay << ", table " << table
                 << ", panel " << panel << " pixels");
    // A legend swatch is ~14x3 pixels per plot: hundreds of pixels means the lines are drawn.
    CHECK(curves > 400);
    CHECK(forecast > 150);
    CHECK(decay > 150);
    CHECK(table > 15);  // "■ RNN" in the cell's colour
    CHECK(panel > 15);  // the cell's checkbox
  }
  // The table's header and numbers: plenty of text, and little of the colours outside the tiles they
  // belong to (the status line shows none of them).
  CHECK(count_bright(img, l.table) > 800);
  CHECK(count_colour(img, l.status, lstm_sky, 0) == 0);
}

TEST_CASE("--compare at a projector: 1920x1080 at scale 2 tiled, 1280x800 at scale 2 keeps the table under the tabs") {
  for (const auto& [w, h] : {std::pair{1920, 1080}, std::pair{1280, 800}}) {
    CAPTURE(w);
    const fs::path shot = scratch() / "compare-scale2.png";
    const Run r = run("--size " + std::to_string(w) + "x" + std::to_string(h) + " --scale 2 --compare rnn,gru --frames 30 --screenshot '" +
                      shot.string() + "'");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const Image img(shot);
    REQUIRE(img.w == w);
    const float fs = 30;
    const CompareLayout l = compute_compare_layout(workspace_area(w, h, fs), CompareVisibility{}, fs, 2);
    CHECK(l.compact == (w == 1280));
    REQUIRE(l.table.visible());
    CHECK(count_colour(img, l.table, rnn_orange, 2) > 40);
    CHECK(count_colour(img, l.table, gru_green, 2) > 40);
    CHECK(count_colour(img, l.table, lstm_sky, 2) == 0);  // not compared
    CHECK(count_bright(img, l.table) > 1500);
  }
}

TEST_CASE("--compare with a bad list is a usage error naming the flag and the value") {
  for (const std::string bad : {"rnn", "rnn,rnn", "rnn,lstm,gru,rnn", "rnn,cnn"}) {
    CAPTURE(bad);
    const Run r = run("--compare " + bad + " --frames 2");
    CHECK(r.code == 2);
    CHECK(r.err.find("--compare") != std::string::npos);
    CHECK(r.err.find("'" + bad + "'") != std::string::npos);
  }
}
