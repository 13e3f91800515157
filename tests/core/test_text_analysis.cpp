// The Text workspace's core (core/text_analysis): trace_text against the cell stepped by hand
// (core/cell.hpp) and a softmax computed here; rank_units against answers known by construction and a
// brute-force count over all pairs; the span masks on hand-written text; connectivity against
// four-point central differences in double, for every cell, uni- and bidirectional.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "core/cell.hpp"
#include "core/text_analysis.hpp"
#include "core/text_data.hpp"
#include "core/text_trainer.hpp"
#include "core/test_util.hpp"

using namespace unrolled;
using test::Normal;

namespace {

struct Variant {
  CellKind cell = CellKind::lstm;
  int layers = 1;
  bool bidirectional = false;
  bool tokens = true;
};

std::string describe(const Variant& v) {
  return std::string(cell_name(v.cell)) + " L=" + std::to_string(v.layers) + (v.bidirectional ? " bidirectional" : "") +
         (v.tokens ? " tokens" : " real input");
}

std::vector<Variant> all_variants() {
  std::vector<Variant> out;
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru})
    for (bool bi : {false, true})
      for (int layers : {1, 2}) out.push_back({cell, layers, bi, true});
  return out;
}

// A small character model: V = 6, E = 3, H = 4, O = V; weights doubled so the gates leave their
// linear region.
Model<double> small_model(const Variant& v, std::uint64_t seed) {
  ModelConfig c;
  c.cell = v.cell;
  c.input_size = 3;
  c.hidden_size = 4;
  c.num_layers = v.layers;
  c.vocab_size = v.tokens ? 6 : 0;
  c.output_size = 6;
  c.bidirectional = v.bidirectional;
  c.objective = Objective::cross_entropy;
  Model<double> m(c);
  init_uniform(m, seed);
  for (double& w : m.params) w *= 2.0;
  return m;
}

std::vector<int> random_ids(int n, int V, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int> ids(static_cast<std::size_t>(n));
  for (int& id : ids) id = static_cast<int>(rng() % static_cast<std::uint64_t>(V));
  return ids;
}

double max_abs(const Mat<double>& a) { return a.size() == 0 ? 0.0 : a.cwiseAbs().maxCoeff(); }

}  // namespace

