// unrolled-cli bench: times one training step (forward over B windows, MSE on the last step, BPTT,
// clip at 1.0, Adam) — the number the README compares with PyTorch. Text tasks time a text model's
// step, sampling, or the Text workspace's analyses (core/text_analysis).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <cstdio>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "core/model.hpp"
#include "core/objective.hpp"
#include "core/optimizer.hpp"
#include "core/text_analysis.hpp"
#include "core/seq2seq.hpp"
#include "core/threads.hpp"

namespace unrolled::cli {
namespace {

const char* const bench_help =
    "usage: unrolled-cli bench [--cell rnn|lstm|gru] [--hidden H] [--layers L] [--seq T] [--batch B]\n"
    "                          [--steps N] [--warmup N] [--seed N] [--threads N]\n\n"
    "Times the training step: forward over B random windows of length T with one input, MSE on the\n"
    "last step, BPTT, global-norm clipping at 1.0, Adam (lr 1e-3), float32.\n\n"
    "  --cell C      rnn, lstm or gru (default lstm)\n"
    "  --hidden H    hidden size, 1..4096 (default 32)\n"
    "  --layers L    stacked layers, 1..8 (default 1)\n"
    "  --seq T       window length, 1..10000 (default 50)\n"
    "  --batch B     windows per step, 1..4096 (default 32)\n"
    "  --steps N     timed steps, 1..1000000 (default 200)\n"
    "  --warmup N    untimed steps first, 0..10000 (default 10)\n"
    "  --seed N      weights and data (default 1)\n"
    "  --threads N   cores the matrix products may use, 1..cores (default 1)\n\n"
    "Prints one line: cell=.. hidden=.. layers=.. seq=.. batch=.. threads=.. steps=.. ms_per_step=X\n"
    "(the mean over the timed steps) and min_ms=.. for the fastest step.\n"
    "\n"
    "Text tasks (the same flags, plus these):\n"
    "  --task charlm     next-character step: token ids through embed.weight [V x E], cross-entropy at\n"
    "                    every step (loss all), BPTT, clip 1.0, Adam\n"
    "  --task classify   classifier step: bidirectional layers, cross-entropy on head([h_fwd(T) ; h_rev(1)])\n"
    "                    over --classes classes\n"
    "  --task sample     generation speed: one character at a time from a state, softmax, draw; prints\n"
    "                    chars_per_second=X over --steps characters\n"
    "  --task trace      the reading view's pass: trace_text over one passage of --seq characters\n"
    "                    (default 2000, up to 100000; batch 1) from a zero state, every state and gate\n"
    "                    kept, top-5 next characters; prints ms_per_call=X\n"
    "  --task connectivity\n"
    "                    |d |y_t| / d x_k| for every k of such a passage by one exact backward pass,\n"
    "                    y_t the logits at its last position, on a trace made once; ms_per_call=X\n"
    "  --vocab V         vocabulary size (default 80)\n"
    "  --embed E         embedding width (default 32)\n"
    "  --classes K       classify: classes (default 2)\n"
    "  --bidirectional   trace, connectivity: bidirectional layers\n"
    "\n"
    "  --task seq2seq    encoder-decoder step (GRU, H 64, E 32, additive attention by default; --cell,\n"
    "                    --hidden, --embed, --attention none|additive|dot|general, --batch, --vocab V symbols,\n"
    "                    default 26): a fixed batch with sources of 5 + (b mod 11) tokens and their reverse\n"
    "                    as targets, teacher forcing, cross-entropy, BPTT, clip 1.0, Adam; one thread\n";

// Every benchmark's optimizer: Adam, lr 1e-3 (as bench/compare_torch.py's PyTorch side).
OptimizerConfig bench_adam() {
  OptimizerConfig oc;
  oc.kind = OptimizerKind::adam;
  oc.lr = 1e-3;
  return oc;
}

struct Timing {
  double min_ms = 0, mean_ms = 0;
};

// Runs f `warmup` times untimed, then `steps` times timed one by one.
template <class F> Timing time_calls(int warmup, int steps, F&& f) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < warmup; ++i) f();
  double total_ms = 0, min_ms = 1e300;
  for (int i = 0; i < steps; ++i) {
    const auto t0 = clock::now();
    f();
    const double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    total_ms += ms;
    min_ms = std::min(min_ms, ms);
  }
  return {min_ms, total_ms / steps};
}

