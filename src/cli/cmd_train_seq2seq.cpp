// `unrolled-cli train --task seq2seq:reverse|sort|dates|add|FILE.tsv`: an encoder-decoder with attention
// (core/seq2seq.hpp) trained headless on a generated task or the user's source<TAB>target pairs; the
// model file (kind seq2seq, docs/formats.md) keeps the vocabulary and the length limits for
// `unrolled-cli translate`.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/seq2seq_train.hpp"
#include "cli/train_settings.hpp"
#include "core/seq2seq.hpp"
#include "core/seq2seq_data.hpp"
#include "io/model_file.hpp"
#include "io/text.hpp"

namespace unrolled::cli {
namespace {

constexpr const char* task_prefix = "seq2seq:";

std::vector<OptionSpec> seq2seq_options() {
  std::vector<OptionSpec> v;
  const char* d = "seq2seq task";
  v.push_back({"task", OptionKind::text, "", 0, 0, d,
               "seq2seq:reverse, seq2seq:sort, seq2seq:dates, seq2seq:add (generated) or seq2seq:FILE.tsv "
               "(source<TAB>target lines)"});
  v.push_back({"pairs", OptionKind::integer, "10000", 1, 1e6, d, "generated tasks: training pairs"});
  v.push_back({"val-pairs", OptionKind::integer, "500", 1, 1e5, d,
               "generated tasks: validation pairs (drawn apart; a source also in training is left out)"});
  v.push_back({"min-length", OptionKind::integer, "5", 1, 256, d, "reverse, sort: shortest source"});
  v.push_back({"max-length", OptionKind::integer, "15", 1, 256, d, "reverse, sort: longest source"});
  v.push_back({"max-digits", OptionKind::integer, "3", 1, 17, d, "add: digits of each operand, at most"});
  v.push_back({"data-seed", OptionKind::integer, "1", 0, 9.2e18, d, "generated tasks: seed of the pairs"});
  v.push_back({"val-fraction", OptionKind::number, "0.1", 0.001, 0.9, d, "FILE.tsv: the last fraction of the lines is validation"});
  const char* m = "seq2seq model";
  v.push_back({"cell", OptionKind::text, "gru", 0, 0, m, "rnn, lstm or gru (encoder and decoder)"});
  v.push_back({"hidden", OptionKind::integer, "64", 1, max_hidden_size, m,
               "encoder hidden size H per direction; the decoder's is the encoder output width (H, or 2H bidirectional)"});
  v.push_back({"embed", OptionKind::integer, "32", 1, max_input_size, m, "embedding width E (both embeddings)"});
  v.push_back({"bidirectional", OptionKind::flag, "", 0, 0, m, "bidirectional encoder"});
  v.push_back({"attention", OptionKind::text, "additive", 0, 0, m,
               "none (the fixed-vector bottleneck), additive (Bahdanau), dot or general (Luong)"});
  const char* t = "seq2seq training";
  v.push_back({"teacher-forcing", OptionKind::number, "1", 0, 1, t,
               "ratio r: each decoder input is the target's token with probability r, else the model's own argmax"});
  v.push_back({"batch", OptionKind::integer, "32", 1, 65536, t, "pairs per mini-batch B (drawn at random)"});
  v.push_back({"steps", OptionKind::integer, "3000", 1, 1e9, t, "optimizer steps (Adam)"});
  v.push_back({"epochs", OptionKind::integer, "", 1, 1e6, t, "instead of --steps: passes over the training pairs (steps = ceil(epochs x pairs / batch))"});
  v.push_back({"lr", OptionKind::number, "0.002", 1e-12, 1e30, t, "learning rate (Adam)"});
  v.push_back({"clip", OptionKind::number, "1", 0, 1e9, t, "clip the global gradient norm; 0 = none"});
  v.push_back({"seed", OptionKind::integer, "1", 0, 9.2e18, t, "seed of the weights, the batches and teacher forcing"});
  v.push_back({"beam", OptionKind::integer, "", 0, 1000, t, "validation decoding by beam search of width K (default greedy)"});
  v.push_back({"eval-every", OptionKind::integer, "0", 0, 1e9, t,
               "validation accuracies every N steps on stderr (0: only at the end)"});
  v.push_back({"until-seq-acc", OptionKind::number, "", 0, 1, t,
               "stop at the first --eval-every check whose val_seq_acc reaches this"});
  const char* o = "seq2seq output";
  v.push_back({"out", OptionKind::text, "", 0, 0, o, "model file to write (required)"});
  v.push_back({"progress", OptionKind::text, "lines", 0, 0, o, "lines (every 100 steps on stderr) or none"});
  return v;
}

const std::vector<OptionSpec>& options() {
  static const std::vector<OptionSpec> v = seq2seq_options();
  return v;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct TaskData {
  Pairs train, val;
  std::set<std::string> unused;  // the data options that do not apply to this task (not recorded)
};

void refuse(const Settings& s, std::initializer_list<const char*> keys, const std::string& why) {
  for (const char* k : keys)
    if (s.given(k)) throw UsageError(s.origin(k) + " " + why);
}

TaskData load_task(const Settings& s, const std::string& name) {
  TaskData data;
  Seq2seqTaskConfig tc;
  if (parse_seq2seq_task(name, tc.task)) {
    data.unused = {"val-fraction"};
    refuse(s, {"val-fraction"}, "applies to --task seq2seq:FILE.tsv only");
    if (tc.task != Seq2seqTask::reverse && tc.task != Seq2seqTask::sort) {
      refuse(s, {"min-length", "max-length"}, "applies to seq2seq:reverse and seq2seq:sort only");
      data.unused.insert({"min-length", "max-length"});
    }
    if (tc.task != Seq2seqTask::add) {
      refuse(s, {"max-digits"}, "applies to seq2seq:add only");
      data.unused.insert("max-digits");
    }
    tc.min_length = static_cast<int>(s.integer("min-length"));
    tc.max_length = static_cast<int>(s.integer("max-length"));
    tc.max_digits = static_cast<int>(s.integer("max-digits"));
    if (tc.max_length < tc.min_length)
      throw UsageError("--max-length " + std::to_string(tc.max_length) + " is below --min-length " +
                       std::to_string(tc.min_length));
    const std::uint64_t seed = static_cast<std::uint64_t>(s.integer("data-seed"));
    const SequenceSplit split =
        make_seq2seq_split(tc, static_cast<std::size_t>(s.integer("pairs")), static_cast<std::size_t>(s.integer("val-pairs")), seed);
    for (const SequencePair& p : split.train) data.train.emplace_back(p.source, p.target);
    for (const SequencePair& p : split.val) data.val.emplace_back(p.source, p.target);
    if (data.val.empty())
      throw UsageError("--task " + std::string(task_prefix) + name + ": every validation source is also a training "
                       "source (the task is too small for --pairs " + s.text("pairs") + ")");
    return data;
  }
  if (name.find('.') == std::string::npos && name.find('/') == std::string::npos)
    throw UsageError("--task: unknown seq2seq task '" + name + "' (expected seq2seq:reverse, seq2seq:sort, "
                     "seq2seq:dates, seq2seq:add or seq2seq:FILE.tsv)");
  refuse(s, {"pairs", "val-pairs", "min-length", "max-length", "max-digits", "data-seed"},
         "applies to the generated seq2seq tasks only (this one reads " + name + ")");
  data.unused = {"pairs", "val-pairs", "min-length", "max-length", "max-digits", "data-seed"};
  if (name == s.text("out")) throw UsageError("--out names the pairs file " + name + " (it would be overwritten)");
  check_input_path("--task", name);
  const std::vector<io::SequencePairLine> lines = io::load_sequence_pairs(name);
  for (const io::SequencePairLine& l : lines)
    for (const std::string* side : {&l.source, &l.target})
      if (split_utf8(*side).size() > static_cast<std::size_t>(io::max_seq2seq_length))
        throw io::FormatError(name + ": line " + std::to_string(l.line) + ": the " +
                              (side == &l.source ? "source" : "target") + " has " +
                              std::to_string(split_utf8(*side).size()) + " characters, more than " +
                              std::to_string(io::max_seq2seq_length));
  const std::size_t val_n = static_cast<std::size_t>(std::floor(static_cast<double>(lines.size()) * s.number("val-fraction")));
  if (val_n < 1 || lines.size() - val_n < 1)
    throw io::FormatError(name + ": " + std::to_string(lines.size()) +
                          " pairs, too few to split into training and validation (--val-fraction " +
                          s.text("val-fraction") + ")");
  for (std::size_t i = 0; i < lines.size(); ++i)
    (i + val_n < lines.size() ? data.train : data.val).emplace_back(lines[i].source, lines[i].target);
  return data;
}

std::size_t longest(const Pairs& pairs, bool source) {
  std::size_t n = 0;
  for (const auto& p : pairs) n = std::max(n, split_utf8(source ? p.first : p.second).size());
  return n;
}

void encode(const Seq2seqVocab& vocab, const Pairs& pairs, std::vector<std::vector<int>>& src,
            std::vector<std::vector<int>>& tgt) {
  for (const auto& p : pairs) {
    src.push_back(vocab.encode(p.first));
    tgt.push_back(vocab.encode(p.second));
  }
}

nlohmann::json training_record(const Settings& s, const std::set<std::string>& unused) {
  nlohmann::json t = nlohmann::json::object();
  for (const OptionSpec& o : options())
    if (std::string(o.name) != "out" && std::string(o.name) != "progress" && !unused.count(o.name) &&
        (s.given(o.name) || o.fallback[0]))
      t[o.name] = s.text(o.name);
  return t;
}

template <class Buf> bool all_finite(const Buf& b) {
  return std::all_of(b.begin(), b.end(), [](auto x) { return std::isfinite(x); });
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

bool is_seq2seq_task(const std::vector<std::string>& argv) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    std::string value;
    if (argv[i] == "--task" && i + 1 < argv.size()) value = argv[i + 1];
    else if (argv[i].rfind("--task=", 0) == 0) value = argv[i].substr(7);
    else continue;
    if (value == "seq2seq" || value.rfind(task_prefix, 0) == 0) return true;
  }
  return false;
}

std::string seq2seq_train_help() {
  return "\n"
         "Sequence to sequence: unrolled-cli train --task seq2seq:reverse|sort|dates|add|FILE.tsv\n"
         "            [--attention none|additive|dot|general] [--teacher-forcing X] [--beam K] --out M.json\n"
         "An encoder (--cell, optionally --bidirectional) reads the source's characters, a decoder of the same\n"
         "cell writes the target's, looking back at the encoder's states through the attention (docs/formats.md,\n"
         "Sequence to sequence). Generated tasks (seeded by --data-seed): reverse (\"kqbfa\" -> \"afbqk\"), sort\n"
         "(-> \"abfkq\"), dates (\"3 March 2021\", \"03/03/2021\", \"Mar 3, 2021\" ... -> \"2021-03-03\"), add\n"
         "(\"123+45\" -> \"168\"); FILE.tsv holds source<TAB>target lines, the last --val-fraction validation.\n"
         "The vocabulary is every character of the pairs. Each step trains on --batch random pairs (cross-entropy\n"
         "over the target and its end token, Adam, clipping). Validation decodes every validation source\n"
         "(greedy, or --beam K) and scores val_token_acc (position by position, end token included) and\n"
         "val_seq_acc (the whole target exactly). Last line on stdout:\n"
         "`done task=seq2seq:.. steps=.. pairs=.. val_pairs=.. vocab=.. seconds=.. train_loss=.. val_token_acc=..\n"
         "val_seq_acc=..`. If the loss or a weight becomes NaN or Inf, training stops, the weights before that\n"
         "step are written and the exit code is 1. The sequence tasks take only these flags:\n" +
         options_help(options());
}

int run_seq2seq_train(const std::vector<std::string>& argv) {
  bool help = false;
  const Settings s = parse_settings(argv, options(), false, help);
  if (help) {
    std::fputs(seq2seq_train_help().c_str(), stdout);
    return exit_ok;
  }
  // --- every setting, checked before any work ---
  const std::string task = s.text("task");
  if (task.rfind(task_prefix, 0) != 0 || task.size() == std::string(task_prefix).size())
    throw UsageError("--task " + task + " needs a task after \"seq2seq:\" (reverse, sort, dates, add or FILE.tsv)");
  const std::string name = task.substr(std::string(task_prefix).size());
  Seq2seqTrainConfig tc;
  if (!parse_cell(s.text("cell"), tc.model.cell))
    throw UsageError(s.origin("cell") + " must be rnn, lstm or gru, got '" + s.text("cell") + "'");
  if (!parse_attention(s.text("attention"), tc.model.attention))
    throw UsageError(s.origin("attention") + " must be one of " + attention_names() + ", got '" + s.text("attention") + "'");
  tc.model.hidden_size = static_cast<int>(s.integer("hidden"));
  tc.model.embed_size = static_cast<int>(s.integer("embed"));
  tc.model.bidirectional = s.flag("bidirectional");
  tc.teacher_forcing = s.number("teacher-forcing");
  tc.batch = static_cast<int>(s.integer("batch"));
  tc.lr = s.number("lr");
  tc.clip = s.number("clip");
  tc.seed = static_cast<std::uint64_t>(s.integer("seed"));
  int beam = 0;
  if (s.given("beam")) {
    beam = static_cast<int>(s.integer("beam"));
    if (beam == 0)
      throw UsageError(s.origin("beam") + " 0: a beam keeps at least one hypothesis (K >= 1; leave --beam out for "
                       "greedy decoding)");
  }
  if (s.given("epochs") && s.given("steps")) throw UsageError("--epochs and --steps both given: say one");
  const long long eval_every = s.integer("eval-every");
  if (s.given("until-seq-acc") && eval_every == 0)
    throw UsageError("--until-seq-acc needs --eval-every N (how often validation is checked)");
  const double until = s.given("until-seq-acc") ? s.number("until-seq-acc") : 2.0;
  const std::string out = s.text("out");
  if (out.empty()) throw UsageError("--out is required (the model file to write)");
  const std::string progress = s.text("progress");
  if (progress != "lines" && progress != "none") throw UsageError("--progress must be lines or none, got '" + progress + "'");
  check_output_path("--out", out);

  // --- data ---
  const TaskData data = load_task(s, name);
  Pairs all = data.train;
  all.insert(all.end(), data.val.begin(), data.val.end());
  const Seq2seqVocab vocab = make_seq2seq_vocab(all);
  tc.model.vocab_size = vocab.size();
  if (std::string why = validate_seq2seq_config(tc.model); !why.empty()) throw UsageError(why);
  std::vector<std::vector<int>> train_src, train_tgt, val_src, val_tgt;
  encode(vocab, data.train, train_src, train_tgt);
  encode(vocab, data.val, val_src, val_tgt);
  const int max_source = static_cast<int>(longest(data.train, true));
  const int max_target = static_cast<int>(std::min<std::size_t>(2 * std::max(longest(data.train, false), longest(data.val, false)) + 1,
                                                                io::max_seq2seq_length));
  const long long steps = s.given("epochs")
                              ? (s.integer("epochs") * static_cast<long long>(train_src.size()) + tc.batch - 1) / tc.batch
                              : s.integer("steps");

  // --- training ---
  const auto t0 = std::chrono::steady_clock::now();
  Seq2seqTrainer<float> trainer(tc, train_src, train_tgt);
  Buffer<float> last_good = trainer.model().params;
  std::vector<double> recent;  // the last ≤ 100 batch losses
  long long done = 0;
  std::string diverged;
  Seq2seqScore score;
  long long scored_at = -1;
  for (long long k = 1; k <= steps; ++k) {
    std::copy(trainer.model().params.begin(), trainer.model().params.end(), last_good.begin());
    const double loss = trainer.step();
    if (!std::isfinite(loss) || !all_finite(trainer.model().params)) {
      std::copy(last_good.begin(), last_good.end(), trainer.model().params.begin());
      diverged = "training diverged at step " + std::to_string(k) + " (" +
                 (std::isfinite(loss) ? std::string("a weight became NaN or Inf") : "loss " + fmt(loss)) +
                 "): the weights before it are kept and written; try a smaller --lr";
      break;
    }
    done = k;
    recent.push_back(loss);
    if (recent.size() > 100) recent.erase(recent.begin());
    const bool check = eval_every > 0 && (k % eval_every == 0 || k == steps);
    if (check) {
      score = trainer.evaluate(val_src, val_tgt, max_target, beam);
      scored_at = k;
    }
    if (progress == "lines" && (check || k % 100 == 0 || k == steps)) {
      std::string line = "step " + std::to_string(k) + "/" + std::to_string(steps) + " loss=" + fmt(loss);
      if (check) line += " val_token_acc=" + fmt(score.token_acc, 4) + " val_seq_acc=" + fmt(score.seq_acc, 4);
      std::fprintf(stderr, "%s seconds=%s\n", line.c_str(), fmt(seconds_since(t0), 4).c_str());
    }
    if (check && score.seq_acc >= until) break;
  }
  if (scored_at != done) score = trainer.evaluate(val_src, val_tgt, max_target, beam);
  const double seconds = seconds_since(t0);
  double train_loss = 0;
  for (double l : recent) train_loss += l;
  train_loss = recent.empty() ? std::nan("") : train_loss / static_cast<double>(recent.size());

  nlohmann::json extra = nlohmann::json::object();
  extra["training"] = training_record(s, data.unused);
  // No time in the file: the same settings and seed write the same bytes.
  extra["training_result"] = {{"steps", done},
                              {"val_pairs", val_src.size()},
                              {"decoding", beam > 0 ? "beam " + std::to_string(beam) : std::string("greedy")},
                              {"val_token_acc", score.token_acc},
                              {"val_seq_acc", score.seq_acc}};
  if (!recent.empty()) extra["training_result"]["train_loss"] = train_loss;
  io::save_seq2seq_file(out, io::seq2seq_to_file(trainer.model(), vocab.symbols, max_source, max_target, extra));
  if (!diverged.empty()) std::fprintf(stderr, "unrolled-cli train: %s\n", diverged.c_str());
  std::printf("done task=%s steps=%lld pairs=%zu val_pairs=%zu vocab=%d seconds=%s train_loss=%s val_token_acc=%s "
              "val_seq_acc=%s\n",
              task.c_str(), done, train_src.size(), val_src.size(), vocab.size(), fmt(seconds, 4).c_str(),
              fmt(train_loss, 4).c_str(), fmt(score.token_acc, 4).c_str(), fmt(score.seq_acc, 4).c_str());
  return diverged.empty() ? exit_ok : exit_run_error;
}

}  // namespace unrolled::cli