TEST_CASE("trace_text: every layer and direction equals the cell stepped by hand; top-k from a softmax done here") {
  for (const Variant& v : all_variants()) {
    CAPTURE(describe(v));
    const Model<double> m = small_model(v, 11);
    const ModelConfig& cfg = m.config;
    const int N = 9, H = cfg.hidden_size, V = cfg.vocab_size, k = 3;
    const std::vector<int> ids = random_ids(N, V, 5);
    TextTrace<double> tt;
    trace_text(m, ids, k, tt);
    REQUIRE(tt.positions == N);
    REQUIRE(tt.k == k);
    REQUIRE(static_cast<int>(tt.directions.size()) == cfg.num_layers * cfg.directions());

    // Layer by layer with forward_step, each direction from a zero state.
    Mat<double> x(cfg.input_size, N);
    for (int t = 0; t < N; ++t) x.col(t) = m.embedding().row(ids[static_cast<std::size_t>(t)]).transpose();
    for (int layer = 0; layer < cfg.num_layers; ++layer) {
      Mat<double> next(static_cast<Eigen::Index>(cfg.directions()) * H, N);
      for (int dir = 0; dir < cfg.directions(); ++dir) {
        const bool reverse = dir == 1;
        const LayerWeights<double> w = reverse ? m.reverse_layer(layer) : m.layer(layer);
        ModelConfig step_cfg = cfg;
        step_cfg.input_size = static_cast<int>(x.rows());
        Mat<double> h = Mat<double>::Zero(H, 1), c = Mat<double>::Zero(H, 1);
        StepCache<double> cache;
        const DirectionTrace<double>& d = tt.direction(layer, reverse);
        CHECK(d.layer == layer);
        CHECK(d.reverse == reverse);
        REQUIRE(d.h.rows() == H);
        REQUIRE(d.h.cols() == N);
        CHECK(d.c.size() == (cfg.cell == CellKind::lstm ? H * N : 0));
        CHECK(d.gates.size() == (cfg.cell == CellKind::rnn ? 0 : gate_count(cfg.cell) * H * N));
        for (int s = 0; s < N; ++s) {
          const int t = reverse ? N - 1 - s : s;
          const Mat<double> xt = x.col(t);
          forward_step(step_cfg, w, xt, h, c, cache);
          h = cache.h;
          if (cfg.cell == CellKind::lstm) c = cache.c;
          CHECK(max_abs(d.h.col(t) - cache.h) < 1e-13);
          if (cfg.cell == CellKind::lstm) CHECK(max_abs(d.c.col(t) - cache.c) < 1e-13);
          if (cfg.cell != CellKind::rnn) CHECK(max_abs(d.gates.col(t) - cache.gates) < 1e-13);
          next.block(static_cast<Eigen::Index>(dir) * H, t, H, 1) = cache.h;
        }
      }
      x = next;
    }
    CHECK_THROWS_AS(tt.direction(cfg.num_layers), std::out_of_range);
    if (!cfg.bidirectional) CHECK_THROWS_AS(tt.direction(0, true), std::out_of_range);

    // Softmax of the head by hand; the k largest by sorting every id.
    for (int t = 0; t < N; ++t) {
      const Vec<double> y = m.head_weight() * x.col(t) + m.head_bias();
      Vec<double> p = (y.array() - y.maxCoeff()).exp();
      p /= p.sum();
      std::vector<int> order(static_cast<std::size_t>(V));
      for (int i = 0; i < V; ++i) order[static_cast<std::size_t>(i)] = i;
      std::sort(order.begin(), order.end(), [&](int a, int b) { return p(a) > p(b) || (p(a) == p(b) && a < b); });
      for (int j = 0; j < k; ++j) {
        const TokenChance& tc = tt.top[static_cast<std::size_t>(t * k + j)];
        CHECK(tc.id == order[static_cast<std::size_t>(j)]);
        CHECK(tc.p == doctest::Approx(p(order[static_cast<std::size_t>(j)])).epsilon(1e-12));
      }
      if (t + 1 < N)
        CHECK(tt.next_p[static_cast<std::size_t>(t)] ==
              doctest::Approx(p(ids[static_cast<std::size_t>(t + 1)])).epsilon(1e-12));
    }
    CHECK(tt.next_p.size() == static_cast<std::size_t>(N - 1));
  }
}

TEST_CASE("trace_text: a trace reused for a shorter passage and another model; k above V gives all V ids") {
  const Model<double> bi = small_model({CellKind::lstm, 2, true, true}, 3);
  const Model<double> uni = small_model({CellKind::gru, 1, false, true}, 4);
  TextTrace<double> tt;
  trace_text(bi, random_ids(12, 6, 1), 2, tt);
  const std::vector<int> ids = random_ids(5, 6, 2);
  trace_text(uni, ids, 50, tt);
  CHECK(tt.positions == 5);
  CHECK(tt.directions.size() == 1);
  CHECK(tt.k == 6);
  REQUIRE(tt.top.size() == 30);
  for (int t = 0; t < 5; ++t) {
    double total = 0;
    std::vector<int> seen;
    for (int j = 0; j < 6; ++j) {
      const TokenChance& c = tt.top[static_cast<std::size_t>(t * 6 + j)];
      total += c.p;
      seen.push_back(c.id);
      if (j > 0) CHECK(c.p <= tt.top[static_cast<std::size_t>(t * 6 + j - 1)].p);
    }
    std::sort(seen.begin(), seen.end());
    CHECK(seen == std::vector<int>{0, 1, 2, 3, 4, 5});
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  }
  TextTrace<double> fresh;
  trace_text(uni, ids, 6, fresh);
  CHECK(max_abs(fresh.directions[0].h - tt.directions[0].h) == 0.0);
  CHECK(max_abs(fresh.directions[0].gates - tt.directions[0].gates) == 0.0);
}

