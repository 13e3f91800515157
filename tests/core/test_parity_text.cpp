// Parity with PyTorch for version-2 models (tests/data/reference/v2, see the README there): embedding,
// bidirectional 1–3 layers of every cell, cross-entropy last/all, dropout configured but in eval mode.
// Loss, outputs, final output, the top layer's states, dL/dx of the embedded input and every
// parameter gradient, in double (≤ 1e-12) and float (≤ 1e-5).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/model.hpp"
#include "core/objective.hpp"
#include "core/reference.hpp"

using namespace unrolled;
using nlohmann::json;
using test::compare_sequence;
using test::Worst;

namespace {

std::vector<int> ids(const json& j) {  // [B] or [T][B] → index t·B + b
  std::vector<int> out;
  for (const json& v : j)
    if (v.is_array())
      for (const json& x : v) out.push_back(x.get<int>());
    else
      out.push_back(v.get<int>());
  return out;
}

template <class T> Worst run_case(const json& c) {
  const Model<T> model = test::model_from_json<T>(c["model"]);
  const ModelConfig& cfg = model.config;
  LossMode mode;
  REQUIRE(parse_loss_mode(c["loss"].get<std::string>(), mode));
  const int B = c["batch"];
  Trace<T> tr;
  if (cfg.vocab_size > 0) forward_tokens(model, ids(c["input"]), B, tr);
  else forward(model, test::sequence_from_json<T>(c["input"]), B, tr);
  Mat<T> dy, dy_final;
  T loss;
  if (cfg.objective == Objective::cross_entropy) {
    loss = cross_entropy_loss(tr, ids(c["target"]), mode, &dy, &dy_final);
  } else {
    const Mat<T> target =
        mode == LossMode::last ? test::batch_from_json<T>(c["target"]) : test::sequence_from_json<T>(c["target"]);
    loss = mse_objective(tr, target, mode, &dy, &dy_final);
  }
  Gradients<T> g;
  backward(model, tr, dy, g, 0, cfg.bidirectional && mode == LossMode::last ? &dy_final : nullptr);

  const json& e = c["expected"];
  Worst w;
  w.update(static_cast<double>(loss), e["loss"].get<double>(), "loss");
  compare_sequence(tr.output, 0, e["outputs"], B, "outputs", w);
  compare_sequence(g.grad_input, 0, e["grad_input"], B, "grad_input", w);
  const int L = cfg.num_layers;
  const Eigen::Index TB = static_cast<Eigen::Index>(tr.steps) * B;
  compare_sequence(tr.layers[L - 1].h.middleCols(B, TB), 0, e["top_h"], B, "top h", w);
  if (cfg.bidirectional) {
    compare_sequence(tr.reverse[L - 1].h.leftCols(TB), 0, e["top_h_reverse"], B, "top h_reverse", w);
    const json& f = e["final_output"];
    for (int b = 0; b < B; ++b)
      for (int o = 0; o < cfg.output_size; ++o) w.update(static_cast<double>(tr.final_output(o, b)), f[b][o], "final_output");
  }
  REQUIRE(e["grads"].size() == model.layout.tensors.size());
  for (const TensorSpec& s : model.layout.tensors) {
    std::vector<double> theirs;
    test::flatten(e["grads"].at(s.name)["data"], theirs);
    REQUIRE(theirs.size() == s.size);
    for (std::size_t j = 0; j < s.size; ++j)
      w.update(static_cast<double>(g.params[s.offset + j]), theirs[j], "grad " + s.name);
  }
  return w;
}

}  // namespace

TEST_CASE("version-2 models match PyTorch: embedding, bidirectional, cross-entropy, dropout in eval") {
  const auto files = test::reference_cases("v2");
  REQUIRE(files.size() >= 39);
  int bidirectional = 0, tokens = 0, cross_entropy = 0, dropout = 0, deep_bidirectional = 0;
  double worst_double = 0, worst_float = 0;
  for (const auto& path : files) {
    const json c = test::load_json(path);
    CAPTURE(path.filename().string());
    const ModelConfig cfg = test::config_from_json(c["model"]);
    bidirectional += cfg.bidirectional;
    deep_bidirectional += cfg.bidirectional && cfg.num_layers == 3;
    tokens += cfg.vocab_size > 0;
    cross_entropy += cfg.objective == Objective::cross_entropy;
    dropout += cfg.dropout > 0;
    const Worst d = run_case<double>(c);
    CAPTURE(d.where);
    CHECK(d.error <= 1e-12);
    const Worst f = run_case<float>(c);
    CAPTURE(f.where);
    CHECK(f.error <= 1e-5);
    worst_double = std::max(worst_double, d.error);
    worst_float = std::max(worst_float, f.error);
  }
  MESSAGE(files.size(), " version-2 cases; worst error double ", worst_double, ", float ", worst_float);
  CHECK(deep_bidirectional >= 6);
  CHECK(bidirectional >= 20);
  CHECK(tokens >= 12);
  CHECK(cross_entropy >= 15);
  CHECK(dropout >= 3);
}
