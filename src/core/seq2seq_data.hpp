// Generated sequence-to-sequence tasks (issue 16): pairs of source and target strings a class can
// train an encoder-decoder on with no file at hand. Seeded: the same seed gives the same pairs on
// every platform (mt19937_64 draws, no std distributions).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace unrolled {

enum class Seq2seqTask { reverse, sort, dates, add };

const char* seq2seq_task_name(Seq2seqTask task);               // "reverse", "sort", "dates", "add"
bool parse_seq2seq_task(std::string_view text, Seq2seqTask& out);

struct SequencePair {
  std::string source, target;
};

struct Seq2seqTaskConfig {
  Seq2seqTask task = Seq2seqTask::reverse;
  int min_length = 5;   // reverse, sort: source length range (characters)
  int max_length = 15;
  int max_digits = 3;   // add: each operand has 1..max_digits digits
};

// Empty when usable, else names the field and the reason.
std::string validate_seq2seq_task(const Seq2seqTaskConfig& config);

// `count` pairs:
//   reverse  "kqbfa"        -> "afbqk"       letters a–z, length in [min_length, max_length]
//   sort     "kqbfa"        -> "abfkq"       likewise
//   dates    "3 March 2021", "03/03/2021", "2021.3.3", "Mar 3, 2021", "3-Mar-21" … -> "2021-03-03"
//            (years 1950–2049, every day of every month, leap years included; 2-digit years are 19xx
//            from 50 on, else 20xx)
//   add      "123+45"       -> "168"         operands without leading zeros
// Throws std::invalid_argument with validate_seq2seq_task's reason.
std::vector<SequencePair> make_seq2seq_task(const Seq2seqTaskConfig& config, std::size_t count, std::uint64_t seed);

// Training and validation pairs of a generated task: `train` pairs from `seed`, up to `val` from an
// independent stream, leaving out any validation source that is also a training source (that would
// measure memory, not skill). val can come out empty when the task is small; the caller says so.
struct SequenceSplit {
  std::vector<SequencePair> train, val;
};
SequenceSplit make_seq2seq_split(const Seq2seqTaskConfig& config, std::size_t train, std::size_t val, std::uint64_t seed);

}  // namespace unrolled
