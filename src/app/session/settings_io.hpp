// Settings as key/value pairs: the one table through which lesson presets and session files read and
// write the explorer's SceneSettings and the training run's TrainSettings. The training keys are
// unrolled-cli train's flag names (cell, hidden, lr, data, windows, …), so a lesson, a session file,
// a model file's "training" entry and a command line all speak of a setting by the same name.
//
// Setting a key only checks the value's type and kind (a whole number where one is needed, a known
// cell name); ranges are checked afterwards for the whole configuration, by clamp_settings (scene)
// and validate_train_settings (training), the rules the session applies.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "app/session/snapshot.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

// One setting as written in JSON: a boolean, whole number, number or string.
using SettingValue = std::variant<bool, std::int64_t, double, std::string>;
using SettingList = std::vector<std::pair<std::string, SettingValue>>;

const char* setting_type_name(const SettingValue& v);  // "boolean", "whole number", "number", "string"

// Each returns "" when the value fits, else the reason (the caller names the key).
std::string want_whole(const SettingValue& v, std::int64_t lo, std::int64_t hi, std::int64_t& out);
std::string want_int(const SettingValue& v, int& out);
std::string want_seed(const SettingValue& v, std::uint64_t& out);  // a whole number ≥ 0
std::string want_number(const SettingValue& v, double& out);        // a whole number is a number too
std::string want_flag(const SettingValue& v, bool& out);

// ---- the explorer (SceneSettings) ----------------------------------------------------------------
// Keys: cell, nonlinearity, hidden, layers, signal (sine, square, noise, step; with allow_files also
// csv), seq, weight-scale, seed, loss; with allow_files also csv (the CSV signal's path) and model
// (the model file whose weights the explorer shows).
std::string set_scene_setting(SceneSettings& s, std::string_view key, const SettingValue& v, bool allow_files);
const std::vector<std::string>& scene_setting_keys(bool allow_files);
// Every key, so that set_scene_setting reads them back to equal settings.
SettingList scene_setting_values(const SceneSettings& s);

// ---- the training run (TrainSettings) ------------------------------------------------------------
// Keys: cell, nonlinearity, hidden, layers, data, seq, loss, val-fraction, epochs, batch, seed,
// optimizer, lr, momentum, nesterov, beta1, beta2, weight-decay, clip, schedule, lr-step, lr-factor,
// lr-patience, min-lr, patience, tbptt, max-loss, the generated signal's shape, length, waves, freq,
// amp, phase, freq2, amp2, phase2, freq3, amp3, phase3, offset, trend, damping, noise, noise-seed,
// and a memory task's windows, val-windows, task-seed; with allow_files also column (a CSV series).
// "data" is "sine", a memory task "copy:T" / "adding:T" (it also sets seq = T and loss = last), or,
// with allow_files, a CSV file's path. windows, val-windows and task-seed need a memory task set
// before them; naming a second or third wave's key adds that wave, as the CLI's flags do.
std::string set_train_setting(TrainSettings& s, std::string_view key, const SettingValue& v, bool allow_files);
const std::vector<std::string>& train_setting_keys(bool allow_files);
// Every key (all three waves, the task's keys when there is one), in an order set_train_setting reads
// back to equal settings: data first, waves after the wave keys.
SettingList train_setting_values(const TrainSettings& s);

}  // namespace unrolled::app
