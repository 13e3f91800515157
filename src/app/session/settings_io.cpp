#include "app/session/settings_io.hpp"

#include <algorithm>
#include <limits>

#include "core/memory_tasks.hpp"
#include "core/optimizer.hpp"
#include "core/schedule.hpp"

namespace unrolled::app {

const char* setting_type_name(const SettingValue& v) {
  switch (v.index()) {
    case 0: return "boolean";
    case 1: return "whole number";
    case 2: return "number";
    default: return "string";
  }
}

std::string want_whole(const SettingValue& v, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  const auto* w = std::get_if<std::int64_t>(&v);
  if (!w) return std::string("must be a whole number, got a ") + setting_type_name(v);
  if (*w < lo || *w > hi)
    return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + std::to_string(*w);
  out = *w;
  return {};
}
std::string want_int(const SettingValue& v, int& out) {
  std::int64_t w = 0;
  std::string e = want_whole(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), w);
  if (e.empty()) out = static_cast<int>(w);
  return e;
}
std::string want_seed(const SettingValue& v, std::uint64_t& out) {
  std::int64_t w = 0;
  std::string e = want_whole(v, 0, std::numeric_limits<std::int64_t>::max(), w);
  if (e.empty()) out = static_cast<std::uint64_t>(w);
  return e;
}
std::string want_number(const SettingValue& v, double& out) {
  if (const auto* w = std::get_if<std::int64_t>(&v)) out = static_cast<double>(*w);
  else if (const auto* d = std::get_if<double>(&v)) out = *d;
  else return std::string("must be a number, got a ") + setting_type_name(v);
  return {};
}
std::string want_flag(const SettingValue& v, bool& out) {
  const auto* b = std::get_if<bool>(&v);
  if (!b) return std::string("must be true or false, got a ") + setting_type_name(v);
  out = *b;
  return {};
}

namespace {

// A string one of `choices` accepts through `parse`.
template <class E, class Parse>
std::string want_choice(const SettingValue& v, E& out, Parse parse, const char* choices) {
  const auto* s = std::get_if<std::string>(&v);
  if (!s) return std::string("must be a string (") + choices + "), got a " + setting_type_name(v);
  if (!parse(*s, out)) return "\"" + *s + "\" is not one of " + choices;
  return {};
}
std::string want_text(const SettingValue& v, std::string& out, const char* what) {
  const auto* s = std::get_if<std::string>(&v);
  if (!s) return std::string("must be a string (") + what + "), got a " + setting_type_name(v);
  out = *s;
  return {};
}

template <class S> struct Key {
  const char* name;
  std::string (*apply)(S&, const SettingValue&);
  bool file = false;  // names a file: only where files are allowed (session files, not lessons)
};

template <class S> std::vector<std::string> names_of(const std::vector<Key<S>>& table, bool allow_files) {
  std::vector<std::string> names;
  for (const auto& k : table)
    if (allow_files || !k.file) names.emplace_back(k.name);
  return names;
}

template <class S>
std::string apply_key(const std::vector<Key<S>>& table, S& s, std::string_view key, const SettingValue& v,
                      bool allow_files) {
  for (const auto& k : table)
    if (key == k.name && (allow_files || !k.file)) return k.apply(s, v);
  std::string known;
  for (const std::string& n : names_of(table, allow_files)) known += (known.empty() ? "" : ", ") + n;
  return "unknown key (expected one of: " + known + ")";
}

// csv is set through set_scene_setting where files are allowed: a lesson does not depend on files outside it.
bool parse_signal_kind(const std::string& s, SignalKind& out) {
  for (SignalKind k : {SignalKind::sine, SignalKind::square, SignalKind::noise, SignalKind::step})
    if (s == signal_name(k)) {
      out = k;
      return true;
    }
  return false;
}

const std::vector<Key<SceneSettings>>& scene_table() {
  using S = SceneSettings;
  using V = SettingValue;
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
      {"csv", [](S& s, const V& v) { return want_text(v, s.csv_path, "a CSV file's path, or empty"); }, true},
      {"model", [](S& s, const V& v) { return want_text(v, s.model_path, "a model file's path, or empty"); }, true},
  };
  return table;
}

