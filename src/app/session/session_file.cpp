// Session files: the writer and the checking reader of one format (session_file.hpp). A little over
// 500 lines on purpose: every field the writer emits is typed, ranged and named in the reader's
// errors, and keeping both in one file keeps a field added to one from being missed in the other;
// the float codec and the names at the top serve only this format.
#include "app/session/session_file.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

#include "app/session/scene.hpp"
#include "app/session/settings_io.hpp"
#include "core/enum_names.hpp"
#include "io/atomic_write.hpp"
#include "io/json_util.hpp"
#include "io/model_file.hpp"

namespace unrolled::app {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

namespace {

// ---- names -----------------------------------------------------------------------------------------

// A running run is saved as paused (T continues it), so the file has no "running" state.
constexpr EnumName<TrainState> run_states[] = {{TrainState::idle, "idle"},
                                               {TrainState::paused, "paused"},
                                               {TrainState::finished, "finished"},
                                               {TrainState::early_stopped, "early_stopped"},
                                               {TrainState::diverged, "diverged"}};
const char* run_state_name(TrainState s) { return name_of(run_states, s == TrainState::running ? TrainState::paused : s, "idle"); }
const char* const workspaces[] = {"step", "train", "compare", "lab"};
const char* const curve_axes[] = {"step", "epoch", "time"};

// ---- float buffers as base64 (little-endian IEEE 754 binary32): exact and compact ---------------------

const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_floats(const Buffer<float>& v) {
  std::string bytes;
  bytes.reserve(v.size() * 4);
  for (float f : v) {
    std::uint32_t u = 0;
    std::memcpy(&u, &f, sizeof u);
    for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<char>((u >> (8 * k)) & 0xFF));
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t k = 0; k < 3; ++k)
      chunk = (chunk << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out.push_back(k <= n ? b64_chars[(chunk >> (18 - 6 * k)) & 0x3F] : '=');
  }
  return out;
}

// "" when fine, else the reason.
std::string floats_from_base64(const std::string& text, Buffer<float>& out) {
  if (text.size() % 4 != 0) return "base64 text must be a multiple of 4 characters long, got " + std::to_string(text.size());
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t chunk = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      const char* p = c == '\0' ? nullptr : std::strchr(b64_chars, c);
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
        chunk <<= 6;
        continue;
      }
      if (!p || pad > 0) return "not base64 at character " + std::to_string(i + k + 1);
      chunk = (chunk << 6) | static_cast<std::uint32_t>(p - b64_chars);
    }
    for (int k = 0; k < 3 - pad; ++k) bytes.push_back(static_cast<char>((chunk >> (16 - 8 * k)) & 0xFF));
  }
  if (bytes.size() % 4 != 0) return "holds " + std::to_string(bytes.size()) + " bytes, not whole 4-byte floats";
  out.resize(bytes.size() / 4);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint32_t u = 0;
    for (int k = 0; k < 4; ++k) u |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[4 * i + static_cast<std::size_t>(k)])) << (8 * k);
    std::memcpy(&out[i], &u, sizeof u);
  }
  return {};
}

// ---- writing ---------------------------------------------------------------------------------------

ordered setting_json(const SettingValue& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::string>(v);
}
ordered settings_json(const SettingList& list) {
  ordered o = ordered::object();
  for (const auto& [key, value] : list) o[key] = setting_json(value);
  return o;
}
// A number that may be infinite or NaN (best_val before the first epoch, a diverged loss): null then.
ordered maybe(double v) { return std::isfinite(v) ? ordered(v) : ordered(nullptr); }

