#include "app/lessons/markup.hpp"

#include <algorithm>

namespace unrolled::app::markup {

namespace {

bool is_script_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_escapable(char c) { return c == '_' || c == '^' || c == '$' || c == '`' || c == '\\'; }

// Builds atoms from the text, one character (or markup construct) at a time.
class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Parsed run() {
    Parsed out;
    while (i_ < s_.size() && !error_) step();
    if (!error_ && formula_start_)
      fail("unclosed '$' of the formula that starts at byte " + std::to_string(*formula_start_));
    finish_atom();
    if (error_) out.error = error_;
    else out.atoms = std::move(atoms_);
    return out;
  }

 private:
  void fail(std::string message) {
    if (!error_) error_ = std::move(message);
  }

  void append(std::string_view text, Script script = Script::none, bool code = false) {
    if (!atom_.runs.empty() && atom_.runs.back().script == script && atom_.runs.back().code == code)
      atom_.runs.back().text += text;
    else
      atom_.runs.push_back(Run{std::string(text), script, code});
  }

  // Ends the atom being built; spaces and newlines after it belong to the next one.
  void finish_atom() {
    if (atom_.runs.empty()) return;
    atoms_.push_back(std::move(atom_));
    atom_ = Atom{};
    atom_.breakable = !formula_start_.has_value();
  }

  void step() {
    const char c = s_[i_];
    if (c == '\\' && i_ + 1 < s_.size() && is_escapable(s_[i_ + 1])) {
      append(s_.substr(i_ + 1, 1));
      i_ += 2;
    } else if (c == '\n' || c == ' ') {
      finish_atom();
      if (c == '\n') {
        ++atom_.newlines;
        atom_.spaces = 0;
        atom_.breakable = true;  // a formula across a newline still starts its next line
      } else {
        ++atom_.spaces;
        if (formula_start_) atom_.breakable = false;
      }
      ++i_;
    } else if (c == '$') {
      if (formula_start_) formula_start_.reset();
      else formula_start_ = i_;
      ++i_;
    } else if (c == '`') {
      const std::size_t end = s_.find('`', i_ + 1);
      if (end == std::string_view::npos) return fail("unclosed '`' of the code that starts at byte " + std::to_string(i_));
      append(s_.substr(i_ + 1, end - i_ - 1), Script::none, true);
      i_ = end + 1;
    } else if ((c == '_' || c == '^') && !atom_.runs.empty() && i_ + 1 < s_.size()) {
      script(c == '_' ? Script::sub : Script::sup);
    } else {
      append(s_.substr(i_, 1));
      ++i_;
    }
  }

