#include "app/session/training.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <cstdio>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "app/session/numbers.hpp"
#include "app/session/settings_io.hpp"
#include "core/forecast.hpp"
#include "io/asset_dir.hpp"
#include "io/csv.hpp"
#include "io/data_sets.hpp"
#include "io/train_config.hpp"

namespace unrolled::app {

TrainSettings::TrainSettings() {
  trainer.model.hidden_size = 32;  // unrolled-cli train's defaults
  trainer.epochs = 200;
  split.steps = 32;
  split.loss = LossMode::last;
  split.val_fraction = 0.2;
}


std::vector<io::Setting> train_setting_entries(const TrainSettings& s) {
  // The keys unrolled-cli train writes for this kind of data: the signal's for the generated one
  // (waves only up to the ones summed), the column for a CSV, the task's own for a memory task.
  const bool sine = !s.task && s.csv_path.empty();
  static const std::vector<std::string> signal_keys = {"shape", "length", "freq", "amp", "phase", "freq2", "amp2",
                                                 "phase2", "freq3", "amp3", "phase3", "offset", "trend",
                                                 "damping", "noise", "noise-seed"};
  std::vector<io::Setting> e;
  for (const auto& [key, value] : train_setting_values(s)) {
    const bool signal_key = std::find(signal_keys.begin(), signal_keys.end(), key) != signal_keys.end();
    if (key == "waves" || key == "norm-mean" || key == "norm-std" || (signal_key && !sine) || (key == "column" && s.csv_path.empty()) ||
        (key == "val-fraction" && s.task))
      continue;
    if (signal_key && (key.back() == '2' || key.back() == '3') && s.signal.waves < key.back() - '0') continue;
    if (const auto* b = std::get_if<bool>(&value)) e.push_back({key, *b ? "1" : "0", true});
    else if (const auto* i = std::get_if<std::int64_t>(&value)) e.push_back({key, std::to_string(*i), true});
    else if (const auto* d = std::get_if<double>(&value)) e.push_back({key, exact_num(*d), true});
    else e.push_back({key, std::get<std::string>(value)});
  }
  return e;
}

std::string train_data_name(const TrainSettings& s) {
  if (s.task) return std::string(memory_task_name(s.task->task)) + ":" + std::to_string(s.task->steps);
  return s.csv_path.empty() ? "sine" : s.csv_path;
}

std::string validate_train_settings(const TrainSettings& s) {
  const TrainerConfig& t = s.trainer;
  if (t.model.hidden_size < 1 || t.model.hidden_size > max_train_hidden)
    return out_of_range("hidden size", t.model.hidden_size, 1, max_train_hidden);
  if (t.model.num_layers < 1 || t.model.num_layers > max_train_layers)
    return out_of_range("layers", t.model.num_layers, 1, max_train_layers);
  if (s.split.steps < 1 || s.split.steps > max_train_steps)
    return out_of_range("sequence length", s.split.steps, 1, max_train_steps);
  if (t.batch < 1 || t.batch > max_train_batch) return out_of_range("batch", t.batch, 1, max_train_batch);
  if (t.epochs < 1 || t.epochs > max_train_epochs) return out_of_range("epochs", t.epochs, 1, max_train_epochs);
  if (!(s.split.val_fraction > 0 && s.split.val_fraction <= max_val_fraction))
    return out_of_range("validation fraction", s.split.val_fraction, 0, max_val_fraction) + "; it must be above 0";
  ModelConfig m = t.model;
  m.input_size = s.task ? memory_task_inputs(s.task->task) : 1;
  m.output_size = 1;
  for (const std::string& e : {validate_config(m), validate_optimizer(t.optimizer), validate_schedule(t.schedule),
                               validate_trainer(t)})
    if (!e.empty()) return e;
  if (s.task) {
    const std::string data = train_data_name(s);
    if (std::string e = validate_memory_task(*s.task); !e.empty()) return e;
    if (s.task->steps != s.split.steps)
      return "sequence length " + exact_num(s.split.steps) + " must equal the memory task's T = " + exact_num(s.task->steps) +
             " (" + data + " sets it)";
    if (s.split.loss != LossMode::last) return "loss: " + data + " is scored on the last step only";
    if (!s.csv_path.empty()) return data + " is a memory task, not the CSV file " + s.csv_path + ": choose one";
  } else if (s.csv_path.empty()) {
    if (s.signal.length < 2 || s.signal.length > max_train_length)
      return out_of_range("signal length", s.signal.length, 2, max_train_length);
    if (std::string e = validate_signal(s.signal); !e.empty()) return e;
    if (std::string e = SeriesDataset::check_sizes(s.signal.length, s.split); !e.empty()) return e;
  }
  return {};
}

std::string series_file(const std::string& csv_path) {
  std::error_code ec;
  if (!io::is_data_set_name(csv_path) || std::filesystem::exists(csv_path, ec)) return csv_path;
  const std::string dir = io::find_asset_dir("data", "UNROLLED_DATA");
  if (dir.empty())
    throw std::runtime_error(csv_path + ": no such file, and no data folder to look it up in (looked in " +
                             io::asset_dir_candidates_text("data", "UNROLLED_DATA") + ")");
  const std::string path = (std::filesystem::path(dir) / (csv_path + ".csv")).string();
  if (std::filesystem::exists(path, ec)) return path;
  std::string known;
  for (const std::string& n : io::data_set_names(dir)) known += (known.empty() ? "" : ", ") + n;
  throw std::runtime_error(csv_path + ": no such file or data set (data sets in " + dir + ": " +
                           (known.empty() ? "none" : known) + ")");
}

const std::vector<io::DataSetInfo>& real_series() {
  static const std::vector<io::DataSetInfo> sets = io::data_sets(io::find_asset_dir("data", "UNROLLED_DATA"));
  return sets;
}

CsvColumnChoice csv_column_choice(const std::string& csv_path) {
  CsvColumnChoice c;
  try {
    const std::string path = series_file(csv_path);
    const io::CsvColumns cols = io::read_csv_columns(path);
    c.columns = cols.header;
    if (c.columns.empty())
      for (std::size_t i = 0; i < cols.width; ++i) c.columns.push_back(std::to_string(i));
    try {
      c.rule_pick = static_cast<int>(io::select_column(cols.header, cols.width, "", path));
    } catch (const io::IoError& e) {
      c.rule_error = e.what();
    }
  } catch (const std::exception& e) {
    c.error = e.what();
  }
  return c;
}

namespace {
// A metadata value as the settings table takes it: a whole number, a number, or the text.
SettingValue metadata_value(const std::string& text) {
  std::int64_t i = 0;
  const char* end = text.data() + text.size();
  if (auto r = std::from_chars(text.data(), end, i); r.ec == std::errc{} && r.ptr == end) return i;
  double d = 0;
  if (auto r = std::from_chars(text.data(), end, d); r.ec == std::errc{} && r.ptr == end) return d;
  return text;
}
}  // namespace

TrainSettings settings_from_model_file(const TrainSettings& base, const nlohmann::json& extra, const std::string& source,
                                       std::vector<std::string>* skipped) {
  io::TrainingMetadata meta;
  try {
    meta = io::read_training_metadata(extra, source);
  } catch (const io::IoError& e) {
    throw std::runtime_error(e.what());
  }
  TrainSettings s = base;
  if (meta.settings.count("data")) {  // first: a memory task sets T and the loss the keys below may repeat
    if (std::string e = set_train_setting(s, "data", metadata_value(meta.settings.at("data")), true); !e.empty())
      throw std::runtime_error(source + ": training.data: " + e);
    s.csv_column.clear();  // the file's own column, if any, follows
  }
  for (const auto& [key, text] : meta.settings) {
    if (key == "data") continue;
    TrainSettings next = s;
    const bool as_flag = text == "0" || text == "1";  // a switch is written as 0 or 1
    if (set_train_setting(next, key, metadata_value(text), true).empty() ||
        (as_flag && set_train_setting(next = s, key, SettingValue{text == "1"}, true).empty()))
      s = next;
    else if (skipped)
      skipped->push_back(key);
  }
  s.normalization.reset();
  if (meta.has_normalization && !s.task) s.normalization = meta.normalization;
  return s;
}

std::shared_ptr<const Dataset> make_train_dataset(const TrainSettings& s) {
  if (std::string e = validate_train_settings(s); !e.empty()) throw std::runtime_error(e);
  try {
    if (s.task) return std::make_shared<MemoryTaskDataset>(*s.task);  // the CLI's windows, from task-seed
    if (s.csv_path.empty()) {
      const std::string what = std::string(wave_shape_name(s.signal.shape)) + " signal, " +
                               std::to_string(s.signal.length) + " points";
      return std::make_shared<SeriesDataset>(generate_signal(s.signal), s.split, what);
    }
    const std::string path = series_file(s.csv_path);
    io::SeriesColumn col = io::read_series_column(path, s.csv_column, io::GapPolicy::refuse);
    const std::string name = std::filesystem::path(s.csv_path).filename().string();
    const std::string what = name + " column " + col.name + ", " + std::to_string(col.values.size()) + " points" +
                             (s.normalization ? ", the model's normalisation" : "");
    if (std::string e = SeriesDataset::check_sizes(static_cast<int>(col.values.size()), s.split); !e.empty())
      throw std::runtime_error(path + ": " + e);
    if (s.normalization) return std::make_shared<SeriesDataset>(std::move(col.values), s.split, what, *s.normalization);
    return std::make_shared<SeriesDataset>(std::move(col.values), s.split, what);
  } catch (const io::IoError& e) {
    throw std::runtime_error(e.what());
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
}

namespace {
constexpr EnumName<TrainState> train_state_names[] = {
    {TrainState::idle, "ready"},       {TrainState::running, "training"},           {TrainState::paused, "paused"},
    {TrainState::finished, "finished"}, {TrainState::early_stopped, "stopped early"}, {TrainState::diverged, "diverged"}};
}  // namespace

const char* train_state_name(TrainState state) { return name_of(train_state_names, state); }

bool CompareView::running() const {
  return std::any_of(runs.begin(), runs.end(), [](const CompareRunView& r) { return r.state == TrainState::running; });
}

std::string validate_compare_cells(const std::vector<CellKind>& cells) {
  if (cells.size() < 2 || cells.size() > 3) return "compare: choose 2 or 3 of rnn, lstm, gru";
  for (std::size_t i = 0; i < cells.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (cells[i] == cells[j]) return std::string("compare: ") + cell_name(cells[i]) + " is listed twice";
  return {};
}

// ---- History ---------------------------------------------------------------------------------------

namespace {
// Weighted mean of a (count ca) and b (count cb).
double wmean(double a, int ca, double b, int cb) { return (a * ca + b * cb) / (ca + cb); }

// The fields both kinds of point share: counts add up, the rest comes from the later point.
template <class Point> void take_later(Point& into, const Point& later) {
  into.count += later.count;
  into.step = later.step;
  into.epoch = later.epoch;
  into.seconds = later.seconds;
  into.lr = later.lr;
}
void merge(StepPoint& into, const StepPoint& later) {
  into.loss = wmean(into.loss, into.count, later.loss, later.count);
  into.grad_norm = wmean(into.grad_norm, into.count, later.grad_norm, later.count);
  take_later(into, later);
}
void merge(EpochPoint& into, const EpochPoint& later) {
  into.train_loss = wmean(into.train_loss, into.count, later.train_loss, later.count);
  into.val_mse = wmean(into.val_mse, into.count, later.val_mse, later.count);
  into.val_mae = wmean(into.val_mae, into.count, later.val_mae, later.count);
  take_later(into, later);
}
}  // namespace

template <class Point> void History<Point>::add(const Point& p) {
  if (has_pending_) merge(pending_, p);
  else pending_ = p;
  has_pending_ = true;
  if (pending_.count < stride_) return;
  points_.push_back(pending_);
  has_pending_ = false;
  if (points_.size() < capacity_) return;
  // Full: halve by merging neighbours; an odd last point waits as the pending one.
  std::size_t n = 0;
  for (std::size_t i = 0; i + 1 < points_.size(); i += 2) {
    Point m = points_[i];
    merge(m, points_[i + 1]);
    points_[n++] = m;
  }
  if (points_.size() % 2 == 1) {
    pending_ = points_.back();
    has_pending_ = true;
  }
  points_.resize(n);
  stride_ *= 2;
}

template <class Point>
std::string History<Point>::restore(std::vector<Point> points, std::optional<Point> pending, int stride) {
  if (stride < 1 || (stride & (stride - 1)) != 0) return "stride " + std::to_string(stride) + " is not a power of two";
  if (points.size() >= capacity_)
    return std::to_string(points.size()) + " points, a history keeps fewer than " + std::to_string(capacity_);
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].count != stride)
      return "point " + std::to_string(i) + " holds " + std::to_string(points[i].count) + " steps, not the stride " +
             std::to_string(stride);
    if (points[i].step <= last) return "point " + std::to_string(i) + " is not after the one before it";
    last = points[i].step;
  }
  if (pending && (pending->count < 1 || pending->count >= stride || pending->step <= last))
    return "the point being gathered holds " + std::to_string(pending->count) + " steps (1…" +
           std::to_string(stride - 1) + ", after the stored ones)";
  points_ = std::move(points);
  has_pending_ = pending.has_value();
  pending_ = pending.value_or(Point{});
  stride_ = stride;
  return {};
}