ordered step_point(const StepPoint& p) { return {p.step, p.epoch, p.count, p.seconds, maybe(p.loss), maybe(p.grad_norm), p.lr}; }
ordered epoch_point(const EpochPoint& p) {
  return {p.epoch, p.step, p.count, p.seconds, maybe(p.train_loss), maybe(p.val_mse), maybe(p.val_mae), p.lr};
}
template <class Point, class F>
ordered history_json(const std::vector<Point>& points, const std::optional<Point>& pending, int stride, F one) {
  ordered list = ordered::array();
  for (const Point& p : points) list.push_back(one(p));
  return {{"stride", stride}, {"points", list}, {"pending", pending ? one(*pending) : ordered(nullptr)}};
}
ordered curve_json(const DecayCurve& c) {
  ordered layers = ordered::array();
  for (const auto& l : c.layers) {
    ordered row = ordered::array();
    for (float v : l) row.push_back(maybe(v));
    layers.push_back(row);
  }
  return {{"step", c.step}, {"layers", layers}};
}

ordered trainer_json(const TrainerState& t) {
  const EpochMetrics& e = t.last_epoch;
  const Divergence& d = t.divergence;
  return {{"status", train_status_name(t.status)},
          {"step", t.step},
          {"epoch", t.epoch},
          {"batch_in_epoch", t.batch_in_epoch},
          {"epoch_loss_sum", t.epoch_loss_sum},
          {"seconds", t.seconds},
          {"best_val", maybe(t.best_val)},
          {"best_epoch", t.best_epoch},
          {"bad_epochs", t.bad_epochs},
          {"last_epoch", {{"epoch", e.epoch}, {"step", e.step}, {"train_loss", maybe(e.train_loss)},
                          {"val_mse", maybe(e.val_mse)}, {"val_mae", maybe(e.val_mae)}, {"lr", e.lr},
                          {"seconds", e.seconds}, {"best", e.best}}},
          {"divergence", {{"step", d.step}, {"epoch", d.epoch}, {"what", d.what}, {"value", maybe(d.value)},
                          {"message", d.message}}},
          {"stop_message", t.stop_message},
          {"last_good", base64_floats(t.last_good)},
          {"best_params", base64_floats(t.best_params)},
          {"optimizer", {{"steps", t.optimizer.steps}, {"m", base64_floats(t.optimizer.m)},
                         {"v", base64_floats(t.optimizer.v)}}},
          {"schedule", {{"lr", t.schedule.lr}, {"epochs", t.schedule.epochs}, {"best", maybe(t.schedule.best)},
                        {"bad_epochs", t.schedule.bad_epochs}}},
          {"rng", t.rng},
          {"order", t.order}};
}

// ---- reading ---------------------------------------------------------------------------------------

// Every read names its JSON path; the first problem throws io::FormatError "SOURCE: PATH: reason".
struct Reader {
  std::string source;