TEST_CASE("trace_text: bad input is refused with what and where") {
  const Model<double> m = small_model({}, 1);
  TextTrace<double> tt;
  CHECK_THROWS_AS(trace_text(m, {}, 3, tt), std::invalid_argument);
  CHECK_THROWS_AS(trace_text(m, {1, 2}, 0, tt), std::invalid_argument);
  CHECK_THROWS_WITH_AS(trace_text(m, {1, 2, 6}, 3, tt), doctest::Contains("position 2"), std::out_of_range);
  CHECK_THROWS_WITH_AS(trace_text(m, {1, -1}, 3, tt), doctest::Contains("position 1"), std::out_of_range);
  const Model<double> real = small_model({CellKind::lstm, 1, false, false}, 1);
  CHECK_THROWS_WITH_AS(trace_text(real, {1, 2}, 3, tt), doctest::Contains("no embedding"), std::invalid_argument);
}

// ---- rank_units ----

namespace {

// AUC by its definition: over every (selected, unselected) pair, 1 when the selected value is
// larger, ½ when equal.
double auc_by_pairs(const Mat<double>& a, int unit, const std::vector<bool>& mask) {
  double wins = 0, pairs = 0;
  for (Eigen::Index s = 0; s < a.cols(); ++s) {
    if (!mask[static_cast<std::size_t>(s)]) continue;
    for (Eigen::Index u = 0; u < a.cols(); ++u) {
      if (mask[static_cast<std::size_t>(u)]) continue;
      pairs += 1;
      wins += a(unit, s) > a(unit, u) ? 1.0 : a(unit, s) == a(unit, u) ? 0.5 : 0.0;
    }
  }
  return wins / pairs;
}

const UnitScore& find_unit(const std::vector<UnitScore>& r, int unit) {
  return *std::find_if(r.begin(), r.end(), [&](const UnitScore& s) { return s.unit == unit; });
}

}  // namespace

TEST_CASE("rank_units: units built to separate the span come first, with the side they fire on") {
  // 40 positions, the span every third one plus a block.
  const int N = 40;
  std::vector<bool> mask(N);
  for (int j = 0; j < N; ++j) mask[static_cast<std::size_t>(j)] = j % 3 == 0 || (j >= 20 && j < 26);
  Normal normal(9);
  Mat<double> a = normal.matrix<double>(6, N, 0.1);  // units 0, 1, 5: noise only
  for (int j = 0; j < N; ++j) {
    const bool in = mask[static_cast<std::size_t>(j)];
    a(2, j) = in ? 0.5 + 0.1 * a(2, j) : -0.5 + 0.1 * a(2, j);  // on in the span, never overlapping
    a(3, j) = 0.7;                                                // constant: every pair a tie
    a(4, j) = in ? -2.0 - 0.01 * j : 1.0 + 0.01 * j;             // off in the span
  }
  const std::vector<UnitScore> r = rank_units<double>(a, mask);
  REQUIRE(r.size() == 6);
  // Units 2 and 4 separate perfectly: score 1, and equal scores keep the lower unit first.
  CHECK(r[0].unit == 2);
  CHECK(r[0].score == 1.0);
  CHECK(r[0].sign == 1);
  CHECK(r[0].auc == 1.0);
  CHECK(r[1].unit == 4);
  CHECK(r[1].score == 1.0);
  CHECK(r[1].sign == -1);
  CHECK(r[1].auc == 0.0);
  const UnitScore& flat = find_unit(r, 3);
  CHECK(flat.score == 0.0);
  CHECK(flat.sign == 0);
  CHECK(flat.auc == 0.5);
  CHECK(r.back().unit == 3);  // the noise units separate a little by chance; the constant one not at all
  for (std::size_t i = 1; i < r.size(); ++i) CHECK(r[i - 1].score >= r[i].score);
  // Means over the span and the rest.
  double in = 0, out = 0;
  for (int j = 0; j < N; ++j) (mask[static_cast<std::size_t>(j)] ? in : out) += a(4, j);
  const double n1 = static_cast<double>(std::count(mask.begin(), mask.end(), true));
  CHECK(find_unit(r, 4).mean_in == doctest::Approx(in / n1));
  CHECK(find_unit(r, 4).mean_out == doctest::Approx(out / (N - n1)));
}