// --task seq2seq: one training step of the encoder-decoder (core/seq2seq.hpp) on a fixed batch whose
// source b has 5 + (b mod 11) random symbols and whose target is their reverse plus </s> (the reverse
// task's shapes, the same on both sides of bench/compare_torch.py): forward with teacher forcing,
// cross-entropy, BPTT, clip 1.0, Adam (lr 1e-3), float32.
int run_seq2seq_bench(const Args& args) {
  Seq2seqConfig cfg;
  const std::string cell = args.get_or("--cell", "gru");
  if (!parse_cell(cell, cfg.cell)) throw UsageError("--cell must be rnn, lstm or gru, got '" + cell + "'");
  const std::string attention = args.get_or("--attention", "additive");
  if (!parse_attention(attention, cfg.attention))
    throw UsageError("--attention must be one of " + attention_names() + ", got '" + attention + "'");
  cfg.hidden_size = static_cast<int>(args.get_int("--hidden", 64, 1, max_hidden_size));
  cfg.embed_size = static_cast<int>(args.get_int("--embed", 32, 1, max_input_size));
  cfg.vocab_size = first_symbol_id + static_cast<int>(args.get_int("--vocab", 26, 1, max_vocab_size - first_symbol_id));
  const int B = static_cast<int>(args.get_int("--batch", 32, 1, 4096));
  const int steps = static_cast<int>(args.get_int("--steps", 200, 1, 1000000));
  const int warmup = static_cast<int>(args.get_int("--warmup", 10, 0, 10000));
  const auto seed = static_cast<std::uint64_t>(args.get_int("--seed", 1, 0, INT64_MAX));
  if (const std::string err = validate_seq2seq_config(cfg); !err.empty()) throw UsageError(err);
  Seq2seqModel<float> model(cfg);
  init_seq2seq(model, seed);
  std::mt19937_64 rng(seed + 1);
  std::vector<std::vector<int>> sources(static_cast<std::size_t>(B)), targets(static_cast<std::size_t>(B));
  for (int b = 0; b < B; ++b) {
    std::vector<int>& src = sources[static_cast<std::size_t>(b)];
    for (int j = 0; j < 5 + b % 11; ++j)
      src.push_back(first_symbol_id + static_cast<int>(rng() % static_cast<std::uint64_t>(cfg.vocab_size - first_symbol_id)));
    targets[static_cast<std::size_t>(b)].assign(src.rbegin(), src.rend());
    targets[static_cast<std::size_t>(b)].push_back(end_id);
  }
  const Seq2seqBatch batch = make_seq2seq_batch(sources, targets);
  Optimizer<float> opt(bench_adam());
  Seq2seqTrace<float> trace;
  Mat<float> dlogits;
  Buffer<float> grads;
  float loss = 0;
  auto step = [&] {
    seq2seq_forward(model, batch, trace);
    loss = seq2seq_loss(trace, batch, &dlogits);
    seq2seq_backward(model, batch, trace, dlogits, grads);
    clip_grad_norm(grads, 1.0f);
    opt.step(model.params, grads);
  };
  const Timing timing = time_calls(warmup, steps, step);
  std::printf("task=seq2seq cell=%s attention=%s hidden=%d embed=%d vocab=%d batch=%d steps=%d loss=%.6g min_ms=%.4f "
              "ms_per_step=%.4f\n",
              cell_name(cfg.cell), attention_name(cfg.attention), cfg.hidden_size, cfg.embed_size, cfg.vocab_size, B,
              steps, static_cast<double>(loss), timing.min_ms, timing.mean_ms);
  return exit_ok;
}

// --task trace|connectivity: the Text workspace's analyses of one passage (batch 1).
int run_analysis_bench(const Args& args, const std::string& task, const Model<float>& model, int chars, int steps,
                       int warmup, std::mt19937_64& rng) {
  const ModelConfig& cfg = model.config;
  std::vector<int> ids(static_cast<std::size_t>(chars));
  for (int& v : ids) v = static_cast<int>(rng() % static_cast<std::uint64_t>(cfg.vocab_size));
  TextTrace<float> text;
  Connectivity<float> conn;
  Timing timing;
  if (task == "trace") {
    timing = time_calls(warmup, steps, [&] { trace_text(model, ids, 5, text); });
  } else {
    trace_text(model, ids, 5, text);
    timing = time_calls(warmup, steps, [&] { connectivity(model, text.run, chars - 1, logit_norm, conn); });
  }
  std::printf("task=%s cell=%s hidden=%d layers=%d bidirectional=%d vocab=%d embed=%d chars=%d calls=%d min_ms=%.4f "
              "ms_per_call=%.4f\n",
              task.c_str(), cell_name(cfg.cell), cfg.hidden_size, cfg.num_layers, args.has("--bidirectional") ? 1 : 0,
              cfg.vocab_size, cfg.input_size, chars, steps, timing.min_ms, timing.mean_ms);
  return exit_ok;
}

