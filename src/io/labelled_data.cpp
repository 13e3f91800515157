#include "io/labelled_data.hpp"

#include <cmath>
#include <map>
#include <set>

#include "io/json_util.hpp"

namespace unrolled::io {

std::vector<std::string> split_tokens(const std::string& text, bool words, const std::string& where) {
  std::vector<std::string> out;
  if (words) {
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t j = text.find(' ', i);
      const std::string w = text.substr(i, j == std::string::npos ? std::string::npos : j - i);
      if (!w.empty()) out.push_back(w);
      if (j == std::string::npos) break;
      i = j + 1;
    }
  } else {
    for (char32_t ch : decode_utf8(text, where)) out.push_back(encode_utf8(ch));
  }
  return out;
}

ClassifyData prepare_classify_data(const std::vector<LabelledLine>& lines, bool words, double val_fraction,
                                   const std::string& source) {
  const std::size_t val_n = static_cast<std::size_t>(std::floor(static_cast<double>(lines.size()) * val_fraction));
  if (val_n < 1 || lines.size() - val_n < 1)
    throw FormatError(source + ": " + std::to_string(lines.size()) + " labelled lines, too few to split into training and validation");
  const std::size_t train_n = lines.size() - val_n;
  ClassifyData d;
  std::map<std::string, int> label_id, token_id;
  std::set<std::string> label_set, token_set;
  std::vector<std::vector<std::string>> toks(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string where = source + ": line " + std::to_string(lines[i].line);
    toks[i] = split_tokens(lines[i].text, words, where);
    if (toks[i].empty()) throw FormatError(where + ": the text after the tab is empty");
    if (i < train_n) {
      label_set.insert(lines[i].label);
      for (const std::string& t : toks[i]) token_set.insert(t);
    } else if (!words) {
      for (const std::string& t : toks[i]) token_set.insert(t);  // characters: the whole file's set
    }
  }
  for (const std::string& l : label_set) label_id[l] = static_cast<int>(d.labels.size()), d.labels.push_back(l);
  if (d.labels.size() < 2) throw FormatError(source + ": the training lines have only one label (" + d.labels[0] + ")");
  if (words) d.vocab.push_back("<unk>");
  for (const std::string& t : token_set) token_id[t] = static_cast<int>(d.vocab.size()), d.vocab.push_back(t);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto it = label_id.find(lines[i].label);
    if (it == label_id.end())
      throw FormatError(source + ": line " + std::to_string(lines[i].line) + ": label " +
                        quoted_for_message(lines[i].label) + " never seen in the training lines");
    std::vector<int> x;
    for (const std::string& t : toks[i]) {
      auto ti = token_id.find(t);
      x.push_back(ti == token_id.end() ? 0 : ti->second);
    }
    (i < train_n ? d.train_x : d.val_x).push_back(std::move(x));
    (i < train_n ? d.train_y : d.val_y).push_back(it->second);
    if (i >= train_n) d.val_text.push_back(lines[i].text);
  }
  return d;
}

}  // namespace unrolled::io