std::string want_data(const SettingValue& v, TrainSettings& s, bool allow_files) {
  const char* choices = allow_files ? "\"sine\", \"copy:T\", \"adding:T\" or a CSV file" : "\"sine\", \"copy:T\", \"adding:T\"";
  const auto* text = std::get_if<std::string>(&v);
  if (!text) return std::string("must be a string (") + choices + "), got a " + setting_type_name(v);
  if (*text == "sine") {
    s.task.reset();
    s.csv_path.clear();
    return {};
  }
  if (is_memory_task(*text)) {
    MemoryTaskConfig task = s.task.value_or(MemoryTaskConfig{});
    if (std::string e = parse_memory_task(*text, task); !e.empty()) return e;
    s.task = task;
    s.csv_path.clear();
    s.split.steps = task.steps;  // as the CLI: the window is the task's T, scored on the last step
    s.split.loss = LossMode::last;
    return {};
  }
  if (!allow_files || text->empty()) return "\"" + *text + "\" is not one of " + choices;
  s.task.reset();
  s.csv_path = *text;
  return {};
}
// windows, val-windows, task-seed: only with a memory task (set before them).
template <class F> std::string want_task(const SettingValue& v, TrainSettings& s, F set) {
  if (!s.task) return "applies to a memory task (\"data\": \"copy:T\" or \"adding:T\") only";
  return set(v, *s.task);
}
// The generated signal's waves are summed up to the highest one a key names (as the CLI's flags do).
std::string want_wave(const SettingValue& v, SignalConfig& g, int k, double Wave::*field) {
  double x = 0;
  std::string e = want_number(v, x);
  if (!e.empty()) return e;
  g.wave[static_cast<std::size_t>(k)].*field = x;
  g.waves = std::max(g.waves, k + 1);
  return {};
}