// --task charlm|classify|sample|trace|connectivity: the text models' step, generation speed, or the
// Text workspace's analyses.
int run_text_bench(const Args& args) {
  const std::string task = args.get_or("--task", "");
  if (task == "seq2seq") return run_seq2seq_bench(args);
  const bool analysis = task == "trace" || task == "connectivity";
  if (task != "charlm" && task != "classify" && task != "sample" && !analysis)
    throw UsageError("--task must be charlm, classify, sample, trace, connectivity or seq2seq, got '" + task + "'");
  if (args.has("--bidirectional") && !analysis)
    throw UsageError("--bidirectional is for --task trace and connectivity (classify is always bidirectional)");
  ModelConfig cfg;
  const std::string cell = args.get_or("--cell", task == "classify" ? "gru" : "lstm");
  if (!parse_cell(cell, cfg.cell)) throw UsageError("--cell must be rnn, lstm or gru, got '" + cell + "'");
  cfg.hidden_size = static_cast<int>(args.get_int("--hidden", 128, 1, max_hidden_size));
  cfg.num_layers = static_cast<int>(args.get_int("--layers", 1, 1, max_layers));
  cfg.vocab_size = static_cast<int>(args.get_int("--vocab", 80, 1, max_vocab_size));
  cfg.input_size = static_cast<int>(args.get_int("--embed", 32, 1, max_input_size));
  cfg.objective = Objective::cross_entropy;
  cfg.bidirectional = task == "classify" || args.has("--bidirectional");
  cfg.output_size = task == "classify" ? static_cast<int>(args.get_int("--classes", 2, 1, max_output_size)) : cfg.vocab_size;
  const int T = static_cast<int>(args.get_int("--seq", analysis ? 2000 : 64, 1, analysis ? 100000 : 10000));
  const int B = static_cast<int>(args.get_int("--batch", 32, 1, 4096));
  const int steps = static_cast<int>(args.get_int("--steps", 200, 1, 1000000));
  const int warmup = static_cast<int>(args.get_int("--warmup", 10, 0, 10000));
  const auto seed = static_cast<std::uint64_t>(args.get_int("--seed", 1, 0, INT64_MAX));
  const int threads = static_cast<int>(args.get_int("--threads", 1, 1, available_cores()));
  if (threads > 1 && !parallel_products_available())
    throw UsageError("--threads above 1 needs a build with OpenMP (cmake -DUNROLLED_OPENMP=ON)");
  if (const std::string err = validate_config(cfg); !err.empty()) throw UsageError(err);
  set_compute_threads(threads);
  Model<float> model(cfg);
  init_uniform(model, seed);
  std::mt19937_64 rng(seed + 1);
  if (analysis) return run_analysis_bench(args, task, model, T, steps, warmup, rng);
  using clock = std::chrono::steady_clock;
  if (task == "sample") {
    Trace<float> trace;
    std::vector<int> id(1, 0);
    forward_tokens(model, id, 1, trace);
    State<float> state = final_state(model, trace);
    Mat<float> probs;
    const auto t0 = clock::now();
    for (int i = 0; i < steps; ++i) {
      softmax<float>(trace.output.rightCols(1), 1.0f, probs);
      id[0] = sample_id<float>(probs, static_cast<double>(rng() >> 11) * 0x1.0p-53, 0);
      forward_tokens(model, id, 1, trace, &state);
      state = final_state(model, trace);
    }
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    std::printf("task=sample cell=%s hidden=%d layers=%d vocab=%d embed=%d chars=%d chars_per_second=%.1f\n",
                cell_name(cfg.cell), cfg.hidden_size, cfg.num_layers, cfg.vocab_size, cfg.input_size, steps, steps / s);
    return exit_ok;
  }
  const bool lm = task == "charlm";
  std::vector<int> inputs(static_cast<std::size_t>(T) * B), targets(lm ? inputs.size() : static_cast<std::size_t>(B));
  for (int& v : inputs) v = static_cast<int>(rng() % static_cast<std::uint64_t>(cfg.vocab_size));
  for (int& v : targets) v = static_cast<int>(rng() % static_cast<std::uint64_t>(cfg.output_size));
  Optimizer<float> opt(bench_adam());
  Trace<float> trace;
  Gradients<float> grads;
  Mat<float> dy, dy_final;
  float loss = 0;
  auto step = [&] {
    forward_tokens(model, inputs, B, trace);
    loss = cross_entropy_loss(trace, targets, lm ? LossMode::all : LossMode::last, &dy, &dy_final);
    backward(model, trace, dy, grads, 0, lm ? nullptr : &dy_final);
    clip_grad_norm(grads.params, 1.0f);
    opt.step(model.params, grads.params);
  };
  const Timing timing = time_calls(warmup, steps, step);
  std::printf("task=%s cell=%s hidden=%d layers=%d vocab=%d embed=%d seq=%d batch=%d threads=%d steps=%d loss=%.6g "
              "min_ms=%.4f ms_per_step=%.4f\n",
              task.c_str(), cell_name(cfg.cell), cfg.hidden_size, cfg.num_layers, cfg.vocab_size, cfg.input_size, T, B,
              compute_threads(), steps, static_cast<double>(loss), timing.min_ms, timing.mean_ms);
  return exit_ok;
}

