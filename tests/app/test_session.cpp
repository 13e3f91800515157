// The app's session: commands applied in order, immutable versioned snapshots, clean shutdown, and
// concurrent readers. Built without GL so it also runs under ThreadSanitizer (label "threaded").
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <unistd.h>
#include <thread>
#include <vector>

#include "app/session/scene.hpp"
#include "app/session/session.hpp"
#include "app/session_util.hpp"
#include "io/model_file.hpp"

using namespace unrolled;
using namespace unrolled::app;
using namespace std::chrono_literals;
using test::settle;


TEST_CASE("the first snapshot is the default scene: LSTM, H = 8, sine, T = 24, at t = 0") {
  Session s;
  auto snap = s.latest();
  REQUIRE(snap);
  REQUIRE(snap->scene);
  CHECK(snap->scene->config.cell == CellKind::lstm);
  CHECK(snap->scene->config.hidden_size == 8);
  CHECK(snap->scene->steps == 24);
  CHECK(snap->scene->settings.signal == SignalKind::sine);
  CHECK(snap->t == 0);
  CHECK(snap->pass == Pass::forward);
  CHECK_FALSE(snap->playing);
  const LayerView& l = snap->scene->layers.at(0);
  CHECK(l.h.rows == 8);
  CHECK(l.h.cols == 25);
  CHECK(l.c.cols == 25);
  CHECK(l.gates.size() == 4);
  CHECK(l.grad_h.cols == 24);
  CHECK(snap->scene->loss > 0.0);
  // h_0 is zero, later states are not.
  for (int u = 0; u < 8; ++u) CHECK(l.h.at(u, 0) == 0.0f);
  CHECK(l.h_norm[5] > 0.0f);
}

TEST_CASE("commands are applied in the order they were sent") {
  Session s;
  s.send(cmd::Seek{3});
  s.send(cmd::StepForward{});
  s.send(cmd::StepForward{});
  s.send(cmd::StepBack{});
  const std::uint64_t last = s.send(cmd::StepForward{});
  auto snap = settle(s, last);
  CHECK(snap->applied == last);
  CHECK(snap->position == 5);
  CHECK(snap->t == 5);

  // Order matters across kinds too: Configure then Seek lands in the new scene.
  SceneSettings shorter;
  shorter.steps = 6;
  s.send(cmd::Configure{shorter});
  const std::uint64_t seek = s.send(cmd::Seek{100});
  snap = settle(s, seek);
  CHECK(snap->scene->steps == 6);
  CHECK(snap->position == 12);  // clamped to 2T
  CHECK(snap->pass == Pass::backward);
  CHECK(snap->t == 1);
}

TEST_CASE("the cursor walks forward t = 0…T, then backward t = T…1") {
  SceneSettings st;
  st.steps = 4;
  Session s(st);
  std::vector<std::pair<Pass, int>> seen;
  std::uint64_t seq = 0;
  for (int i = 0; i <= 8; ++i) {
    auto snap = seq ? settle(s, seq) : s.latest();
    seen.emplace_back(snap->pass, snap->t);
    seq = s.send(cmd::StepForward{});
  }
  const std::vector<std::pair<Pass, int>> expected{
      {Pass::forward, 0}, {Pass::forward, 1}, {Pass::forward, 2}, {Pass::forward, 3}, {Pass::forward, 4},
      {Pass::backward, 4}, {Pass::backward, 3}, {Pass::backward, 2}, {Pass::backward, 1}};
  CHECK(seen == expected);
  // Home/End stay inside the current pass.
  auto snap = settle(s, s.send(cmd::GoStart{}));
  CHECK(snap->pass == Pass::backward);
  CHECK(snap->t == 4);
  snap = settle(s, s.send(cmd::SetPass{Pass::forward}));
  CHECK(snap->t == 0);
  snap = settle(s, s.send(cmd::GoEnd{}));
  CHECK(snap->pass == Pass::forward);
  CHECK(snap->t == 4);
}

TEST_CASE("snapshots are immutable and their versions strictly increase") {
  Session s;
  auto first = s.latest();
  const int pos0 = first->position;
  const std::uint64_t scene0 = first->scene->id;
  const float h5 = first->scene->layers[0].h.at(0, 5);
  std::uint64_t last_version = first->version;
  for (int i = 0; i < 20; ++i) {
    auto snap = settle(s, s.send(cmd::StepForward{}));
    CHECK(snap->version > last_version);
    last_version = snap->version;
  }
  SceneSettings gru;
  gru.model.cell = CellKind::gru;
  auto after = settle(s, s.send(cmd::Configure{gru}));
  CHECK(after->scene->config.cell == CellKind::gru);
  CHECK(after->scene->id != scene0);
  // The old snapshot still shows what it showed.
  CHECK(first->position == pos0);
  CHECK(first->scene->id == scene0);
  CHECK(first->scene->config.cell == CellKind::lstm);
  CHECK(first->scene->layers[0].h.at(0, 5) == h5);
  // Stepping shares the scene instead of copying it.
  auto a = settle(s, s.send(cmd::StepForward{}));
  auto b = settle(s, s.send(cmd::StepForward{}));
  CHECK(a->scene.get() == b->scene.get());
}