  // At "_" or "^" after a character: a group in braces or parentheses, or a run of letters and digits.
  void script(Script kind) {
    const std::size_t at = i_;
    const char open = s_[i_ + 1];
    const char* what = kind == Script::sub ? "subscript" : "superscript";
    if (open == '{' || open == '(') {
      const char close = open == '{' ? '}' : ')';
      int depth = 0;
      std::string text;
      for (std::size_t j = i_ + 1; j < s_.size(); ++j) {
        const char d = s_[j];
        if (d == '\n') break;
        if (d == '\\' && j + 1 < s_.size() && is_escapable(s_[j + 1])) {
          text += s_[++j];
          continue;
        }
        if (d == open) ++depth;
        else if (d == close && --depth == 0) {
          append(text, kind);
          i_ = j + 1;
          return;
        }
        if (depth > 1 || d != open) text += d;
      }
      return fail(std::string("unclosed '") + open + "' of the " + what + " at byte " + std::to_string(at));
    }
    std::size_t j = i_ + 1;
    while (j < s_.size() && is_script_char(s_[j])) ++j;
    if (j == i_ + 1) {  // "a_" before a space or a symbol: the character itself
      append(s_.substr(i_, 1));
      ++i_;
      return;
    }
    append(s_.substr(i_ + 1, j - i_ - 1), kind);
    i_ = j;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::vector<Atom> atoms_;
  Atom atom_;
  std::optional<std::size_t> formula_start_;
  std::optional<std::string> error_;
};

}  // namespace

Parsed parse(std::string_view text) { return Parser(text).run(); }

std::optional<std::string> check(std::string_view text) { return parse(text).error; }

std::string plain(std::string_view text) {
  const Parsed p = parse(text);
  if (p.error) return std::string(text);
  std::string out;
  for (const Atom& a : p.atoms) {
    out.append(static_cast<std::size_t>(a.newlines), '\n');
    out.append(static_cast<std::size_t>(a.spaces), ' ');
    for (const Run& r : a.runs) out += r.text;
  }
  return out;
}

Layout layout(std::string_view text, float wrap_width, float font_size, const Measure& measure) {
  Layout out;
  Parsed parsed = parse(text);
  if (parsed.error) {  // shown as written: a lesson file is checked when it loads, so this is a slip in code
    parsed.atoms.clear();
    parsed.atoms.push_back(Atom{{Run{std::string(text)}}, 0, true, 0});
  }
  const std::vector<Atom>& atoms = parsed.atoms;
  const float fs = font_size;
  const float space_w = measure(" ", fs);
  auto run_width = [&](const Run& r) { return measure(r.text, r.script == Script::none ? fs : fs * script_scale); };
  std::vector<float> widths(atoms.size(), 0.0f);
  for (std::size_t i = 0; i < atoms.size(); ++i)
    for (const Run& r : atoms[i].runs) widths[i] += run_width(r);

  // Lines are collected with their runs' x; their heights (and so every y) are known once a line ends.
  struct Line {
    std::size_t first = 0;  // index into out.runs
    bool sub = false, sup = false;
    float width = 0;
  };
  std::vector<Line> lines(1);
  float x = 0;
  bool line_start_wrapped = false;  // a line started by wrapping drops the spaces before its first atom
  auto new_line = [&](bool wrapped) {
    lines.back().width = x;
    lines.push_back(Line{out.runs.size()});
    x = 0;
    line_start_wrapped = wrapped;
  };
  auto place = [&](std::size_t i, bool lead_spaces) {
    const Atom& a = atoms[i];
    if (lead_spaces) x += space_w * static_cast<float>(a.spaces);
    for (const Run& r : a.runs) {
      const float scale = r.script == Script::none ? 1.0f : script_scale;
      out.runs.push_back(Placed{r.text, x, r.script == Script::sub ? sub_offset : r.script == Script::sup ? sup_offset : 0.0f,
                                scale, r.code});
      if (r.script == Script::sub) lines.back().sub = true;
      if (r.script == Script::sup) lines.back().sup = true;
      x += run_width(r);
    }
    line_start_wrapped = false;
  };

  for (std::size_t i = 0; i < atoms.size();) {
    // A group: this atom and the formula atoms glued to it by unbreakable spaces.
    std::size_t end = i + 1;
    float group_w = widths[i];
    while (end < atoms.size() && !atoms[end].breakable && atoms[end].newlines == 0) {
      group_w += space_w * static_cast<float>(atoms[end].spaces) + widths[end];
      ++end;
    }
    for (int n = 0; n < atoms[i].newlines; ++n) new_line(false);
    const bool keep_lead = x > 0 || !line_start_wrapped;
    float lead = keep_lead ? space_w * static_cast<float>(atoms[i].spaces) : 0.0f;
    if (x > 0 && x + lead + group_w > wrap_width) {
      new_line(true);
      lead = 0;
    }
    if (x + lead + group_w <= wrap_width || end == i + 1) {
      place(i, lead > 0);
      for (std::size_t j = i + 1; j < end; ++j) place(j, true);
    } else {  // a formula wider than a whole line: break it at its own spaces, as few times as it takes
      place(i, lead > 0);
      for (std::size_t j = i + 1; j < end; ++j) {
        if (x > 0 && x + space_w * static_cast<float>(atoms[j].spaces) + widths[j] > wrap_width) {
          new_line(true);
          ++out.formula_breaks;
          place(j, false);
        } else {
          place(j, true);
        }
      }
    }
    i = end;
  }
  lines.back().width = x;

  // Heights: a superscript raises its line's top, a subscript lowers its bottom.
  float y = 0;
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const std::size_t stop = l + 1 < lines.size() ? lines[l + 1].first : out.runs.size();
    const float top = lines[l].sup ? -sup_offset * fs : 0.0f;
    const float bottom = lines[l].sub ? std::max(0.0f, (sub_offset + script_scale - 1.0f) * fs) : 0.0f;
    for (std::size_t r = lines[l].first; r < stop; ++r) out.runs[r].y = y + top + out.runs[r].y * fs;
    y += top + fs + bottom;
    out.width = std::max(out.width, lines[l].width);
  }
  out.height = y;
  out.lines = static_cast<int>(lines.size());
  return out;
}

}  // namespace unrolled::app::markup
