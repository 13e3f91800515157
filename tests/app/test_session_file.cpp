// Session files: a saved session restored into a fresh Session has the same settings, weights (bit for
// bit), step, curves and decay snapshots, and training continued from it matches an uninterrupted run
// bit for bit (the optimizer, schedule and shuffling state are saved too). Every malformed file is
// refused with its path and the JSON path, and the current session is kept. Label threaded (TSan).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/session/session.hpp"
#include "app/session/session_file.hpp"
#include "app/session/training.hpp"
#include "app/session_util.hpp"
#include "app/temp_files.hpp"
#include "io/model_file.hpp"

using namespace unrolled;
using namespace unrolled::app;
using test::settle;
using test::slurp;
using test::TempDir;
using test::small_run;
using test::wait_for;
namespace fs = std::filesystem;

namespace {
void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::vector<double> weights(Session& s, const std::string& path) {
  auto snap = settle(s, s.send(cmd::SaveModel{path}));
  REQUIRE_FALSE(snap->message_is_error);
  return io::load_model_file(path).params;
}
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}
bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }  // NaN too
bool same(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
// Points equal to the last bit (the history's merged means included). The training time is the
// clock's, so it is compared only where asked (a restored history, not a run trained again).
bool same_point(const StepPoint& a, const StepPoint& b, bool time) {
  return a.step == b.step && a.epoch == b.epoch && a.count == b.count && same(a.loss, b.loss) &&
         same(a.grad_norm, b.grad_norm) && same(a.lr, b.lr) && (!time || same(a.seconds, b.seconds));
}
bool same_point(const EpochPoint& a, const EpochPoint& b, bool time) {
  return a.epoch == b.epoch && a.step == b.step && a.count == b.count && same(a.train_loss, b.train_loss) &&
         same(a.val_mse, b.val_mse) && same(a.val_mae, b.val_mae) && same(a.lr, b.lr) &&
         (!time || same(a.seconds, b.seconds));
}
template <class P> bool same_points(const std::vector<P>& a, const std::vector<P>& b, bool time) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_point(a[i], b[i], time)) return false;
  return true;
}

// Trains to `step` (the run pauses exactly there).
std::shared_ptr<const Snapshot> train_to(Session& s, std::int64_t step) {
  s.send(cmd::Train{step});
  return wait_for(s, [step](const Snapshot& x) { return x.train->state != TrainState::running && x.train->step >= step; });
}

TrainSettings task_run() {
  TrainSettings t = test::memory_task_run(MemoryTask::copy, 9, 160, 32);
  t.trainer.model.cell = CellKind::gru;
  t.trainer.model.hidden_size = 6;
  t.trainer.batch = 16;
  t.trainer.epochs = 50;
  t.trainer.schedule.kind = ScheduleKind::plateau;
  t.trainer.schedule.patience = 0;
  return t;
}

// A good session file from a short run of `settings`, with the UI's choices `ui`.
std::string good_file(const TempDir& dir, const TrainSettings& settings, const SessionUi& ui = {}) {
  Session s({}, settings);
  train_to(s, 23);
  const std::string path = dir / "good.json";
  auto snap = settle(s, s.send(cmd::SaveSession{path, ui}));
  REQUIRE_FALSE(snap->message_is_error);
  return slurp(path);
}
}  // namespace

