#include "io/char_corpus.hpp"

#include <cmath>
#include <cstdio>

#include "core/text_data.hpp"
#include "io/json_util.hpp"
#include "io/text.hpp"

namespace unrolled::io {

CharCorpus load_char_corpus(const std::string& data, std::size_t chars, std::uint64_t data_seed, const CorpusSplit& split) {
  const double val_fraction = split.val_fraction;
  const int seq = split.seq;
  CharCorpus c;
  std::u32string text;
  c.source = data;
  if (data == "structured") {
    text = decode_utf8(structured_corpus(chars, data_seed), "structured");
  } else if (data == "english") {
    c.source = english_text_path;
    try {
      text = load_text(english_text_path);
    } catch (const IoError& e) {
      throw IoError(std::string(e.what()) + " (\"english\" reads it; Debian's base-files package installs it)");
    }
  } else {
    text = load_text(data);
  }
  c.vocab = char_vocabulary(text);
  const std::vector<int> ids = char_ids(text, c.vocab, c.source);
  const std::size_t val_n = static_cast<std::size_t>(std::floor(static_cast<double>(ids.size()) * val_fraction));
  const std::size_t need = static_cast<std::size_t>(seq) + 1;
  if (val_n < need || ids.size() - val_n < need) {
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%g", val_fraction);
    throw FormatError(c.source + ": the text has " + std::to_string(ids.size()) + " characters, too short for " +
                      split.seq_name + " " + std::to_string(seq) + ": training and validation (" + split.fraction_name + " " +
                      fraction + ") each need at least one window of " + std::to_string(need));
  }
  c.train_ids.assign(ids.begin(), ids.end() - static_cast<std::ptrdiff_t>(val_n));
  c.val_ids.assign(ids.end() - static_cast<std::ptrdiff_t>(val_n), ids.end());
  return c;
}

}  // namespace unrolled::io
