// The gradient lab in the session: W_hh rescaled to the requested spectral radius, ‖dL/dh_t‖ falling
// for ρ < 1 and growing for ρ > 1 (relu), equal to BPTT written out by hand, the guide ρ^(T−t), the
// clipped and unclipped runs (same start, threshold respected, the unclipped one blowing up at a large
// ρ), the same seed giving the same curves, and settings refused with a message that names the value.
// Runs under ThreadSanitizer (label "threaded"), so the networks are small.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "app/session/lab.hpp"
#include "app/session/session.hpp"
#include "app/session_util.hpp"
#include "core/spectral.hpp"

using namespace unrolled;
using namespace unrolled::app;
using namespace std::chrono_literals;
using test::settle;
using test::wait_for;

namespace {

LabSettings small_lab(double rho, Nonlinearity f = Nonlinearity::tanh) {
  LabSettings s;
  s.hidden = 16;
  s.steps = 30;
  s.rho = rho;
  s.activation = f;
  s.train_steps = 60;
  return s;
}

std::shared_ptr<const LabView> configure(Session& s, const LabSettings& settings) {
  auto snap = settle(s, s.send(cmd::ConfigureLab{settings}));
  INFO(snap->message);
  REQUIRE(!snap->message_is_error);
  REQUIRE(snap->lab->settings == settings);
  return snap->lab;
}

// ‖dL/dh_t‖, t = 1…T, of one window, from the equations (batch of one, loss (y_T − target)², double):
//   a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh,  h_t = f(a_t),  y_T = w_head·h_T + b_head
//   dL/dh_T = w_headᵀ · 2(y_T − target),  dL/dh_{t−1} = W_hhᵀ (f′(a_t) ⊙ dL/dh_t)
std::vector<double> hand_bptt(const Model<float>& m, const Mat<float>& x, double target) {
  const LayerWeights<float> w = m.layer(0);
  const Mat<double> w_ih = w.w_ih.cast<double>(), w_hh = w.w_hh.cast<double>();
  const Vec<double> b = w.b_ih.cast<double>() + w.b_hh.cast<double>();
  const Vec<double> head = m.head_weight().row(0).transpose().cast<double>();
  const double head_b = m.head_bias()(0);
  const int T = static_cast<int>(x.cols()), H = m.config.hidden_size;
  const bool relu = m.config.nonlinearity == Nonlinearity::relu;
  std::vector<Vec<double>> h(static_cast<std::size_t>(T + 1), Vec<double>::Zero(H)), a(static_cast<std::size_t>(T + 1));
  for (int t = 1; t <= T; ++t) {
    a[t] = w_ih * static_cast<double>(x(0, t - 1)) + w_hh * h[t - 1] + b;
    h[t] = relu ? Vec<double>(a[t].cwiseMax(0.0)) : Vec<double>(a[t].array().tanh());
  }
  const double y = head.dot(h[T]) + head_b;
  std::vector<double> norms(static_cast<std::size_t>(T));
  Vec<double> g = head * (2.0 * (y - target));
  for (int t = T; t >= 1; --t) {
    norms[static_cast<std::size_t>(t - 1)] = g.norm();
    const Vec<double> fprime = relu ? Vec<double>((a[t].array() > 0).cast<double>()) : Vec<double>(1.0 - h[t].array().square());
    g = w_hh.transpose() * fprime.cwiseProduct(g);
  }
  return norms;
}

}  // namespace

TEST_CASE("gradient lab: W_hh has the requested radius; the decay falls for ρ < 1 and grows for ρ > 1 with relu") {
  Session s;
  REQUIRE(s.latest()->lab != nullptr);  // built with the session, default settings
  CHECK(s.latest()->lab->decay.grad_norm.size() == static_cast<std::size_t>(LabSettings{}.steps));

  for (double rho : {0.5, 0.8}) {
    auto lab = configure(s, small_lab(rho));
    const LabDecay& d = lab->decay;
    CAPTURE(rho);
    CHECK(std::abs(d.measured_rho - rho) < 1e-5);  // float weights: ρ to float precision
    CHECK(std::abs(spectral_radius(recurrent_weights(*lab->initial, 0)) - rho) < 1e-5);
    CHECK(d.radius_before > 0);
    CHECK(d.windows == lab_windows);
    REQUIRE(d.grad_norm.size() == 30);
    // Vanishing: ‖dL/dh_t‖ shrinks going back from T to 1, at most ρ per step (tanh′ ≤ 1, and this
    // W_hh is close to normal), by orders of magnitude over 29 steps.
    CHECK(d.grad_norm[0] < d.grad_norm[29] * 1e-3);
    CHECK(d.per_step < rho + 0.05);
    CHECK(d.per_step == doctest::Approx(std::pow(d.grad_norm[0] / d.grad_norm[29], 1.0 / 29)));
    // The guide: ‖dL/dh_T‖ at t = T, one factor ρ per step back.
    CHECK(d.guide[29] == d.grad_norm[29]);
    CHECK(d.guide[0] == doctest::Approx(d.grad_norm[29] * std::pow(d.measured_rho, 29)).epsilon(1e-12));
  }

  // relu with ρ > 1: the gradient grows going back (an exploding gradient); only the active units pass
  // it on (relu′ is 0 or 1), so it grows by less than ρ per step.
  LabSettings relu = small_lab(2.0, Nonlinearity::relu);
  relu.hidden = 32;
  auto lab = configure(s, relu);
  const LabDecay& d = lab->decay;
  CHECK(std::abs(d.measured_rho - 2.0) < 1e-5);
  CHECK(d.grad_norm[0] > d.grad_norm[29] * 1e4);
  CHECK(d.per_step > 1.3);
  CHECK(d.per_step < 2.0);
  CHECK(std::isfinite(d.grad_norm[0]));

  // tanh with ρ > 1 saturates: f′ < 1 eats the growth, so the norm stays far below the guide.
  lab = configure(s, small_lab(2.5));
  CHECK(lab->decay.grad_norm[0] < lab->decay.guide[0] * 1e-3);
}

