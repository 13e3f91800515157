#include "core/seq2seq_data.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <set>
#include <stdexcept>

#include "core/enum_names.hpp"

namespace unrolled {
namespace {

// A draw in [lo, hi] from the generator's raw output (the same on every platform).
int draw(std::mt19937_64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

std::string letters(std::mt19937_64& rng, int min_length, int max_length) {
  std::string s(static_cast<std::size_t>(draw(rng, min_length, max_length)), 'a');
  for (char& ch : s) ch = static_cast<char>('a' + draw(rng, 0, 25));
  return s;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }
int days_in(int year, int month) {
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

constexpr std::array<const char*, 12> month_names = {"January", "February", "March",     "April",   "May",      "June",
                                                     "July",    "August",   "September", "October", "November", "December"};

std::string format(const char* pattern, auto... values) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, values...);
  return buf;
}

// One written form of the date, chosen by `form`.
std::string written_date(int year, int month, int day, int form) {
  const std::string full = month_names[static_cast<std::size_t>(month - 1)];
  const std::string abbr = full.substr(0, 3);
  switch (form) {
    case 0: return format("%d %s %d", day, full.c_str(), year);        // 3 March 2021
    case 1: return format("%s %d, %d", full.c_str(), day, year);       // March 3, 2021
    case 2: return format("%s %d, %d", abbr.c_str(), day, year);       // Mar 3, 2021
    case 3: return format("%02d/%02d/%d", day, month, year);           // 03/03/2021 (day first)
    case 4: return format("%d.%d.%d", year, month, day);               // 2021.3.3
    default: return format("%d-%s-%02d", day, abbr.c_str(), year % 100);  // 3-Mar-21
  }
}
constexpr int date_forms = 6;

SequencePair make_pair(const Seq2seqTaskConfig& c, std::mt19937_64& rng) {
  switch (c.task) {
    case Seq2seqTask::reverse: {
      std::string s = letters(rng, c.min_length, c.max_length);
      return {s, std::string(s.rbegin(), s.rend())};
    }
    case Seq2seqTask::sort: {
      std::string s = letters(rng, c.min_length, c.max_length), t = s;
      std::sort(t.begin(), t.end());
      return {s, t};
    }
    case Seq2seqTask::dates: {
      const int form = draw(rng, 0, date_forms - 1);
      // 2-digit years read as 1950–2049, so the range stays 1950–2049 in every form.
      const int year = draw(rng, 1950, 2049), month = draw(rng, 1, 12), day = draw(rng, 1, days_in(year, month));
      return {written_date(year, month, day, form), format("%04d-%02d-%02d", year, month, day)};
    }
    case Seq2seqTask::add: {
      auto operand = [&] {
        long long limit = 1;
        for (int i = draw(rng, 1, c.max_digits); i > 0; --i) limit *= 10;
        const long long lo = limit / 10 == 1 ? 0 : limit / 10;
        return lo + static_cast<long long>(rng() % static_cast<std::uint64_t>(limit - lo));
      };
      const long long a = operand(), b = operand();
      return {std::to_string(a) + "+" + std::to_string(b), std::to_string(a + b)};
    }
  }
  return {};
}

constexpr EnumName<Seq2seqTask> task_names[] = {{Seq2seqTask::reverse, "reverse"},
                                                {Seq2seqTask::sort, "sort"},
                                                {Seq2seqTask::dates, "dates"},
                                                {Seq2seqTask::add, "add"}};

}  // namespace

const char* seq2seq_task_name(Seq2seqTask task) { return name_of(task_names, task); }
bool parse_seq2seq_task(std::string_view text, Seq2seqTask& out) { return parse_name(task_names, text, out); }

std::string validate_seq2seq_task(const Seq2seqTaskConfig& c) {
  if (c.min_length < 1) return "min_length must be at least 1";
  if (c.max_length < c.min_length) return "max_length must be at least min_length";
  if (c.max_length > 256) return "max_length must be at most 256";
  if (c.max_digits < 1 || c.max_digits > 17) return "max_digits must be in 1..17";
  return {};
}

std::vector<SequencePair> make_seq2seq_task(const Seq2seqTaskConfig& config, std::size_t count, std::uint64_t seed) {
  if (const std::string why = validate_seq2seq_task(config); !why.empty()) throw std::invalid_argument(why);
  std::mt19937_64 rng(seed);
  std::vector<SequencePair> pairs;
  pairs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) pairs.push_back(make_pair(config, rng));
  return pairs;
}

SequenceSplit make_seq2seq_split(const Seq2seqTaskConfig& config, std::size_t train, std::size_t val, std::uint64_t seed) {
  SequenceSplit out;
  out.train = make_seq2seq_task(config, train, seed);
  std::set<std::string> seen;
  for (const SequencePair& p : out.train) seen.insert(p.source);
  for (SequencePair& p : make_seq2seq_task(config, val, seed ^ 0x5eed0f0a11da7a5eULL))
    if (!seen.count(p.source)) out.val.push_back(std::move(p));
  return out;
}

}  // namespace unrolled