TEST_CASE("rank_units: ties by hand and a brute-force count over all pairs") {
  // Selected {2, 3, 5}, the rest {1, 2, 4}: wins 1.5 + 2 + 3 = 6.5 of 9 pairs, AUC 13/18, score 4/9.
  Mat<double> a(2, 6);
  a << 2, 1, 3, 2, 5, 4,  //
      4, 5, 3, 4, 1, 2;   // 6 minus the row above: AUC 5/18, score 4/9, off in the span
  const std::vector<bool> mask{true, false, true, false, true, false};
  const std::vector<UnitScore> r = rank_units<double>(a, mask);
  CHECK(r[0].unit == 0);
  CHECK(r[0].auc == doctest::Approx(13.0 / 18).epsilon(1e-15));
  CHECK(r[0].score == doctest::Approx(4.0 / 9).epsilon(1e-15));
  CHECK(r[0].sign == 1);
  CHECK(r[1].unit == 1);
  CHECK(r[1].auc == doctest::Approx(5.0 / 18).epsilon(1e-15));
  CHECK(r[1].score == doctest::Approx(4.0 / 9).epsilon(1e-15));
  CHECK(r[1].sign == -1);

  // Values drawn from five levels, so most pairs tie somewhere; masks of several densities.
  std::mt19937_64 rng(21);
  for (int density : {1, 3, 5}) {
    const int N = 57;
    Mat<double> b(8, N);
    std::vector<bool> m(N);
    for (int j = 0; j < N; ++j) {
      m[static_cast<std::size_t>(j)] = static_cast<int>(rng() % 6) < density;
      for (int u = 0; u < 8; ++u) b(u, j) = static_cast<double>(rng() % 5) - (m[static_cast<std::size_t>(j)] ? u * 0.25 : 0.0);
    }
    m[0] = true;
    m[1] = false;
    const std::vector<UnitScore> rb = rank_units<double>(b, m);
    for (int u = 0; u < 8; ++u) {
      CAPTURE(u);
      const double auc = auc_by_pairs(b, u, m);
      const UnitScore& s = find_unit(rb, u);
      CHECK(s.auc == doctest::Approx(auc).epsilon(1e-13));
      CHECK(s.score == doctest::Approx(std::abs(auc - 0.5) * 2).epsilon(1e-13));
      CHECK(s.sign == (auc > 0.5 ? 1 : auc < 0.5 ? -1 : 0));
    }
  }
}

TEST_CASE("rank_units: float activations rank like double; the score ignores a monotone rescaling") {
  Normal normal(4);
  const Mat<double> a = normal.matrix<double>(5, 30);
  std::vector<bool> mask(30);
  for (int j = 0; j < 30; ++j) mask[static_cast<std::size_t>(j)] = a(1, j) + 0.5 * a(3, j) > 0.2;
  const std::vector<UnitScore> rd = rank_units<double>(a, mask);
  const Mat<float> af = a.cast<float>();
  const std::vector<UnitScore> rf = rank_units<float>(af, mask);
  const Mat<double> squashed = (3.0 * a).array().tanh().matrix();
  const std::vector<UnitScore> rs = rank_units<double>(squashed, mask);
  for (std::size_t i = 0; i < rd.size(); ++i) {
    CHECK(rd[i].unit == rf[i].unit);
    CHECK(rd[i].score == rf[i].score);
    CHECK(rd[i].unit == rs[i].unit);
    CHECK(rd[i].score == rs[i].score);
  }
  CHECK(rd[0].unit == 1);
}