template <class Point> std::vector<Point> History<Point>::with_pending() const {
  std::vector<Point> out;
  out.reserve(points_.size() + 1);
  out = points_;
  if (has_pending_) out.push_back(pending_);
  return out;
}

template class History<StepPoint>;
template class History<EpochPoint>;

// ---- Views -----------------------------------------------------------------------------------------

ForecastView compute_forecast(const Trainer& trainer, const SeriesDataset& data, int rollout_from, int horizon) {
  ForecastView f;
  const int N = data.length(), S = data.split_index(), T = data.steps();
  const Normalization& norm = data.normalization();
  f.at_step = trainer.step();
  f.split = S;
  f.steps = T;
  f.truth.assign(data.raw().begin(), data.raw().end());
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  f.one_step.assign(static_cast<std::size_t>(N), nan);
  // Teacher-forced over the whole series (the fit on the training part shows too); the MSE is the
  // validation part's.
  const std::vector<float> one = one_step_forecast(trainer.model(), data.series(), T, 1, N);
  double se = 0;
  for (int t = 1; t < N; ++t) {
    const double p = norm.invert(one[static_cast<std::size_t>(t - 1)]);
    f.one_step[static_cast<std::size_t>(t)] = static_cast<float>(p);
    if (t >= S) se += (p - data.raw()[static_cast<std::size_t>(t)]) * (p - data.raw()[static_cast<std::size_t>(t)]);
  }
  f.one_step_mse = N > S ? se / (N - S) : std::numeric_limits<double>::quiet_NaN();

  f.rollout_from = std::clamp(rollout_from, 1, N);
  const int K = std::clamp(horizon, 1, 4 * N);
  const std::vector<float> roll = rollout(trainer.model(), data.series(), T, f.rollout_from, K);
  f.rollout.resize(static_cast<std::size_t>(K));
  double rse = 0;
  int with_truth = 0;
  for (int k = 0; k < K; ++k) {
    const double p = norm.invert(roll[static_cast<std::size_t>(k)]);
    f.rollout[static_cast<std::size_t>(k)] = static_cast<float>(p);
    const int t = f.rollout_from + k;
    if (t < N) {
      rse += (p - data.raw()[static_cast<std::size_t>(t)]) * (p - data.raw()[static_cast<std::size_t>(t)]);
      ++with_truth;
    }
  }
  f.rollout_mse = with_truth ? rse / with_truth : std::numeric_limits<double>::quiet_NaN();
  return f;
}

