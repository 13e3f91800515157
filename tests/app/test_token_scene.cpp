// The Step workspace's token scenes (session/token_scene.hpp): what a character model and a
// (bidirectional) classifier read, their softmax against one computed here, the ← chain's views in
// its own order against the core's trace, and texts the model cannot read.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "app/session/token_scene.hpp"
#include "core/model.hpp"

using namespace unrolled;
using namespace unrolled::app;

namespace {

Model<float> token_model(CellKind cell, int V, int O, bool bi) {
  ModelConfig c;
  c.cell = cell;
  c.vocab_size = V;
  c.input_size = 3;
  c.hidden_size = 4;
  c.output_size = O;
  c.bidirectional = bi;
  c.objective = Objective::cross_entropy;
  Model<float> m(c);
  init_uniform(m, 7);
  return m;
}

// softmax of one column, in double, written out here
std::vector<double> softmax_here(const Mat<float>& logits, int col) {
  double mx = -1e300, sum = 0;
  for (int r = 0; r < logits.rows(); ++r) mx = std::max(mx, double(logits(r, col)));
  std::vector<double> p(static_cast<std::size_t>(logits.rows()));
  for (int r = 0; r < logits.rows(); ++r) sum += p[static_cast<std::size_t>(r)] = std::exp(double(logits(r, col)) - mx);
  for (double& v : p) v /= sum;
  return p;
}

}  // namespace

TEST_CASE("a bidirectional word classifier's scene: ids, <unk>, final softmax, the ← chain in its own order") {
  for (CellKind cell : {CellKind::lstm, CellKind::gru}) {
    CAPTURE(cell_name(cell));
    const Model<float> m = token_model(cell, 6, 2, true);
    TokenVocab v;
    v.vocab = {"<unk>", "a", "bad", "good", "not", "the"};
    v.labels = {"neg", "pos"};
    v.words = true;
    SceneSettings s;
    s.text = "the  good zzz not";
    s.target_class = 1;
    const auto sc = build_token_scene(s, 1, m, v, "test");
    REQUIRE(sc->tokens);
    const TokenScene& tk = *sc->tokens;
    CHECK(tk.ids == std::vector<int>{5, 3, 0, 4});
    CHECK(tk.note.find("<unk>") != std::string::npos);
    CHECK(tk.classify);
    CHECK(tk.targets == std::vector<int>{1});
    const int T = 4;
    REQUIRE(sc->steps == T);
    REQUIRE(sc->reverse.size() == 1);

    Trace<float> tr;
    forward_tokens(m, tk.ids, 1, tr);
    const Mat<float> fin = tr.final_output;
    const std::vector<double> p = softmax_here(fin, 0);
    CHECK(tk.final_probs[0] == doctest::Approx(p[0]).epsilon(1e-5));
    CHECK(tk.final_probs[1] == doctest::Approx(p[1]).epsilon(1e-5));
    CHECK(sc->loss == doctest::Approx(-std::log(p[1])).epsilon(1e-5));
    // → chain column r is h_r; ← chain column r is the state after r reverse steps, h←_{T+1−r}
    // (the trace keeps it in block T − r, its zero start in block T).
    for (int r = 0; r <= T; ++r)
      for (int j = 0; j < 4; ++j) {
        CHECK(sc->layers[0].h.at(j, r) == tr.layers[0].h(j, r));
        CHECK(sc->reverse[0].h.at(j, r) == tr.reverse[0].h(j, T - r));
      }
    for (int j = 0; j < 4; ++j) CHECK(sc->reverse[0].h.at(j, 0) == 0.0f);
    if (cell == CellKind::lstm) {
      // The highway's gradient in the ← chain's own order obeys (L5)/(L10): dc_r = dh_r·o_r·(1 − tanh² c_r) + dc_{r+1}·f_{r+1}.
      const LayerView& lv = sc->reverse[0];
      for (int r = 0; r < T; ++r)
        for (int j = 0; j < 4; ++j) {
          const float o = lv.gates[3].at(j, r), tc = std::tanh(lv.c.at(j, r + 1));
          const float next = r + 1 < T ? lv.grad_c.at(j, r + 1) * lv.gates[1].at(j, r + 1) : 0.0f;
          CHECK(lv.grad_c.at(j, r) == doctest::Approx(lv.grad_h.at(j, r) * o * (1 - tc * tc) + next).epsilon(1e-4));
        }
      // The head reads h←_1 (the ← chain's last step), so that step gets a gradient from the head
      // and the → chain's first step does not.
      float head_rev = 0, head_fwd_first = 0;
      for (int j = 0; j < 4; ++j) {
        head_rev += std::abs(lv.grad_h_local.at(j, T - 1));
        head_fwd_first += std::abs(sc->layers[0].grad_h_local.at(j, 0));
      }
      CHECK(head_rev > 0);
      CHECK(head_fwd_first == 0.0f);
    }
  }
}

TEST_CASE("a character model's scene predicts each next character; the loss is the mean of −log p") {
  const Model<float> m = token_model(CellKind::gru, 4, 4, false);
  TokenVocab v;
  v.vocab = {"\n", " ", "a", "b"};
  SceneSettings s;
  s.text = "ab a\nb";
  s.steps = 24;
  const auto sc = build_token_scene(s, 2, m, v, "test");
  const TokenScene& tk = *sc->tokens;
  CHECK(tk.ids == std::vector<int>{2, 3, 1, 2, 0});
  CHECK(tk.targets == std::vector<int>{3, 1, 2, 0, 3});
  Trace<float> tr;
  forward_tokens(m, tk.ids, 1, tr);
  double sum = 0;
  for (int t = 0; t < 5; ++t) {
    const std::vector<double> p = softmax_here(tr.output, t);
    CHECK(tk.step_loss[static_cast<std::size_t>(t)] == doctest::Approx(-std::log(p[static_cast<std::size_t>(tk.targets[static_cast<std::size_t>(t)])])).epsilon(1e-5));
    for (int r = 0; r < 4; ++r) CHECK(tk.probs.at(r, t) == doctest::Approx(p[static_cast<std::size_t>(r)]).epsilon(1e-5));
    sum += -std::log(p[static_cast<std::size_t>(tk.targets[static_cast<std::size_t>(t)])]);
  }
  CHECK(sc->loss == doctest::Approx(sum / 5).epsilon(1e-5));
  CHECK(sc->reverse.empty());
  CHECK(token_label(" ") == "␣");
  CHECK(token_label("\n") == "↵");

  SUBCASE("T is capped by the steps setting, with a note") {
    s.steps = 3;
    const auto short_sc = build_token_scene(s, 3, m, v, "test");
    CHECK(short_sc->steps == 3);
    CHECK(short_sc->tokens->note.find("first 4 characters") != std::string::npos);
  }
  SUBCASE("a character outside the vocabulary is an error naming it") {
    s.text = "abz";
    CHECK_THROWS_WITH_AS(build_token_scene(s, 4, m, v, "test"), doctest::Contains("character 3 'z' is not in the model's vocabulary"),
                         std::runtime_error);
    s.text = "a";
    CHECK_THROWS_WITH_AS(build_token_scene(s, 5, m, v, "test"), doctest::Contains("at least 2 characters"), std::runtime_error);
  }
  SUBCASE("no text: the model's own seeded sample, the same for the same seed") {
    s.text.clear();
    const auto a = build_token_scene(s, 6, m, v, "test"), b = build_token_scene(s, 7, m, v, "test");
    CHECK(a->tokens->default_text);
    CHECK(a->tokens->ids == b->tokens->ids);
    CHECK(a->steps == 24);
  }
}
