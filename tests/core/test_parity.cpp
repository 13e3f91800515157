// Parity with PyTorch: every reference case in tests/data/reference, in double (≤ 1e-10) and float
// (≤ 1e-5), for loss, outputs, states, gates, dL/dh_t, dL/dx and every parameter gradient.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/model.hpp"
#include "core/reference.hpp"

using namespace unrolled;
using nlohmann::json;
using test::compare_sequence;
using test::Worst;

namespace {

template <class T> Worst run_case(const json& c) {
  const Model<T> model = test::model_from_json<T>(c["model"]);
  const ModelConfig& cfg = model.config;
  LossMode mode;
  REQUIRE(parse_loss_mode(c["loss"].get<std::string>(), mode));
  const int B = c["batch"], H = cfg.hidden_size;
  const Mat<T> input = test::sequence_from_json<T>(c["input"]);
  const Mat<T> target =
      mode == LossMode::last ? test::batch_from_json<T>(c["target"]) : test::sequence_from_json<T>(c["target"]);

  Trace<T> tr;
  Mat<T> dy;
  Gradients<T> g;
  forward(model, input, B, tr);
  const T loss = mse_loss(tr, target, mode, &dy);
  backward(model, tr, dy, g, c["truncate"].get<int>());

  const json& e = c["expected"];
  Worst w;
  w.update(static_cast<double>(loss), e["loss"].get<double>(), "loss");
  compare_sequence(tr.output, 0, e["outputs"], B, "outputs", w);
  compare_sequence(g.grad_input, 0, e["grad_input"], B, "grad_input", w);
  for (int k = 0; k < cfg.num_layers; ++k) {
    const json& le = e["layers"][k];
    const LayerTrace<T>& lt = tr.layers[k];
    const std::string layer = "layer " + std::to_string(k) + " ";
    const Eigen::Index TB = static_cast<Eigen::Index>(tr.steps) * B;
    compare_sequence(Mat<T>(lt.h.rightCols(TB)), 0, le["h"], B, layer + "h", w);
    compare_sequence(g.grad_h[k], 0, le["grad_h"], B, layer + "grad_h", w);
    if (cfg.cell == CellKind::lstm) compare_sequence(Mat<T>(lt.c.rightCols(TB)), 0, le["c"], B, layer + "c", w);
    if (cfg.cell != CellKind::rnn) {
      REQUIRE(le["gates"].size() == static_cast<std::size_t>(gate_count(cfg.cell)));
      for (int gi = 0; gi < gate_count(cfg.cell); ++gi)
        compare_sequence(lt.gates, gi * H, le["gates"][gate_name(cfg.cell, gi)], B,
                         layer + "gate " + gate_name(cfg.cell, gi), w);
    }
  }
  REQUIRE(e["grads"].size() == model.layout.tensors.size());
  for (const TensorSpec& s : model.layout.tensors) {
    std::vector<double> theirs;
    test::flatten(e["grads"][s.name]["data"], theirs);
    REQUIRE(theirs.size() == s.size);
    for (std::size_t j = 0; j < s.size; ++j)
      w.update(static_cast<double>(g.params[s.offset + j]), theirs[j], "grad " + s.name);
  }
  return w;
}

}  // namespace

TEST_CASE("forward and BPTT match PyTorch on every reference case") {
  const auto files = test::reference_cases();
  REQUIRE(files.size() >= 40);
  int truncated = 0;
  double worst_double = 0, worst_float = 0;
  for (const auto& path : files) {
    const json c = test::load_json(path);
    CAPTURE(path.filename().string());
    if (c["truncate"].get<int>() > 0) ++truncated;
    const Worst d = run_case<double>(c);
    CAPTURE(d.where);
    CHECK(d.error <= 1e-10);
    const Worst f = run_case<float>(c);
    CAPTURE(f.where);
    CHECK(f.error <= 1e-5);
    worst_double = std::max(worst_double, d.error);
    worst_float = std::max(worst_float, f.error);
  }
  MESSAGE(files.size(), " cases; worst error double ", worst_double, ", float ", worst_float);
  CHECK(truncated >= 6);
}
