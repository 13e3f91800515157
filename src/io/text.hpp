// Text corpora (DESIGN §4): UTF-8 text for character models, labelled text `label<TAB>text` for
// classifiers, and `source<TAB>target` pairs for sequence-to-sequence models. Invalid UTF-8 is an error with its byte offset; a line without a tab, with its line
// number. A character model's vocabulary is the set of code points of its training text, in
// code-point order.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/json_util.hpp"

namespace unrolled::io {

inline constexpr std::size_t max_text_bytes = std::size_t(256) << 20;  // 256 MiB

// Decodes UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). Throws
// FormatError "SOURCE: byte N: invalid UTF-8 (reason)" with N the 0-based offset of the bad sequence.
std::u32string decode_utf8(std::string_view bytes, const std::string& source);
std::string encode_utf8(char32_t code_point);
std::string encode_utf8(std::u32string_view text);

// Reads a UTF-8 file; an empty one is FormatError "FILE: the text is empty". IoError when unreadable.
std::u32string load_text(const std::string& path);

// The distinct code points of text, ascending.
std::vector<char32_t> char_vocabulary(std::u32string_view text);

// Each code point's id in vocab (ascending, from char_vocabulary); a code point not in vocab throws
// FormatError "SOURCE: character N: 'c' is not in the model's vocabulary".
std::vector<int> char_ids(std::u32string_view text, const std::vector<char32_t>& vocab, const std::string& source);

struct LabelledLine {
  std::string label;  // before the first tab
  std::string text;   // after it (UTF-8)
  int line = 0;       // 1-based line number in the file
};

// Parses `label<TAB>text` lines (UTF-8; "\r\n" accepted; blank lines skipped). A non-blank line without
// a tab, or with an empty label, is FormatError "SOURCE: line N: ..."; no lines at all, FormatError too.
std::vector<LabelledLine> parse_labelled_text(std::string_view bytes, const std::string& source);
std::vector<LabelledLine> load_labelled_text(const std::string& path);

struct SequencePairLine {
  std::string source;  // before the first tab (UTF-8)
  std::string target;  // after it
  int line = 0;        // 1-based line number in the file
};

// Parses `source<TAB>target` lines for sequence-to-sequence training, the same rules as labelled text
// (UTF-8, "\r\n", blank lines skipped, split at the first tab): "SOURCE: line 7: no tab (expected
// source<TAB>target)", an empty source or target likewise with its line; no pairs at all, FormatError.
std::vector<SequencePairLine> parse_sequence_pairs(std::string_view bytes, const std::string& source);
std::vector<SequencePairLine> load_sequence_pairs(const std::string& path);

}  // namespace unrolled::io