TEST_CASE("out-of-range settings are clamped with a message, and a bad CSV keeps the old scene") {
  Session s;
  SceneSettings wild;
  wild.model.hidden_size = 1000;
  wild.model.num_layers = 0;
  wild.steps = 1;
  auto snap = settle(s, s.send(cmd::Configure{wild}));
  CHECK(snap->scene->config.hidden_size == max_hidden);
  CHECK(snap->scene->config.num_layers == 1);
  CHECK(snap->scene->steps == min_steps);
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("hidden size") != std::string::npos);

  const std::uint64_t id = snap->scene->id;
  SceneSettings csv;
  csv.signal = SignalKind::csv;
  csv.csv_path = "/nonexistent/unrolled/signal.csv";
  snap = settle(s, s.send(cmd::Configure{csv}));
  CHECK(snap->scene->id == id);
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("/nonexistent/unrolled/signal.csv") != std::string::npos);

  snap = settle(s, s.send(cmd::LoadModel{"/nonexistent/model.json"}));
  CHECK(snap->scene->id == id);
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("/nonexistent/model.json") != std::string::npos);
}

TEST_CASE("playing advances the cursor on the worker's clock and stops at the end") {
  SceneSettings st;
  st.steps = 3;
  Session s(st);
  s.send(cmd::SetSpeed{60.0});
  const auto start = std::chrono::steady_clock::now();
  s.send(cmd::Play{});
  std::shared_ptr<const Snapshot> snap;
  do {
    std::this_thread::sleep_for(5ms);
    snap = s.latest();
  } while ((snap->playing || snap->position < 6) && std::chrono::steady_clock::now() - start < 10s);
  CHECK(snap->position == 6);
  CHECK_FALSE(snap->playing);
  CHECK(snap->speed == 60.0);
}

TEST_CASE("many threads read snapshots while commands stream in; shutdown joins") {
  auto s = std::make_unique<Session>();
  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      std::uint64_t last = 0;
      while (!done.load()) {
        auto snap = s->latest();
        REQUIRE(snap->version >= last);  // never goes back
        last = snap->version;
        // Touch the data the way a panel does.
        const Scene& sc = *snap->scene;
        volatile float sum = 0;
        for (float v : sc.layers[0].h.v) sum = sum + v;
        (void)sum;
        REQUIRE(snap->t >= 0);
        REQUIRE(snap->t <= sc.steps);
        reads.fetch_add(1);
      }
    });
  }
  std::uint64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    if (i % 50 == 10) {
      SceneSettings st;
      st.model.cell = i % 100 == 10 ? CellKind::gru : CellKind::rnn;
      st.steps = 10 + i / 10;
      last = s->send(cmd::Configure{st});
    } else {
      last = s->send(i % 3 == 0 ? Command{cmd::StepBack{}} : Command{cmd::StepForward{}});
    }
  }
  s->send(cmd::Play{});
  CHECK(s->wait_applied(last, 10s));
  done = true;
  for (auto& t : readers) t.join();
  CHECK(reads.load() > 0);
  s->shutdown();
  CHECK_FALSE(s->running());
  CHECK(s->send(cmd::Pause{}) == 0);  // ignored after shutdown
  s->shutdown();                      // idempotent
  s.reset();                          // destructor after shutdown is fine
}

TEST_CASE("destroying a playing session joins its worker promptly") {
  // The worker sleeps until its next tick, 4 s away; shutdown must wake it rather than wait. Only the
  // destruction is timed (building the scene under a sanitizer on a loaded machine can take seconds),
  // against the tick it must not wait for.
  auto s = std::make_unique<Session>();
  const std::uint64_t seq = s->send(cmd::SetSpeed{min_speed});
  s->send(cmd::Play{});
  REQUIRE(s->wait_applied(seq + 1, 30s));
  const auto start = std::chrono::steady_clock::now();
  s.reset();
  CHECK(std::chrono::steady_clock::now() - start < 3s);
}

