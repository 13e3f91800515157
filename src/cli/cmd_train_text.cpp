// `unrolled-cli train --task charlm|classify`: a character language model or a sequence classifier,
// trained headless with the core's text trainers (core/text_trainer.hpp); the model file keeps the
// vocabulary (and the labels) so `unrolled-cli sample` and `trace` can read it.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/text_train.hpp"
#include "cli/train_settings.hpp"
#include "core/text_data.hpp"
#include "core/text_trainer.hpp"
#include "io/atomic_write.hpp"
#include "io/char_corpus.hpp"
#include "io/labelled_data.hpp"
#include "io/model_file.hpp"
#include "io/text.hpp"

namespace unrolled::cli {
namespace {

// The English corpus: a text base-files installs on every Debian machine (README, scripts/setup.sh).
const char* const english_source = io::english_text_path;

std::vector<OptionSpec> text_options() {
  std::vector<OptionSpec> v;
  v.push_back({"task", OptionKind::text, "", 0, 0, "text task", "charlm (next character at every step) or classify (one label per line)"});
  v.push_back({"data", OptionKind::text, "", 0, 0, "text task",
               "charlm: FILE.txt (UTF-8), structured or english (generated, docs/formats.md); classify: FILE.tsv "
               "(label<TAB>text) or negation (generated)"});
  v.push_back({"tokens", OptionKind::text, "char", 0, 0, "text task", "classify: char or word (split at spaces) tokens"});
  v.push_back({"chars", OptionKind::integer, "200000", 1000, 1e8, "text task", "structured: characters to generate"});
  v.push_back({"examples", OptionKind::integer, "4000", 10, 1e7, "text task", "negation: sentences to generate"});
  v.push_back({"data-seed", OptionKind::integer, "1", 0, 9.2e18, "text task", "seed of the generated data"});
  v.push_back({"val-fraction", OptionKind::number, "0.1", 0.001, 0.9, "text task",
               "the last fraction of the text (lines for classify) is validation (chronological split)"});
  v.push_back({"cell", OptionKind::text, "lstm", 0, 0, "text model", "rnn, lstm or gru"});
  v.push_back({"hidden", OptionKind::integer, "128", 1, max_hidden_size, "text model", "hidden size H"});
  v.push_back({"layers", OptionKind::integer, "1", 1, max_layers, "text model", "stacked layers L"});
  v.push_back({"embed", OptionKind::integer, "32", 1, max_input_size, "text model", "embedding width E"});
  v.push_back({"dropout", OptionKind::number, "0", 0, 0.95, "text model",
               "dropout p between layers and before the head (training only)"});
  v.push_back({"bidirectional", OptionKind::flag, "", 0, 0, "text model",
               "classify: bidirectional layers (charlm refuses it: the reverse direction would read the next characters)"});
  v.push_back({"seq", OptionKind::integer, "64", 1, 100000, "text training", "charlm: window length T"});
  v.push_back({"batch", OptionKind::integer, "32", 1, 65536, "text training", "sequences per mini-batch B"});
  v.push_back({"steps", OptionKind::integer, "1000", 1, 1e9, "text training", "optimizer steps (Adam)"});
  v.push_back({"lr", OptionKind::number, "0.003", 1e-12, 1000, "text training", "learning rate"});
  v.push_back({"clip", OptionKind::number, "1", 0, 1e9, "text training", "clip the global gradient norm; 0 = none"});
  v.push_back({"seed", OptionKind::integer, "1", 0, 9.2e18, "text training", "seed of the weights, windows and dropout masks"});
  v.push_back({"out", OptionKind::text, "", 0, 0, "text output", "model file to write (required)"});
  v.push_back({"progress", OptionKind::text, "lines", 0, 0, "text output", "lines (every 100 steps on stderr) or none"});
  return v;
}

const std::vector<OptionSpec>& options() {
  static const std::vector<OptionSpec> v = text_options();
  return v;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Common {
  ModelConfig model;
  TextTrainConfig train;
  std::string out, progress, data;
  double val_fraction = 0.1;
};

Common common_settings(const Settings& s) {
  Common c;
  if (!parse_cell(s.text("cell"), c.model.cell))
    throw UsageError(s.origin("cell") + " must be rnn, lstm or gru, got '" + s.text("cell") + "'");
  c.model.hidden_size = static_cast<int>(s.integer("hidden"));
  c.model.num_layers = static_cast<int>(s.integer("layers"));
  c.model.input_size = static_cast<int>(s.integer("embed"));
  c.model.dropout = s.number("dropout");
  c.model.bidirectional = s.flag("bidirectional");
  c.model.objective = Objective::cross_entropy;
  c.train.seq = static_cast<int>(s.integer("seq"));
  c.train.batch = static_cast<int>(s.integer("batch"));
  c.train.optimizer.lr = s.number("lr");
  c.train.clip = s.number("clip");
  c.train.seed = static_cast<std::uint64_t>(s.integer("seed"));
  c.val_fraction = s.number("val-fraction");
  c.out = s.text("out");
  if (c.out.empty()) throw UsageError("--out is required (the model file to write)");
  c.progress = s.text("progress");
  if (c.progress != "lines" && c.progress != "none") throw UsageError("--progress must be lines or none, got '" + c.progress + "'");
  c.data = s.text("data");
  if (c.data.empty()) throw UsageError("--data is required");
  check_output_path("--out", c.out);
  return c;
}

void report(const Common& c, std::int64_t step, std::int64_t steps, double loss, double seconds) {
  if (c.progress == "lines" && (step % 100 == 0 || step == steps))
    std::fprintf(stderr, "step %lld/%lld loss=%s seconds=%s\n", static_cast<long long>(step),
                 static_cast<long long>(steps), fmt(loss).c_str(), fmt(seconds, 4).c_str());
}

nlohmann::json training_record(const Settings& s) {
  nlohmann::json t = nlohmann::json::object();
  for (const OptionSpec& o : options())
    if (std::string(o.name) != "out" && std::string(o.name) != "progress" && (s.given(o.name) || o.fallback[0]))
      t[o.name] = s.text(o.name);
  return t;
}

int run_charlm(const Settings& s) {
  Common c = common_settings(s);
  if (c.model.bidirectional)
    throw UsageError("--bidirectional does not apply to --task charlm: its reverse direction reads the characters the "
                     "model is asked to predict");
  if (s.given("tokens")) throw UsageError("--tokens applies to --task classify only");
  if (c.data != "structured" && c.data != "english") check_input_path("--data", c.data);
  const io::CharCorpus corpus = io::load_char_corpus(c.data, static_cast<std::size_t>(s.integer("chars")),
                                                     static_cast<std::uint64_t>(s.integer("data-seed")),
                                                     io::CorpusSplit{c.val_fraction, c.train.seq});
  const std::vector<char32_t>& vocab = corpus.vocab;
  const std::vector<int>& train_ids = corpus.train_ids;
  const std::vector<int>& val_ids = corpus.val_ids;
  c.model.vocab_size = static_cast<int>(vocab.size());
  c.model.output_size = c.model.vocab_size;
  if (std::string why = validate_config(c.model); !why.empty()) throw UsageError(why);
  c.train.model = c.model;

  const auto t0 = std::chrono::steady_clock::now();
  CharLmTrainer<float> trainer(c.train, train_ids);
  const std::int64_t steps = s.integer("steps");
  for (std::int64_t k = 1; k <= steps; ++k) {
    const double loss = trainer.step();
    if (!std::isfinite(loss)) throw std::runtime_error("training diverged at step " + std::to_string(k) + " (loss " + fmt(loss) + ")");
    report(c, k, steps, loss, seconds_since(t0));
  }
  const double seconds = seconds_since(t0);
  // Training bpc over (at most) the last 100000 training characters, the windows validation uses.
  const std::size_t tail = std::min<std::size_t>(train_ids.size(), 100000);
  const std::vector<int> train_tail(train_ids.end() - static_cast<std::ptrdiff_t>(tail), train_ids.end());
  const double ln2 = std::log(2.0);
  const double train_bpc = trainer.evaluate(train_tail) / ln2, val_bpc = trainer.evaluate(val_ids) / ln2;
  const double unigram_bpc = unigram_entropy(val_ids) / ln2;

  io::ModelFile file = io::model_to_file(trainer.model());
  for (char32_t ch : vocab) file.vocab.push_back(io::encode_utf8(ch));
  file.extra["training"] = training_record(s);
  // No time in the file: the same settings and seed write the same bytes.
  file.extra["training_result"] = {{"steps", steps}, {"train_bpc", train_bpc}, {"val_bpc", val_bpc}, {"unigram_bpc", unigram_bpc}};
  io::save_model_file(c.out, file);
  std::printf("done task=charlm steps=%lld vocab=%d unigram_bpc=%s seconds=%s train_bpc=%s val_bpc=%s\n",
              static_cast<long long>(steps), c.model.vocab_size, fmt(unigram_bpc, 4).c_str(), fmt(seconds, 4).c_str(),
              fmt(train_bpc, 4).c_str(), fmt(val_bpc, 4).c_str());
  return exit_ok;
}

int run_classify(const Settings& s) {
  Common c = common_settings(s);
  if (s.given("seq")) throw UsageError("--seq applies to --task charlm only (classify reads whole lines)");
  const std::string tokens = s.text("tokens");
  if (tokens != "char" && tokens != "word") throw UsageError("--tokens must be char or word, got '" + tokens + "'");
  const bool words = tokens == "word";
  std::vector<io::LabelledLine> lines;
  std::string source = c.data;
  if (c.data == "negation") {
    int n = 0;
    for (const LabelledText& l : negation_task(static_cast<std::size_t>(s.integer("examples")),
                                               static_cast<std::uint64_t>(s.integer("data-seed"))))
      lines.push_back({l.label, l.text, ++n});
  } else {
    check_input_path("--data", c.data);
    lines = io::load_labelled_text(c.data);
  }
  const io::ClassifyData d = io::prepare_classify_data(lines, words, c.val_fraction, source);
  const std::vector<std::string>& labels = d.labels;
  const std::vector<std::string>& vocab = d.vocab;
  const auto &train_x = d.train_x, &val_x = d.val_x;
  const auto &train_y = d.train_y, &val_y = d.val_y;
  c.model.vocab_size = static_cast<int>(vocab.size());
  c.model.output_size = static_cast<int>(labels.size());
  if (std::string why = validate_config(c.model); !why.empty()) throw UsageError(why);
  c.train.model = c.model;

  const auto t0 = std::chrono::steady_clock::now();
  ClassifierTrainer<float> trainer(c.train, train_x, train_y);
  const std::int64_t steps = s.integer("steps");
  for (std::int64_t k = 1; k <= steps; ++k) {
    const double loss = trainer.step();
    if (!std::isfinite(loss)) throw std::runtime_error("training diverged at step " + std::to_string(k));
    report(c, k, steps, loss, seconds_since(t0));
  }
  const double seconds = seconds_since(t0);
  const double train_acc = trainer.accuracy(train_x, train_y), val_acc = trainer.accuracy(val_x, val_y);
  io::ModelFile file = io::model_to_file(trainer.model());
  file.vocab = vocab;
  file.extra["labels"] = labels;
  file.extra["tokens"] = tokens;
  file.extra["training"] = training_record(s);
  file.extra["training_result"] = {{"steps", steps}, {"train_acc", train_acc}, {"val_acc", val_acc}};
  io::save_model_file(c.out, file);
  std::printf("done task=classify steps=%lld classes=%zu seconds=%s train_acc=%s val_acc=%s\n",
              static_cast<long long>(steps), labels.size(), fmt(seconds, 4).c_str(), fmt(train_acc, 4).c_str(),
              fmt(val_acc, 4).c_str());
  return exit_ok;
}

}  // namespace

bool is_text_task(const std::vector<std::string>& argv) {
  for (const std::string& a : argv)
    if (a == "--task" || a.rfind("--task=", 0) == 0) return true;
  return false;
}

std::string text_train_help() {
  return "\n"
         "Text tasks: unrolled-cli train --task charlm --data FILE.txt|structured|english [--embed E] [--dropout P]\n"
         "            unrolled-cli train --task classify --data FILE.tsv|negation [--tokens char|word] [--bidirectional]\n"
         "charlm trains a character model (next character at every step, cross-entropy) on random windows of\n"
         "--seq characters; the last --val-fraction of the text is validation. Its vocabulary is the set of\n"
         "characters of the --data text in code-point order, kept in the model file for `unrolled-cli sample`.\n"
         "Last line: `done task=charlm steps=.. vocab=.. unigram_bpc=.. seconds=.. train_bpc=.. val_bpc=..`\n"
         "(bits per character; unigram_bpc is the entropy of the validation text's own character frequencies).\n"
         "classify reads label<TAB>text lines (the last --val-fraction of lines is validation) and trains on\n"
         "the last step (bidirectional: head([h_fwd(T) ; h_rev(1)])). Last line:\n"
         "`done task=classify steps=.. classes=.. seconds=.. train_acc=.. val_acc=..`.\n"
         "Generated data (docs/formats.md): structured (nested brackets and quoted strings), english (the\n"
         "GPL-3 text Debian's base-files installs at /usr/share/common-licenses/GPL-3), negation (\"good , not\n"
         "bad\" against \"bad , not good\": word order decides). The text tasks take only these flags:\n" +
         options_help(options());
}

int run_text_train(const std::vector<std::string>& argv) {
  bool help = false;
  const Settings s = parse_settings(argv, options(), false, help);
  if (help) {
    std::fputs(text_train_help().c_str(), stdout);
    return exit_ok;
  }
  const std::string task = s.text("task");
  if (task == "charlm") return run_charlm(s);
  if (task == "classify") return run_classify(s);
  throw UsageError("--task must be charlm or classify, got '" + task + "'");
}

}  // namespace unrolled::cli
