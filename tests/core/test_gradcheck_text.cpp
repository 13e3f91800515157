// Gradient checks for the version-2 pieces (DESIGN §3): embedding gather/scatter (E1, E2),
// bidirectional layers (B1, B2), cross-entropy (C1–C3) and dropout with a fixed mask (P1, P2), each
// alone and together, in double against four-point central differences.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/dropout.hpp"
#include "core/model.hpp"
#include "core/objective.hpp"
#include "core/test_util.hpp"

using namespace unrolled;
using test::Normal;

namespace {

struct TextProblem {
  Model<double> model;
  std::vector<int> tokens;     // token models
  Mat<double> input;           // real-valued input otherwise
  Mat<double> target;          // mse
  std::vector<int> classes;    // cross_entropy
  int batch = 2;
  LossMode mode = LossMode::last;
  DropoutMasks<double> masks;  // fixed, when dropout is on
};

struct Variant {
  CellKind cell = CellKind::lstm;
  int layers = 1;
  bool tokens = false, bidirectional = false, cross_entropy = false, dropout = false;
  LossMode mode = LossMode::last;
};

std::string describe(const Variant& v) {
  return std::string(cell_name(v.cell)) + " L=" + std::to_string(v.layers) + (v.tokens ? " tokens" : "") +
         (v.bidirectional ? " bidirectional" : "") + (v.cross_entropy ? " cross_entropy" : " mse") +
         (v.dropout ? " dropout" : "") + " " + loss_mode_name(v.mode);
}

TextProblem make_problem(const Variant& v, std::uint64_t seed) {
  ModelConfig c;
  c.cell = v.cell;
  c.input_size = 3;
  c.hidden_size = 4;
  c.num_layers = v.layers;
  c.output_size = 3;
  c.vocab_size = v.tokens ? 5 : 0;
  c.bidirectional = v.bidirectional;
  c.objective = v.cross_entropy ? Objective::cross_entropy : Objective::mse;
  c.dropout = v.dropout ? 0.4 : 0.0;
  TextProblem p{Model<double>(c), {}, {}, {}, {}, 2, v.mode, {}};
  init_uniform(p.model, seed);
  for (double& w : p.model.params) w *= 2.0;  // out of the gates' linear region
  const int steps = 5, B = p.batch, TB = steps * B;
  const int scored = v.mode == LossMode::last ? B : TB;
  std::mt19937_64 rng(seed + 3);
  Normal normal(seed + 17);
  if (v.tokens)
    for (int j = 0; j < TB; ++j) p.tokens.push_back(static_cast<int>(rng() % 5));
  else
    p.input = normal.matrix<double>(c.input_size, TB);
  if (v.cross_entropy)
    for (int j = 0; j < scored; ++j) p.classes.push_back(static_cast<int>(rng() % 3));
  else
    p.target = normal.matrix<double>(c.output_size, scored);
  if (v.dropout) draw_dropout_masks(c, steps, B, rng, p.masks);
  return p;
}

double run(const TextProblem& p, Trace<double>& tr, Mat<double>* dy = nullptr, Mat<double>* dy_final = nullptr) {
  const DropoutMasks<double>* masks = p.model.config.dropout > 0 ? &p.masks : nullptr;
  if (p.model.config.vocab_size > 0) forward_tokens(p.model, p.tokens, p.batch, tr, nullptr, masks);
  else forward(p.model, p.input, p.batch, tr, nullptr, masks);
  if (p.model.config.objective == Objective::cross_entropy)
    return cross_entropy_loss(tr, p.classes, p.mode, dy, dy_final);
  return mse_objective(tr, p.target, p.mode, dy, dy_final);
}

Gradients<double> analytic(const TextProblem& p, Trace<double>& tr) {
  Mat<double> dy, dy_final;
  run(p, tr, &dy, &dy_final);
  Gradients<double> g;
  const bool final = p.model.config.bidirectional && p.mode == LossMode::last;
  backward(p.model, tr, dy, g, 0, final ? &dy_final : nullptr);
  return g;
}

struct CheckResult {
  double param_error = 0, input_error = 0;
  std::string worst;
};

CheckResult gradcheck(TextProblem& p) {
  Trace<double> tr;
  const Gradients<double> g = analytic(p, tr);
  CheckResult r;
  for (const TensorSpec& s : p.model.layout.tensors)
    for (std::size_t j = 0; j < s.size; ++j) {
      const double numeric = test::central_difference(p.model.params[s.offset + j], [&] { return run(p, tr); });
      const double e = test::rel_error(g.params[s.offset + j], numeric);
      if (e > r.param_error) {
        r.param_error = e;
        r.worst = s.name;
      }
    }
  if (p.model.config.vocab_size == 0)
    for (Eigen::Index j = 0; j < p.input.size(); ++j) {
      const double numeric = test::central_difference(p.input(j), [&] { return run(p, tr); });
      r.input_error = std::max(r.input_error, test::rel_error(g.grad_input(j), numeric));
    }
  return r;
}

}  // namespace