  [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
    throw io::FormatError(source + ": " + path + ": " + reason);
  }
  const json& object(const json& v, const std::string& path, std::initializer_list<const char*> keys) const {
    if (!v.is_object()) fail(path, std::string("must be an object, got ") + io::json_type_name(v));
    for (const auto& item : v.items()) {
      bool known = false;
      for (const char* k : keys) known |= item.key() == k;
      if (!known) fail(io::path_key(path, item.key()), "unknown key");
    }
    for (const char* k : keys)
      if (!v.contains(k)) fail(io::path_key(path, k), "missing");
    return v;
  }
  const json& array(const json& v, const std::string& path, std::size_t size = std::string::npos) const {
    if (!v.is_array()) fail(path, std::string("must be an array, got ") + io::json_type_name(v));
    if (size != std::string::npos && v.size() != size)
      fail(path, "must hold " + std::to_string(size) + " values, got " + std::to_string(v.size()));
    return v;
  }
  std::int64_t whole(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi) const {
    if (!v.is_number_integer()) fail(path, std::string("must be a whole number, got ") + io::json_type_name(v));
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
      fail(path, "must be at most " + std::to_string(hi));
    const std::int64_t x = v.get<std::int64_t>();
    if (x < lo || x > hi) fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + std::to_string(x));
    return x;
  }
  int integer(const json& v, const std::string& path, int lo = 0, int hi = std::numeric_limits<int>::max()) const {
    return static_cast<int>(whole(v, path, lo, hi));
  }
  double number(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, std::string("must be a number, got ") + io::json_type_name(v));
    return v.get<double>();
  }
  double nonnegative(const json& v, const std::string& path) const {
    const double x = number(v, path);
    if (!(x >= 0)) fail(path, "must be 0 or more");
    return x;
  }
  // null stands for a value that was not a number (NaN, or +inf where `infinite` says so).
  double number_or_null(const json& v, const std::string& path, double null_means = std::nan("")) const {
    return v.is_null() ? null_means : number(v, path);
  }
  bool flag(const json& v, const std::string& path) const {
    if (!v.is_boolean()) fail(path, std::string("must be true or false, got ") + io::json_type_name(v));
    return v.get<bool>();
  }
  std::string text(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, std::string("must be a string, got ") + io::json_type_name(v));
    return v.get<std::string>();
  }
  // The index of the name the value is.
  template <std::size_t N> std::size_t choice(const json& v, const std::string& path, const char* const (&names)[N]) const {
    const std::string s = text(v, path);
    std::string known;
    for (std::size_t i = 0; i < N; ++i) {
      if (s == names[i]) return i;
      known += (i ? ", " : "") + std::string(names[i]);
    }
    fail(path, io::quoted_for_message(s) + " is not one of " + known);
  }
  // The value the name stands for (core/enum_names.hpp).
  template <class E, std::size_t N> E choice(const json& v, const std::string& path, const EnumName<E> (&table)[N]) const {
    const std::string s = text(v, path);
    E out{};
    if (!parse_name(table, s, out)) fail(path, io::quoted_for_message(s) + " is not one of " + names_list(table));
    return out;
  }
  Buffer<float> floats(const json& v, const std::string& path, std::size_t size) const {
    Buffer<float> out;
    if (std::string e = floats_from_base64(text(v, path), out); !e.empty()) fail(path, e);
    if (size != std::string::npos && out.size() != size)
      fail(path, "holds " + std::to_string(out.size()) + " values, the model has " + std::to_string(size) + " parameters");
    return out;
  }
  SettingValue setting(const json& v, const std::string& path) const {
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer()) return whole(v, path, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    if (v.is_number_float()) return v.get<double>();
    if (v.is_string()) return v.get<std::string>();
    fail(path, std::string("must be a string, number or boolean, got ") + io::json_type_name(v));
  }
};

SessionUi read_ui(const Reader& r, const json& v) {
  const std::string p = "ui";
  r.object(v, p, {"workspace", "scale", "smoothing", "log_loss", "curve_axis", "lesson"});
  SessionUi ui;
  ui.workspace = workspaces[r.choice(v["workspace"], p + ".workspace", workspaces)];
  ui.scale = r.number(v["scale"], p + ".scale");
  if (!(ui.scale >= 0.5 && ui.scale <= 4)) r.fail(p + ".scale", "must be between 0.5 and 4");
  ui.smoothing = r.number(v["smoothing"], p + ".smoothing");
  if (!(ui.smoothing >= 0 && ui.smoothing <= 0.999)) r.fail(p + ".smoothing", "must be between 0 and 0.999");
  ui.log_loss = r.flag(v["log_loss"], p + ".log_loss");
  ui.curve_axis = curve_axes[r.choice(v["curve_axis"], p + ".curve_axis", curve_axes)];
  const json& l = r.object(v["lesson"], p + ".lesson", {"id", "step"});
  ui.lesson_id = r.text(l["id"], p + ".lesson.id");
  if (ui.lesson_id.size() > 4096) r.fail(p + ".lesson.id", "is longer than 4096 bytes");
  ui.lesson_step = r.integer(l["step"], p + ".lesson.step", 0, 1 << 20);
  return ui;
}