TEST_CASE("gradient lab: ‖dL/dh_t‖ equals BPTT written out by hand on the same weights and windows") {
  Session s;
  for (const LabSettings& settings : {small_lab(0.9), small_lab(1.3, Nonlinearity::relu)}) {
    auto lab = configure(s, settings);
    const SeriesDataset& data = *lab->data;
    CHECK(data.steps() == 30);
    CHECK(data.loss() == LossMode::last);
    const int available = data.count(Split::validation), W = lab->decay.windows;
    REQUIRE(W == lab_windows);
    std::vector<double> mean(30, 0.0);
    for (int b = 0; b < W; ++b) {
      const int index = static_cast<int>(static_cast<long long>(b) * available / W);  // evenly spaced, as the Train decay
      Mat<float> x(1, 30), y(1, 1);
      data.fill(Split::validation, &index, 1, x, y);
      const std::vector<double> one = hand_bptt(*lab->initial, x, y(0, 0));
      for (int t = 0; t < 30; ++t) mean[static_cast<std::size_t>(t)] += one[static_cast<std::size_t>(t)] / W;
    }
    for (int t = 0; t < 30; ++t) {
      CAPTURE(t);
      CHECK(std::abs(lab->decay.grad_norm[static_cast<std::size_t>(t)] / mean[static_cast<std::size_t>(t)] - 1) < 1e-10);
    }
  }
}

TEST_CASE("gradient lab: the clipped and the unclipped run start alike; clipping holds the threshold; the same seed gives the same curves") {
  // tanh at ρ = 2.5 with plain SGD at lr 0.5: a few steps of exploding gradients throw the unclipped
  // run's loss above the trainer's limit (1e6), while the clipped run trains on.
  LabSettings settings = small_lab(2.5);
  settings.lr = 0.5;
  settings.clip = 1.0;
  Session s;
  configure(s, settings);
  auto snap = settle(s, s.send(cmd::LabTrain{}));
  snap = wait_for(s, [](const Snapshot& x) { return !x.lab->running(); });
  const LabRunView& c = snap->lab->clipped;
  const LabRunView& u = snap->lab->unclipped;
  CHECK(c.clipped);
  CHECK(!u.clipped);
  CHECK(c.state == TrainState::finished);
  CHECK(c.step == settings.train_steps);
  REQUIRE(c.loss.size() == static_cast<std::size_t>(settings.train_steps));
  REQUIRE(!u.grad_norm.empty());
  // Step 1: the same weights on the same mini-batch, so the same loss and gradient before clipping.
  CHECK(c.loss[0] == u.loss[0]);
  CHECK(c.grad_norm[0] == u.grad_norm[0]);
  // The clipped run never stepped with more than the threshold, and clipping did act.
  for (std::size_t i = 0; i < c.applied_norm.size(); ++i) REQUIRE(c.applied_norm[i] <= settings.clip * (1 + 1e-6));
  CHECK(c.clipped_steps > 0);
  for (float v : c.loss) REQUIRE(std::isfinite(v));
  // Unclipped, the exploding gradient blows the run up, or at least its steps are larger.
  float c_max = 0, u_max = 0;
  for (float v : c.applied_norm) c_max = std::max(c_max, v);
  for (float v : u.applied_norm) u_max = std::isfinite(v) ? std::max(u_max, v) : INFINITY;
  MESSAGE("unclipped: " << std::string(train_state_name(u.state)) << " at step " << u.step << ", largest step norm " << u_max
                        << " (clipped " << c_max << "); " << u.message);
  CHECK((u.state == TrainState::diverged || u_max > 10 * c_max));
  if (u.state == TrainState::diverged) {
    CHECK(u.message.find("diverged at step " + std::to_string(u.divergence_step)) != std::string::npos);
    CHECK(u.divergence_step == u.step + 1);  // steps 1…step trained; the next one blew up
    CHECK(u.loss.size() == static_cast<std::size_t>(u.step));
  }
  if (u.state == TrainState::diverged) CHECK(snap->message.find("unclipped run") != std::string::npos);

  // Reset and train again: the same curves, bit for bit; and a second session with the same settings too.
  const LabRunView first_c = c, first_u = u;
  settle(s, s.send(cmd::LabReset{}));
  CHECK(s.latest()->lab->clipped.step == 0);
  CHECK(s.latest()->lab->clipped.loss.empty());
  settle(s, s.send(cmd::LabTrain{}));
  snap = wait_for(s, [](const Snapshot& x) { return !x.lab->running(); });
  CHECK(snap->lab->clipped.loss == first_c.loss);
  CHECK(snap->lab->clipped.grad_norm == first_c.grad_norm);
  CHECK(snap->lab->unclipped.loss == first_u.loss);
  Session other;
  configure(other, settings);
  settle(other, other.send(cmd::LabTrain{}));
  auto snap2 = wait_for(other, [](const Snapshot& x) { return !x.lab->running(); });
  CHECK(snap2->lab->clipped.loss == first_c.loss);
  CHECK(snap2->lab->unclipped.grad_norm == first_u.grad_norm);
  CHECK(snap2->lab->decay.grad_norm == snap->lab->decay.grad_norm);

  // Another seed: other weights, other curves.
  settings.seed = 2;
  auto lab = configure(other, settings);
  CHECK(lab->decay.grad_norm != snap->lab->decay.grad_norm);
}

