// `unrolled-cli forecast`: a saved forecaster over a series — one-step-ahead predictions (teacher
// forcing) and an autoregressive rollout — using the normalisation and settings stored in the model.
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
               "sine or FILE.csv (default: the data the model was trained on; memory tasks have no series)"});
  v.push_back({"column", OptionKind::text, "0", 0, 0, f, "CSV column: header name or 0-based index (default: the training one)"});
  v.push_back({"seq", OptionKind::integer, "32", 1, 100000, f, "window length T (default: the training one)"});
  v.push_back({"horizon", OptionKind::integer, "", 0, 10000000, f, "rollout steps (required)"});
  v.push_back({"from", OptionKind::integer, "", 1, 10000000, f,
               "first rolled-out point t (0-based; default: the series length, i.e. the future)"});
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
  return "usage: unrolled-cli forecast --model M.json [--data sine|FILE.csv] --horizon N --out F.csv\n"
         "                             [--from T] [--seq N] [--column C] [--rollout window|carry] [signal flags]\n"
         "\n"
         "Runs a trained one-input forecaster over a series. For every t from seq to the end it predicts\n"
         "x[t] from the seq true values before it (one_step, teacher forcing); from --from it rolls out\n"
         "--horizon predictions, each fed back as the next input (rollout). Values are normalised with the\n"
         "model's stored statistics and written back in the data's units. Settings missing from the command\n"
         "line (data, column, seq, signal flags) come from the model's \"training\" metadata.\n"
         "\n"
         "The CSV has one row per t from seq to max(length, from + horizon) - 1; a cell is empty where it does\n"
         "not apply (no truth beyond the series, no rollout before --from). The last stdout line is\n"
         "`forecast points=.. one_step_mse=.. rollout_mse=.. horizon=.. from=..` (MSEs in data units over the\n"
         "points that have a truth; nan when none).\n" +
         options_help(options()) +
         "\nexit codes: 0 success, 1 a bad file or data error, 2 a usage error\n";
}

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
  if (!s.given("data")) throw UsageError("missing --data (the model does not say what it was trained on)");
  if (is_generated_data(s.text("data"))) {
    if (s.given("column")) throw UsageError(s.origin("column") + " applies to CSV data only");
    for (const OptionSpec& o : options())
      if (o.group[0] == 's') inherit(o.name);
  } else {
    for (const OptionSpec& o : options())
      if (o.group[0] == 's' && s.given(o.name))
        throw UsageError(s.origin(o.name) + " applies to --data sine only (the data is " + s.text("data") + ")");
    inherit("column");
  }
  for (const OptionSpec& o : options()) {
    if (o.kind == OptionKind::integer && s.given(o.name)) (void)s.integer(o.name);
    if (o.kind == OptionKind::number && s.given(o.name)) (void)s.number(o.name);
  }
  const int steps = static_cast<int>(s.integer("seq"));
  if (is_generated_data(s.text("data"))) (void)signal_config(s);

  std::string description;
  const std::vector<double> raw = load_series(s, description);
  const int n = static_cast<int>(raw.size());
  const int from = s.given("from") ? static_cast<int>(s.integer("from")) : n;
  if (from > n)
    throw UsageError(s.origin("from") + " must be at most the series length " + std::to_string(n) + ", got " +
                     std::to_string(from));
  if (n <= steps)
    throw io::FormatError(s.text("data") + ": the series has " + std::to_string(n) +
                          " points; it must be longer than --seq " + std::to_string(steps));
  const Normalization norm = md.has_normalization ? md.normalization : Normalization{};
  if (!md.has_normalization) std::fprintf(stderr, "note: %s has no normalisation; using the raw values\n", model_path.c_str());

  const Model<float> model = io::model_from_file<float>(file);
  std::vector<float> z(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) z[i] = static_cast<float>(norm.apply(raw[i]));
  const std::vector<float> one = one_step_forecast(model, z, steps, steps, n);
  const std::vector<float> roll = rollout(model, z, steps, from, horizon, mode);

  const int end = std::max(n, from + horizon);
  std::string text = "t,truth,one_step,rollout\n";
  std::vector<double> one_d, one_truth, roll_d, roll_truth;
  for (int t = steps; t < end; ++t) {
    const bool has_truth = t < n, has_roll = t >= from && t < from + horizon;
    const double truth = has_truth ? raw[static_cast<std::size_t>(t)] : 0.0;
    const double pred1 = has_truth ? norm.invert(one[static_cast<std::size_t>(t - steps)]) : 0.0;
    const double predr = has_roll ? norm.invert(roll[static_cast<std::size_t>(t - from)]) : 0.0;
    if (has_truth) {
      one_d.push_back(pred1);
      one_truth.push_back(truth);
    }
    if (has_truth && has_roll) {
      roll_d.push_back(predr);
      roll_truth.push_back(truth);
    }
    text += std::to_string(t) + "," + cell(truth, has_truth) + "," + cell(pred1, has_truth) + "," + cell(predr, has_roll) + "\n";
  }
  io::write_file_atomic(out, text);
  std::printf("forecast points=%d one_step_mse=%s rollout_mse=%s horizon=%d from=%d\n", n,
              fmt(mean_squared_error(one_d, one_truth)).c_str(), fmt(mean_squared_error(roll_d, roll_truth)).c_str(),
              horizon, from);
  return exit_ok;
}

const RegisterCommand register_forecast(Command{
    "forecast", "one-step and rolled-out forecasts of a series with a trained model (CSV)", forecast_help(), run});

}  // namespace
}  // namespace unrolled::cli