// Applies every key of a settings object ("data" first: a memory task's keys need the task), then
// checks that each key the writer writes for these settings was there.
template <class S, class Set, class Values>
void read_settings(const Reader& r, const json& v, const std::string& path, S& out, Set set, Values values) {
  if (!v.is_object()) r.fail(path, std::string("must be an object, got ") + io::json_type_name(v));
  if (v.contains("data"))
    if (std::string e = set(out, "data", r.setting(v["data"], path + ".data"), true); !e.empty()) r.fail(path + ".data", e);
  for (const auto& item : v.items()) {
    if (item.key() == "data") continue;
    const std::string kp = io::path_key(path, item.key());
    if (std::string e = set(out, item.key(), r.setting(item.value(), kp), true); !e.empty()) r.fail(kp, e);
  }
  for (const auto& [key, value] : values(out))
    if (!v.contains(key)) r.fail(io::path_key(path, key), "missing");
}

SessionExplorer read_explorer(const Reader& r, const json& v) {
  r.object(v, "explorer", {"scene", "position", "speed"});
  SessionExplorer e;
  read_settings(r, v["scene"], "explorer.scene", e.scene, set_scene_setting, scene_setting_values);
  SceneSettings clamped = e.scene;
  if (std::string why = clamp_settings(clamped); !why.empty()) r.fail("explorer.scene", why);
  // The cursor may be in the training run's scene (when following): any position of the app's longest.
  e.position = r.integer(v["position"], "explorer.position", 0, last_position(max_steps));
  e.speed = r.number(v["speed"], "explorer.speed");
  if (!(e.speed >= min_speed && e.speed <= max_speed)) r.fail("explorer.speed", "must be between 0.25 and 60 steps per second");
  return e;
}

StepPoint read_step_point(const Reader& r, const json& v, const std::string& p) {
  r.array(v, p, 7);
  return {r.whole(v[0], p + "[0]", 0, INT64_MAX), r.integer(v[1], p + "[1]"), r.integer(v[2], p + "[2]", 1),
          r.nonnegative(v[3], p + "[3]"), r.number_or_null(v[4], p + "[4]"), r.number_or_null(v[5], p + "[5]"),
          r.number(v[6], p + "[6]")};
}
EpochPoint read_epoch_point(const Reader& r, const json& v, const std::string& p) {
  r.array(v, p, 8);
  return {r.integer(v[0], p + "[0]"), r.whole(v[1], p + "[1]", 0, INT64_MAX), r.integer(v[2], p + "[2]", 1),
          r.nonnegative(v[3], p + "[3]"), r.number_or_null(v[4], p + "[4]"), r.number_or_null(v[5], p + "[5]"),
          r.number_or_null(v[6], p + "[6]"), r.number(v[7], p + "[7]")};
}
template <class Point, class F>
void read_history(const Reader& r, const json& v, const std::string& p, std::vector<Point>& points,
                  std::optional<Point>& pending, int& stride, F one) {
  r.object(v, p, {"stride", "points", "pending"});
  stride = r.integer(v["stride"], p + ".stride", 1);
  const json& list = r.array(v["points"], p + ".points");
  points.clear();
  for (std::size_t i = 0; i < list.size(); ++i) points.push_back(one(r, list[i], io::path_index(p + ".points", i)));
  pending.reset();
  if (!v["pending"].is_null()) pending = one(r, v["pending"], p + ".pending");
  History<Point> check;  // the history's own rules (capacity, stride, order)
  if (std::string e = check.restore(points, pending, stride); !e.empty()) r.fail(p, e);
}

DecayCurve read_curve(const Reader& r, const json& v, const std::string& p, int L, int T) {
  r.object(v, p, {"step", "layers"});
  DecayCurve c;
  c.step = r.whole(v["step"], p + ".step", 0, INT64_MAX);
  const json& layers = r.array(v["layers"], p + ".layers", static_cast<std::size_t>(L));
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const std::string lp = io::path_index(p + ".layers", k);
    const json& row = r.array(layers[k], lp, static_cast<std::size_t>(T));
    std::vector<float> values;
    for (std::size_t t = 0; t < row.size(); ++t)
      values.push_back(static_cast<float>(r.number_or_null(row[t], io::path_index(lp, t))));
    c.layers.push_back(std::move(values));
  }
  return c;
}

