#include "core/text_data.hpp"

#include <random>

namespace unrolled {

namespace {

const char* const words[] = {"alpha", "beta", "key", "value", "name", "list", "item", "node", "tree", "leaf",
                             "red", "blue", "one", "two", "ten", "map"};

std::size_t pick(std::mt19937_64& rng, std::size_t n) { return static_cast<std::size_t>(rng() % n); }

void quoted(std::mt19937_64& rng, std::string& out) {
  out += '"';
  const std::size_t n = 1 + pick(rng, 3);
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ' ';
    out += words[pick(rng, std::size(words))];
  }
  out += '"';
}

void expression(std::mt19937_64& rng, int depth, std::string& out) {
  const std::size_t kind = pick(rng, 10);
  if (depth >= 6 || kind < 3) {
    quoted(rng, out);
    return;
  }
  if (kind < 5) {
    out += words[pick(rng, std::size(words))];
    return;
  }
  static const char open[] = {'(', '[', '{'}, close[] = {')', ']', '}'};
  const std::size_t b = pick(rng, 3);
  out += open[b];
  const std::size_t n = 1 + pick(rng, 3);
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += b == 2 ? ", " : " ";
    expression(rng, depth + 1, out);
  }
  out += close[b];
}

}  // namespace

std::string structured_corpus(std::size_t chars, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out;
  while (out.size() < chars) {
    expression(rng, 1, out);  // a line is one expression at depth 1 and up
    out += '\n';
  }
  return out;
}

std::vector<LabelledText> negation_task(std::size_t count, std::uint64_t seed) {
  static const char* const nouns[] = {"film", "book", "meal", "song", "trip", "game", "show", "hotel"};
  static const char* const good[] = {"good", "great", "fine", "nice"};
  static const char* const bad[] = {"bad", "awful", "poor", "dull"};
  std::mt19937_64 rng(seed);
  std::vector<LabelledText> out;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string noun = nouns[pick(rng, std::size(nouns))];
    const bool positive = pick(rng, 2) == 1;
    const std::string g = good[pick(rng, std::size(good))], b = bad[pick(rng, std::size(bad))];
    std::string text = "the " + noun + " was ";
    if (i % 2 == 0) {  // "was [not] ADJ"
      const bool negated = pick(rng, 2) == 1;
      text += std::string(negated ? "not " : "") + ((positive != negated) ? g : b);
    } else {  // "was ADJ1 , not ADJ2": same words either way, the order decides
      text += positive ? g + " , not " + b : b + " , not " + g;
    }
    out.push_back({positive ? "pos" : "neg", text});
  }
  return out;
}

}  // namespace unrolled
