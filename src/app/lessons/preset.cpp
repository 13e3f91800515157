#include "app/lessons/preset.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/session/scene.hpp"
#include "core/optimizer.hpp"
#include "core/schedule.hpp"

namespace unrolled::app {

namespace {

// ---- one value, as the key wants it --------------------------------------------------------------
// Each returns "" when the value fits, else the reason (the caller adds the path).

const char* value_type(const PresetValue& v) {
  switch (v.index()) {
    case 0: return "boolean";
    case 1: return "whole number";
    case 2: return "number";
    default: return "string";
  }
}

std::string want_whole(const PresetValue& v, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  const auto* w = std::get_if<std::int64_t>(&v);
  if (!w) return std::string("must be a whole number, got a ") + value_type(v);
  if (*w < lo || *w > hi) return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                                 std::to_string(*w);
  out = *w;
  return {};
}
std::string want_int(const PresetValue& v, int& out) {
  std::int64_t w = 0;
  std::string e = want_whole(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), w);
  if (e.empty()) out = static_cast<int>(w);
  return e;
}
std::string want_seed(const PresetValue& v, std::uint64_t& out) {
  std::int64_t w = 0;
  std::string e = want_whole(v, 0, std::numeric_limits<std::int64_t>::max(), w);
  if (e.empty()) out = static_cast<std::uint64_t>(w);
  return e;
}
std::string want_number(const PresetValue& v, double& out) {
  if (const auto* w = std::get_if<std::int64_t>(&v)) out = static_cast<double>(*w);
  else if (const auto* d = std::get_if<double>(&v)) out = *d;
  else return std::string("must be a number, got a ") + value_type(v);
  return {};
}
std::string want_flag(const PresetValue& v, bool& out) {
  const auto* b = std::get_if<bool>(&v);
  if (!b) return std::string("must be true or false, got a ") + value_type(v);
  out = *b;
  return {};
}
// A string one of `choices` accepts through `parse`.
template <class E, class Parse>
std::string want_choice(const PresetValue& v, E& out, Parse parse, const char* choices) {
  const auto* s = std::get_if<std::string>(&v);
  if (!s) return std::string("must be a string (") + choices + "), got a " + value_type(v);
  if (!parse(*s, out)) return "\"" + *s + "\" is not one of " + choices;
  return {};
}

bool parse_signal_kind(const std::string& s, SignalKind& out) {
  for (SignalKind k : {SignalKind::sine, SignalKind::square, SignalKind::noise, SignalKind::step})
    if (s == signal_name(k)) {
      out = k;
      return true;
    }
  return false;  // csv: a lesson does not depend on files outside it
}

// The generated signal's waves are summed up to the highest one a key names (as the CLI's flags do).
std::string want_wave(const PresetValue& v, SignalConfig& g, int k, double Wave::*field) {
  double x = 0;
  std::string e = want_number(v, x);
  if (!e.empty()) return e;
  g.wave[static_cast<std::size_t>(k)].*field = x;
  g.waves = std::max(g.waves, k + 1);
  return {};
}

std::string want_data(const PresetValue& v, LessonState& s) {
  const auto* text = std::get_if<std::string>(&v);
  if (!text) return std::string("must be a string (\"sine\", \"copy:T\" or \"adding:T\"), got a ") + value_type(v);
  if (*text == "sine") {
    s.memory_task.reset();
    return {};
  }
  if (!is_memory_task(*text)) return "\"" + *text + "\" is not one of \"sine\", \"copy:T\", \"adding:T\"";
  MemoryTaskConfig task = s.memory_task.value_or(MemoryTaskConfig{});
  if (std::string e = parse_memory_task(*text, task); !e.empty()) return e;
  s.memory_task = task;
  s.training.split.steps = task.steps;  // as the CLI: the window is the task's T, scored on the last step
  s.training.split.loss = LossMode::last;
  return {};
}
// windows, val-windows, task-seed: only with a memory task (given before them in the same object or earlier).
std::string want_task_int(const PresetValue& v, LessonState& s, int MemoryTaskConfig::*field) {
  if (!s.memory_task) return "applies to a memory task (\"data\": \"copy:T\" or \"adding:T\") only";
  return want_int(v, (*s.memory_task).*field);
}

template <class S> struct Key {
  const char* name;
  std::string (*apply)(S&, const PresetValue&);
};

const std::vector<Key<SceneSettings>>& scene_table() {
  using S = SceneSettings;
  using V = PresetValue;
  static const std::vector<Key<S>> table = {
      {"cell", [](S& s, const V& v) { return want_choice(v, s.model.cell, parse_cell, "rnn, lstm, gru"); }},
      {"nonlinearity",
       [](S& s, const V& v) { return want_choice(v, s.model.nonlinearity, parse_nonlinearity, "tanh, relu"); }},
      {"hidden", [](S& s, const V& v) { return want_int(v, s.model.hidden_size); }},
      {"layers", [](S& s, const V& v) { return want_int(v, s.model.num_layers); }},
      {"signal", [](S& s, const V& v) { return want_choice(v, s.signal, parse_signal_kind, "sine, square, noise, step"); }},
      {"seq", [](S& s, const V& v) { return want_int(v, s.steps); }},
      {"weight-scale", [](S& s, const V& v) { return want_number(v, s.weight_scale); }},
      {"seed", [](S& s, const V& v) { return want_seed(v, s.seed); }},
      {"loss", [](S& s, const V& v) { return want_choice(v, s.loss, parse_loss_mode, "last, all"); }},
  };
  return table;
}

const std::vector<Key<LessonState>>& training_table() {
  using S = LessonState;
  using V = PresetValue;
  static const std::vector<Key<S>> table = {
      {"cell", [](S& s, const V& v) { return want_choice(v, s.training.trainer.model.cell, parse_cell, "rnn, lstm, gru"); }},
      {"nonlinearity", [](S& s, const V& v) {
         return want_choice(v, s.training.trainer.model.nonlinearity, parse_nonlinearity, "tanh, relu");
       }},
      {"hidden", [](S& s, const V& v) { return want_int(v, s.training.trainer.model.hidden_size); }},
      {"layers", [](S& s, const V& v) { return want_int(v, s.training.trainer.model.num_layers); }},
      {"data", [](S& s, const V& v) { return want_data(v, s); }},
      {"seq", [](S& s, const V& v) { return want_int(v, s.training.split.steps); }},
      {"loss", [](S& s, const V& v) { return want_choice(v, s.training.split.loss, parse_loss_mode, "last, all"); }},
      {"val-fraction", [](S& s, const V& v) { return want_number(v, s.training.split.val_fraction); }},
      {"epochs", [](S& s, const V& v) { return want_int(v, s.training.trainer.epochs); }},
      {"batch", [](S& s, const V& v) { return want_int(v, s.training.trainer.batch); }},
      {"seed", [](S& s, const V& v) { return want_seed(v, s.training.trainer.seed); }},
      {"optimizer", [](S& s, const V& v) {
         return want_choice(v, s.training.trainer.optimizer.kind, parse_optimizer, "sgd, adam");
       }},
      {"lr", [](S& s, const V& v) { return want_number(v, s.training.trainer.optimizer.lr); }},
      {"momentum", [](S& s, const V& v) { return want_number(v, s.training.trainer.optimizer.momentum); }},
      {"nesterov", [](S& s, const V& v) { return want_flag(v, s.training.trainer.optimizer.nesterov); }},
      {"beta1", [](S& s, const V& v) { return want_number(v, s.training.trainer.optimizer.beta1); }},
      {"beta2", [](S& s, const V& v) { return want_number(v, s.training.trainer.optimizer.beta2); }},
      {"weight-decay", [](S& s, const V& v) { return want_number(v, s.training.trainer.optimizer.weight_decay); }},
      {"clip", [](S& s, const V& v) { return want_number(v, s.training.trainer.clip); }},
      {"schedule", [](S& s, const V& v) {
         return want_choice(v, s.training.trainer.schedule.kind, parse_schedule, "constant, step, plateau");
       }},
      {"lr-step", [](S& s, const V& v) { return want_int(v, s.training.trainer.schedule.step_epochs); }},
      {"lr-factor", [](S& s, const V& v) { return want_number(v, s.training.trainer.schedule.gamma); }},
      {"lr-patience", [](S& s, const V& v) { return want_int(v, s.training.trainer.schedule.patience); }},
      {"min-lr", [](S& s, const V& v) { return want_number(v, s.training.trainer.schedule.min_lr); }},
      {"patience", [](S& s, const V& v) { return want_int(v, s.training.trainer.early_stop_patience); }},
      {"tbptt", [](S& s, const V& v) { return want_int(v, s.training.trainer.truncate); }},
      {"max-loss", [](S& s, const V& v) { return want_number(v, s.training.trainer.max_loss); }},
      {"shape", [](S& s, const V& v) {
         return want_choice(v, s.training.signal.shape, parse_wave_shape, "sine, square, sawtooth");
       }},
      {"length", [](S& s, const V& v) { return want_int(v, s.training.signal.length); }},
      {"waves", [](S& s, const V& v) {
         std::int64_t k = 0;
         std::string e = want_whole(v, 1, max_signal_waves, k);
         if (e.empty()) s.training.signal.waves = static_cast<int>(k);
         return e;
       }},
      {"freq", [](S& s, const V& v) { return want_wave(v, s.training.signal, 0, &Wave::frequency); }},
      {"amp", [](S& s, const V& v) { return want_wave(v, s.training.signal, 0, &Wave::amplitude); }},
      {"phase", [](S& s, const V& v) { return want_wave(v, s.training.signal, 0, &Wave::phase); }},
      {"freq2", [](S& s, const V& v) { return want_wave(v, s.training.signal, 1, &Wave::frequency); }},
      {"amp2", [](S& s, const V& v) { return want_wave(v, s.training.signal, 1, &Wave::amplitude); }},
      {"phase2", [](S& s, const V& v) { return want_wave(v, s.training.signal, 1, &Wave::phase); }},
      {"freq3", [](S& s, const V& v) { return want_wave(v, s.training.signal, 2, &Wave::frequency); }},
      {"amp3", [](S& s, const V& v) { return want_wave(v, s.training.signal, 2, &Wave::amplitude); }},
      {"phase3", [](S& s, const V& v) { return want_wave(v, s.training.signal, 2, &Wave::phase); }},
      {"offset", [](S& s, const V& v) { return want_number(v, s.training.signal.offset); }},
      {"trend", [](S& s, const V& v) { return want_number(v, s.training.signal.trend); }},
      {"damping", [](S& s, const V& v) { return want_number(v, s.training.signal.damping); }},
      {"noise", [](S& s, const V& v) { return want_number(v, s.training.signal.noise); }},
      {"noise-seed", [](S& s, const V& v) { return want_seed(v, s.training.signal.seed); }},
      {"windows", [](S& s, const V& v) { return want_task_int(v, s, &MemoryTaskConfig::train_windows); }},
      {"val-windows", [](S& s, const V& v) { return want_task_int(v, s, &MemoryTaskConfig::val_windows); }},
      {"task-seed", [](S& s, const V& v) {
         if (!s.memory_task) return std::string("applies to a memory task (\"data\": \"copy:T\" or \"adding:T\") only");
         return want_seed(v, s.memory_task->seed);
       }},
  };
  return table;
}

template <class S> std::vector<std::string> names_of(const std::vector<Key<S>>& table) {
  std::vector<std::string> names;
  for (const auto& k : table) names.emplace_back(k.name);
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Applies fields in order; the first bad one is reported at PATH.KEY.
template <class S>
std::optional<FoldError> apply_fields(S& target, const std::vector<PresetField>& fields,
                                      const std::vector<Key<S>>& table, const std::string& path) {
  for (const PresetField& f : fields) {
    const auto key = std::find_if(table.begin(), table.end(), [&](const Key<S>& k) { return f.key == k.name; });
    if (key == table.end())
      return FoldError{path + "." + f.key, "unknown key (expected one of: " + joined(names_of(table)) + ")"};
    if (std::string e = key->apply(target, f.value); !e.empty()) return FoldError{path + "." + f.key, e};
  }
  return std::nullopt;
}

// The checks the session itself makes: a scene value it would clamp, training settings it would refuse.
std::optional<FoldError> check_state(const LessonState& s, const std::string& scene_path,
                                     const std::string& training_path) {
  SceneSettings clamped = s.scene;
  if (std::string e = clamp_settings(clamped); !e.empty()) return FoldError{scene_path, e};
  if (std::string e = validate_train_settings(s.training); !e.empty()) return FoldError{training_path, e};
  if (s.memory_task) {
    if (std::string e = validate_memory_task(*s.memory_task); !e.empty()) return FoldError{training_path, e};
    if (s.training.split.steps != s.memory_task->steps)
      return FoldError{training_path, "seq " + std::to_string(s.training.split.steps) + " must equal the memory task's T = " +
                                          std::to_string(s.memory_task->steps)};
    if (s.training.split.loss != LossMode::last)
      return FoldError{training_path, "a memory task is scored on the last step only (loss \"last\")"};
  }
  return std::nullopt;
}

std::optional<FoldError> apply_set(LessonState& s, const SetAction& a) {
  const std::string path = "action.set.value";
  const auto whole = [&](double v) { return std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e9; };
  const std::string& n = a.slider;
  if (n == "weight-scale") s.scene.weight_scale = a.value;
  else if (n == "lr") s.training.trainer.optimizer.lr = a.value;
  else if (n == "clip") s.training.trainer.clip = a.value;
  else if (n == "speed") s.speed = a.value;
  else if (n == "train-speed") s.train_speed = a.value;
  else if (n == "smoothing") {
    if (!(a.value >= 0 && a.value <= 0.999)) return FoldError{path, "smoothing must be between 0 and 0.999"};
    s.smoothing = a.value;
  } else if (n == "hidden" || n == "layers" || n == "seq" || n == "seed" || n == "unit") {
    if (!whole(a.value) || (n == "seed" && a.value < 0)) return FoldError{path, n + " takes a whole number"};
    const int v = static_cast<int>(a.value);
    if (n == "hidden") s.scene.model.hidden_size = v;
    else if (n == "layers") s.scene.model.num_layers = v;
    else if (n == "seq") s.scene.steps = v;
    else if (n == "seed") s.scene.seed = static_cast<std::uint64_t>(v);
    else s.unit = v;
  } else {
    return FoldError{"action.set.slider", "\"" + n + "\" is not a slider (expected one of: " + joined(slider_names()) + ")"};
  }
  return std::nullopt;
}

std::optional<FoldError> check_action(const LessonState& s, const Action& action) {
  const int T = stepping_steps(s);
  if (const auto* seek = std::get_if<SeekAction>(&action)) {
    const int lo = seek->pass == Pass::forward ? 0 : 1;
    if (seek->t < lo || seek->t > T)
      return FoldError{"action.seek.t", "t = " + std::to_string(seek->t) + " is outside " + std::to_string(lo) + "…" +
                                            std::to_string(T) + " (T of the " +
                                            (s.follow ? "training run" : "explorer scene") + " here)"};
  }
  const int H = s.follow ? s.training.trainer.model.hidden_size : s.scene.model.hidden_size;
  if (s.unit && (*s.unit < 0 || *s.unit >= H))
    return FoldError{"action.set.value", "unit " + std::to_string(*s.unit) + " is outside 0…" + std::to_string(H - 1)};
  if (!std::isfinite(s.speed) || s.speed < min_speed || s.speed > max_speed)
    return FoldError{"preset.speed", "the speed must be between 0.25 and 60 steps per second"};
  if (!std::isfinite(s.train_speed) || s.train_speed < 0)
    return FoldError{"preset.train-speed", "the training speed must be 0 (full speed) or more steps per second"};
  return std::nullopt;
}

std::optional<FoldError> check_panels(const LessonState& s, const LessonStep& step) {
  for (std::size_t i = 0; i < step.highlight.size(); ++i) {
    const Panel p = step.highlight[i];
    const std::string path = "highlight[" + std::to_string(i) + "]";
    if (!panel_in_workspace(p, s.workspace))
      return FoldError{path, std::string("\"") + panel_name(p) + "\" is not in the " + lesson_workspace_name(s.workspace) +
                                 " workspace this step shows"};
    if (!s.panels.empty() && std::find(s.panels.begin(), s.panels.end(), p) == s.panels.end() && p != Panel::lesson)
      return FoldError{path, std::string("\"") + panel_name(p) + "\" is highlighted but not among the shown panels"};
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& scene_keys() {
  static const std::vector<std::string> k = names_of(scene_table());
  return k;
}
const std::vector<std::string>& training_keys() {
  static const std::vector<std::string> k = names_of(training_table());
  return k;
}
const std::vector<std::string>& slider_names() {
  static const std::vector<std::string> k = {"weight-scale", "hidden", "layers", "seq",  "seed",     "lr",
                                             "clip",         "speed",  "train-speed", "unit", "smoothing"};
  return k;
}

std::optional<FoldError> fold_step(LessonState& s, const LessonStep& step) {
  s.unit.reset();
  s.smoothing.reset();
  const Preset& p = step.preset;
  if (p.workspace) s.workspace = *p.workspace;
  if (p.follow) s.follow = *p.follow;
  if (p.speed) s.speed = *p.speed;
  if (p.train_speed) s.train_speed = *p.train_speed;
  if (auto e = apply_fields(s.scene, p.scene, scene_table(), "preset.scene")) return e;
  if (auto e = apply_fields(s, p.training, training_table(), "preset.training")) return e;
  if (step.panels) s.panels = *step.panels;
  if (const auto* set = std::get_if<SetAction>(&step.action)) {
    if (auto e = apply_set(s, *set)) return e;
    if (auto e = check_state(s, "action.set.value", "action.set.value")) return e;
  }
  if (auto e = check_state(s, "preset.scene", "preset.training")) return e;
  if (auto e = check_action(s, step.action)) return e;
  return check_panels(s, step);
}

LessonState lesson_state(const Lesson& lesson, int index) {
  LessonState s;
  for (int i = 0; i <= index && i < static_cast<int>(lesson.steps.size()); ++i)
    fold_step(s, lesson.steps[static_cast<std::size_t>(i)]);
  return s;
}

int stepping_steps(const LessonState& s) { return s.follow ? s.training.split.steps : s.scene.steps; }

bool same_scene(const SceneSettings& a, const SceneSettings& b) {
  return a.model.cell == b.model.cell && a.model.nonlinearity == b.model.nonlinearity &&
         a.model.hidden_size == b.model.hidden_size && a.model.num_layers == b.model.num_layers &&
         a.signal == b.signal && a.csv_path == b.csv_path && a.steps == b.steps && a.weight_scale == b.weight_scale &&
         a.seed == b.seed && a.loss == b.loss && a.model_path == b.model_path;
}

bool same_training(const LessonState& a, const LessonState& b) {
  if (!(a.training == b.training) || a.memory_task.has_value() != b.memory_task.has_value()) return false;
  if (!a.memory_task) return true;
  const MemoryTaskConfig &x = *a.memory_task, &y = *b.memory_task;
  return x.task == y.task && x.steps == y.steps && x.train_windows == y.train_windows &&
         x.val_windows == y.val_windows && x.seed == y.seed;
}

}  // namespace unrolled::app