TrainerState read_trainer(const Reader& r, const json& v, std::size_t P) {
  const std::string p = "run.trainer";
  r.object(v, p, {"status", "step", "epoch", "batch_in_epoch", "epoch_loss_sum", "seconds", "best_val", "best_epoch",
                  "bad_epochs", "last_epoch", "divergence", "stop_message", "last_good", "best_params", "optimizer",
                  "schedule", "rng", "order"});
  TrainerState t;
  t.status = r.choice(v["status"], p + ".status", train_status_names);
  t.step = r.whole(v["step"], p + ".step", 0, INT64_MAX);
  t.epoch = r.integer(v["epoch"], p + ".epoch");
  t.batch_in_epoch = r.integer(v["batch_in_epoch"], p + ".batch_in_epoch");
  t.epoch_loss_sum = r.number(v["epoch_loss_sum"], p + ".epoch_loss_sum");
  t.seconds = r.nonnegative(v["seconds"], p + ".seconds");
  t.best_val = r.number_or_null(v["best_val"], p + ".best_val", std::numeric_limits<double>::infinity());
  t.best_epoch = r.integer(v["best_epoch"], p + ".best_epoch");
  t.bad_epochs = r.integer(v["bad_epochs"], p + ".bad_epochs");
  const std::string ep = p + ".last_epoch";
  const json& e = r.object(v["last_epoch"], ep, {"epoch", "step", "train_loss", "val_mse", "val_mae", "lr", "seconds", "best"});
  t.last_epoch = {r.integer(e["epoch"], ep + ".epoch"), r.whole(e["step"], ep + ".step", 0, INT64_MAX),
                  r.number_or_null(e["train_loss"], ep + ".train_loss"), r.number_or_null(e["val_mse"], ep + ".val_mse"),
                  r.number_or_null(e["val_mae"], ep + ".val_mae"), r.number(e["lr"], ep + ".lr"),
                  r.nonnegative(e["seconds"], ep + ".seconds"), r.flag(e["best"], ep + ".best")};
  const std::string dp = p + ".divergence";
  const json& d = r.object(v["divergence"], dp, {"step", "epoch", "what", "value", "message"});
  t.divergence = {r.whole(d["step"], dp + ".step", 0, INT64_MAX), r.integer(d["epoch"], dp + ".epoch"),
                  r.text(d["what"], dp + ".what"), r.number_or_null(d["value"], dp + ".value"),
                  r.text(d["message"], dp + ".message")};
  t.stop_message = r.text(v["stop_message"], p + ".stop_message");
  t.last_good = r.floats(v["last_good"], p + ".last_good", P);
  t.best_params = r.floats(v["best_params"], p + ".best_params", P);
  const std::string op = p + ".optimizer";
  const json& o = r.object(v["optimizer"], op, {"steps", "m", "v"});
  t.optimizer.steps = r.whole(o["steps"], op + ".steps", 0, INT64_MAX);
  t.optimizer.m = r.floats(o["m"], op + ".m", std::string::npos);  // empty or P: Trainer::restore checks
  t.optimizer.v = r.floats(o["v"], op + ".v", std::string::npos);
  const std::string sp = p + ".schedule";
  const json& s = r.object(v["schedule"], sp, {"lr", "epochs", "best", "bad_epochs"});
  t.schedule = {r.number(s["lr"], sp + ".lr"), r.integer(s["epochs"], sp + ".epochs"),
                r.number_or_null(s["best"], sp + ".best", std::numeric_limits<double>::infinity()),
                r.integer(s["bad_epochs"], sp + ".bad_epochs")};
  t.rng = r.text(v["rng"], p + ".rng");
  const json& order = r.array(v["order"], p + ".order");
  t.order.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    t.order.push_back(r.integer(order[i], io::path_index(p + ".order", i)));
  return t;
}