template <class T> std::vector<std::vector<double>> decay_norms(const Model<T>& m, const Dataset& data, int windows) {
  const Split split = data.count(Split::validation) > 0 ? Split::validation : Split::train;
  const int available = data.count(split);
  const int B = std::clamp(windows, 1, std::max(available, 1));
  const int steps = data.steps(), I = data.input_size(), O = data.output_size();
  const int L = m.config.num_layers;
  std::vector<std::vector<double>> out(static_cast<std::size_t>(L), std::vector<double>(static_cast<std::size_t>(steps), 0.0));
  if (available == 0) return out;
  std::vector<int> index(static_cast<std::size_t>(B));
  for (int b = 0; b < B; ++b) index[static_cast<std::size_t>(b)] = static_cast<int>((long long)b * available / B);
  Mat<float> xf(I, steps * B), yf(O, data.loss() == LossMode::last ? B : steps * B);
  data.fill(split, index.data(), B, xf, yf);
  const Mat<T> x = xf.template cast<T>(), y = yf.template cast<T>();
  Trace<T> tr;
  forward(m, x, B, tr);
  Mat<T> dy;
  mse_loss(tr, y, data.loss(), &dy);
  dy *= static_cast<T>(B);  // each window's own loss, not the batch mean
  Gradients<T> g;
  backward(m, tr, dy, g);
  for (int k = 0; k < L; ++k) {
    const Mat<T>& gh = g.grad_h[static_cast<std::size_t>(k)];
    for (int t = 0; t < steps; ++t) {
      double sum = 0;
      for (int b = 0; b < B; ++b) sum += gh.col(static_cast<Eigen::Index>(t) * B + b).norm();
      out[static_cast<std::size_t>(k)][static_cast<std::size_t>(t)] = sum / B;
    }
  }
  return out;
}
template std::vector<std::vector<double>> decay_norms<float>(const Model<float>&, const Dataset&, int);
template std::vector<std::vector<double>> decay_norms<double>(const Model<double>&, const Dataset&, int);