const std::vector<Key<TrainSettings>>& train_table() {
  using S = TrainSettings;
  using V = SettingValue;
  static const std::vector<Key<S>> table = {
      {"cell", [](S& s, const V& v) { return want_choice(v, s.trainer.model.cell, parse_cell, "rnn, lstm, gru"); }},
      {"nonlinearity", [](S& s, const V& v) {
         return want_choice(v, s.trainer.model.nonlinearity, parse_nonlinearity, "tanh, relu");
       }},
      {"hidden", [](S& s, const V& v) { return want_int(v, s.trainer.model.hidden_size); }},
      {"layers", [](S& s, const V& v) { return want_int(v, s.trainer.model.num_layers); }},
      {"data", [](S& s, const V& v) { return want_data(v, s, false); }},
      {"seq", [](S& s, const V& v) { return want_int(v, s.split.steps); }},
      {"loss", [](S& s, const V& v) { return want_choice(v, s.split.loss, parse_loss_mode, "last, all"); }},
      {"val-fraction", [](S& s, const V& v) { return want_number(v, s.split.val_fraction); }},
      {"epochs", [](S& s, const V& v) { return want_int(v, s.trainer.epochs); }},
      {"batch", [](S& s, const V& v) { return want_int(v, s.trainer.batch); }},
      {"seed", [](S& s, const V& v) { return want_seed(v, s.trainer.seed); }},
      {"optimizer", [](S& s, const V& v) {
         return want_choice(v, s.trainer.optimizer.kind, parse_optimizer, "sgd, adam");
       }},
      {"lr", [](S& s, const V& v) { return want_number(v, s.trainer.optimizer.lr); }},
      {"momentum", [](S& s, const V& v) { return want_number(v, s.trainer.optimizer.momentum); }},
      {"nesterov", [](S& s, const V& v) { return want_flag(v, s.trainer.optimizer.nesterov); }},
      {"beta1", [](S& s, const V& v) { return want_number(v, s.trainer.optimizer.beta1); }},
      {"beta2", [](S& s, const V& v) { return want_number(v, s.trainer.optimizer.beta2); }},
      {"weight-decay", [](S& s, const V& v) { return want_number(v, s.trainer.optimizer.weight_decay); }},
      {"clip", [](S& s, const V& v) { return want_number(v, s.trainer.clip); }},
      {"schedule", [](S& s, const V& v) {
         return want_choice(v, s.trainer.schedule.kind, parse_schedule, "constant, step, plateau");
       }},
      {"lr-step", [](S& s, const V& v) { return want_int(v, s.trainer.schedule.step_epochs); }},
      {"lr-factor", [](S& s, const V& v) { return want_number(v, s.trainer.schedule.gamma); }},
      {"lr-patience", [](S& s, const V& v) { return want_int(v, s.trainer.schedule.patience); }},
      {"min-lr", [](S& s, const V& v) { return want_number(v, s.trainer.schedule.min_lr); }},
      {"patience", [](S& s, const V& v) { return want_int(v, s.trainer.early_stop_patience); }},
      {"tbptt", [](S& s, const V& v) { return want_int(v, s.trainer.truncate); }},
      {"max-loss", [](S& s, const V& v) { return want_number(v, s.trainer.max_loss); }},
      {"forget-bias", [](S& s, const V& v) {
         double b = 0;
         std::string e = want_number(v, b);
         if (e.empty()) s.trainer.forget_bias = b;
         return e;
       }},
      {"shape", [](S& s, const V& v) { return want_choice(v, s.signal.shape, parse_wave_shape, "sine, square, sawtooth"); }},
      {"length", [](S& s, const V& v) { return want_int(v, s.signal.length); }},
      {"waves", [](S& s, const V& v) {
         std::int64_t k = 0;
         std::string e = want_whole(v, 1, max_signal_waves, k);
         if (e.empty()) s.signal.waves = static_cast<int>(k);
         return e;
       }},
      {"freq", [](S& s, const V& v) { return want_wave(v, s.signal, 0, &Wave::frequency); }},
      {"amp", [](S& s, const V& v) { return want_wave(v, s.signal, 0, &Wave::amplitude); }},
      {"phase", [](S& s, const V& v) { return want_wave(v, s.signal, 0, &Wave::phase); }},
      {"freq2", [](S& s, const V& v) { return want_wave(v, s.signal, 1, &Wave::frequency); }},
      {"amp2", [](S& s, const V& v) { return want_wave(v, s.signal, 1, &Wave::amplitude); }},
      {"phase2", [](S& s, const V& v) { return want_wave(v, s.signal, 1, &Wave::phase); }},
      {"freq3", [](S& s, const V& v) { return want_wave(v, s.signal, 2, &Wave::frequency); }},
      {"amp3", [](S& s, const V& v) { return want_wave(v, s.signal, 2, &Wave::amplitude); }},
      {"phase3", [](S& s, const V& v) { return want_wave(v, s.signal, 2, &Wave::phase); }},
      {"offset", [](S& s, const V& v) { return want_number(v, s.signal.offset); }},
      {"trend", [](S& s, const V& v) { return want_number(v, s.signal.trend); }},
      {"damping", [](S& s, const V& v) { return want_number(v, s.signal.damping); }},
      {"noise", [](S& s, const V& v) { return want_number(v, s.signal.noise); }},
      {"noise-seed", [](S& s, const V& v) { return want_seed(v, s.signal.seed); }},
      {"windows", [](S& s, const V& v) {
         return want_task(v, s, [](const V& x, MemoryTaskConfig& t) { return want_int(x, t.train_windows); });
       }},
      {"val-windows", [](S& s, const V& v) {
         return want_task(v, s, [](const V& x, MemoryTaskConfig& t) { return want_int(x, t.val_windows); });
       }},
      {"task-seed", [](S& s, const V& v) {
         return want_task(v, s, [](const V& x, MemoryTaskConfig& t) { return want_seed(x, t.seed); });
       }},
      {"column", [](S& s, const V& v) { return want_text(v, s.csv_column, "a header name or a 0-based index"); }, true},
      // A loaded model's stored normalisation (session files only; a model file keeps its own).
      {"norm-mean", [](S& s, const V& v) {
         if (!s.normalization) s.normalization.emplace();
         return want_number(v, s.normalization->mean);
       }, true},
      {"norm-std", [](S& s, const V& v) {
         double sd = 0;
         if (std::string e = want_number(v, sd); !e.empty()) return e;
         if (!(sd > 0)) return std::string("must be above 0");
         if (!s.normalization) s.normalization.emplace();
         s.normalization->std = sd;
         return std::string();
       }, true},
  };
  return table;
}

SettingValue whole(std::int64_t v) { return v; }
SettingValue seed_value(std::uint64_t v) { return static_cast<std::int64_t>(v); }

}  // namespace

std::string set_scene_setting(SceneSettings& s, std::string_view key, const SettingValue& v, bool allow_files) {
  if (allow_files && key == "signal" && std::holds_alternative<std::string>(v) && std::get<std::string>(v) == "csv") {
    s.signal = SignalKind::csv;
    return {};
  }
  return apply_key(scene_table(), s, key, v, allow_files);
}

const std::vector<std::string>& scene_setting_keys(bool allow_files) {
  static const std::vector<std::string> lessons = names_of(scene_table(), false), files = names_of(scene_table(), true);
  return allow_files ? files : lessons;
}