SessionRun read_run(const Reader& r, const json& v, const TrainSettings& training) {
  r.object(v, "run", {"state", "message", "window", "following", "train_speed", "rollout_from", "horizon",
                      "wall_seconds", "model", "trainer", "steps", "epochs", "decay"});
  SessionRun run;
  run.state = r.choice(v["state"], "run.state", run_states);
  run.message = r.text(v["message"], "run.message");
  run.window = r.integer(v["window"], "run.window");
  run.following = r.flag(v["following"], "run.following");
  run.max_steps_per_second = r.nonnegative(v["train_speed"], "run.train_speed");
  run.rollout_from = r.integer(v["rollout_from"], "run.rollout_from");
  run.horizon = r.integer(v["horizon"], "run.horizon");
  run.wall_seconds = r.nonnegative(v["wall_seconds"], "run.wall_seconds");

  // The weights: a model file inside the session file, checked as one, then against the settings.
  try {
    run.model = io::model_from_file<float>(io::parse_model_json(v["model"].dump(), r.source + ": run.model"));
  } catch (const io::FormatError&) {
    throw;
  } catch (const io::IoError& e) {
    r.fail("run.model", e.what());
  }
  const ModelConfig& m = run.model.config;
  const ModelConfig& want = training.trainer.model;
  const int inputs = training.task ? memory_task_inputs(training.task->task) : 1;
  if (m.cell != want.cell || m.hidden_size != want.hidden_size || m.num_layers != want.num_layers ||
      (m.cell == CellKind::rnn && m.nonlinearity != want.nonlinearity) || m.input_size != inputs || m.output_size != 1)
    r.fail("run.model", std::string("a ") + cell_name(m.cell) + " with H = " + std::to_string(m.hidden_size) + ", " +
                            std::to_string(m.num_layers) + " layer(s), " + std::to_string(m.input_size) + " input(s) and " +
                            std::to_string(m.output_size) + " output(s) does not fit the training settings (" +
                            cell_name(want.cell) + ", H = " + std::to_string(want.hidden_size) + ", " +
                            std::to_string(want.num_layers) + " layer(s), " + std::to_string(inputs) + " input(s), 1 output)");
  run.trainer = read_trainer(r, v["trainer"], run.model.params.size());
  run.trainer.params = run.model.params;
  const bool ended = run.state == TrainState::finished || run.state == TrainState::early_stopped ||
                     run.state == TrainState::diverged;
  if (ended != (run.trainer.status != TrainStatus::running))
    r.fail("run.state", std::string(run_state_name(run.state)) + " does not go with the trainer's status " +
                            train_status_name(run.trainer.status));

  read_history(r, v["steps"], "run.steps", run.steps, run.steps_pending, run.steps_stride, read_step_point);
  read_history(r, v["epochs"], "run.epochs", run.epochs, run.epochs_pending, run.epochs_stride, read_epoch_point);

  const json& d = r.object(v["decay"], "run.decay", {"next_keep", "current", "earlier"});
  const int L = want.num_layers, T = training.split.steps;
  run.next_decay_keep = r.whole(d["next_keep"], "run.decay.next_keep", 0, INT64_MAX);
  run.decay.current = read_curve(r, d["current"], "run.decay.current", L, T);
  const json& earlier = r.array(d["earlier"], "run.decay.earlier");
  if (earlier.size() > decay_keep)
    r.fail("run.decay.earlier", "at most " + std::to_string(decay_keep) + " curves are kept, got " + std::to_string(earlier.size()));
  for (std::size_t i = 0; i < earlier.size(); ++i)
    run.decay.earlier.push_back(read_curve(r, earlier[i], io::path_index("run.decay.earlier", i), L, T));
  return run;
}

}  // namespace

