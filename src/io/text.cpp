#include "io/text.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace unrolled::io {

namespace {

[[noreturn]] void bad_utf8(const std::string& source, std::size_t offset, const char* why) {
  throw FormatError(source + ": byte " + std::to_string(offset) + ": invalid UTF-8 (" + why + ")");
}

void refuse_directory(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw IoError(path + ": is a directory, not a text file");
}

}  // namespace

std::u32string decode_utf8(std::string_view s, const std::string& source) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    int len;
    char32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2, cp = b0 & 0x1F;
    else if (b0 >= 0xE0 && b0 <= 0xEF) len = 3, cp = b0 & 0x0F;
    else if (b0 >= 0xF0 && b0 <= 0xF4) len = 4, cp = b0 & 0x07;
    else if (b0 >= 0x80 && b0 <= 0xBF) bad_utf8(source, i, "continuation byte without a lead byte");
    else bad_utf8(source, i, b0 == 0xC0 || b0 == 0xC1 ? "overlong encoding" : "byte never used in UTF-8");
    if (i + static_cast<std::size_t>(len) > s.size()) bad_utf8(source, i, "sequence cut short by the end of the text");
    for (int k = 1; k < len; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((b & 0xC0) != 0x80) bad_utf8(source, i, "sequence cut short (missing continuation byte)");
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) bad_utf8(source, i, "overlong encoding");
    if (cp >= 0xD800 && cp <= 0xDFFF) bad_utf8(source, i, "UTF-16 surrogate");
    if (cp > 0x10FFFF) bad_utf8(source, i, "code point above U+10FFFF");
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

std::string encode_utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

std::string encode_utf8(std::u32string_view text) {
  std::string s;
  for (char32_t c : text) s += encode_utf8(c);
  return s;
}

std::u32string load_text(const std::string& path) {
  refuse_directory(path);
  const std::string bytes = read_file(path, max_text_bytes);
  if (bytes.empty()) throw FormatError(path + ": the text is empty");
  return decode_utf8(bytes, path);
}

std::vector<char32_t> char_vocabulary(std::u32string_view text) {
  std::vector<char32_t> v(text.begin(), text.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<int> char_ids(std::u32string_view text, const std::vector<char32_t>& vocab, const std::string& source) {
  std::vector<int> ids;
  ids.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto it = std::lower_bound(vocab.begin(), vocab.end(), text[i]);
    if (it == vocab.end() || *it != text[i])
      throw FormatError(source + ": character " + std::to_string(i) + ": " +
                        quoted_for_message(encode_utf8(text[i])) + " is not in the model's vocabulary");
    ids.push_back(static_cast<int>(it - vocab.begin()));
  }
  return ids;
}

namespace {

// `left<TAB>right` lines: UTF-8 checked, "\r\n" accepted, blank lines skipped, split at the first tab.
// form names the two sides in messages ("label<TAB>text"); need_right refuses an empty right side.
template <class Line>
std::vector<Line> parse_tab_lines(std::string_view bytes, const std::string& source, const char* left_name,
                                  const char* right_name, bool need_right, const char* nothing) {
  decode_utf8(bytes, source);  // the whole file must be UTF-8; the error names the byte
  const std::string form = std::string(left_name) + "<TAB>" + right_name;
  std::vector<Line> lines;
  std::size_t pos = 0;
  int number = 0;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::size_t tab = line.find('\t');
    const std::string where = source + ": line " + std::to_string(number) + ": ";
    if (tab == std::string_view::npos) throw FormatError(where + "no tab (expected " + form + ")");
    if (tab == 0) throw FormatError(where + "empty " + left_name + " (expected " + form + ")");
    if (need_right && tab + 1 == line.size()) throw FormatError(where + "empty " + right_name + " (expected " + form + ")");
    lines.push_back({std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)), number});
  }
  if (lines.empty()) throw FormatError(source + ": " + nothing + " (expected " + form + " per line)");
  return lines;
}

}  // namespace

std::vector<LabelledLine> parse_labelled_text(std::string_view bytes, const std::string& source) {
  return parse_tab_lines<LabelledLine>(bytes, source, "label", "text", false, "no labelled lines");
}

std::vector<SequencePairLine> parse_sequence_pairs(std::string_view bytes, const std::string& source) {
  return parse_tab_lines<SequencePairLine>(bytes, source, "source", "target", true, "no pairs");
}

std::vector<SequencePairLine> load_sequence_pairs(const std::string& path) {
  refuse_directory(path);
  return parse_sequence_pairs(read_file(path, max_text_bytes), path);
}

std::vector<LabelledLine> load_labelled_text(const std::string& path) {
  refuse_directory(path);
  return parse_labelled_text(read_file(path, max_text_bytes), path);
}

}  // namespace unrolled::io
