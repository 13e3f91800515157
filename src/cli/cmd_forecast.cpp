// `unrolled-cli forecast`: a saved forecaster over a series — one-step-ahead predictions (teacher
// forcing) and an autoregressive rollout — using the normalisation and settings stored in the model.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/train_settings.hpp"
#include "core/dataset.hpp"
#include "core/forecast.hpp"
#include "io/atomic_write.hpp"
#include "io/model_file.hpp"
#include "io/train_config.hpp"

namespace unrolled::cli {
namespace {

std::vector<OptionSpec> forecast_options() {
  std::vector<OptionSpec> v;
  const char* f = "forecast";
  v.push_back({"model", OptionKind::text, "", 0, 0, f, "model file (required); its normalisation and training settings are used"});
  v.push_back({"data", OptionKind::text, "", 0, 0, f,
               "sine, FILE.csv or a shipped series by name (co2, sunspots, nile) (default: the data the model was "
               "trained on; memory tasks have no series)"});
  append_series_file_options(v, f, true);
  v.push_back({"seq", OptionKind::integer, "", 1, 100000, f,
               "window length T (default: the training one; needed when the model does not record it)"});
  v.push_back({"val-fraction", OptionKind::number, "", 1e-9, max_val_fraction, f,
               "the last fraction of the series is the validation part (default: the training one, else 0.2)"});
  v.push_back({"horizon", OptionKind::integer, "", 0, 10000000, f, "rollout steps (required)"});
  v.push_back({"from", OptionKind::integer, "", 1, 10000000, f,
               "first rolled-out point t (0-based; default: the first point of the validation part, so the "
               "rollout has a truth to be compared with; the series length forecasts the future)"});
  v.push_back({"normalization", OptionKind::text, "stored", 0, 0, f,
               "stored (the model's mean and std; a model without them is refused) or raw (the values as they "
               "are, for a model trained on raw values)"});
  v.push_back({"rollout", OptionKind::text, "window", 0, 0, f,
               "window (re-run the last seq values from a zero state, as trained) or carry (carry the hidden state)"});
  v.push_back({"out", OptionKind::text, "", 0, 0, f, "CSV to write: t,truth,one_step,rollout (required)"});
  append_signal_options(v);
  return v;
}

const std::vector<OptionSpec>& options() {
  static const std::vector<OptionSpec> v = forecast_options();
  return v;
}

std::string forecast_help() {
  return "usage: unrolled-cli forecast --model M.json [--data sine|FILE.csv|NAME] --horizon N --out F.csv\n"
         "                             [--from T] [--seq N] [--column C] [--rollout window|carry] [signal flags]\n"
         "\n"
         "Runs a trained one-input forecaster over a series. For every t from seq to the end it predicts\n"
         "x[t] from the seq true values before it (one_step, teacher forcing); from --from it rolls out\n"
         "--horizon predictions, each fed back as the next input (rollout). Values are normalised with the\n"
         "model's stored statistics and written back in the data's units; a model without them is refused\n"
         "unless --normalization raw says it reads raw values. Settings missing from the command line (data,\n"
         "column, gaps, seq, val-fraction, signal flags) come from the model's \"training\" metadata.\n"
         "\n"
         "The CSV has one row per t from seq to max(length, from + horizon) - 1; a cell is empty where it does\n"
         "not apply (no truth beyond the series, no rollout before --from). The last stdout line is\n"
         "`forecast points=.. train_mse=.. val_mse=.. persistence_train_mse=.. persistence_val_mse=..\n"
         "rollout_mse=.. horizon=.. from=.. normalization=stored|raw`: the one-step MSEs over the training part\n"
         "(t < the split point of --val-fraction) and the validation part apart, each beside the persistence\n"
         "baseline over the same points (predict x[t] by x[t-1]: the network has to beat it), and the rollout's\n"
         "MSE over its points that have a truth; all in data units, nan when there are no points.\n" +
         options_help(options()) +
         "\nexit codes: 0 success, 1 a bad file or data error, 2 a usage error\n";
}

// MSEs over the points of one part of the series: the model's one-step predictions and persistence.
struct PartErrors {
  double sum = 0, persistence_sum = 0;
  int count = 0;
  void add(double truth, double predicted, double previous) {
    sum += (predicted - truth) * (predicted - truth);
    persistence_sum += (previous - truth) * (previous - truth);
    ++count;
  }
  double mse() const { return count ? sum / count : std::nan(""); }
  double persistence_mse() const { return count ? persistence_sum / count : std::nan(""); }
};

std::string cell(double v, bool present) { return present ? fmt(v, 9) : std::string(); }

int run(const std::vector<std::string>& argv) {
  bool help = false;
  Settings s = parse_settings(argv, options(), false, help);
  if (help) {
    std::fputs(forecast_help().c_str(), stdout);
    return exit_ok;
  }
  if (!s.given("model")) throw UsageError("missing required flag --model");
  if (!s.given("horizon")) throw UsageError("missing required flag --horizon");
  if (!s.given("out")) throw UsageError("missing required flag --out");
  const std::string model_path = s.text("model"), out = s.text("out");
  const int horizon = static_cast<int>(s.integer("horizon"));
  RolloutMode mode;
  if (!parse_rollout_mode(s.text("rollout"), mode))
    throw UsageError(s.origin("rollout") + " must be window or carry, got '" + s.text("rollout") + "'");
  if (model_path.empty()) throw UsageError("--model needs a file name");
  check_input_path("--model", model_path);
  check_output_path("--out", out);
  if (out == model_path) throw UsageError("--out names the model file");

  const io::ModelFile file = io::load_model_file(model_path);
  const io::TrainingMetadata md = io::read_training_metadata(file.extra, model_path);
  if (auto it = md.settings.find("data"); it != md.settings.end() && is_memory_task(it->second))
    throw io::FormatError(model_path + ": trained on the memory task " + it->second +
                          ", which answers once at the end of a window and has no series to forecast; "
                          "forecast needs a model trained on sine or a CSV series");
  if (file.config.input_size != 1 || file.config.output_size != 1)
    throw io::FormatError(model_path + ": input_size and output_size must be 1 for forecasting, got " +
                          std::to_string(file.config.input_size) + " and " + std::to_string(file.config.output_size));
  // Fill what the command line left out from the training settings: the data source first, then
  // the signal settings when the data is generated (and the model was trained on generated data).
  auto inherit = [&](const std::string& key) {
    if (s.given(key)) return;
    if (auto it = md.settings.find(key); it != md.settings.end()) s.set(key, it->second, model_path + ": training." + key);
  };
  inherit("data");
  inherit("seq");
  inherit("val-fraction");
  if (!s.given("data")) throw UsageError("missing --data (the model does not say what it was trained on)");
  if (!s.given("seq")) throw UsageError("missing --seq (the model does not record the window length it was trained on)");
  if (is_generated_data(s.text("data"))) {
    for (const char* key : {"column", "gaps"})
      if (s.given(key)) throw UsageError(s.origin(key) + " applies to CSV data only");
    for (const OptionSpec& o : options())
      if (o.group[0] == 's') inherit(o.name);
  } else {
    for (const OptionSpec& o : options())
      if (o.group[0] == 's' && s.given(o.name))
        throw UsageError(s.origin(o.name) + " applies to --data sine only (the data is " + s.text("data") + ")");
    inherit("column");
    inherit("gaps");
    if (!s.given("gaps")) s.set("gaps", "refuse", "--gaps");
  }
  const std::string normalization = s.text("normalization");
  if (normalization != "stored" && normalization != "raw")
    throw UsageError(s.origin("normalization") + " must be stored or raw, got '" + normalization + "'");
  for (const OptionSpec& o : options()) {
    if (o.kind == OptionKind::integer && s.given(o.name)) (void)s.integer(o.name);
    if (o.kind == OptionKind::number && s.given(o.name)) (void)s.number(o.name);
  }
  const int steps = static_cast<int>(s.integer("seq"));
  if (is_generated_data(s.text("data"))) (void)signal_config(s);

  std::string description;
  const std::vector<double> raw = load_series(s, description);
  const int n = static_cast<int>(raw.size());
  const double val_fraction = s.given("val-fraction") ? s.number("val-fraction") : SeriesSplit{}.val_fraction;
  const int split = std::max(steps, SeriesDataset::split_index_for(n, val_fraction));  // first validation point
  const int from = s.given("from") ? static_cast<int>(s.integer("from")) : std::min(split, n);
  if (from > n)
    throw UsageError(s.origin("from") + " must be at most the series length " + std::to_string(n) + ", got " +
                     std::to_string(from));
  if (n <= steps)
    throw io::FormatError(s.text("data") + ": the series has " + std::to_string(n) +
                          " points; it must be longer than --seq " + std::to_string(steps));
  if (!md.has_normalization && normalization == "stored")
    throw io::FormatError(model_path +
                          ": has no \"normalization\" (the mean and population std of the training part that "
                          "`train` stores): forecasting with it would read the series in the wrong units. Give "
                          "--normalization raw if the model was trained on raw values, or write the statistics "
                          "into the file (tools/torch_bridge.py export --mean M --std S)");
  const Normalization norm = normalization == "stored" ? md.normalization : Normalization{};
  const Model<float> model = io::model_from_file<float>(file);
  std::vector<float> z(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) z[i] = static_cast<float>(norm.apply(raw[i]));
  const std::vector<float> one = one_step_forecast(model, z, steps, steps, n);
  const std::vector<float> roll = rollout(model, z, steps, from, horizon, mode);

  const int end = std::max(n, from + horizon);
  std::string text = "t,truth,one_step,rollout\n";
  PartErrors train_part, val_part;
  std::vector<double> roll_d, roll_truth;
  for (int t = steps; t < end; ++t) {
    const bool has_truth = t < n, has_roll = t >= from && t < from + horizon;
    const double truth = has_truth ? raw[static_cast<std::size_t>(t)] : 0.0;
    const double pred1 = has_truth ? norm.invert(one[static_cast<std::size_t>(t - steps)]) : 0.0;
    const double predr = has_roll ? norm.invert(roll[static_cast<std::size_t>(t - from)]) : 0.0;
    if (has_truth) (t < split ? train_part : val_part).add(truth, pred1, raw[static_cast<std::size_t>(t - 1)]);
    if (has_truth && has_roll) {
      roll_d.push_back(predr);
      roll_truth.push_back(truth);
    }
    text += std::to_string(t) + "," + cell(truth, has_truth) + "," + cell(pred1, has_truth) + "," + cell(predr, has_roll) + "\n";
  }
  io::write_file_atomic(out, text);
  std::printf("forecast points=%d train_mse=%s val_mse=%s persistence_train_mse=%s persistence_val_mse=%s "
              "rollout_mse=%s horizon=%d from=%d normalization=%s\n",
              n, fmt(train_part.mse()).c_str(), fmt(val_part.mse()).c_str(), fmt(train_part.persistence_mse()).c_str(),
              fmt(val_part.persistence_mse()).c_str(), fmt(mean_squared_error(roll_d, roll_truth)).c_str(), horizon,
              from, normalization.c_str());
  return exit_ok;
}

const RegisterCommand register_forecast(Command{
    "forecast", "one-step and rolled-out forecasts of a series with a trained model (CSV)", forecast_help(), run});

}  // namespace
}  // namespace unrolled::cli