TEST_CASE("save, restore into a fresh session, continue: the same as a run that never stopped") {
  const TempDir dir("unrolled-session-file");
  struct Case {
    const char* name;
    TrainSettings settings;
    std::int64_t n, k;
  };
  TrainSettings sgd = small_run();
  sgd.trainer.optimizer.kind = OptimizerKind::sgd;
  sgd.trainer.optimizer.momentum = 0.9;
  sgd.trainer.optimizer.lr = 0.05;
  sgd.trainer.model.num_layers = 2;
  // Saved mid-epoch (19 steps an epoch on the sine, 10 on the task), continued across epoch ends.
  const Case cases[] = {{"sine, Adam, mid-epoch", small_run(), 45, 30},
                        {"sine, SGD with momentum, 2 layers", sgd, 40, 25},
                        {"copy task, GRU, plateau schedule", task_run(), 35, 22}};
  for (const Case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    SceneSettings scene;
    scene.model.cell = CellKind::rnn;
    scene.model.hidden_size = 5;
    scene.steps = 10;
    scene.seed = 9;
    Session first(scene, c.settings);
    settle(first, first.send(cmd::SetSpeed{7}));
    settle(first, first.send(cmd::Seek{13}));
    settle(first, first.send(cmd::SetWindow{3}));
    auto saved = train_to(first, c.n);
    REQUIRE(saved->train->step == c.n);
    SessionUi ui;
    ui.workspace = "train";
    ui.scale = 1.5;
    ui.smoothing = 0.8;
    ui.log_loss = false;
    ui.curve_axis = "epoch";
    ui.lesson_id = "06-long-memory";
    ui.lesson_step = 3;
    const std::string path = dir / "s.json";
    auto snap = settle(first, first.send(cmd::SaveSession{path, ui}));
    REQUIRE_FALSE(snap->message_is_error);
    CHECK(snap->message.find(path) != std::string::npos);
    const std::vector<double> saved_weights = weights(first, dir / "first.json");

    Session second;  // the defaults: nothing of the first session
    snap = settle(second, second.send(cmd::OpenSession{path}));
    REQUIRE_FALSE(snap->message_is_error);
    const TrainView& a = *saved->train;
    const TrainView& b = *snap->train;
    CHECK(b.settings == a.settings);
    CHECK(b.step == c.n);
    CHECK(b.epoch == a.epoch);
    CHECK(b.state == TrainState::paused);
    CHECK(b.lr == a.lr);
    CHECK(b.window == 3);
    CHECK(b.best_val_mse == a.best_val_mse);
    CHECK(same_points(*b.steps, *a.steps, true));
    CHECK(same_points(*b.epochs, *a.epochs, true));
    CHECK(b.seconds == a.seconds);
    REQUIRE(b.decay->earlier.size() == a.decay->earlier.size());
    for (std::size_t i = 0; i < a.decay->earlier.size(); ++i) CHECK(b.decay->earlier[i].layers == a.decay->earlier[i].layers);
    CHECK(b.decay->current.layers == a.decay->current.layers);
    CHECK(same_bits(weights(second, dir / "second.json"), saved_weights));
    if (a.task) CHECK(same(b.task->prediction, a.task->prediction));
    else CHECK(same(b.forecast->one_step, a.forecast->one_step));
    // The stepping views follow the run as they did (the cursor where it was), the explorer's own
    // settings come back, and the UI's part is published.
    CHECK(snap->scene->follows_training);
    CHECK(snap->position == saved->position);
    CHECK(snap->speed == 7);
    REQUIRE(snap->restored_ui);
    CHECK(*snap->restored_ui == ui);
    CHECK(snap->restore_id == 1);
    const auto explorer = settle(second, second.send(cmd::Follow{false}));
    CHECK(explorer->scene->settings.model.cell == CellKind::rnn);
    CHECK(explorer->scene->settings.model.hidden_size == 5);
    CHECK(explorer->scene->settings.seed == 9);
    CHECK(explorer->scene->steps == 10);

    // Continue both by k steps: the restored run and the one that never stopped agree bit for bit.
    const auto a2 = train_to(first, c.n + c.k), b2 = train_to(second, c.n + c.k);
    REQUIRE(b2->train->step == c.n + c.k);
    CHECK(same_points(*b2->train->steps, *a2->train->steps, false));
    CHECK(same_points(*b2->train->epochs, *a2->train->epochs, false));
    CHECK(same_bits(weights(second, dir / "second.json"), weights(first, dir / "first.json")));
  }
}