SettingList scene_setting_values(const SceneSettings& s) {
  return {{"csv", s.csv_path},
          {"cell", std::string(cell_name(s.model.cell))},
          {"nonlinearity", std::string(nonlinearity_name(s.model.nonlinearity))},
          {"hidden", whole(s.model.hidden_size)},
          {"layers", whole(s.model.num_layers)},
          {"signal", std::string(signal_name(s.signal))},
          {"seq", whole(s.steps)},
          {"weight-scale", s.weight_scale},
          {"seed", seed_value(s.seed)},
          {"loss", std::string(loss_mode_name(s.loss))},
          {"model", s.model_path}};
}

std::string set_train_setting(TrainSettings& s, std::string_view key, const SettingValue& v, bool allow_files) {
  if (key == "data") return want_data(v, s, allow_files);
  return apply_key(train_table(), s, key, v, allow_files);
}

const std::vector<std::string>& train_setting_keys(bool allow_files) {
  static const std::vector<std::string> lessons = names_of(train_table(), false), files = names_of(train_table(), true);
  return allow_files ? files : lessons;
}

SettingList train_setting_values(const TrainSettings& s) {
  const TrainerConfig& t = s.trainer;
  const OptimizerConfig& o = t.optimizer;
  const ScheduleConfig& sc = t.schedule;
  const SignalConfig& g = s.signal;
  std::string data = "sine";
  if (s.task) data = std::string(memory_task_name(s.task->task)) + ":" + std::to_string(s.task->steps);
  else if (!s.csv_path.empty()) data = s.csv_path;
  SettingList v = {
      {"data", data},
      {"cell", std::string(cell_name(t.model.cell))},
      {"nonlinearity", std::string(nonlinearity_name(t.model.nonlinearity))},
      {"hidden", whole(t.model.hidden_size)},
      {"layers", whole(t.model.num_layers)},
      {"seq", whole(s.split.steps)},
      {"loss", std::string(loss_mode_name(s.split.loss))},
      {"val-fraction", s.split.val_fraction},
      {"epochs", whole(t.epochs)},
      {"batch", whole(t.batch)},
      {"seed", seed_value(t.seed)},
      {"optimizer", std::string(optimizer_name(o.kind))},
      {"lr", o.lr},
      {"momentum", o.momentum},
      {"nesterov", o.nesterov},
      {"beta1", o.beta1},
      {"beta2", o.beta2},
      {"weight-decay", o.weight_decay},
      {"clip", t.clip},
      {"schedule", std::string(schedule_name(sc.kind))},
      {"lr-step", whole(sc.step_epochs)},
      {"lr-factor", sc.gamma},
      {"lr-patience", whole(sc.patience)},
      {"min-lr", sc.min_lr},
      {"patience", whole(t.early_stop_patience)},
      {"tbptt", whole(t.truncate)},
      {"max-loss", t.max_loss},
      {"column", s.csv_column},
      {"shape", std::string(wave_shape_name(g.shape))},
      {"length", whole(g.length)},
  };
  static const char* const names[max_signal_waves][3] = {
      {"freq", "amp", "phase"}, {"freq2", "amp2", "phase2"}, {"freq3", "amp3", "phase3"}};
  for (int k = 0; k < max_signal_waves; ++k) {
    const Wave& w = g.wave[static_cast<std::size_t>(k)];
    v.emplace_back(names[k][0], w.frequency);
    v.emplace_back(names[k][1], w.amplitude);
    v.emplace_back(names[k][2], w.phase);
  }
  v.emplace_back("waves", whole(g.waves));  // after the wave keys, which raise it
  if (t.forget_bias) v.emplace_back("forget-bias", *t.forget_bias);
  v.emplace_back("offset", g.offset);
  v.emplace_back("trend", g.trend);
  v.emplace_back("damping", g.damping);
  v.emplace_back("noise", g.noise);
  v.emplace_back("noise-seed", seed_value(g.seed));
  if (s.normalization) {
    v.emplace_back("norm-mean", s.normalization->mean);
    v.emplace_back("norm-std", s.normalization->std);
  }
  if (s.task) {
    v.emplace_back("windows", whole(s.task->train_windows));
    v.emplace_back("val-windows", whole(s.task->val_windows));
    v.emplace_back("task-seed", seed_value(s.task->seed));
  }
  return v;
}

}  // namespace unrolled::app