std::string session_to_json(const SessionFile& f) {
  const SessionUi& u = f.ui;
  const ordered ui = {{"workspace", u.workspace},   {"scale", u.scale},
                      {"smoothing", u.smoothing},   {"log_loss", u.log_loss},
                      {"curve_axis", u.curve_axis}, {"lesson", {{"id", u.lesson_id}, {"step", u.lesson_step}}}};
  const ordered explorer = {{"scene", settings_json(scene_setting_values(f.explorer.scene))},
                            {"position", f.explorer.position},
                            {"speed", f.explorer.speed}};
  const SessionRun& r = f.run;
  std::string model = io::model_to_json(io::model_to_file(r.model));  // throws on a non-finite weight
  while (!model.empty() && model.back() == '\n') model.pop_back();
  ordered earlier = ordered::array();
  for (const DecayCurve& c : r.decay.earlier) earlier.push_back(curve_json(c));
  const std::pair<const char*, ordered> run[] = {
      {"state", run_state_name(r.state)},
      {"message", r.message},
      {"window", r.window},
      {"following", r.following},
      {"train_speed", r.max_steps_per_second},
      {"rollout_from", r.rollout_from},
      {"horizon", r.horizon},
      {"wall_seconds", r.wall_seconds},
      {"trainer", trainer_json(r.trainer)},
      {"steps", history_json(r.steps, r.steps_pending, r.steps_stride, step_point)},
      {"epochs", history_json(r.epochs, r.epochs_pending, r.epochs_stride, epoch_point)},
      {"decay", {{"next_keep", r.next_decay_keep}, {"current", curve_json(r.decay.current)}, {"earlier", earlier}}},
  };
  // One key a line (big arrays stay on theirs), the weights as the model file writes them.
  std::string out = "{\n\"format\": \"" + std::string(session_format_name) + "\",\n\"version\": " +
                    std::to_string(session_format_version) + ",\n\"ui\": " + ui.dump() + ",\n\"explorer\": " +
                    explorer.dump() + ",\n\"training\": " + settings_json(train_setting_values(f.training)).dump() +
                    ",\n\"run\": {\n";
  for (const auto& [key, value] : run) out += " \"" + std::string(key) + "\": " + value.dump() + ",\n";
  out += " \"model\": " + model + "\n}\n}\n";
  return out;
}

SessionFile parse_session_json(std::string_view text, const std::string& source) {
  const Reader r{source};
  const json v = io::parse_json_guarded(text, source);
  if (!v.is_object()) r.fail("(top level)", std::string("must be an object, got ") + io::json_type_name(v));
  if (!v.contains("format") || !v["format"].is_string() || v["format"].get<std::string>() != session_format_name)
    r.fail("format", std::string("must be \"") + session_format_name + "\" (is this a session file?)");
  if (!v.contains("version") || !v["version"].is_number_integer())
    r.fail("version", "missing, or not a whole number");
  if (v["version"].get<std::int64_t>() != session_format_version)
    r.fail("version", "version " + v["version"].dump() + " is not supported (this build reads version " +
                          std::to_string(session_format_version) + ")");
  r.object(v, "(top level)", {"format", "version", "ui", "explorer", "training", "run"});
  SessionFile f;
  f.ui = read_ui(r, v["ui"]);
  f.explorer = read_explorer(r, v["explorer"]);
  read_settings(r, v["training"], "training", f.training, set_train_setting, train_setting_values);
  if (std::string e = validate_train_settings(f.training); !e.empty()) r.fail("training", e);
  f.run = read_run(r, v["run"], f.training);
  return f;
}

SessionFile load_session_file(const std::string& path) {
  return parse_session_json(io::read_file(path, max_session_file_bytes), path);
}

void save_session_file(const std::string& path, const SessionFile& session) {
  std::string text;
  try {
    text = session_to_json(session);
  } catch (const io::IoError& e) {
    throw io::IoError(path + ": " + e.what());
  }
  io::write_file_atomic(path, text);
}

std::string autosave_path() {
  namespace fs = std::filesystem;
  fs::path dir;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) dir = fs::path(x) / "unrolled";
  else if (const char* h = std::getenv("HOME"); h && *h) dir = fs::path(h) / ".local" / "state" / "unrolled";
  else return {};
  return (dir / "last-session.json").string();
}

std::string set_aside_session_file(const std::string& path) {
  const std::string bad = path + ".bad";
  std::error_code ec;
  std::filesystem::rename(path, bad, ec);
  return ec ? std::string() : bad;
}

}  // namespace unrolled::app