DecayCurve compute_decay(const Trainer& trainer, int windows) {
  DecayCurve d;
  d.step = trainer.step();
  for (const std::vector<double>& layer : decay_norms(trainer.model(), trainer.data(), windows))
    d.layers.emplace_back(layer.begin(), layer.end());
  return d;
}

TaskView compute_task_view(const Trainer& trainer, const MemoryTaskDataset& data, int windows) {
  TaskView v;
  v.at_step = trainer.step();
  v.task = data.config().task;
  v.steps = data.steps();
  v.windows = data.count(Split::validation);
  v.baseline_prediction = memory_task_baseline_prediction(v.task);
  v.val_baseline_mse = data.baseline_mse(Split::validation);
  const int K = std::clamp(windows, 0, v.windows);
  if (K == 0) return v;
  const int T = data.steps(), I = data.input_size();
  std::vector<int> index(static_cast<std::size_t>(K));
  std::iota(index.begin(), index.end(), 0);
  Mat<float> x(I, static_cast<Eigen::Index>(T) * K), y(1, K);
  data.fill(Split::validation, index.data(), K, x, y);
  Trace<float> tr;
  forward(trainer.model(), x, K, tr);
  const auto answers = tr.output.rightCols(K);  // y_T of every window (columns t·K + k, t = T−1)
  std::stable_sort(index.begin(), index.end(), [&](int a, int b) { return y(0, a) < y(0, b); });
  double se = 0, base = 0;
  for (int k : index) {
    const float target = y(0, k), p = answers(0, k);
    v.window.push_back(k);
    v.target.push_back(target);
    v.prediction.push_back(p);
    se += (double(p) - target) * (double(p) - target);
    base += (v.baseline_prediction - target) * (v.baseline_prediction - target);
  }
  v.mse = se / K;
  v.baseline_mse = base / K;
  return v;
}