TEST_CASE("a session saved mid-way through its data is the same file again once restored and saved") {
  const TempDir dir("unrolled-session-file");
  const std::string text = good_file(dir, task_run());
  Session s;
  auto snap = settle(s, s.send(cmd::OpenSession{dir / "good.json"}));
  REQUIRE_FALSE(snap->message_is_error);
  snap = settle(s, s.send(cmd::SaveSession{dir / "again.json", *snap->restored_ui}));
  REQUIRE_FALSE(snap->message_is_error);
  CHECK(slurp(dir / "again.json") == text);
}

TEST_CASE("every malformed session file is refused with its path and the JSON path; the session is kept") {
  const TempDir dir("unrolled-session-file");
  const std::string good = good_file(dir, small_run());
  auto replaced = [&](const std::string& from, const std::string& to) {
    const std::size_t at = good.find(from);
    REQUIRE(at != std::string::npos);
    return good.substr(0, at) + to + good.substr(at + from.size());
  };
  const std::string training_hidden = "\"training\": {\"data\":\"sine\",\"cell\":\"lstm\",\"nonlinearity\":\"tanh\",\"hidden\":";
  const std::string trainer_key = "\"trainer\": {\"status\":\"running\"";
  struct Case {
    const char* name;
    std::string text;
    const char* where;       // in the message after "FILE: " (and the JSON path)
    bool parsing = true;     // found when the file is parsed (else when the trainer is restored on its data)
  };
  const Case cases[] = {
      {"truncated", good.substr(0, good.size() / 2), "parse error at line"},
      {"empty", "", "file is empty"},
      {"not a session", "{\"format\": \"unrolled-model\", \"version\": 1}", "format: must be \"unrolled-session\""},
      {"a later version", replaced("\"version\": 1", "\"version\": 2"), "version: version 2 is not supported"},
      {"an unknown key", replaced("\"ui\": {", "\"ui\": {\"colour\": 1, "), "ui.colour: unknown key"},
      {"a missing key", replaced("\"message\": \"\",\n", ""), "run.message: missing"},
      {"a wrong type", replaced("\"window\": 0", "\"window\": \"zero\""), "run.window: must be a whole number, got string"},
      {"a setting of the wrong type", replaced(training_hidden + "8", training_hidden + "\"8\""), "training.hidden: must be a whole number"},
      {"settings the session refuses", replaced("\"lr\":0.01", "\"lr\":-1.0"), "training: learning rate"},
      {"a scene the session would clamp", replaced("\"weight-scale\":1.0", "\"weight-scale\":80.0"), "explorer.scene: weight scale 80"},
      {"weights that do not fit the settings", replaced(training_hidden + "8", training_hidden + "9"), "run.model: a lstm with H = 8"},
      {"a tensor one row short", replaced("\"rnn.weight_hh_l0\": {\"shape\": [32, 8]", "\"rnn.weight_hh_l0\": {\"shape\": [31, 8]"),
       "run.model: tensors.rnn.weight_hh_l0.shape"},
      {"an optimizer buffer of the wrong length", replaced("\"m\":\"", "\"m\":\"AAAAAAAAAAAAAAAA"),
       "run.trainer: optimizer buffers hold", false},
      {"not base64", replaced("\"last_good\":\"", "\"last_good\":\"*AAA"), "run.trainer.last_good: not base64"},
      {"a trainer at a step its epoch cannot have", replaced(trainer_key + ",\"step\":23", trainer_key + ",\"step\":24"),
       "run.trainer: step 24 does not match", false},
      {"a window order that is not a permutation", replaced("\"order\":[", "\"order\":[0,"), "run.trainer: order", false},
      {"a history with a broken stride", replaced("\"steps\": {\"stride\":1", "\"steps\": {\"stride\":3"), "run.steps: stride 3"},
      {"a decay curve of the wrong length", replaced("\"current\":{\"step\":23,\"layers\":[[", "\"current\":{\"step\":23,\"layers\":[[1.0,"),
       "run.decay.current.layers[0]: must hold 16 values"},
      {"a state that does not go with the trainer", replaced("\"state\": \"paused\"", "\"state\": \"finished\""),
       "run.state: finished does not go with"},
  };
  Session s({}, task_run());  // the session that must survive every bad file
  train_to(s, 7);
  for (const Case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    const std::string path = dir / "bad.json";
    write(path, c.text);
    auto snap = settle(s, s.send(cmd::OpenSession{path}));
    CHECK(snap->message_is_error);
    CAPTURE(snap->message);
    CHECK(snap->message.find(path + ": ") != std::string::npos);
    CHECK(snap->message.find(c.where) != std::string::npos);
    CHECK(snap->message.find("the current session is kept") != std::string::npos);
    CHECK(snap->train->step == 7);
    CHECK(snap->train->settings == task_run());
    CHECK(snap->restore_id == 0);
    if (c.parsing) CHECK_THROWS_AS(load_session_file(path), io::FormatError);
  }
  auto snap = settle(s, s.send(cmd::OpenSession{dir / "missing.json"}));
  CHECK(snap->message_is_error);
  CHECK(snap->message.find(dir / "missing.json") != std::string::npos);
  // The good one, for contrast, is taken.
  snap = settle(s, s.send(cmd::OpenSession{dir / "good.json"}));
  CHECK_FALSE(snap->message_is_error);
  CHECK(snap->train->step == 23);
  CHECK(snap->train->settings == small_run());
}

