// Optimizers and clipping against torch.optim / clip_grad_norm_ (tests/data/reference/optim.json).
#include <doctest/doctest.h>

#include <cmath>

#include "core/optimizer.hpp"
#include "core/reference.hpp"

using namespace unrolled;
using nlohmann::json;

namespace {

template <class T> Buffer<T> to_buffer(const json& j) {
  Buffer<T> b;
  for (const auto& v : j) b.push_back(static_cast<T>(v.get<double>()));
  return b;
}

template <class T> void run_optim_case(const json& file, const json& c, double tol) {
  OptimizerConfig oc;
  REQUIRE(parse_optimizer(c["optimizer"].get<std::string>(), oc.kind));
  oc.lr = c["lr"];
  oc.weight_decay = c["weight_decay"].is_null() ? 0.0 : c["weight_decay"].get<double>();
  if (oc.kind == OptimizerKind::adam) {
    oc.beta1 = c["betas"][0];
    oc.beta2 = c["betas"][1];
    oc.eps = c["eps"];
  } else {
    oc.momentum = c["momentum"].is_null() ? 0.0 : c["momentum"].get<double>();
    oc.dampening = c["dampening"].is_null() ? 0.0 : c["dampening"].get<double>();
    oc.nesterov = !c["nesterov"].is_null() && c["nesterov"].get<bool>();
  }
  REQUIRE(validate_optimizer(oc).empty());
  Optimizer<T> opt(oc);
  Buffer<T> params = to_buffer<T>(file["p0"]);
  for (std::size_t s = 0; s < file["grads"].size(); ++s) {
    Buffer<T> grads = to_buffer<T>(file["grads"][s]);
    if (!c["clip"].is_null()) {
      const T norm = clip_grad_norm(grads, static_cast<T>(c["clip"].get<double>()));
      CHECK(static_cast<double>(norm) == doctest::Approx(c["norms"][s].get<double>()).epsilon(tol));
    }
    opt.step(params, grads);
    const json& expected = c["params_after"][s];
    REQUIRE(expected.size() == params.size());
    for (std::size_t j = 0; j < params.size(); ++j) {
      CAPTURE(s);
      CAPTURE(j);
      const double theirs = expected[j].get<double>();
      CHECK(std::abs(static_cast<double>(params[j]) - theirs) <= tol * std::max(1.0, std::abs(theirs)));
    }
  }
}

}  // namespace

TEST_CASE("Adam, SGD (momentum, dampening, nesterov, weight decay) and clipping match torch.optim") {
  const json file = test::load_json(std::string(UNROLLED_TEST_DATA) + "/reference/optim.json");
  int cases = 0;
  for (const json& c : file["cases"]) {
    CAPTURE(c["name"].get<std::string>());
    CAPTURE(c["dtype"].get<std::string>());
    if (c["dtype"] == "float64") run_optim_case<double>(file, c, 1e-12);
    else run_optim_case<float>(file, c, 2e-6);
    ++cases;
  }
  CHECK(cases == 14);
}

TEST_CASE("clip_grad_norm leaves small gradients alone and scales large ones to the threshold") {
  Buffer<double> small = {0.3, -0.4};  // norm 0.5
  CHECK(clip_grad_norm(small, 1.0) == doctest::Approx(0.5));
  CHECK(small[0] == 0.3);
  Buffer<double> large = {3.0, 4.0};  // norm 5
  CHECK(clip_grad_norm(large, 1.0) == doctest::Approx(5.0));
  CHECK(global_norm(large) == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("optimizer settings are validated") {
  OptimizerConfig c;
  c.lr = -1;
  CHECK(validate_optimizer(c).find("learning rate") != std::string::npos);
  c = {};
  c.lr = NAN;
  CHECK(!validate_optimizer(c).empty());
  c = {};
  c.kind = OptimizerKind::sgd;
  c.nesterov = true;
  CHECK(validate_optimizer(c).find("nesterov") != std::string::npos);
}