TEST_CASE("version-2 gradients match central differences: embedding, bidirectional, cross-entropy, dropout") {
  int checked = 0;
  std::uint64_t seed = 100;
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru})
    for (int layers = 1; layers <= 3; ++layers)
      for (int piece = 0; piece < 6; ++piece)
        for (LossMode mode : {LossMode::last, LossMode::all}) {
          Variant v;
          v.cell = cell;
          v.layers = layers;
          v.mode = mode;
          // Each piece alone, then all of them together.
          v.tokens = piece == 0 || piece == 5;
          v.bidirectional = piece == 1 || piece == 4 || piece == 5;
          v.cross_entropy = piece == 2 || piece == 5;
          v.dropout = piece == 3 || piece == 4 || piece == 5;
          TextProblem p = make_problem(v, seed++);
          const CheckResult r = gradcheck(p);
          CAPTURE(describe(v));
          CAPTURE(r.worst);
          CHECK(r.param_error < 1e-6);
          CHECK(r.input_error < 1e-6);
          ++checked;
        }
  CHECK(checked == 108);
}

TEST_CASE("every version-2 tensor receives gradient, the embedding only in the rows the tokens used") {
  Variant v;
  v.cell = CellKind::gru;
  v.layers = 2;
  v.tokens = v.bidirectional = v.cross_entropy = true;
  v.mode = LossMode::all;
  TextProblem p = make_problem(v, 7);
  p.tokens.assign(p.tokens.size(), 1);
  p.tokens[3] = 4;
  Trace<double> tr;
  const Gradients<double> g = analytic(p, tr);
  for (const TensorSpec& s : p.model.layout.tensors) {
    double norm = 0;
    for (std::size_t j = 0; j < s.size; ++j) norm += g.params[s.offset + j] * g.params[s.offset + j];
    CAPTURE(s.name);
    CHECK(norm > 1e-12);
  }
  const TensorSpec& e = p.model.layout.tensors[static_cast<std::size_t>(p.model.layout.embed)];
  for (int id = 0; id < 5; ++id) {
    double norm = 0;
    for (int c = 0; c < 3; ++c) norm += std::abs(g.params[e.offset + static_cast<std::size_t>(id * 3 + c)]);
    CAPTURE(id);
    CHECK((norm > 0) == (id == 1 || id == 4));
  }
}

TEST_CASE("dropout: masks repeat from the seed, drop about p, scale kept values by 1/(1-p); no masks, no dropout") {
  ModelConfig c;
  c.hidden_size = 16;
  c.num_layers = 2;
  c.bidirectional = true;
  c.dropout = 0.25;
  DropoutMasks<float> a, b, other;
  std::mt19937_64 r1(5), r2(5), r3(6);
  draw_dropout_masks(c, 50, 4, r1, a);
  draw_dropout_masks(c, 50, 4, r2, b);
  draw_dropout_masks(c, 50, 4, r3, other);
  REQUIRE(a.layer.size() == 2);
  CHECK(a.layer[0].rows() == 32);
  CHECK(a.final.cols() == 4);
  CHECK(a.layer[1] == b.layer[1]);
  CHECK(a.final == b.final);
  CHECK(a.layer[0] != other.layer[0]);
  const Mat<float>& m = a.layer[0];
  const double dropped = static_cast<double>((m.array() == 0.0f).count()) / static_cast<double>(m.size());
  CHECK(dropped == doctest::Approx(0.25).epsilon(0.15));
  CHECK(((m.array() == 0.0f) || (m.array() == 1.0f / 0.75f)).all());

  // A forward pass without masks equals one with all-ones masks: evaluation uses no dropout.
  Model<double> model(c);
  init_uniform(model, 3);
  Normal normal(4);
  const Mat<double> x = normal.matrix<double>(1, 6 * 2);
  DropoutMasks<double> ones;
  for (int k = 0; k < 2; ++k) ones.layer.push_back(Mat<double>::Ones(32, 12));
  ones.final = Mat<double>::Ones(32, 2);
  Trace<double> plain, masked;
  forward(model, x, 2, plain);
  forward(model, x, 2, masked, nullptr, &ones);
  CHECK(plain.output == masked.output);
  CHECK(plain.final_output == masked.final_output);
}