TEST_CASE("a CSV the session names that has gone refuses the session; a bad autosave is moved aside") {
  const TempDir dir("unrolled-session-file");
  write(dir / "series.csv", [] {
    std::string csv = "value\n";
    for (int i = 0; i < 300; ++i) csv += std::to_string(std::sin(i * 0.2)) + "\n";
    return csv;
  }());
  TrainSettings t = small_run();
  t.csv_path = dir / "series.csv";
  t.csv_column = "value";
  {
    Session s({}, t);
    train_to(s, 10);
    REQUIRE_FALSE(settle(s, s.send(cmd::SaveSession{dir / "csv-session.json", {}}))->message_is_error);
  }
  fs::remove(dir / "series.csv");
  Session s;
  auto snap = settle(s, s.send(cmd::OpenSession{dir / "csv-session.json", /*set_aside_bad=*/true}));
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("csv-session.json: training.data: ") != std::string::npos);
  CHECK(snap->message.find("series.csv") != std::string::npos);
  CHECK(snap->message.find("moved to " + (dir / "csv-session.json.bad")) != std::string::npos);
  CHECK(fs::exists(dir / "csv-session.json.bad"));
  CHECK_FALSE(fs::exists(dir / "csv-session.json"));
  CHECK(snap->train->settings == TrainSettings{});
}

TEST_CASE("autosave: the state folder is made; a save that cannot be written names the file") {
  const TempDir dir("unrolled-session-file");
  const char* old = std::getenv("XDG_STATE_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_STATE_HOME", (dir / "state").c_str(), 1);
  CHECK(autosave_path() == dir / "state/unrolled/last-session.json");
  unsetenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  if (home && *home) CHECK(autosave_path() == std::string(home) + "/.local/state/unrolled/last-session.json");
  if (old) setenv("XDG_STATE_HOME", saved.c_str(), 1);

  Session s({}, small_run());
  auto snap = settle(s, s.send(cmd::SaveSession{dir / "state/unrolled/last-session.json", {}, /*autosave=*/true}));
  CHECK_FALSE(snap->message_is_error);
  CHECK(snap->message.find("last-session") == std::string::npos);  // an autosave that works says nothing
  CHECK(fs::exists(dir / "state/unrolled/last-session.json"));
  snap = settle(s, s.send(cmd::SaveSession{dir.path.string(), {}}));  // a directory
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("could not save the session: " + dir.path.string()) != std::string::npos);
}
