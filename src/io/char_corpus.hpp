// A character model's corpus, as `unrolled-cli train --task charlm` and the app's Text workspace read
// it: a UTF-8 file, or generated text ("structured": nested brackets and quoted strings, seeded), or
// "english" (a long English text Debian's base-files package installs on every system). Its
// vocabulary (the code points, ascending) and its split: the last val_fraction of the characters
// validate, the rest train.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace unrolled::io {

inline constexpr const char* english_text_path = "/usr/share/common-licenses/GPL-3";

struct CharCorpus {
  std::string source;           // the file's path, "structured", or english_text_path
  std::vector<char32_t> vocab;  // ascending code points
  std::vector<int> train_ids, val_ids;
};

// data: "structured", "english" or a path. chars and data_seed: the generated text's size and seed.
// Throws IoError (unreadable; "english" says which package installs it) or FormatError (invalid
// UTF-8; a text too short for one window of seq + 1 characters in both parts, naming the sizes with
// the caller's names of the two settings: "--seq" and "--val-fraction" on the command line).
struct CorpusSplit {
  double val_fraction = 0.1;
  int seq = 64;
  const char* seq_name = "--seq";
  const char* fraction_name = "--val-fraction";
};
CharCorpus load_char_corpus(const std::string& data, std::size_t chars, std::uint64_t data_seed, const CorpusSplit& split);

}  // namespace unrolled::io