TEST_CASE("cross-entropy is stable for huge logits, softmax sums to one, top-k orders by probability") {
  Trace<double> tr;
  tr.steps = 1;
  tr.batch = 2;
  tr.output.resize(3, 2);
  tr.output << 1000.0, -5.0, 0.0, -5.0, -1000.0, 2.0;
  Mat<double> dy;
  const double loss = cross_entropy_loss(tr, {0, 2}, LossMode::last, &dy);
  // Column 0: log-softmax of class 0 is −log(1 + e^−1000 + e^−2000) ≈ 0; column 1: 2 − log(e^−5 + e^−5 + e^2).
  const double col1 = -(2.0 - std::log(2 * std::exp(-5.0) + std::exp(2.0)));
  CHECK(std::isfinite(loss));
  CHECK(loss == doctest::Approx(col1 / 2).epsilon(1e-12));
  CHECK(dy.colwise().sum().cwiseAbs().maxCoeff() < 1e-15);  // softmax − onehot sums to 0
  Mat<double> p;
  softmax<double>(tr.output, 1.0, p);
  CHECK(p.colwise().sum()(1) == doctest::Approx(1.0));
  CHECK(p(0, 0) == doctest::Approx(1.0));
  const auto best = top_k<double>(p.col(1), 2);
  REQUIRE(best.size() == 2);
  CHECK(best[0].id == 2);
  CHECK(best[1].id == 0);  // tie with id 1: the lower id first
  CHECK(top_k<double>(p.col(1), 9).size() == 3);
  CHECK(sample_id<double>(p.col(1), 0.999999, 1) == 2);  // top-1 is greedy
  CHECK(sample_id<double>(p.col(1), 0.0) == 0);
  Mat<double> cold;
  softmax<double>(tr.output, 0.01, cold);
  CHECK(cold(2, 1) > 0.9999);
  CHECK_THROWS_AS(softmax<double>(tr.output, 0.0, cold), std::invalid_argument);
  CHECK_THROWS_AS(cross_entropy_loss(tr, {0, 3}, LossMode::last), std::out_of_range);
  CHECK_THROWS_AS(cross_entropy_loss(tr, {0}, LossMode::last), std::invalid_argument);
}

TEST_CASE("a trace reused across models keeps nothing of the previous one") {
  ModelConfig c;
  c.hidden_size = 3;
  c.output_size = 2;
  c.bidirectional = true;
  Model<double> bi(c);
  init_uniform(bi, 1);
  c.bidirectional = false;
  Model<double> uni(c);
  init_uniform(uni, 2);
  Normal normal(3);
  const Mat<double> x = normal.matrix<double>(1, 4 * 2);
  Trace<double> reused, fresh;
  forward(bi, x, 2, reused);
  forward(uni, x, 2, reused);
  forward(uni, x, 2, fresh);
  CHECK(reused.reverse.empty());
  CHECK(Mat<double>(last_output(reused)) == Mat<double>(last_output(fresh)));
  CHECK(cross_entropy_loss(reused, {0, 1}, LossMode::last) == cross_entropy_loss(fresh, {0, 1}, LossMode::last));
}

TEST_CASE("token ids out of range are refused with their position") {
  ModelConfig c;
  c.vocab_size = 4;
  c.input_size = 2;
  Model<float> m(c);
  init_uniform(m, 1);
  Trace<float> tr;
  try {
    forward_tokens(m, {0, 1, 4, 2}, 1, tr);
    FAIL("no error");
  } catch (const std::out_of_range& e) {
    CHECK(std::string(e.what()).find("token id 4 at position 2") != std::string::npos);
  }
  CHECK_THROWS_AS(forward_tokens(m, {0, -1}, 1, tr), std::out_of_range);
}
