// A classifier's data from labelled lines (`label<TAB>text`, docs/formats.md): the tokens, the
// vocabulary and the labels, split into training and validation lines. One piece for
// `unrolled-cli train --task classify` and the app's Classify workspace, so both read a TSV alike.
#pragma once
#include <string>
#include <vector>

#include "io/text.hpp"

namespace unrolled::io {

// A line's tokens: words split at spaces (empty ones dropped), or its UTF-8 characters (a bad byte is
// FormatError naming `where` and its offset).
std::vector<std::string> split_tokens(const std::string& text, bool words, const std::string& where);

struct ClassifyData {
  std::vector<std::string> labels;  // O, sorted; a line's class is its label's index
  std::vector<std::string> vocab;   // V, sorted; words: "<unk>" first (id 0), standing for a word the training lines lack
  std::vector<std::vector<int>> train_x, val_x;
  std::vector<int> train_y, val_y;
  std::vector<std::string> val_text;  // the validation lines' texts, in order
};

// The last floor(n · val_fraction) lines are validation. Labels come from the training lines, the
// vocabulary from the training lines (words) or from every line (characters). FormatError naming
// `source` (and the line) when a text is empty, too few lines to split, one label only, or a
// validation label the training lines never use.
ClassifyData prepare_classify_data(const std::vector<LabelledLine>& lines, bool words, double val_fraction,
                                   const std::string& source);

}  // namespace unrolled::io
