// The small math markup of lesson text (and the app's other explanatory text), and its line layout.
// Pure: no ImGui, no GL. The look layer (look/math_text.hpp) measures with the UI's font and draws.
//
//   x_t  W_hh  dh_24      a subscript: "_" after a character, then letters and digits
//   h_{t−1}  x_(t+1)      a subscript group: braces or parentheses (the brackets are not drawn)
//   ρ^{T−t}  e^(−d·t)  0.5^23   a superscript, the same two ways
//   $i_t = σ(W x_t + b)$  a formula: kept whole on one line (spaces inside it break only when the
//                         formula alone is wider than the line)
//   `state_dict`          code: drawn as written, no scripts, never broken
//   \_ \^ \$ \`           the character itself
//
// Plain text wraps at spaces; "\n" starts a new line; runs of spaces are kept (they align columns).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unrolled::app::markup {

enum class Script { none, sub, sup };

// A stretch drawn in one style.
struct Run {
  std::string text;
  Script script = Script::none;
  bool code = false;
};

// The smallest piece the layout never breaks: runs with no space between them (a word, "h_{t−1}",
// a code span). `spaces` spaces come before it; `breakable` says whether the line may break in them
// (false inside a formula); `newlines` "\n"s come before it (then the spaces indent the new line).
struct Atom {
  std::vector<Run> runs;
  int spaces = 0;
  bool breakable = true;
  int newlines = 0;
};

// Parses `text`; an error ("unclosed '{' of a subscript at byte 12") when the markup is not balanced.
struct Parsed {
  std::vector<Atom> atoms;
  std::optional<std::string> error;
};
Parsed parse(std::string_view text);
// The first markup error in `text`, for the lesson file's checks; nullopt when it is well formed.
std::optional<std::string> check(std::string_view text);
// The text without markup (scripts inline, brackets of groups dropped): tooltips, logs, tests.
std::string plain(std::string_view text);

// Sizes relative to the font size: scripts are drawn smaller and shifted from the line's top.
inline constexpr float script_scale = 0.72f;
inline constexpr float sub_offset = 0.40f;   // top of a subscript below the line's top, in font sizes
inline constexpr float sup_offset = -0.14f;  // top of a superscript (above the line's top)

// A run placed in the block: its top-left corner relative to the block's, and its size scale.
struct Placed {
  std::string text;
  float x = 0, y = 0;
  float scale = 1.0f;
  bool code = false;
};

struct Layout {
  std::vector<Placed> runs;
  float width = 0;        // the widest line
  float height = 0;       // all lines
  int lines = 0;
  int formula_breaks = 0; // spaces inside formulas broken because a formula was wider than the line
};

// Width of `text` at `font_size` (scale applied by the caller).
using Measure = std::function<float(std::string_view text, float font_size)>;
// Lays `text` out in lines at most `wrap_width` wide (an atom wider than a whole line overflows it).
Layout layout(std::string_view text, float wrap_width, float font_size, const Measure& measure);

}  // namespace unrolled::app::markup
