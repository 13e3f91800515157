// Generated text data a class can use with no file at hand (docs/formats.md, "Generated text").
// Seeded: the same seed gives the same text on every platform (mt19937_64 draws, no std distributions).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace unrolled {

// "structured": lines of nested brackets ( [ { with their closers, and double-quoted strings of
// lower-case words; no brackets inside quotes, at most 6 levels deep. A unit that counts depth or knows
// "inside a quote" can be found in a character model trained on it. About `chars` characters, whole
// lines, ending in '\n'.
std::string structured_corpus(std::size_t chars, std::uint64_t seed);

// "negation": two-class sentences where word order matters. Half are "the NOUN was [not] ADJ"
// (label = the adjective's polarity, flipped by "not"); half are "the NOUN was ADJ1 , not ADJ2" with
// opposite polarities (label = ADJ1's), so "good , not bad" and "bad , not good" hold the same bag of
// words with opposite labels and a bag-of-words classifier cannot beat chance on them.
struct LabelledText {
  std::string label, text;
};
std::vector<LabelledText> negation_task(std::size_t count, std::uint64_t seed);

}  // namespace unrolled
