// Live training in the app: what the training panel edits (TrainSettings), what the worker thread
// publishes about a run (TrainView, inside every Snapshot), and the pure functions that compute the
// views from a Trainer. GL-free and ImGui-free; the session's worker thread owns the Trainer.
//
// Size key: N series length, S first validation sample, T steps per window, L layers, K horizon,
// P points kept in a history (at most history_capacity).
//
// Memory stays bounded however long a run lasts: histories are decimated (pairs of neighbouring
// points merge when full, so the stride doubles), forecasts are [N], decay curves [L × T] with a fixed
// number of kept snapshots.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/dataset.hpp"
#include "core/memory_tasks.hpp"
#include "core/signal.hpp"
#include "core/trainer.hpp"
#include "io/data_sets.hpp"
#include "io/train_config.hpp"

namespace unrolled::app {

// Limits of the training panel (the CLI allows more; the app keeps a run watchable and its views
// drawable). Values outside are refused by validate_train_settings with a message.
inline constexpr int max_train_hidden = 256;
inline constexpr int max_train_layers = 3;
inline constexpr int max_train_steps = 256;    // T
inline constexpr int max_train_batch = 1024;
inline constexpr int max_train_epochs = 1000000;
inline constexpr int max_train_length = 100000;  // N of a generated signal

// What the training panel edits. Defaults are `unrolled-cli train`'s, except epochs (200, so a run
// lasts long enough to watch; the CLI's 30 finish in under a second).
// The data is one of: the generated signal, a CSV series (csv_path), or a memory task (task).
struct TrainSettings {
  TrainerConfig trainer;         // cell, H, L, optimizer, lr, schedule, batch, epochs, seed, clip
  SignalConfig signal;           // the generated series (used when csv_path is empty and there is no task)
  std::string csv_path;          // a CSV series instead, or a data set's name ("co2": series_file finds it)
  std::string csv_column;        // header name or 0-based index; "" = the rule of io::select_column (the
                                 // only column, else "value", else an error naming the columns)
  // A loaded model's stored statistics (its file's "normalization"), used instead of fitting the
  // series' training part, so the weights see the inputs they were trained on; none = fit them.
  std::optional<Normalization> normalization;
  SeriesSplit split;             // T, loss (last|all), validation fraction; a task: its T, loss last
  std::optional<MemoryTaskConfig> task;  // copy:T or adding:T (docs/formats.md) instead of a series
  TrainSettings();
  bool operator==(const TrainSettings&) const = default;
};

// Empty when the settings can train; otherwise one sentence naming the field and its allowed range
// (the same checks as unrolled-cli train: validate_config, validate_optimizer, validate_schedule,
// validate_trainer, validate_signal, SeriesDataset::check_sizes, validate_memory_task; a task's T
// must be the sequence length and its loss the last step's, as the CLI requires).
std::string validate_train_settings(const TrainSettings& settings);

// The data set of a run: a SeriesDataset (signal, CSV) or a MemoryTaskDataset, drawn from the same
// seeds as unrolled-cli train's, so the same settings give the same numbers. Throws
// std::runtime_error naming the file, line and column (CSV) or the field (sizes).
std::shared_ptr<const Dataset> make_train_dataset(const TrainSettings& settings);

// "sine", the CSV file's path or data set's name, or the task ("adding:30"): the --data of unrolled-cli train.
std::string train_data_name(const TrainSettings& settings);

// The file of a series: a data set's name (io::is_data_set_name, no file of that name here) is
// NAME.csv in the data folder (io::find_asset_dir("data", "UNROLLED_DATA"), as unrolled-cli's --data
// co2); anything else is a path and returned as it is. Throws std::runtime_error naming the folders
// looked in, or the data sets there, when a name is not found.
std::string series_file(const std::string& csv_path);

// The real series of the data folder (io::data_sets: name, file, and the README's what, source and
// licence), read once; empty when there is no data folder.
const std::vector<io::DataSetInfo>& real_series();

// What the column chooser shows for a series file (a path or a data set's name): its columns (the
// header's names, or "0".."W−1" without a header), the column the documented rule picks when none is
// asked (io::select_column with ""; −1 when it picks none, and rule_error says why: several columns,
// none named "value"), or `error` when the file cannot be read.
struct CsvColumnChoice {
  std::vector<std::string> columns;
  int rule_pick = -1;
  std::string rule_error;
  std::string error;
};
CsvColumnChoice csv_column_choice(const std::string& csv_path);

// The training settings a model file records ("training", "normalization": unrolled-cli train's
// metadata) applied over `base`: the data and its column, T, loss, validation fraction, seed, … and the
// stored normalisation. Keys the app does not know are left out and named in `skipped`. Throws
// std::runtime_error naming the file and field when the metadata is malformed.
TrainSettings settings_from_model_file(const TrainSettings& base, const nlohmann::json& extra, const std::string& source,
                                       std::vector<std::string>* skipped = nullptr);

// The settings as the model file's "training" entries (the same keys as unrolled-cli train's flags).
std::vector<io::Setting> train_setting_entries(const TrainSettings& settings);

enum class TrainState { idle, running, paused, finished, early_stopped, diverged };
const char* train_state_name(TrainState state);  // "idle", "training", "paused", "finished", …

// One point of the step history: a single step, or the mean over `count` merged steps.
struct StepPoint {
  std::int64_t step = 0;  // the last step merged into this point
  int epoch = 0;
  int count = 1;          // steps merged
  double seconds = 0;     // training time at `step`
  double loss = 0;        // mean mini-batch loss (normalised units)
  double grad_norm = 0;   // mean gradient norm before clipping
  double lr = 0;          // at `step`
};
struct EpochPoint {
  int epoch = 0;
  std::int64_t step = 0;
  int count = 1;
  double seconds = 0;
  double train_loss = 0, val_mse = 0, val_mae = 0;
  double lr = 0;
};

inline constexpr std::size_t history_capacity = 4096;

// Points in order; when `capacity` is reached every two neighbours merge into one (weighted means of
// the measured values, the later step, time and learning rate), so P ≤ capacity and the points stay
// evenly spaced in steps.
template <class Point> class History {
 public:
  explicit History(std::size_t capacity = history_capacity) : capacity_(capacity < 2 ? 2 : capacity) {}
  void add(const Point& p);
  void clear() { points_.clear(); pending_ = {}; has_pending_ = false; stride_ = 1; }
  const std::vector<Point>& points() const { return points_; }
  std::vector<Point> with_pending() const;  // the stored points and the one still being gathered
  int stride() const { return stride_; }  // raw points per stored point
  std::size_t capacity() const { return capacity_; }
  const Point* pending() const { return has_pending_ ? &pending_ : nullptr; }  // null when none
  // Continues from saved contents (a session file): the stored points, the point being gathered and
  // the stride. Returns "" when they can be this history's (fewer points than the capacity, a stride
  // that is a power of two, each stored point `stride` raw points, a pending one fewer, steps in
  // order), else the reason; the history is then unchanged.
  std::string restore(std::vector<Point> points, std::optional<Point> pending, int stride);

 private:
  std::size_t capacity_;
  std::vector<Point> points_;
  Point pending_{};        // raw points gathered until `stride` of them make one stored point
  bool has_pending_ = false;
  int stride_ = 1;
};

// Truth, teacher-forced one-step predictions and an autoregressive rollout, in the data's units.
struct ForecastView {
  std::int64_t at_step = 0;      // the trainer's step when this was computed
  int split = 0;                 // S: samples S … N−1 are validation
  int steps = 0;                 // T
  std::vector<float> truth;      // [N]
  std::vector<float> one_step;   // [N] prediction of sample t from the T (or t) before it; NaN for t = 0
  int rollout_from = 0;          // first predicted sample of the rollout
  std::vector<float> rollout;    // [K] predictions for rollout_from … rollout_from+K−1
  double one_step_mse = 0;       // over the validation samples (data units)
  double rollout_mse = 0;        // over the rollout samples that have a truth; NaN when none
};

// A memory task's answers (what the forecast tile shows when the data is no series): the model's
// answer at step T against the target for the first K validation windows, sorted by target (a network
// that remembers puts its answers on the target line; one that does not leaves them flat), and what
// always giving the best constant answer (no memory) scores.
struct TaskView {
  std::int64_t at_step = 0;
  MemoryTask task = MemoryTask::copy;
  int steps = 0;                   // T
  int windows = 0;                 // V, validation windows in all (K ≤ V are shown)
  std::vector<int> window;         // [K] 0-based validation window, in order of rising target
  std::vector<float> target;       // [K]
  std::vector<float> prediction;   // [K] y_T of that window
  double mse = 0;                  // over the K windows
  double baseline_prediction = 0;  // copy 0, adding 1
  double baseline_mse = 0;         // of that constant over the K windows
  double val_baseline_mse = 0;     // of that constant over all V windows (compare with the val MSE)
};
inline constexpr int task_view_windows = 512;  // K at most (the default 400 validation windows: all)

// ‖dL/dh_t‖ for t = 1…T, one curve per layer: mean over validation windows of the gradient of each
// window's own loss (so the numbers do not depend on how many windows are averaged).
struct DecayCurve {
  std::int64_t step = 0;
  std::vector<std::vector<float>> layers;  // [L][T]
};
struct DecayView {
  DecayCurve current;
  std::vector<DecayCurve> earlier;  // kept at steps 0, 10, 100, 1000, … (at most decay_keep, oldest first)
};
inline constexpr std::size_t decay_keep = 6;

// Forecast of the trainer's current model. rollout_from is clamped to 1…N, horizon to 1…4N.
ForecastView compute_forecast(const Trainer& trainer, const SeriesDataset& data, int rollout_from, int horizon);
// The answers over the first `windows` validation windows.
TaskView compute_task_view(const Trainer& trainer, const MemoryTaskDataset& data, int windows = task_view_windows);
// Decay curves over up to `windows` validation windows (training windows when there are none).
DecayCurve compute_decay(const Trainer& trainer, int windows = 32);
// The same numbers for any model on any data, [L][T]: the mean over up to `windows` evenly spaced
// validation windows (training windows when there are none) of ‖dL/dh_t‖ for each window's own loss.
// In double for the gradient lab, whose exploding gradients leave float's range.
template <class T> std::vector<std::vector<double>> decay_norms(const Model<T>& model, const Dataset& data, int windows);

// The exports, in unrolled-cli train's column layouts:
//   curves:   step,epoch,train_loss,val_loss,grad_norm,lr,seconds — one row per stored (decimated)
//             point; val_loss on the first row at or after each epoch's end, else empty
//   forecast: t,truth,one_step,rollout — every sample of the series and of the rollout; empty cells
//             where a column has no value
std::string curves_csv(const std::vector<StepPoint>& steps, const std::vector<EpochPoint>& epochs);
std::string forecast_csv(const ForecastView& forecast);
//   task:     window,target,prediction — the task view's windows (1-based, in order of rising
//             target), in the task's units
std::string task_csv(const TaskView& task);

// Compare mode: 2–3 runs that differ from the main run's settings only in the cell (same data, seed,
// H, T, optimizer, …), trained together in lockstep so their curves line up by step.
struct CompareRunView {
  CellKind cell = CellKind::rnn;
  long long parameter_count = 0;
  TrainState state = TrainState::idle;
  std::int64_t step = 0;
  int epoch = 0;
  int steps_per_epoch = 0;
  double seconds = 0;             // time spent inside this run's own training steps
  double steps_per_second = 0;    // step / seconds: each cell's own cost, fair however the runs interleave
  double last_val_mse = 0;        // NaN before the first epoch ends
  std::string message;            // why it stopped (divergence advice), else empty
  std::shared_ptr<const std::vector<StepPoint>> steps;    // decimated, never null
  std::shared_ptr<const std::vector<EpochPoint>> epochs;  // decimated, never null
  std::shared_ptr<const ForecastView> forecast;           // never null (empty for a memory task)
  std::shared_ptr<const TaskView> task;                   // a memory task's answers; null for a series
  std::shared_ptr<const DecayView> decay;                 // never null
};
struct CompareView {
  std::string data_description;
  std::vector<CompareRunView> runs;  // in the order asked for
  bool running() const;              // any run training
};
// Empty when `cells` can form a compare set (2 or 3 distinct cells), else why not.
std::string validate_compare_cells(const std::vector<CellKind>& cells);

// The Train workspace's speeds (steps per second; 0 = full speed). A new session starts at a pace a
// class can follow: 200 epochs of the default run take 48 s, the curves grow as the teacher talks.
inline constexpr double train_speed_choices[] = {10, 100, 1000, 0};
inline constexpr double class_train_speed = 100;

// Everything the panels show about the run, published with each Snapshot (never null).
struct TrainView {
  TrainSettings settings;          // as applied
  std::string data_description;    // "sine, 1000 points"
  std::string error;               // settings that could not be applied (the previous run is kept)
  TrainState state = TrainState::idle;
  std::int64_t step = 0;
  int epoch = 0;                   // completed epochs
  int steps_per_epoch = 0;
  int batch = 0;                   // B actually used
  double seconds = 0;              // time spent inside the training steps
  double wall_seconds = 0;         // wall-clock time in the running state (throughput = step / this)
  double lr = 0;
  double steps_per_second = 0;     // measured over the last second of training
  double max_steps_per_second = 0; // 0 = full speed
  double last_loss = 0;
  double last_val_mse = 0;         // NaN before the first epoch ends
  double best_val_mse = 0;
  int best_epoch = 0;
  double val_persistence_mse = 0;  // "tomorrow = today" on the validation windows (normalised, as val MSE);
                                   // NaN for a memory task
  std::string model_file;          // the model file the run started from ("" = the seed's weights)
  std::string message;             // why the run stopped (divergence with advice, early stop)
  std::int64_t divergence_step = 0;
  std::shared_ptr<const std::vector<StepPoint>> steps;    // decimated, never null
  std::shared_ptr<const std::vector<EpochPoint>> epochs;  // decimated, never null
  int step_stride = 1;
  std::shared_ptr<const ForecastView> forecast;  // never null (empty for a memory task)
  std::shared_ptr<const TaskView> task;          // a memory task's answers; null for a series
  std::shared_ptr<const DecayView> decay;        // never null
  int window = 0;                  // the validation window the stepping views show, when following
  int windows = 0;                 // validation windows
  bool following = false;          // the stepping views show this model (else the explorer scene)
  std::uint64_t model_version = 0; // changes whenever the weights change
  std::shared_ptr<const CompareView> compare;  // the compare set; null when compare mode is off
};

}  // namespace unrolled::app