TEST_CASE("the scene's numbers are the core's: BPTT gradient split and LSTM highway") {
  SceneSettings st;
  st.steps = 10;
  auto scene = build_scene(st, 1);
  const LayerView& l = scene->layers[0];
  // The last step has nothing arriving from the future: dL/dh_T is all local (from y_T).
  for (int u = 0; u < 8; ++u) CHECK(l.grad_h.at(u, 9) == doctest::Approx(l.grad_h_local.at(u, 9)).epsilon(1e-5));
  // dL/dc_T = dL/dh_T ⊙ o_T ⊙ (1 − tanh²(c_T)) (L5) with nothing from the future.
  for (int u = 0; u < 8; ++u) {
    const float o = l.gates[3].at(u, 9), tc = std::tanh(l.c.at(u, 10));
    CHECK(l.grad_c.at(u, 9) == doctest::Approx(l.grad_h.at(u, 9) * o * (1 - tc * tc)).epsilon(1e-4));
  }
  // Gate activations are σ / tanh of the stored pre-activations.
  for (int u = 0; u < 8; ++u) {
    CHECK(l.gates[1].at(u, 4) == doctest::Approx(1.0 / (1.0 + std::exp(-l.preacts[1].at(u, 4)))).epsilon(1e-5));
    CHECK(l.gates[2].at(u, 4) == doctest::Approx(std::tanh(l.preacts[2].at(u, 4))).epsilon(1e-5));
  }
  // Targets are the next input value.
  for (int t = 0; t + 1 < 10; ++t) CHECK(scene->target.at(0, t) == scene->input.at(0, t + 1));
  // Loss 'all' is the mean of the per-step losses.
  double mean = 0;
  for (float v : scene->step_loss) mean += v;
  CHECK(scene->loss == doctest::Approx(mean / 10).epsilon(1e-5));
}

TEST_CASE("GRU n pre-activation is u_n + r ⊙ v_n and the signals have their shapes") {
  SceneSettings st;
  st.model.cell = CellKind::gru;
  auto scene = build_scene(st, 1);
  const LayerView& l = scene->layers[0];
  CHECK(l.gates.size() == 3);
  for (int u = 0; u < 8; ++u) CHECK(l.gates[2].at(u, 3) == doctest::Approx(std::tanh(l.preacts[2].at(u, 3))).epsilon(1e-5));
  auto sine = make_signal(SignalKind::sine, 13, 1);
  CHECK(sine[0] == doctest::Approx(0.0));
  CHECK(sine[3] == doctest::Approx(1.0));
  CHECK(sine[12] == doctest::Approx(0.0).epsilon(1e-9));
  auto sq = make_signal(SignalKind::square, 12, 1);
  CHECK(sq[1] == 1.0);
  CHECK(sq[7] == -1.0);
  auto n1 = make_signal(SignalKind::noise, 5, 7), n2 = make_signal(SignalKind::noise, 5, 7);
  CHECK(n1 == n2);
  auto st2 = make_signal(SignalKind::step, 9, 1);
  CHECK(st2[0] == 0.0);
  CHECK(st2[8] == 1.0);
}

TEST_CASE("a CSV signal drives the scene, and a bad CSV names its line and column") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("unrolled-session-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path good = dir / "ramp.csv", bad = dir / "bad.csv";
  {
    std::ofstream out(good);
    out << "value\n";
    for (int i = 0; i < 11; ++i) out << i * 0.1 << "\n";
    std::ofstream(bad) << "value\n0.5\n0.25\nbanana\n";
  }
  SceneSettings st;
  st.signal = SignalKind::csv;
  st.csv_path = good.string();
  st.steps = 50;  // longer than the file: the file decides
  auto scene = build_scene(st, 1);
  CHECK(scene->steps == 10);
  CHECK(scene->input.at(0, 3) == doctest::Approx(0.3));
  CHECK(scene->target.at(0, 3) == doctest::Approx(0.4));

  st.csv_path = bad.string();
  try {
    build_scene(st, 2);
    FAIL("a bad cell must throw");
  } catch (const std::exception& e) {
    const std::string msg = e.what();
    CHECK(msg.find("bad.csv") != std::string::npos);
    CHECK(msg.find("line 4") != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("a model file's weights are used as they are") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("unrolled-model-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ModelConfig cfg;
  cfg.cell = CellKind::gru;
  cfg.hidden_size = 5;
  cfg.num_layers = 2;
  Model<float> m(cfg);
  init_uniform(m, 42);
  const fs::path path = dir / "gru.json";
  io::save_model(path.string(), m);

  Session s;
  auto snap = settle(s, s.send(cmd::LoadModel{path.string()}));
  CHECK_FALSE(snap->message_is_error);
  CHECK(snap->scene->config.cell == CellKind::gru);
  CHECK(snap->scene->config.hidden_size == 5);
  CHECK(snap->scene->layers.size() == 2);
  auto direct = build_scene(snap->scene->settings, 9, &m);
  CHECK(direct->layers[1].h.v == snap->scene->layers[1].h.v);
  // Changing the signal keeps the file's weights; changing the architecture drops them.
  SceneSettings next = snap->scene->settings;
  next.signal = SignalKind::square;
  snap = settle(s, s.send(cmd::Configure{next}));
  CHECK(snap->scene->config.hidden_size == 5);
  CHECK(snap->scene->source == "gru.json");
  next.model.hidden_size = 6;
  snap = settle(s, s.send(cmd::Configure{next}));
  CHECK(snap->scene->config.hidden_size == 6);
  CHECK(snap->scene->source.find("seed") != std::string::npos);
  fs::remove_all(dir);
}