// ---- Exports ---------------------------------------------------------------------------------------

namespace {
std::string cell(double v) {
  if (!std::isfinite(v)) return {};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

std::string curves_csv(const std::vector<StepPoint>& steps, const std::vector<EpochPoint>& epochs) {
  std::string out = "step,epoch,train_loss,val_loss,grad_norm,lr,seconds\n";
  std::size_t e = 0;
  for (const StepPoint& p : steps) {
    double val = std::numeric_limits<double>::quiet_NaN();
    while (e < epochs.size() && epochs[e].step <= p.step) val = epochs[e++].val_mse;
    out += std::to_string(p.step) + "," + std::to_string(p.epoch) + "," + cell(p.loss) + "," + cell(val) + "," +
           cell(p.grad_norm) + "," + cell(p.lr) + "," + cell(p.seconds) + "\n";
  }
  return out;
}

std::string forecast_csv(const ForecastView& f) {
  std::string out = "t,truth,one_step,rollout\n";
  const int N = static_cast<int>(f.truth.size());
  const int end = std::max(N, f.rollout_from + static_cast<int>(f.rollout.size()));
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (int t = 0; t < end; ++t) {
    const std::size_t i = static_cast<std::size_t>(t);
    const int k = t - f.rollout_from;
    out += std::to_string(t) + "," + cell(t < N ? f.truth[i] : nan) + "," + cell(t < N ? f.one_step[i] : nan) + "," +
           cell(k >= 0 && k < static_cast<int>(f.rollout.size()) ? f.rollout[static_cast<std::size_t>(k)] : nan) +
           "\n";
  }
  return out;
}

std::string task_csv(const TaskView& v) {
  std::string out = "window,target,prediction\n";
  for (std::size_t k = 0; k < v.target.size(); ++k)
    out += std::to_string(v.window[k] + 1) + "," + cell(v.target[k]) + "," + cell(v.prediction[k]) + "\n";
  return out;
}

}  // namespace unrolled::app
