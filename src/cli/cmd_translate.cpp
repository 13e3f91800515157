// `unrolled-cli translate`: a seq2seq model (`train --task seq2seq:…`) decodes one source, greedy or by
// beam search, and optionally writes the attention weights it used (output steps x source steps).
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "cli/train_settings.hpp"
#include "core/seq2seq.hpp"
#include "io/csv.hpp"
#include "io/model_file.hpp"
#include "io/text.hpp"

namespace unrolled::cli {
namespace {

const char* const translate_help =
    "usage: unrolled-cli translate --model M.json --input TEXT [--beam K] [--attention-out F.csv]\n"
    "\n"
    "Decodes --input with a sequence-to-sequence model (`unrolled-cli train --task seq2seq:...`) and prints\n"
    "the output on stdout: greedy (the most likely token at every step), or the best of a beam search of\n"
    "width K (length-normalised scores: log-probability / length). Decoding stops at the end token or at\n"
    "the model's max_target_length (then a note on stderr says so).\n"
    "\n"
    "flags:\n"
    "  --model M.json         a seq2seq model file (docs/formats.md, Sequence to sequence)\n"
    "  --input TEXT           the source; at most the model's max_source_length characters, each in its\n"
    "                         vocabulary\n"
    "  --beam K               beam search of width K >= 1 (default: greedy)\n"
    "  --attention-out F.csv  the attention weights: a header src_1..src_n, then one row per output step\n"
    "                         (the output's characters, then the end token), n weights each, summing to 1\n"
    "                         (a model with --attention none has none to write)\n"
    "  --help                 this text\n"
    "\n"
    "exit codes: 0 success, 1 a missing or bad model file, 2 a usage error (a bad flag, --beam 0, an\n"
    "empty --input, a source longer than the model's limit, a character outside its vocabulary); on any\n"
    "error --attention-out is neither created nor changed\n";

int run(const std::vector<std::string>& argv) {
  const Args args(argv, {"--model", "--input", "--beam", "--attention-out"});
  if (args.help()) {
    std::fputs(translate_help, stdout);
    return exit_ok;
  }
  const std::string path = args.required("--model");
  const std::string input = args.required("--input");
  int beam = 0;
  if (args.has("--beam")) {
    beam = static_cast<int>(args.get_int("--beam", 0, 0, 1000));
    if (beam == 0)
      throw UsageError("--beam 0: a beam keeps at least one hypothesis (K >= 1; leave --beam out for greedy decoding)");
  }
  const std::string csv_path = args.get_or("--attention-out", "");
  if (args.has("--attention-out")) {
    if (csv_path.empty()) throw UsageError("--attention-out needs a file name");
    if (csv_path == path) throw UsageError("--attention-out names the model file " + path);
    check_output_path("--attention-out", csv_path);
  }
  try {
    io::decode_utf8(input, "--input");
  } catch (const io::FormatError& e) {
    throw UsageError(e.what());
  }
  if (input.empty()) throw UsageError("--input is empty");

  const io::Seq2seqFile file = io::load_seq2seq_file(path);
  if (args.has("--attention-out") && file.config.attention == Attention::none)
    throw UsageError("--attention-out: " + path + " has no attention (attention none), so there are no weights to write");
  const std::vector<std::string> chars = split_utf8(input);
  if (chars.size() > static_cast<std::size_t>(file.max_source_length))
    throw UsageError("--input has " + std::to_string(chars.size()) + " characters, more than the " +
                     std::to_string(file.max_source_length) + " of " + path +
                     " (max_source_length: the longest source it was trained on)");
  const Seq2seqVocab vocab = io::seq2seq_vocab(file);
  std::vector<int> ids;
  try {
    ids = vocab.encode(input);
  } catch (const std::invalid_argument& e) {
    throw UsageError("--input: " + std::string(e.what()) + " (" + path + ")");
  }
  const Seq2seqModel<float> model = io::seq2seq_model_from_file<float>(file);
  const Decoded<float> d = beam > 0 ? beam_decode(model, ids, beam, file.max_target_length)
                                    : greedy_decode(model, ids, file.max_target_length);
  if (!csv_path.empty()) {
    io::CsvTable table;
    for (std::size_t j = 0; j < ids.size(); ++j) table.header.push_back("src_" + std::to_string(j + 1));
    for (const Vec<float>& w : d.weights) table.rows.emplace_back(w.data(), w.data() + w.size());
    io::write_csv(csv_path, table, io::csv_digits_f32);
  }
  const std::string text = vocab.decode(d.tokens);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  if (!d.finished)
    std::fprintf(stderr, "unrolled-cli translate: no end token within %d tokens (max_target_length of %s): the "
                 "output stops there\n", file.max_target_length, path.c_str());
  return exit_ok;
}

const RegisterCommand register_translate(Command{
    "translate", "decode a source with a seq2seq model (greedy or beam search); attention weights as CSV",
    translate_help, run});

}  // namespace
}  // namespace unrolled::cli
