// `unrolled-cli sample`: a character model writes text from a prime, with temperature and top-k,
// seeded — the same model, prime and seed give the same text.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command.hpp"
#include "core/model.hpp"
#include "core/sampling.hpp"
#include "io/model_file.hpp"
#include "io/text.hpp"

namespace unrolled::cli {
namespace {

const char* const sample_help =
    "usage: unrolled-cli sample --model M.json [--prime TEXT] [--length N] [--temperature X] [--top-k K]\n"
    "                           [--seed S]\n"
    "\n"
    "Writes text from a character model (`unrolled-cli train --task charlm`) to stdout: the prime, then\n"
    "--length characters, each drawn from softmax(logits / temperature) over the K most likely next\n"
    "characters, fed back as the next input. Without --prime the model starts from a newline (or, when\n"
    "its vocabulary has none, its first character) and that start is not printed.\n"
    "\n"
    "flags:\n"
    "  --model M.json      a character model file (version 2, with vocab; output_size = vocab_size)\n"
    "  --prime TEXT        text to start from; every character must be in the model's vocabulary\n"
    "  --length N          characters to generate (default 200, at most 1000000)\n"
    "  --temperature X     > 0 (default 1); below 1 sharper, above 1 flatter\n"
    "  --top-k K           draw among the K most likely characters (default: all); K >= 1\n"
    "  --seed S            seed of the draws (default 1); same seed, same text\n"
    "  --help              this text\n"
    "\n"
    "exit codes: 0 success, 1 a bad model file, 2 a usage error (a bad flag, --temperature <= 0,\n"
    "--top-k 0, a prime character outside the vocabulary)\n";

int run(const std::vector<std::string>& argv) {
  const Args args(argv, {"--model", "--prime", "--length", "--temperature", "--top-k", "--seed"});
  if (args.help()) {
    std::fputs(sample_help, stdout);
    return exit_ok;
  }
  const std::string path = args.required("--model");
  const long long length = args.get_int("--length", 200, 0, 1000000);
  const std::string temperature_text = args.get_or("--temperature", "1");
  const double temperature = parse_double("--temperature", temperature_text, -1e300, 1e300);
  if (!(temperature > 0)) throw UsageError("--temperature must be above 0, got " + temperature_text);
  if (args.has("--top-k") && args.get_int("--top-k", 0, -1000000000, 1000000000) < 1)
    throw UsageError("--top-k must be at least 1, got " + *args.get("--top-k"));
  const int top_k = static_cast<int>(args.get_int("--top-k", 0, 1, 1000000000));
  const std::uint64_t seed = static_cast<std::uint64_t>(args.get_int("--seed", 1, 0, INT64_MAX));
  const std::string prime = args.get_or("--prime", "");

  const io::ModelFile file = io::load_model_file(path);
  const ModelConfig& cfg = file.config;
  if (cfg.vocab_size == 0 || file.vocab.empty() || cfg.output_size != cfg.vocab_size || cfg.bidirectional)
    throw io::FormatError(path + ": not a character model (needs vocab_size, vocab, output_size = vocab_size and no "
                          "bidirectional layers)");
  std::vector<char32_t> vocab;
  for (std::size_t i = 0; i < file.vocab.size(); ++i) {
    const std::u32string ch = io::decode_utf8(file.vocab[i], path);
    if (ch.size() != 1) throw io::FormatError(path + ": vocab[" + std::to_string(i) + "]: not a single character");
    vocab.push_back(ch[0]);
  }
  std::vector<int> ids;
  bool print_start = true;
  if (prime.empty()) {
    print_start = false;
    ids.push_back(0);
    for (std::size_t i = 0; i < vocab.size(); ++i)
      if (vocab[i] == U'\n') ids[0] = static_cast<int>(i);
  } else {
    std::u32string p;
    try {
      p = io::decode_utf8(prime, "--prime");
    } catch (const io::FormatError& e) {
      throw UsageError(e.what());
    }
    for (std::size_t i = 0; i < p.size(); ++i) {
      int id = -1;
      for (std::size_t v = 0; v < vocab.size(); ++v)
        if (vocab[v] == p[i]) id = static_cast<int>(v);
      if (id < 0)
        throw UsageError("--prime: character " + std::to_string(i) + ": " + io::quoted_for_message(io::encode_utf8(p[i])) +
                         " is not in the vocabulary of " + path);
      ids.push_back(id);
    }
  }
  const Model<float> model = io::model_from_file<float>(file);
  std::string out = print_start ? prime : "";
  for (int id : sample_tokens(model, ids, SampleSettings{static_cast<int>(length), temperature, top_k, seed}))
    out += io::encode_utf8(vocab[static_cast<std::size_t>(id)]);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
  return exit_ok;
}

const RegisterCommand register_sample(Command{
    "sample", "write text from a character model: prime, temperature, top-k, seeded", sample_help, run});

}  // namespace
}  // namespace unrolled::cli