TEST_CASE("gradient lab: pause holds both runs; Train both resumes; the training run is not touched") {
  LabSettings settings = small_lab(0.9);
  settings.train_steps = max_lab_train_steps;
  Session s;
  configure(s, settings);
  s.send(cmd::LabTrain{});
  wait_for(s, [](const Snapshot& x) { return x.lab->clipped.step >= 20; });
  auto snap = settle(s, s.send(cmd::LabPause{}));
  CHECK(!snap->lab->running());
  CHECK(snap->lab->clipped.state == TrainState::paused);
  const std::int64_t at = snap->lab->clipped.step;
  CHECK(snap->lab->unclipped.step == at);  // in lockstep
  std::this_thread::sleep_for(30ms);
  CHECK(s.latest()->lab->clipped.step == at);
  CHECK(s.latest()->train->step == 0);  // the lab is separate from the training run
  CHECK(s.latest()->train->state == TrainState::idle);
  s.send(cmd::LabTrain{});
  wait_for(s, [&](const Snapshot& x) { return x.lab->clipped.step > at + 10; });
  // New settings stop the runs and start over at step 0.
  settings.rho = 0.5;
  auto lab = configure(s, settings);
  CHECK(lab->clipped.step == 0);
  CHECK(!lab->running());
}

TEST_CASE("gradient lab: bad settings are refused with a message naming the value; the lab stays") {
  Session s;
  const auto before = s.latest()->lab;
  auto refused = [&](LabSettings bad, const char* words) {
    auto snap = settle(s, s.send(cmd::ConfigureLab{bad}));
    CAPTURE(words);
    CHECK(snap->message_is_error);
    CHECK(snap->message.find(words) != std::string::npos);
    CHECK(snap->lab->version == before->version);
    CHECK(validate_lab_settings(bad).find(words) != std::string::npos);
  };
  struct Bad {
    void (*spoil)(LabSettings&);
    const char* words;
  };
  const Bad cases[] = {
      {[](LabSettings& b) { b.hidden = 0; }, "hidden size 0 is out of range (1…256)"},
      {[](LabSettings& b) { b.hidden = 257; }, "hidden size 257"},
      {[](LabSettings& b) { b.steps = 1; }, "sequence length T 1 is out of range (2…256)"},
      {[](LabSettings& b) { b.rho = 5; }, "spectral radius ρ 5 is out of range (0.1…3)"},
      {[](LabSettings& b) { b.rho = std::nan(""); }, "spectral radius ρ"},
      {[](LabSettings& b) { b.clip = 0; }, "clipping threshold 0"},
      {[](LabSettings& b) { b.clip = -1; }, "above 0"},
      {[](LabSettings& b) { b.lr = 0; }, "learning rate 0"},
      {[](LabSettings& b) { b.train_steps = 5; }, "training steps 5"},
  };
  for (const Bad& c : cases) {
    LabSettings b;
    c.spoil(b);
    refused(b, c.words);
  }
  CHECK(validate_lab_settings(LabSettings{}).empty());
}
