// `unrolled-cli train`: the sine-wave forecaster (or a column of the user's CSV, or a memory task)
// trained headless — the same core Trainer the app runs, with progress on the terminal and the
// results in files.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/seq2seq_train.hpp"
#include "cli/text_train.hpp"
#include "cli/train_settings.hpp"
#include "core/dataset.hpp"
#include "core/forecast.hpp"
#include "core/memory_tasks.hpp"
#include "core/trainer.hpp"
#include "io/atomic_write.hpp"
#include "io/model_file.hpp"
#include "io/train_config.hpp"

namespace unrolled::cli {
namespace {

std::vector<OptionSpec> train_options() {
  std::vector<OptionSpec> v;
  const char* m = "model";
  v.push_back({"cell", OptionKind::text, "lstm", 0, 0, m, "rnn, lstm or gru"});
  v.push_back({"forget-bias", OptionKind::number, "", -10, 10, m,
               "lstm: set the forget gate's bias to B after the seed's initialisation (bias_ih = B, bias_hh = 0 "
               "in the forget slice; default: PyTorch's initialisation)"});
  v.push_back({"hidden", OptionKind::integer, "32", 1, max_hidden_size, m, "hidden size H"});
  v.push_back({"layers", OptionKind::integer, "1", 1, max_layers, m, "stacked layers L"});
  v.push_back({"nonlinearity", OptionKind::text, "tanh", 0, 0, m, "tanh or relu (rnn only)"});
  const char* d = "data";
  v.push_back({"data", OptionKind::text, "sine", 0, 0, d,
               "sine (generated, see the signal flags), FILE.csv, a real series shipped with unrolled by name (co2, "
               "sunspots, nile: assets/data/README.md), or a memory task: copy:T or adding:T"});
  append_series_file_options(v, d, false);
  v.push_back({"seq", OptionKind::integer, "32", 1, 100000, d,
               "window length T: each window predicts the value after it (memory tasks: the T of copy:T)"});
  v.push_back({"loss", OptionKind::text, "last", 0, 0, d,
               "last (many-to-one: the next value after the window) or all (many-to-many: the next value at every step)"});
  v.push_back({"val-fraction", OptionKind::number, "0.2", 1e-9, max_val_fraction, d,
               "the last fraction of the series is validation (chronological split)"});
  append_signal_options(v);
  append_memory_task_options(v);
  const char* t = "training";
  v.push_back({"epochs", OptionKind::integer, "200", 1, 1000000, t, "passes over the training windows"});
  v.push_back({"batch", OptionKind::integer, "32", 1, 65536, t, "windows per mini-batch B (incomplete last batch skipped)"});
  v.push_back({"seed", OptionKind::integer, "1", 0, 9.2e18, t, "seed of the initial weights and the shuffling"});
  v.push_back({"optimizer", OptionKind::text, "adam", 0, 0, t, "adam or sgd"});
  v.push_back({"lr", OptionKind::number, "0.01", 1e-12, 1000, t, "learning rate"});
  v.push_back({"momentum", OptionKind::number, "0", 0, 0.999999, t, "SGD momentum"});
  v.push_back({"nesterov", OptionKind::flag, "", 0, 0, t, "Nesterov momentum (sgd, needs --momentum)"});
  v.push_back({"beta1", OptionKind::number, "0.9", 0, 0.999999, t, "Adam beta1"});
  v.push_back({"beta2", OptionKind::number, "0.999", 0, 0.999999, t, "Adam beta2"});
  v.push_back({"weight-decay", OptionKind::number, "0", 0, 1, t, "L2 weight decay (added to the gradient, as torch.optim)"});
  v.push_back({"clip", OptionKind::number, "1", 0, 1e9, t, "clip the global gradient norm to this; 0 = no clipping"});
  v.push_back({"schedule", OptionKind::text, "constant", 0, 0, t,
               "learning-rate schedule: constant, step (x lr-factor every lr-step epochs) or plateau "
               "(x lr-factor after lr-patience epochs without a better validation MSE)"});
  v.push_back({"lr-step", OptionKind::integer, "10", 1, 1000000, t, "step schedule: epochs between decays"});
  v.push_back({"lr-factor", OptionKind::number, "0.5", 1e-9, 1, t, "step and plateau schedules: factor applied to lr"});
  v.push_back({"lr-patience", OptionKind::integer, "3", 0, 1000000, t, "plateau schedule: epochs without improvement tolerated"});
  v.push_back({"min-lr", OptionKind::number, "0", 0, 1000, t, "plateau schedule: lowest learning rate"});
  v.push_back({"patience", OptionKind::integer, "0", 0, 1000000, t,
               "early stopping: stop after this many epochs without a better validation MSE and keep the best "
               "epoch's weights; 0 = off"});
  v.push_back({"tbptt", OptionKind::integer, "0", 0, 100000, t, "truncated BPTT every K steps; 0 = full BPTT"});
  v.push_back({"max-loss", OptionKind::number, "1e6", 0, 1e300, t,
               "divergence guard: a mini-batch loss above this (normalised units) stops training, as NaN or "
               "Inf always do; 0 = only NaN/Inf"});
  const char* o = "output";
  v.push_back({"out", OptionKind::text, "", 0, 0, o, "model file to write (required)"});
  v.push_back({"metrics", OptionKind::text, "", 0, 0, o, "CSV of step,epoch,train_loss,val_loss,grad_norm,lr,seconds: one row per step; val_loss only on "
               "the last step of each epoch; grad_norm before clipping; seconds of training so far"});
  v.push_back({"forecast", OptionKind::text, "", 0, 0, o,
               "CSV of t,truth,one_step,rollout over the validation part, in the data's units"});
  v.push_back({"rollout", OptionKind::text, "window", 0, 0, o,
               "how the rollout keeps context: window (re-run the last seq values, as trained) or carry "
               "(carry the hidden state forward)"});
  v.push_back({"progress", OptionKind::text, "auto", 0, 0, o, "auto (a bar on a terminal), bar, lines or none"});
  return v;
}

const std::vector<OptionSpec>& options() {
  static const std::vector<OptionSpec> v = train_options();
  return v;
}

std::string train_help() {
  return "usage: unrolled-cli train [--cell rnn|lstm|gru] [--hidden N] [--layers N] [--seq N] [--batch N]\n"
         "                          [--lr X] [--epochs N] [--seed N] [--data sine|FILE.csv|NAME|copy:T|adding:T]\n"
         "                          [--config FILE] --out MODEL.json [--metrics FILE.csv] [--forecast FILE.csv]\n"
         "                          [more flags]\n"
         "\n"
         "Trains a recurrent network to forecast a series one step ahead: windows of --seq values predict\n"
         "the next value. The series is split chronologically (the last --val-fraction is validation) and\n"
         "normalised with the mean and population standard deviation of the training part only; losses and MSEs are\n"
         "in those normalised units. The model file keeps the normalisation and every setting (extra keys\n"
         "\"normalization\", \"training\", \"training_result\") for `unrolled-cli forecast`.\n"
         "\n"
         "--data copy:T and adding:T are memory tasks instead, scored on the last step (docs/formats.md):\n"
         "  copy:T    x_1 ~ U(-1, 1), then T-1 zeros; the target is x_1. Always answering 0 scores MSE 1/3.\n"
         "  adding:T  two inputs: values ~ U(0, 1) and markers (one 1 in each half of the window); the target\n"
         "            is the sum of the two marked values. Always answering 1 scores MSE 1/6.\n"
         "T is the sequence length (--seq may be left out or must equal it). The windows are drawn once from\n"
         "--task-seed; nothing is normalised, so MSEs are in the task's units. --loss all, --val-fraction,\n"
         "--column, --forecast, --rollout and the signal flags do not apply and are refused.\n"
         "\n"
         "--config FILE.json holds the same settings as the flags, keyed by flag name without \"--\"\n"
         "(e.g. {\"cell\": \"gru\", \"lr\": 0.005, \"nesterov\": true}); flags given on the command line win,\n"
         "unknown keys are an error.\n" +
         options_help(options()) +
         "\n"
         "Progress goes to stderr (a bar on a terminal, one line per epoch otherwise); the last line on\n"
         "stdout is `done epochs=.. steps=.. train_mse=.. val_mse=.. seconds=.. persistence_val_mse=..` (MSEs\n"
         "of the saved weights, one-step-ahead, normalised units; memory tasks: the task's units, and no\n"
         "persistence). persistence_val_mse is the baseline \"next value = last value\" over the same validation\n"
         "points: the network has to beat it. The same settings and seed write the same model file, bit for\n"
         "bit. Files are written atomically: a failed run leaves existing files untouched.\n"
         "\n"
         "If the loss or gradient becomes NaN or Inf (or the loss exceeds --max-loss), training stops at\n"
         "once, the weights of the last good step are restored and still written, the reason goes to\n"
         "stderr, and the exit code is 1.\n"
         "\n"
         "exit codes: 0 success, 1 a bad file, data error or divergence, 2 a usage error\n";
}

// Progress on stderr and the metrics rows.
class Progress : public TrainListener {
 public:
  Progress(int epochs, int steps_per_epoch, std::string mode, bool keep_metrics)
      : epochs_(epochs), steps_per_epoch_(steps_per_epoch), mode_(std::move(mode)), keep_(keep_metrics) {}