int run_bench(const std::vector<std::string>& argv) {
  const Args args(argv, {"--cell", "--hidden", "--layers", "--seq", "--batch", "--steps", "--warmup", "--seed",
                         "--threads", "--task", "--vocab", "--embed", "--classes", "--attention"},
                  {"--bidirectional"});
  if (args.help()) {
    std::fputs(bench_help, stdout);
    return exit_ok;
  }
  if (args.has("--task")) return run_text_bench(args);
  ModelConfig cfg;
  const std::string cell = args.get_or("--cell", "lstm");
  if (!parse_cell(cell, cfg.cell)) throw UsageError("--cell must be rnn, lstm or gru, got '" + cell + "'");
  cfg.hidden_size = static_cast<int>(args.get_int("--hidden", 32, 1, max_hidden_size));
  cfg.num_layers = static_cast<int>(args.get_int("--layers", 1, 1, max_layers));
  const int steps_t = static_cast<int>(args.get_int("--seq", 50, 1, 10000));
  const int batch = static_cast<int>(args.get_int("--batch", 32, 1, 4096));
  const int steps = static_cast<int>(args.get_int("--steps", 200, 1, 1000000));
  const int warmup = static_cast<int>(args.get_int("--warmup", 10, 0, 10000));
  const auto seed = static_cast<std::uint64_t>(args.get_int("--seed", 1, 0, INT64_MAX));
  const int threads = static_cast<int>(args.get_int("--threads", 1, 1, available_cores()));
  if (threads > 1 && !parallel_products_available())
    throw UsageError("--threads above 1 needs a build with OpenMP (cmake -DUNROLLED_OPENMP=ON)");
  if (const std::string err = validate_config(cfg); !err.empty()) throw UsageError(err);
  set_compute_threads(threads);

  Model<float> model(cfg);
  init_uniform(model, seed);
  // Windows of a sine with random phases; the target is the next value.
  std::mt19937_64 rng(seed + 1);
  Mat<float> input(1, static_cast<Eigen::Index>(steps_t) * batch), target(1, batch);
  for (int b = 0; b < batch; ++b) {
    const double phase = static_cast<double>(rng() >> 11) * 0x1.0p-53 * 6.283185307179586;
    for (int t = 0; t < steps_t; ++t) input(0, t * batch + b) = static_cast<float>(std::sin(phase + 0.2 * t));
    target(0, b) = static_cast<float>(std::sin(phase + 0.2 * steps_t));
  }
  Optimizer<float> opt(bench_adam());
  Trace<float> trace;
  Gradients<float> grads;
  Mat<float> dy;
  float loss = 0;
  auto step = [&] {
    forward(model, input, batch, trace);
    loss = mse_loss(trace, target, LossMode::last, &dy);
    backward(model, trace, dy, grads);
    clip_grad_norm(grads.params, 1.0f);
    opt.step(model.params, grads.params);
  };
  const Timing timing = time_calls(warmup, steps, step);
  std::printf(
      "cell=%s hidden=%d layers=%d seq=%d batch=%d threads=%d steps=%d loss=%.6g min_ms=%.4f ms_per_step=%.4f\n",
      cell_name(cfg.cell), cfg.hidden_size, cfg.num_layers, steps_t, batch, compute_threads(), steps,
              static_cast<double>(loss), timing.min_ms, timing.mean_ms);
  return exit_ok;
}

const RegisterCommand registered{{"bench", "time one training step (forward, BPTT, clip, Adam)", bench_help, run_bench}};

}  // namespace
}  // namespace unrolled::cli