TEST_CASE("rank_units: empty, full and mis-sized masks and non-finite activations are refused") {
  const Mat<double> a = Mat<double>::Ones(3, 4);
  CHECK_THROWS_WITH_AS(rank_units<double>(a, {false, false, false, false}), doctest::Contains("no position"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(rank_units<double>(a, {true, true, true, true}), doctest::Contains("every position"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(rank_units<double>(a, {true, false}), doctest::Contains("2 entries for 4 positions"),
                       std::invalid_argument);
  Mat<double> bad = a;
  bad(2, 1) = std::nan("");
  CHECK_THROWS_WITH_AS(rank_units<double>(bad, {true, false, true, false}),
                       doctest::Contains("unit 2 is not finite at position 1"), std::invalid_argument);
  bad(2, 1) = INFINITY;
  CHECK_THROWS_AS(rank_units<double>(bad, {true, false, true, false}), std::invalid_argument);
}

TEST_CASE("rank_units: `within` compares only those positions, as ranking their columns alone does") {
  Normal normal(12);
  const int N = 50;
  const Mat<double> a = normal.matrix<double>(7, N);
  std::vector<bool> mask(N), within(N);
  std::mt19937_64 rng(5);
  std::vector<int> cols;
  std::vector<bool> sub_mask;
  for (int j = 0; j < N; ++j) {
    mask[static_cast<std::size_t>(j)] = rng() % 3 == 0;
    within[static_cast<std::size_t>(j)] = rng() % 2 == 0;
    if (within[static_cast<std::size_t>(j)]) {
      cols.push_back(j);
      sub_mask.push_back(mask[static_cast<std::size_t>(j)]);
    }
  }
  Mat<double> sub(a.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) sub.col(static_cast<Eigen::Index>(j)) = a.col(cols[j]);
  Mat<double> poisoned = a;  // a NaN outside `within` is never read
  for (int j = 0; j < N; ++j)
    if (!within[static_cast<std::size_t>(j)]) poisoned(3, j) = std::nan("");
  const std::vector<UnitScore> r = rank_units<double>(poisoned, mask, &within);
  const std::vector<UnitScore> expected = rank_units<double>(sub, sub_mask);
  REQUIRE(r.size() == expected.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    CHECK(r[i].unit == expected[i].unit);
    CHECK(r[i].score == expected[i].score);
    CHECK(r[i].auc == expected[i].auc);
    CHECK(r[i].mean_in == doctest::Approx(expected[i].mean_in).epsilon(1e-14));
    CHECK(r[i].mean_out == doctest::Approx(expected[i].mean_out).epsilon(1e-14));
  }
  CHECK_THROWS_WITH_AS(rank_units<double>(a, mask, &sub_mask), doctest::Contains("set of compared positions"),
                       std::invalid_argument);
  std::vector<bool> outside_span(N);
  for (int j = 0; j < N; ++j) outside_span[static_cast<std::size_t>(j)] = !mask[static_cast<std::size_t>(j)];
  CHECK_THROWS_WITH_AS(rank_units<double>(a, mask, &outside_span), doctest::Contains("no position of the compared"),
                       std::invalid_argument);
}

TEST_CASE("span masks: quotes, bracket depth and letters on hand-written text") {
  auto bits = [](const std::vector<bool>& m) {
    std::string s;
    for (bool b : m) s += b ? '1' : '0';
    return s;
  };
  // The opening character is inside its span, the closing one is not (each entry: after reading it).
  CHECK(bits(inside_quotes_mask(U"a \"bc\" d\"e")) == "0011100011");
  CHECK(bits(inside_quotes_mask(U"x \u201Cyz\u201D \u201Dq")) == "001110000");
  CHECK(bits(inside_quotes_mask(U"")) == "");
  CHECK(bits(bracket_depth_mask(U"a(b[c]d)e", 1)) == "011111100");
  CHECK(bits(bracket_depth_mask(U"a(b[c]d)e", 2)) == "000110000");
  CHECK(bits(bracket_depth_mask(U"))(x}", 1)) == "00110");  // never below zero
  CHECK_THROWS_AS(bracket_depth_mask(U"()", 0), std::invalid_argument);
  CHECK(bits(letter_mask(U"Ab c1'\u00E9\u00D7\u03B1\u0436-")) == "1101001011" + std::string("0"));
  CHECK(is_letter(U'Z'));
  CHECK(is_letter(U'\u00FF'));
  CHECK(!is_letter(U'\u00F7'));
  CHECK(!is_letter(U'_'));
  CHECK(!is_letter(U'\u201C'));
}

TEST_CASE("a character LSTM trained on the structured corpus grows a unit that knows it is inside quotes") {
  // The same words occur inside and outside quotes, so among letters only a unit that remembers the
  // opening quote can separate them; at init none does.
  const std::string text = structured_corpus(60000, 7);
  std::vector<char> vocab(text.begin(), text.end());
  std::sort(vocab.begin(), vocab.end());
  vocab.erase(std::unique(vocab.begin(), vocab.end()), vocab.end());
  std::vector<int> ids;
  for (char ch : text)
    ids.push_back(static_cast<int>(std::lower_bound(vocab.begin(), vocab.end(), ch) - vocab.begin()));
  const std::vector<int> train(ids.begin(), ids.end() - 3000), val(ids.end() - 2000, ids.end());
  std::u32string passage;
  for (int id : val) passage += static_cast<char32_t>(vocab[static_cast<std::size_t>(id)]);
  const std::vector<bool> quoted = inside_quotes_mask(passage), letters = letter_mask(passage);

  TextTrainConfig tc;
  tc.model.cell = CellKind::lstm;
  tc.model.hidden_size = 32;
  tc.model.input_size = 16;
  tc.model.vocab_size = static_cast<int>(vocab.size());
  tc.model.output_size = tc.model.vocab_size;
  tc.model.objective = Objective::cross_entropy;
  tc.seq = 64;
  tc.batch = 16;
  tc.seed = 3;
  CharLmTrainer<float> trainer(tc, train);
  TextTrace<float> tt;
  auto best_quote_unit = [&] {
    trace_text(trainer.model(), val, 5, tt);
    return rank_units<float>(tt.direction(0).c, quoted, &letters).front();
  };
  const UnitScore before = best_quote_unit();
  for (int step = 0; step < 400; ++step) trainer.step();
  const UnitScore after = best_quote_unit();
  CAPTURE(before.score);
  CAPTURE(after.score);
  CAPTURE(after.unit);
  CHECK(before.score < 0.4);
  CHECK(after.score > 0.9);
}

// ---- connectivity ----

namespace {

// out(x) of connectivity's definition, from a forward pass over the given input columns.
double output_at(const Model<double>& m, const Mat<double>& input, int t, int logit) {
  Trace<double> tr;
  forward(m, input, 1, tr);
  return logit >= 0 ? tr.output(logit, t) : tr.output.col(t).norm();
}

void forward_any(const Model<double>& m, const std::vector<int>& ids, const Mat<double>& input, Trace<double>& tr) {
  if (m.config.vocab_size > 0) forward_tokens(m, ids, 1, tr);
  else forward(m, input, 1, tr);
}

}  // namespace

TEST_CASE("connectivity: dout/dx_k against central differences for every cell, uni and bidirectional") {
  std::vector<Variant> variants = all_variants();
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru})
    variants.push_back({cell, 1, false, false});  // no embedding: the input columns themselves
  variants.push_back({CellKind::gru, 2, true, false});
  for (const Variant& v : variants) {
    CAPTURE(describe(v));
    const Model<double> m = small_model(v, 23);
    const int N = 6;
    const std::vector<int> ids = random_ids(N, 6, 8);
    Normal normal(31);
    const Mat<double> real = normal.matrix<double>(m.config.input_size, N);
    Trace<double> tr;
    forward_any(m, ids, real, tr);
    Connectivity<double> c;
    for (int t : {0, 3, N - 1})
      for (int logit : {logit_norm, 2, ids[static_cast<std::size_t>(std::min(t + 1, N - 1))]}) {
        CAPTURE(t);
        CAPTURE(logit);
        connectivity(m, tr, t, logit, c);
        CHECK(c.position == t);
        CHECK(c.logit == logit);
        CHECK(c.value == doctest::Approx(output_at(m, tr.input, t, logit)).epsilon(1e-14));
        REQUIRE(c.grad.rows() == m.config.input_size);
        REQUIRE(c.grad.cols() == N);
        REQUIRE(c.norm.size() == static_cast<std::size_t>(N));
        Mat<double> x = tr.input;  // the embedded rows for a token model
        double max_err = 0;
        for (int k = 0; k < N; ++k) {
          Vec<double> numeric(x.rows());
          for (Eigen::Index i = 0; i < x.rows(); ++i)
            numeric(i) = test::central_difference(x(i, k), [&] { return output_at(m, x, t, logit); });
          for (Eigen::Index i = 0; i < x.rows(); ++i)
            max_err = std::max(max_err, test::rel_error(c.grad(i, k), numeric(i)));
          max_err = std::max(max_err, test::rel_error(c.norm[static_cast<std::size_t>(k)], numeric.norm()));
        }
        CHECK(max_err < 1e-7);
      }
  }
}

TEST_CASE("connectivity: a unidirectional model gives exactly 0 after t; a bidirectional one reads ahead") {
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru})
    for (bool bi : {false, true}) {
      const Variant v{cell, 2, bi, true};
      CAPTURE(describe(v));
      const Model<double> m = small_model(v, 41);
      const int N = 10, t = 4;
      const std::vector<int> ids = random_ids(N, 6, 3);
      Trace<double> tr;
      forward_tokens(m, ids, 1, tr);
      Connectivity<double> c;
      for (int logit : {logit_norm, ids[t + 1]}) {
        connectivity(m, tr, t, logit, c);
        for (int k = 0; k <= t; ++k) CHECK(c.norm[static_cast<std::size_t>(k)] > 1e-8);
        for (int k = t + 1; k < N; ++k) {
          if (bi) CHECK(c.norm[static_cast<std::size_t>(k)] > 1e-8);
          else CHECK(c.norm[static_cast<std::size_t>(k)] == 0.0);
        }
      }
      // Also in float, from trace_text's own forward pass.
      Model<float> mf(m.config);
      for (std::size_t j = 0; j < m.params.size(); ++j) mf.params[j] = static_cast<float>(m.params[j]);
      TextTrace<float> tt;
      trace_text(mf, ids, 5, tt);
      Connectivity<float> cf;
      connectivity(mf, tt.run, t, logit_norm, cf);
      connectivity(m, tr, t, logit_norm, c);
      for (int k = 0; k < N; ++k) {
        CHECK(static_cast<double>(cf.norm[static_cast<std::size_t>(k)]) ==
              doctest::Approx(c.norm[static_cast<std::size_t>(k)]).epsilon(1e-4));
        if (!bi && k > t) CHECK(cf.norm[static_cast<std::size_t>(k)] == 0.0f);
      }
    }
}

TEST_CASE("connectivity: bad position, logit or batch is refused") {
  const Model<double> m = small_model({}, 2);
  Trace<double> tr;
  forward_tokens(m, {1, 2, 3}, 1, tr);
  Connectivity<double> c;
  CHECK_THROWS_WITH_AS(connectivity(m, tr, 3, 0, c), doctest::Contains("position 3"), std::invalid_argument);
  CHECK_THROWS_AS(connectivity(m, tr, -1, 0, c), std::invalid_argument);
  CHECK_THROWS_WITH_AS(connectivity(m, tr, 0, 6, c), doctest::Contains("logit 6"), std::invalid_argument);
  CHECK_THROWS_AS(connectivity(m, tr, 0, -2, c), std::invalid_argument);
  Trace<double> two;
  forward_tokens(m, {1, 2, 3, 4}, 2, two);
  CHECK_THROWS_WITH_AS(connectivity(m, two, 0, 0, c), doctest::Contains("batch 1"), std::invalid_argument);
}
