#include "app/lessons/preset.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/session/scene.hpp"
#include "app/session/settings_io.hpp"

namespace unrolled::app {

namespace {

// The scene and training keys are the session's own table (session/settings_io.hpp), without the
// keys that name files: a lesson does not depend on files outside it.
std::string want_scene(SceneSettings& s, const std::string& key, const PresetValue& v) {
  return set_scene_setting(s, key, v, /*allow_files=*/false);
}
std::string want_training(LessonState& s, const std::string& key, const PresetValue& v) {
  return set_train_setting(s.training, key, v, /*allow_files=*/false);
}

// The lab's keys (LabSettings), checked as a whole by validate_lab_settings after folding.
std::string want_lab(LabSettings& s, const std::string& key, const PresetValue& v) {
  const auto* whole = std::get_if<std::int64_t>(&v);
  const auto* text = std::get_if<std::string>(&v);
  const auto* real = std::get_if<double>(&v);
  const bool is_number = whole || real;
  const double number = whole ? static_cast<double>(*whole) : real ? *real : 0.0;
  if (key == "activation") {
    if (!text) return "must be \"tanh\" or \"relu\"";
    if (!parse_nonlinearity(*text, s.activation)) return "\"" + *text + "\" is not one of tanh, relu";
    return {};
  }
  if (key == "rho" || key == "clip" || key == "lr") {
    if (!is_number) return "must be a number";
    (key == "rho" ? s.rho : key == "clip" ? s.clip : s.lr) = number;
    return {};
  }
  if (key == "hidden" || key == "steps" || key == "seed") {
    if (!whole || *whole < 0 || *whole > 1'000'000) return "must be a whole number from 0 to 1000000";
    if (key == "hidden") s.hidden = static_cast<int>(*whole);
    else if (key == "steps") s.steps = static_cast<int>(*whole);
    else s.seed = static_cast<std::uint64_t>(*whole);
    return {};
  }
  std::string known;
  for (const std::string& k : lab_keys()) known += (known.empty() ? "" : ", ") + k;
  return "unknown key (expected one of: " + known + ")";
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Applies fields in order; the first bad one is reported at PATH.KEY.
template <class S, class Set>
std::optional<FoldError> apply_fields(S& target, const std::vector<PresetField>& fields, Set set, const std::string& path) {
  for (const PresetField& f : fields)
    if (std::string e = set(target, f.key, f.value); !e.empty()) return FoldError{path + "." + f.key, e};
  return std::nullopt;
}

// The checks the session itself makes: a scene value it would clamp, training settings it would refuse.
std::optional<FoldError> check_state(const LessonState& s, const std::string& scene_path,
                                     const std::string& training_path) {
  SceneSettings clamped = s.scene;
  if (std::string e = clamp_settings(clamped); !e.empty()) return FoldError{scene_path, e};
  // A memory task's own checks (its T is the sequence length, its loss the last step's) are in there too.
  if (std::string e = validate_train_settings(s.training); !e.empty()) return FoldError{training_path, e};
  return std::nullopt;
}

std::optional<FoldError> check_lab(const LessonState& s, const LessonStep& step) {
  if (std::string e = validate_lab_settings(s.lab); !e.empty())
    return FoldError{std::holds_alternative<TrainAction>(step.action) && s.workspace == Workspace::lab ? "action.train" : "preset.lab",
                     "gradient lab: " + e};
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
    if (!lesson_shows(s.panels, p))
      return FoldError{path, std::string("\"") + panel_name(p) + "\" is highlighted but not among the shown panels"};
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& scene_keys() { return scene_setting_keys(/*allow_files=*/false); }
const std::vector<std::string>& training_keys() { return train_setting_keys(/*allow_files=*/false); }
const std::vector<std::string>& lab_keys() {
  static const std::vector<std::string> k = {"rho", "activation", "hidden", "steps", "seed", "clip", "lr"};
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
  if (p.forecast_zoom) s.forecast_zoom = *p.forecast_zoom;
  if (p.compare) s.compare_cells = *p.compare;
  if (p.speed) s.speed = *p.speed;
  if (p.train_speed) s.train_speed = *p.train_speed;
  if (auto e = apply_fields(s.scene, p.scene, want_scene, "preset.scene")) return e;
  if (auto e = apply_fields(s, p.training, want_training, "preset.training")) return e;
  if (auto e = apply_fields(s.lab, p.lab, want_lab, "preset.lab")) return e;
  const auto* train = std::get_if<TrainAction>(&step.action);
  if (s.workspace == Workspace::lab && train) s.lab.train_steps = static_cast<int>(std::min<std::int64_t>(train->until_step, INT32_MAX));
  s.lab_named |= !p.lab.empty() || s.workspace == Workspace::lab;
  if (auto e = check_lab(s, step)) return e;
  if (step.panels) {
    // A list replaces the shown panels of the workspaces it names; the other workspaces keep theirs.
    std::erase_if(s.panels, [&](Panel old) {
      return std::any_of(step.panels->begin(), step.panels->end(),
                         [&](Panel now) { return now != Panel::lesson && panel_info(now).workspace == panel_info(old).workspace; });
    });
    s.panels.insert(s.panels.end(), step.panels->begin(), step.panels->end());
  }
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

bool same_training(const LessonState& a, const LessonState& b) { return a.training == b.training; }

bool lesson_shows(const std::vector<Panel>& listed, Panel p) {
  if (p == Panel::lesson) return true;
  const Workspace w = panel_info(p).workspace;
  bool named = false;
  for (Panel q : listed) {
    if (q == p) return true;
    named |= q != Panel::lesson && panel_info(q).workspace == w;
  }
  return !named;
}

TrainTarget train_target(const LessonState& s) {
  return s.workspace == Workspace::compare ? TrainTarget::compare : s.workspace == Workspace::lab ? TrainTarget::lab : TrainTarget::run;
}

}  // namespace unrolled::app
