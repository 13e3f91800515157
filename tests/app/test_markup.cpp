// The lesson text's math markup: what is a subscript, superscript, formula and code, and how the
// layout wraps it (a formula is never broken while it fits a line; nothing wider than the line but a
// single atom). Widths come from a measure of one unit per character times the size, so every
// position below is computed by hand.
#include <doctest/doctest.h>

#include <string>

#include "app/lessons/markup.hpp"

using namespace unrolled::app::markup;

namespace {

// One unit of width per UTF-8 character, times the font size.
float measure(std::string_view s, float size) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return static_cast<float>(n) * size;
}

std::string describe(const Atom& a) {
  std::string out;
  for (const Run& r : a.runs) {
    out += r.code ? "`" : r.script == Script::sub ? "_" : r.script == Script::sup ? "^" : "";
    out += "[" + r.text + "]";
  }
  return out;
}

}  // namespace

TEST_CASE("markup: subscripts, superscripts, groups, code and escapes") {
  const Parsed p = parse("h_{t−1} = tanh(W_hh x_t) ρ^(T−t) 0.5^23 `state_dict` a\\_b x_ $x$_1");
  REQUIRE_FALSE(p.error);
  REQUIRE(p.atoms.size() == 10);
  CHECK(describe(p.atoms[0]) == "[h]_[t−1]");
  CHECK(describe(p.atoms[1]) == "[=]");
  CHECK(describe(p.atoms[2]) == "[tanh(W]_[hh]");
  CHECK(describe(p.atoms[3]) == "[x]_[t][)]");
  CHECK(describe(p.atoms[4]) == "[ρ]^[T−t]");
  CHECK(describe(p.atoms[5]) == "[0.5]^[23]");
  CHECK(describe(p.atoms[6]) == "`[state_dict]");
  CHECK(describe(p.atoms[7]) == "[a_b]");
  CHECK(describe(p.atoms[8]) == "[x_]");  // "_" before a space is the character itself
  CHECK(describe(p.atoms[9]) == "[x]_[1]");
  CHECK(plain("h_{t−1} and `a_b` cost 0.5^23") == "ht−1 and a_b cost 0.523");
  // A group keeps its inner brackets: only the outer pair is markup.
  CHECK(describe(parse("e^(−(a+b))").atoms[0]) == "[e]^[−(a+b)]");
}

TEST_CASE("markup: spaces inside a formula are glued, outside they break; newlines and indents are kept") {
  const Parsed p = parse("a $b + c$ d\n  e");
  REQUIRE_FALSE(p.error);
  REQUIRE(p.atoms.size() == 6);
  CHECK(p.atoms[1].breakable);        // the space before the formula
  CHECK_FALSE(p.atoms[2].breakable);  // "+"
  CHECK_FALSE(p.atoms[3].breakable);  // "c"
  CHECK(p.atoms[4].breakable);        // "d", after the formula
  CHECK(p.atoms[5].newlines == 1);
  CHECK(p.atoms[5].spaces == 2);
}

TEST_CASE("markup: unbalanced markup is an error naming what and where") {
  CHECK(check("x_{t") == std::string("unclosed '{' of the subscript at byte 1"));
  CHECK(check("ρ^(T−t") == std::string("unclosed '(' of the superscript at byte 2"));
  CHECK(check("a $b + c") == std::string("unclosed '$' of the formula that starts at byte 2"));
  CHECK(check("see `x") == std::string("unclosed '`' of the code that starts at byte 4"));
  CHECK_FALSE(check("fine: x_t, \\$5 and \\`"));
}

TEST_CASE("markup layout: scripts are smaller and shifted; lines with them are taller") {
  const float fs = 10.0f;
  const Layout l = layout("x_t y^2", 100.0f, fs, measure);
  REQUIRE(l.runs.size() == 4);
  CHECK(l.lines == 1);
  CHECK(l.runs[0].x == doctest::Approx(0));
  CHECK(l.runs[1].x == doctest::Approx(10));                     // after "x"
  CHECK(l.runs[1].scale == doctest::Approx(script_scale));
  CHECK(l.runs[2].x == doctest::Approx(10 + 7.2 + 10));          // "t" at 0.72, one space
  CHECK(l.width == doctest::Approx(10 + 7.2 + 10 + 10 + 7.2));
  const float top = -sup_offset * fs;                              // room above for the superscript
  CHECK(l.runs[0].y == doctest::Approx(top));
  CHECK(l.runs[1].y == doctest::Approx(top + sub_offset * fs));
  CHECK(l.runs[3].y == doctest::Approx(top + sup_offset * fs));
  CHECK(l.height == doctest::Approx(top + fs + (sub_offset + script_scale - 1) * fs));
  // Plain text keeps ImGui's line height.
  CHECK(layout("ab cd", 100.0f, fs, measure).height == doctest::Approx(fs));
}

TEST_CASE("markup layout: a formula moves to the next line whole; words wrap at spaces") {
  const float fs = 1.0f;
  // "one two $a + b = c$": the formula is 9 wide; with 14 of room it cannot follow "one two" (7).
  const Layout l = layout("one two $a + b = c$ end", 14.0f, fs, measure);
  CHECK(l.formula_breaks == 0);
  REQUIRE(l.lines == 2);
  CHECK(l.runs[0].text == "one");
  CHECK(l.runs[2].text == "a");
  CHECK(l.runs[2].x == doctest::Approx(0));  // the formula starts the second line
  CHECK(l.runs[2].y == doctest::Approx(1));
  CHECK(l.runs[6].text == "c");
  CHECK(l.runs[6].y == doctest::Approx(1));  // all of it on that line
  CHECK(l.runs[7].text == "end");
  CHECK(l.runs[7].y == doctest::Approx(1));
  CHECK(l.runs[7].x == doctest::Approx(10));
  // Without the dollars the same text fills the first line first.
  const Layout loose = layout("one two a + b = c end", 14.0f, fs, measure);
  CHECK(loose.runs[2].y == doctest::Approx(0));
  CHECK(loose.runs[3].y == doctest::Approx(0));  // "+" at x = 10
  for (const Layout* x : {&l, &loose})
    for (const Placed& r : x->runs) CHECK(r.x + measure(r.text, r.scale) <= 14.0f + 1e-4f);
}

TEST_CASE("markup layout: a formula wider than a line breaks only at its spaces, and says so") {
  const Layout l = layout("$aa + bb + cc$", 6.0f, 1.0f, measure);
  CHECK(l.formula_breaks == 2);
  CHECK(l.lines == 3);
  for (const Placed& r : l.runs) CHECK(r.x + measure(r.text, r.scale) <= 6.0f + 1e-4f);
  // A newline ends the line; the spaces after it indent; spaces at a wrapped line's start are dropped.
  const Layout n = layout("ab\n   cd ef", 6.0f, 1.0f, measure);
  REQUIRE(n.runs.size() == 3);
  CHECK(n.runs[1].x == doctest::Approx(3));
  CHECK(n.runs[2].x == doctest::Approx(0));
  CHECK(n.runs[2].y == doctest::Approx(2));
  CHECK(n.lines == 3);
}
