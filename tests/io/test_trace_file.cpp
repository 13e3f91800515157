// Trace JSON built in-process from core traces: which keys appear, shapes, and that each number is
// the core's value at the right (step, unit).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/test_util.hpp"
#include "core/model.hpp"
#include "io/atomic_write.hpp"
#include "io/trace_file.hpp"

using namespace unrolled;
using nlohmann::json;

namespace {

Mat<double> ramp(int rows, int cols) {
  Mat<double> x(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) x(i, j) = std::sin(0.7 * j + 1.3 * i);
  return x;
}

void check_steps(const json& a, int T, int N) {
  REQUIRE(a.is_array());
  REQUIRE(a.size() == static_cast<std::size_t>(T));
  for (const json& row : a) REQUIRE(row.size() == static_cast<std::size_t>(N));
}
}  // namespace

TEST_CASE("without a target: outputs and per-layer states only") {
  const int I = 2, H = 3, L = 2, O = 2, T = 4;
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    CAPTURE(cell_name(cell));
    const Model<double> m = test::random_model<double>(cell, I, H, L, O, 11);
    Trace<double> tr;
    forward(m, ramp(I, T), 1, tr);
    const json j = json::parse(io::trace_to_json(m, tr, nullptr, std::nullopt));
    CHECK(!j.contains("loss"));
    CHECK(!j.contains("grads"));
    CHECK(!j.contains("grad_input"));
    check_steps(j.at("outputs"), T, O);
    REQUIRE(j.at("layers").size() == static_cast<std::size_t>(L));
    for (int k = 0; k < L; ++k) {
      const json& layer = j["layers"][k];
      check_steps(layer.at("h"), T, H);
      CHECK(!layer.contains("grad_h"));
      CHECK(layer.contains("c") == (cell == CellKind::lstm));
      CHECK(layer.contains("gates") == (cell != CellKind::rnn));
      if (cell != CellKind::rnn) {
        const int G = gate_count(cell);
        REQUIRE(layer["gates"].size() == static_cast<std::size_t>(G));
        for (int g = 0; g < G; ++g) {
          const json& gate = layer["gates"].at(gate_name(cell, g));
          check_steps(gate, T, H);
          for (int t = 0; t < T; ++t)
            for (int u = 0; u < H; ++u) REQUIRE(gate[t][u].get<double>() == tr.layers[k].gates(g * H + u, t));
        }
      }
      // Row t is h_{t+1}: h_0 is not written.
      for (int t = 0; t < T; ++t)
        for (int u = 0; u < H; ++u) REQUIRE(layer["h"][t][u].get<double>() == tr.layers[k].h(u, t + 1));
    }
    for (int t = 0; t < T; ++t)
      for (int o = 0; o < O; ++o) REQUIRE(j["outputs"][t][o].get<double>() == tr.output(o, t));
  }
}

TEST_CASE("with a target: loss, dL/dx, dL/dh per layer and every parameter gradient") {
  const int I = 3, H = 2, L = 2, O = 1, T = 5;
  const Model<double> m = test::random_model<double>(CellKind::lstm, I, H, L, O, 11);
  Trace<double> tr;
  forward(m, ramp(I, T), 1, tr);
  Mat<double> target(O, 1);
  target(0, 0) = 0.3;
  Mat<double> dy;
  const double loss = mse_loss(tr, target, LossMode::last, &dy);
  Gradients<double> g;
  backward(m, tr, dy, g);
  const json j = json::parse(io::trace_to_json(m, tr, &g, loss));
  CHECK(j.at("loss").get<double>() == loss);
  check_steps(j.at("grad_input"), T, I);
  for (int t = 0; t < T; ++t)
    for (int i = 0; i < I; ++i) REQUIRE(j["grad_input"][t][i].get<double>() == g.grad_input(i, t));
  for (int k = 0; k < L; ++k) {
    check_steps(j["layers"][k].at("grad_h"), T, H);
    for (int t = 0; t < T; ++t)
      for (int u = 0; u < H; ++u) REQUIRE(j["layers"][k]["grad_h"][t][u].get<double>() == g.grad_h[k](u, t));
  }
  REQUIRE(j.at("grads").size() == m.layout.tensors.size());
  for (const TensorSpec& s : m.layout.tensors) {
    const json& t = j["grads"].at(s.name);
    CHECK(t.at("shape").get<std::vector<int>>() == s.shape);
    std::vector<double> flat;
    for (const json& v : t.at("data")) {
      if (v.is_array())
        for (const json& x : v) flat.push_back(x.get<double>());
      else
        flat.push_back(v.get<double>());
    }
    REQUIRE(flat.size() == s.size);
    for (std::size_t i = 0; i < s.size; ++i) REQUIRE(flat[i] == g.params[s.offset + i]);
  }
}

TEST_CASE("one sequence of a batch is picked by column t*B + b") {
  const int I = 1, H = 4, O = 1, T = 6, B = 3;
  const Model<double> m = test::random_model<double>(CellKind::gru, I, H, 1, O, 11);
  const Mat<double> x = ramp(I, T * B);
  Trace<double> batch;
  forward(m, x, B, batch);
  for (int b = 0; b < B; ++b) {
    Mat<double> one(I, T);
    for (int t = 0; t < T; ++t) one.col(t) = x.col(t * B + b);
    Trace<double> single;
    forward(m, one, 1, single);
    const json jb = json::parse(io::trace_to_json(m, batch, nullptr, std::nullopt, b));
    const json js = json::parse(io::trace_to_json(m, single, nullptr, std::nullopt));
    for (int t = 0; t < T; ++t)
      for (int u = 0; u < H; ++u)
        REQUIRE(jb["layers"][0]["h"][t][u].get<double>() ==
                doctest::Approx(js["layers"][0]["h"][t][u].get<double>()).epsilon(1e-12));
  }
  CHECK_THROWS_AS(io::trace_to_json(m, batch, nullptr, std::nullopt, B), io::IoError);
}

TEST_CASE("a float trace is written with the float values exactly; overflow is an error") {
  ModelConfig c;
  c.cell = CellKind::rnn;
  c.nonlinearity = Nonlinearity::relu;
  c.hidden_size = 2;
  Model<float> m(c);
  init_uniform(m, 5);
  Mat<float> x(1, 3);
  x << 0.1f, 0.2f, 0.3f;
  Trace<float> tr;
  forward(m, x, 1, tr);
  const json j = json::parse(io::trace_to_json(m, tr, nullptr, std::nullopt));
  for (int t = 0; t < 3; ++t) CHECK(static_cast<float>(j["outputs"][t][0].get<double>()) == tr.output(0, t));
  tr.output(0, 1) = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH_AS(io::trace_to_json(m, tr, nullptr, std::nullopt), doctest::Contains("outputs[1][0]"),
                       io::IoError);
}