  void on_step(const StepMetrics& m) override {
    if (keep_) rows_.push_back(Row{m, std::nan("")});
    if (mode_ == "bar" && (m.seconds - last_draw_ >= 0.1 || m.step == 1)) {
      last_draw_ = m.seconds;
      draw(m.epoch, m.step, m.train_loss, m.seconds);
    }
  }
  void on_epoch(const EpochMetrics& m) override {
    if (keep_ && !rows_.empty()) rows_.back().val_loss = m.val_mse;
    last_val_ = m.val_mse;
    if (mode_ == "lines") {
      std::fprintf(stderr, "epoch %d/%d steps=%lld train_loss=%s val_mse=%s val_mae=%s lr=%s seconds=%.2f%s\n",
                   m.epoch, epochs_, static_cast<long long>(m.step), fmt(m.train_loss).c_str(),
                   fmt(m.val_mse).c_str(), fmt(m.val_mae).c_str(), fmt(m.lr).c_str(), m.seconds,
                   m.best ? " best" : "");
    } else if (mode_ == "bar") {
      draw(m.epoch, m.step, m.train_loss, m.seconds);
    }
  }
  void on_done(const TrainSummary&) override {
    if (mode_ == "bar") std::fputc('\n', stderr);
  }

  std::string metrics_csv() const {
    std::string out = "step,epoch,train_loss,val_loss,grad_norm,lr,seconds\n";
    for (const Row& r : rows_) {
      out += std::to_string(r.m.step) + "," + std::to_string(r.m.epoch) + "," + fmt(r.m.train_loss, 9) + "," +
             (std::isnan(r.val_loss) ? std::string() : fmt(r.val_loss, 9)) + "," + fmt(r.m.grad_norm, 9) + "," +
             fmt(r.m.lr, 9) + "," + fmt(r.m.seconds, 6) + "\n";
    }
    return out;
  }

