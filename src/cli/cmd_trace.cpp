// `unrolled-cli trace`: run one sequence through a saved model and write every number of the
// unrolled chain (DESIGN §4 trace file) — the headless twin of what the app draws, and the command
// the PyTorch parity tests drive.
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "core/model.hpp"
#include "core/objective.hpp"
#include "io/atomic_write.hpp"
#include "io/csv.hpp"
#include "io/json_util.hpp"
#include "io/model_file.hpp"
#include "io/trace_file.hpp"
#include "io/train_config.hpp"

namespace unrolled::cli {
namespace {

const char* const trace_help =
    "usage: unrolled-cli trace --model M.json --input X.csv [--target Y.csv] [--loss last|all]\n"
    "                          [--precision f32|f64] [--truncate K] --out T.json\n"
    "\n"
    "Runs one sequence through the model (zero initial state) and writes the trace: outputs, and per\n"
    "layer h, c (LSTM) and gate activations (LSTM i f g o, GRU r z n) at every step. With a target\n"
    "it also writes the loss, dL/dh_t per layer, dL/dx_t and every parameter gradient (BPTT).\n"
    "Version-2 models: a token model's --input is one column of integer ids (0 <= id < vocab_size) and\n"
    "grad_input is dL/dx_t of the embedded vectors; a bidirectional model adds h_reverse, c_reverse,\n"
    "gates_reverse, grad_h_reverse per layer and final_output = head([h_fwd(T) ; h_rev(1)]); with\n"
    "objective cross_entropy the outputs are logits and --target holds integer class ids. Dropout is\n"
    "never applied in a trace.\n"
    "A model that stores a \"normalization\" (mean and std of its training part, as `train` writes) sees\n"
    "its inputs as (x - mean) / std: --input (and an MSE --target) are in the data's units and are\n"
    "normalised with it, and the trace says so in \"input_normalization\": {\"mean\", \"std\"}; its outputs,\n"
    "states and gradients are in the normalised units. --normalization none feeds the values as they are.\n"
    "\n"
    "flags:\n"
    "  --model M.json      model file (format unrolled-model, version 1 or 2)\n"
    "  --input X.csv       the sequence: T rows (one per step) x input_size columns (token models: one\n"
    "                      column of ids); header optional\n"
    "  --target Y.csv      target of the loss; its shape depends on --loss:\n"
    "                        last: exactly 1 row x output_size columns (compared with y_T, or with\n"
    "                              final_output for a bidirectional model)\n"
    "                        all:  T rows x output_size columns (compared with y_1 .. y_T)\n"
    "                      with objective cross_entropy: one column of class ids (0 <= id < output_size)\n"
    "  --loss last|all     which outputs the loss covers (default last); needs --target\n"
    "  --precision f32|f64 arithmetic in float or double (default f64)\n"
    "  --normalization stored|none\n"
    "                      apply the model's stored normalisation to --input and --target (default\n"
    "                      stored; a model without one, or a token model, is traced as it is)\n"
    "  --truncate K        truncated BPTT: cut the recurrent gradient every K steps from the start\n"
    "                      (default 0 = full BPTT); needs --target\n"
    "  --out T.json        where to write the trace (written atomically; untouched on failure)\n"
    "  --help              this text\n"
    "\n"
    "exit codes: 0 success, 1 a bad file or failed run, 2 a usage error\n";

struct TraceJob {
  io::ModelFile model;
  io::CsvTable input;
  std::optional<io::CsvTable> target;
  LossMode loss = LossMode::last;
  int truncate = 0;
  std::string out;
  std::optional<Normalization> norm;  // applied to the input and an MSE target
};

// The output must be a file in an existing directory, and must not be one of the inputs.
void check_output_path(const std::string& out, const std::vector<std::string>& inputs) {
  struct stat st {};
  if (::stat(out.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw io::IoError(out + ": is a directory (--out needs a file name)");
    for (const std::string& in : inputs) {
      struct stat si {};
      if (::stat(in.c_str(), &si) == 0 && si.st_dev == st.st_dev && si.st_ino == st.st_ino)
        throw UsageError("--out " + out + " is the same file as the input " + in);
    }
  }
  const std::size_t slash = out.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : out.substr(0, slash));
  struct stat sd {};
  if (::stat(dir.c_str(), &sd) != 0 || !S_ISDIR(sd.st_mode))
    throw io::IoError(out + ": directory " + dir + " does not exist");
}

template <class T>
Mat<T> steps_matrix(const io::CsvTable& table, const std::optional<Normalization>& norm) {  // [columns × rows]
  Mat<T> m(static_cast<Eigen::Index>(table.columns()), static_cast<Eigen::Index>(table.rows.size()));
  for (std::size_t t = 0; t < table.rows.size(); ++t)
    for (std::size_t c = 0; c < table.rows[t].size(); ++c)
      m(c, t) = static_cast<T>(norm ? norm->apply(table.rows[t][c]) : table.rows[t][c]);
  return m;
}

// One column of whole numbers in [0, limit): token ids or class ids. what = "token id" / "class id".
std::vector<int> id_column(const io::CsvTable& table, int limit, const char* what, const char* limit_name) {
  std::vector<int> ids;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const double v = table.rows[r][0];
    const std::string where = table.source + ": data row " + std::to_string(r + 1) + ": " + what + " ";
    if (v != std::floor(v) || std::abs(v) > 1e9) {
      std::string text;
      io::append_number(text, v);
      throw io::FormatError(where + text + " is not a whole number");
    }
    if (v < 0 || v >= limit)
      throw io::FormatError(where + std::to_string(static_cast<long long>(v)) + " is out of range [0, " +
                            std::to_string(limit) + ") (" + limit_name + " " + std::to_string(limit) + ")");
    ids.push_back(static_cast<int>(v));
  }
  return ids;
}

// The trace file, with "input_normalization" first when the inputs were normalised.
template <class T>
void write_trace(const TraceJob& job, const Model<T>& model, const Trace<T>& trace, const Gradients<T>* grads,
                 std::optional<double> loss) {
  std::string text;
  try {
    text = io::trace_to_json<T>(model, trace, grads, loss);
  } catch (const io::IoError& e) {
    throw io::IoError(job.out + ": " + e.what());
  }
  if (job.norm) {
    std::string key = "  \"input_normalization\": {\"mean\": ";
    io::append_number(key, job.norm->mean);
    key += ", \"std\": ";
    io::append_number(key, job.norm->std);
    text.insert(2, key + "},\n");  // after the opening "{\n"
  }
  io::write_file_atomic(job.out, text);
}

template <class T> void run_trace(const TraceJob& job) {
  const Model<T> model = io::model_from_file<T>(job.model);
  const ModelConfig& cfg = model.config;
  Trace<T> trace;
  if (cfg.vocab_size > 0) forward_tokens(model, id_column(job.input, cfg.vocab_size, "token id", "vocab_size"), 1, trace);
  else forward(model, steps_matrix<T>(job.input, job.norm), 1, trace);
  if (!job.target) {
    write_trace<T>(job, model, trace, nullptr, std::nullopt);
    return;
  }
  Mat<T> dy, dy_final;
  T loss;
  if (cfg.objective == Objective::cross_entropy)
    loss = cross_entropy_loss(trace, id_column(*job.target, cfg.output_size, "class id", "output_size"), job.loss, &dy,
                              &dy_final);
  else
    loss = mse_objective(trace, steps_matrix<T>(*job.target, job.norm), job.loss, &dy, &dy_final);
  Gradients<T> grads;
  backward(model, trace, dy, grads, job.truncate, cfg.bidirectional && job.loss == LossMode::last ? &dy_final : nullptr);
  write_trace<T>(job, model, trace, &grads, static_cast<double>(loss));
}

int run(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"--model", "--input", "--target", "--loss", "--precision", "--truncate", "--normalization", "--out"});
  if (args.help()) {
    std::fputs(trace_help, stdout);
    return exit_ok;
  }
  TraceJob job;
  const std::string model_path = args.required("--model");
  const std::string input_path = args.required("--input");
  job.out = args.required("--out");
  const std::optional<std::string> target_path = args.get("--target");
  if (!parse_loss_mode(args.get_or("--loss", "last"), job.loss))
    throw UsageError("--loss must be last or all, got '" + args.get_or("--loss", "") + "'");
  const std::string precision = args.get_or("--precision", "f64");
  if (precision != "f32" && precision != "f64")
    throw UsageError("--precision must be f32 or f64, got '" + precision + "'");
  job.truncate = static_cast<int>(args.get_int("--truncate", 0, 0, 1000000000));
  if (!target_path && args.has("--loss")) throw UsageError("--loss needs --target");
  if (!target_path && args.has("--truncate")) throw UsageError("--truncate needs --target");
  if (job.out.empty()) throw UsageError("--out needs a file name");
  const std::string normalization = args.get_or("--normalization", "stored");
  if (normalization != "stored" && normalization != "none")
    throw UsageError("--normalization must be stored or none, got '" + normalization + "'");

  std::vector<std::string> inputs = {model_path, input_path};
  if (target_path) inputs.push_back(*target_path);
  check_output_path(job.out, inputs);

  job.model = io::load_model_file(model_path);
  const ModelConfig& cfg = job.model.config;
  if (cfg.bidirectional && job.truncate > 0)
    throw UsageError("--truncate needs a unidirectional model (" + model_path + " is bidirectional)");
  if (normalization == "stored" && cfg.vocab_size == 0) {
    const io::TrainingMetadata md = io::read_training_metadata(job.model.extra, model_path);
    if (md.has_normalization) job.norm = md.normalization;
  }
  job.input = io::read_csv(input_path);
  const std::size_t input_columns = cfg.vocab_size > 0 ? 1 : static_cast<std::size_t>(cfg.input_size);
  if (job.input.columns() != input_columns)
    throw io::FormatError(input_path + ": has " + std::to_string(job.input.columns()) + " columns, " +
                          (cfg.vocab_size > 0 ? std::string("a token model reads one column of ids")
                                              : "the model's input_size is " + std::to_string(cfg.input_size)));
  const std::size_t steps = job.input.rows.size();
  if (target_path) {
    job.target = io::read_csv(*target_path);
    const bool ids = cfg.objective == Objective::cross_entropy;
    if (job.target->columns() != (ids ? 1 : static_cast<std::size_t>(cfg.output_size)))
      throw io::FormatError(*target_path + ": has " + std::to_string(job.target->columns()) + " columns, " +
                            (ids ? std::string("cross_entropy reads one column of class ids")
                                 : "the model's output_size is " + std::to_string(cfg.output_size)));
    const std::size_t want = job.loss == LossMode::last ? 1 : steps;
    if (job.target->rows.size() != want)
      throw io::FormatError(*target_path + ": has " + std::to_string(job.target->rows.size()) +
                            " data rows, --loss " + loss_mode_name(job.loss) + " needs " + std::to_string(want) +
                            (job.loss == LossMode::last ? " (the target of the last step)"
                                                        : " (one per input step)"));
  }
  // Memory guard: the trace holds about (G+3)·H·L values per step, and the gradients as many again.
  const long long per_step = static_cast<long long>(gate_count(cfg.cell) + 4) * cfg.hidden_size * cfg.num_layers * 2 *
                                 cfg.directions() +
                             cfg.input_size + cfg.output_size;
  if (per_step * static_cast<long long>(steps) > (1LL << 28))
    throw io::FormatError(input_path + ": " + std::to_string(steps) + " steps is too long a trace for this model");

  if (precision == "f32") run_trace<float>(job);
  else run_trace<double>(job);
  return exit_ok;
}

const RegisterCommand register_trace(Command{
    "trace", "run one sequence through a model and write every activation and gradient (JSON)", trace_help, run});

}  // namespace
}  // namespace unrolled::cli