 private:
  struct Row {
    StepMetrics m;
    double val_loss;
  };
  int epochs_, steps_per_epoch_;
  std::string mode_;
  bool keep_;
  std::vector<Row> rows_;
  double last_draw_ = -1;
  double last_val_ = std::nan("");

  void draw(int epoch, long long step, double loss, double seconds) {
    const long long total = static_cast<long long>(epochs_) * steps_per_epoch_;
    const double frac = total > 0 ? static_cast<double>(step) / static_cast<double>(total) : 1.0;
    constexpr int width = 24;
    std::string bar(width, '-');
    for (int i = 0; i < static_cast<int>(frac * width + 1e-9) && i < width; ++i) bar[static_cast<std::size_t>(i)] = '#';
    const double eta = step > 0 ? seconds / static_cast<double>(step) * static_cast<double>(total - step) : 0.0;
    std::fprintf(stderr, "\repoch %d/%d [%s] loss %-10s val %-10s ETA %.0fs   ", epoch, epochs_, bar.c_str(),
                 fmt(loss, 3).c_str(), std::isnan(last_val_) ? "-" : fmt(last_val_, 3).c_str(), eta);
    std::fflush(stderr);
  }
};

std::string forecast_csv(const std::vector<int>& t, const std::vector<double>& truth,
                         const std::vector<double>& one_step, const std::vector<double>& roll) {
  std::string out = "t,truth,one_step,rollout\n";
  for (std::size_t i = 0; i < t.size(); ++i)
    out += std::to_string(t[i]) + "," + fmt(truth[i], 9) + "," + fmt(one_step[i], 9) + "," + fmt(roll[i], 9) + "\n";
  return out;
}

// A memory task sets T and is scored on its last step, and has no series to split or forecast: the
// flags about those are refused rather than silently ignored.
void refuse_series_flags(const Settings& s, const MemoryTaskConfig& task) {
  const std::string data = s.text("data");
  if (s.given("seq") && s.integer("seq") != task.steps)
    throw UsageError(s.origin("seq") + " " + s.text("seq") + " conflicts with " + s.origin("data") + " " + data +
                     ": the task sets the sequence length (leave --seq out)");
  if (s.given("loss") && s.text("loss") != "last")
    throw UsageError(s.origin("loss") + " " + s.text("loss") + ": " + data + " is scored on the last step only");
  if (s.given("val-fraction"))
    throw UsageError(s.origin("val-fraction") + " applies to series data; " + data + " takes --val-windows");
  for (const char* key : {"column", "gaps", "forecast", "rollout"})
    if (s.given(key))
      throw UsageError(s.origin(key) + " applies to series data; " + data + " is a memory task with no series to " +
                       (std::string_view(key) == "column" || std::string_view(key) == "gaps" ? "read" : "forecast"));
}

int run(const std::vector<std::string>& argv) {
  if (is_seq2seq_task(argv)) return run_seq2seq_train(argv);
  if (is_text_task(argv)) return run_text_train(argv);
  bool help = false;
  Settings s = parse_settings(argv, options(), true, help);
  if (help) {
    std::fputs((train_help() + text_train_help() + seq2seq_train_help()).c_str(), stdout);
    return exit_ok;
  }
  const bool memory = is_memory_task(s.text("data"));
  MemoryTaskConfig task;
  if (memory) {
    task = memory_task_config(s);
    refuse_series_flags(s, task);
    if (!s.given("seq")) s.set("seq", std::to_string(task.steps), s.origin("data"));
  } else {
    for (const OptionSpec& o : options())
      if (is_memory_task_option(o) && s.given(o.name))
        throw UsageError(s.origin(o.name) + " applies to --data copy:T and adding:T only (the data is " +
                         s.text("data") + ")");
  }
  // --- every setting, checked before any work -------------------------------------------------
  TrainerConfig tc;
  if (!parse_cell(s.text("cell"), tc.model.cell))
    throw UsageError(s.origin("cell") + " must be rnn, lstm or gru, got '" + s.text("cell") + "'");
  if (!parse_nonlinearity(s.text("nonlinearity"), tc.model.nonlinearity))
    throw UsageError(s.origin("nonlinearity") + " must be tanh or relu, got '" + s.text("nonlinearity") + "'");
  if (tc.model.cell != CellKind::rnn && tc.model.nonlinearity != Nonlinearity::tanh)
    throw UsageError(s.origin("nonlinearity") + " relu needs --cell rnn");
  tc.model.hidden_size = static_cast<int>(s.integer("hidden"));
  tc.model.num_layers = static_cast<int>(s.integer("layers"));
  if (std::string why = validate_config(tc.model); !why.empty()) throw UsageError(why);
  SeriesSplit split;
  split.steps = static_cast<int>(s.integer("seq"));
  split.val_fraction = s.number("val-fraction");
  if (!parse_loss_mode(s.text("loss"), split.loss))
    throw UsageError(s.origin("loss") + " must be last or all, got '" + s.text("loss") + "'");
  tc.epochs = static_cast<int>(s.integer("epochs"));
  tc.batch = static_cast<int>(s.integer("batch"));
  tc.seed = static_cast<std::uint64_t>(s.integer("seed"));
  if (!parse_optimizer(s.text("optimizer"), tc.optimizer.kind))
    throw UsageError(s.origin("optimizer") + " must be adam or sgd, got '" + s.text("optimizer") + "'");
  tc.optimizer.lr = s.number("lr");
  tc.optimizer.momentum = s.number("momentum");
  tc.optimizer.nesterov = s.flag("nesterov");
  tc.optimizer.beta1 = s.number("beta1");
  tc.optimizer.beta2 = s.number("beta2");
  tc.optimizer.weight_decay = s.number("weight-decay");
  if (tc.optimizer.kind == OptimizerKind::adam && (s.given("momentum") || s.given("nesterov")))
    throw UsageError(s.origin(s.given("momentum") ? "momentum" : "nesterov") + " applies to --optimizer sgd only");
  if (tc.optimizer.nesterov && tc.optimizer.momentum <= 0)
    throw UsageError(s.origin("nesterov") + " needs --momentum above 0");
  if (std::string why = validate_optimizer(tc.optimizer); !why.empty()) throw UsageError(why);
  tc.clip = s.number("clip");
  if (s.given("forget-bias")) {
    if (tc.model.cell != CellKind::lstm) throw UsageError(s.origin("forget-bias") + " applies to --cell lstm only");
    tc.forget_bias = s.number("forget-bias");
  }
  if (!parse_schedule(s.text("schedule"), tc.schedule.kind))
    throw UsageError(s.origin("schedule") + " must be constant, step or plateau, got '" + s.text("schedule") + "'");
  tc.schedule.step_epochs = static_cast<int>(s.integer("lr-step"));
  tc.schedule.gamma = s.number("lr-factor");
  tc.schedule.patience = static_cast<int>(s.integer("lr-patience"));
  tc.schedule.min_lr = s.number("min-lr");
  tc.early_stop_patience = static_cast<int>(s.integer("patience"));
  tc.truncate = static_cast<int>(s.integer("tbptt"));
  tc.max_loss = s.number("max-loss");
  if (std::string why = validate_trainer(tc); !why.empty()) throw UsageError(why);
  RolloutMode rollout_mode;
  if (!parse_rollout_mode(s.text("rollout"), rollout_mode))
    throw UsageError(s.origin("rollout") + " must be window or carry, got '" + s.text("rollout") + "'");
  std::string progress = s.text("progress");
  if (progress != "auto" && progress != "bar" && progress != "lines" && progress != "none")
    throw UsageError(s.origin("progress") + " must be auto, bar, lines or none, got '" + progress + "'");
  if (progress == "auto") progress = ::isatty(STDERR_FILENO) ? "bar" : "lines";

  if (!s.given("out")) throw UsageError("missing required flag --out");
  const std::string out = s.text("out");
  check_output_path(s.origin("out"), out);
  const std::string metrics_path = s.text("metrics"), forecast_path = s.text("forecast");
  if (s.given("metrics")) check_output_path(s.origin("metrics"), metrics_path);
  if (s.given("forecast")) check_output_path(s.origin("forecast"), forecast_path);
  if (s.given("metrics") && metrics_path == out) throw UsageError("--metrics and --out name the same file");
  if (s.given("forecast") && (forecast_path == out || forecast_path == metrics_path))
    throw UsageError("--forecast names the same file as another output");
  if (!is_generated_data(s.text("data"))) {
    for (const OptionSpec& o : options())
      if (o.group[0] == 's' && s.given(o.name))
        throw UsageError(s.origin(o.name) + " applies to --data sine only (the data is " + s.text("data") + ")");
  } else {
    for (const char* key : {"column", "gaps"})
      if (s.given(key)) throw UsageError(s.origin(key) + " applies to CSV data only");
    (void)signal_config(s);
    const std::string why = SeriesDataset::check_sizes(static_cast<int>(s.integer("length")), split);
    if (!why.empty()) throw UsageError("--length " + s.text("length") + ": " + why);
  }

  // --- data -------------------------------------------------------------------------------------
  std::string description;
  std::shared_ptr<const Dataset> data;
  std::shared_ptr<const SeriesDataset> series;  // null for a memory task
  std::shared_ptr<const MemoryTaskDataset> memory_data;
  if (memory) {
    data = memory_data = std::make_shared<const MemoryTaskDataset>(task);
    description = data->describe();
  } else {
    std::string column;
    std::vector<double> raw = load_series(s, description, &column);
    if (!column.empty()) s.set("column", column, s.origin("column"));  // the column as chosen, for forecast
    if (std::string why = SeriesDataset::check_sizes(static_cast<int>(raw.size()), split); !why.empty())
      throw io::FormatError(s.text("data") + ": " + why);
    data = series = std::make_shared<const SeriesDataset>(std::move(raw), split, description);
  }

  // --- training ---------------------------------------------------------------------------------
  Trainer trainer(data, tc);
  Progress listener(tc.epochs, trainer.steps_per_epoch(), progress, s.given("metrics"));
  trainer.set_listener(&listener);
  if (progress != "none")
    std::fprintf(stderr, "training %s, hidden %d, %d layer(s) on %s: %d training / %d validation windows, "
                         "%d steps per epoch\n",
                 cell_name(tc.model.cell), tc.model.hidden_size, tc.model.num_layers, description.c_str(),
                 data->count(Split::train), data->count(Split::validation), trainer.steps_per_epoch());
  const TrainSummary sum = trainer.run();
  if (!sum.message.empty() && progress != "none" && sum.status != TrainStatus::diverged)
    std::fprintf(stderr, "%s\n", sum.message.c_str());
  if (memory_data && progress != "none")
    std::fprintf(stderr, "without memory: always answering %s scores val_mse=%s here (%s in theory)\n",
                 fmt(memory_task_baseline_prediction(task.task)).c_str(),
                 fmt(memory_data->baseline_mse(Split::validation)).c_str(),
                 task.task == MemoryTask::copy ? "1/3" : "1/6");

  // --- outputs ----------------------------------------------------------------------------------
  std::vector<io::Setting> settings;
  for (const OptionSpec& o : options()) {
    const std::string key = o.name;
    if (key == "out" || key == "metrics" || key == "forecast" || key == "progress") continue;
    const bool signal_key = o.group[0] == 's';
    if (signal_key && !is_generated_data(s.text("data"))) continue;
    if ((key == "column" || key == "gaps") && (is_generated_data(s.text("data")) || memory)) continue;
    if (is_memory_task_option(o) && !memory) continue;
    if (memory && (key == "val-fraction" || key == "rollout")) continue;
    if (signal_key && (key.back() == '2' || key.back() == '3') && signal_waves(s) < key.back() - '0') continue;
    if (o.kind == OptionKind::flag) {
      settings.push_back({key, s.flag(key) ? "1" : "0", true});
      continue;
    }
    settings.push_back({key, s.text(key), o.kind != OptionKind::text});
  }
  nlohmann::json result = {{"status", train_status_name(sum.status)},
                           {"epochs", sum.epochs},
                           {"steps", sum.steps},
                           {"best_epoch", sum.best_epoch}};
  if (std::isfinite(sum.train_mse)) result["train_mse"] = sum.train_mse;
  if (std::isfinite(sum.val_mse)) result["val_mse"] = sum.val_mse;
  // "Tomorrow = today": what the network has to beat, over the same validation points.
  const double persistence = series ? series->persistence_mse(Split::validation) : std::nan("");
  if (series) result["persistence_val_mse"] = persistence;
  // A memory task is not normalised: its model file has no "normalization" key.
  nlohmann::json extra =
      io::training_metadata_json(series ? series->normalization() : Normalization{}, settings, result);
  if (!series) extra.erase("normalization");

  std::string forecast_text;
  if (s.given("forecast")) {
    const int S = series->split_index(), N = series->length();
    const std::vector<float> one = one_step_forecast(trainer.model(), series->series(), split.steps, S, N);
    const std::vector<float> roll = rollout(trainer.model(), series->series(), split.steps, S, N - S, rollout_mode);
    std::vector<int> t;
    std::vector<double> truth, one_d, roll_d;
    for (int i = S; i < N; ++i) {
      t.push_back(i);
      truth.push_back(series->raw()[static_cast<std::size_t>(i)]);
      one_d.push_back(series->normalization().invert(one[static_cast<std::size_t>(i - S)]));
      roll_d.push_back(series->normalization().invert(roll[static_cast<std::size_t>(i - S)]));
    }
    forecast_text = forecast_csv(t, truth, one_d, roll_d);
    if (progress != "none")
      std::fprintf(stderr, "forecast over %d validation points: one_step_mse=%s rollout_mse=%s (%s, data units)\n",
                   N - S, fmt(mean_squared_error(one_d, truth)).c_str(), fmt(mean_squared_error(roll_d, truth)).c_str(),
                   rollout_mode_name(rollout_mode));
  }
  io::save_model(out, trainer.model(), extra);
  if (s.given("metrics")) io::write_file_atomic(metrics_path, listener.metrics_csv());
  if (s.given("forecast")) io::write_file_atomic(forecast_path, forecast_text);

  if (sum.status == TrainStatus::diverged) std::fprintf(stderr, "unrolled-cli train: %s\n", sum.message.c_str());
  std::string baseline;
  if (series) baseline = " persistence_val_mse=" + fmt(persistence);
  std::printf("done epochs=%d steps=%lld train_mse=%s val_mse=%s seconds=%.2f%s\n", sum.epochs,
              static_cast<long long>(sum.steps), fmt(sum.train_mse).c_str(), fmt(sum.val_mse).c_str(), sum.seconds,
              baseline.c_str());
  return sum.status == TrainStatus::diverged ? exit_run_error : exit_ok;
}

const RegisterCommand register_train(Command{
    "train", "train a forecaster (sine, CSV, memory task), a text model (--task charlm|classify) or a seq2seq model",
    train_help() + text_train_help() + seq2seq_train_help(), run});

}  // namespace
}  // namespace unrolled::cli
