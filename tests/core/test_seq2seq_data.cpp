// The generated seq2seq tasks: every target checked against an independent computation of what the
// task means (std::reverse, std::sort, integer addition, the date's own fields), seeds repeat.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/seq2seq_data.hpp"

using namespace unrolled;

TEST_CASE("seq2seq tasks: reverse, sort and add targets follow from their sources") {
  Seq2seqTaskConfig c;
  for (Seq2seqTask task : {Seq2seqTask::reverse, Seq2seqTask::sort, Seq2seqTask::add}) {
    c.task = task;
    for (const SequencePair& p : make_seq2seq_task(c, 500, 7)) {
      if (task == Seq2seqTask::add) {
        const std::size_t plus = p.source.find('+');
        REQUIRE(plus != std::string::npos);
        CHECK(std::stoll(p.target) == std::stoll(p.source.substr(0, plus)) + std::stoll(p.source.substr(plus + 1)));
        CHECK(p.source.size() <= 2 * static_cast<std::size_t>(c.max_digits) + 1);
        continue;
      }
      CHECK(p.source.size() >= 5);
      CHECK(p.source.size() <= 15);
      std::string expected = p.source;
      if (task == Seq2seqTask::reverse) std::reverse(expected.begin(), expected.end());
      else std::sort(expected.begin(), expected.end());
      CHECK(p.target == expected);
    }
  }
}

TEST_CASE("seq2seq tasks: dates are ISO 8601 and the source holds the same day and year") {
  Seq2seqTaskConfig c;
  c.task = Seq2seqTask::dates;
  for (const SequencePair& p : make_seq2seq_task(c, 500, 3)) {
    REQUIRE(p.target.size() == 10);
    CHECK(p.target[4] == '-');
    CHECK(p.target[7] == '-');
    const int year = std::stoi(p.target.substr(0, 4)), day = std::stoi(p.target.substr(8, 2));
    CHECK(year >= 1950);
    CHECK(year <= 2049);
    CHECK(p.source.find(std::to_string(day)) != std::string::npos);
    const std::string yy = std::to_string(year % 100 / 10) + std::to_string(year % 10);  // "3-Mar-05"
    CHECK(p.source.find(yy) != std::string::npos);
  }
}

TEST_CASE("seq2seq tasks: seeded, named both ways, bad settings refused") {
  Seq2seqTaskConfig c;
  c.task = Seq2seqTask::dates;
  const auto a = make_seq2seq_task(c, 50, 11), b = make_seq2seq_task(c, 50, 11), d = make_seq2seq_task(c, 50, 12);
  CHECK(std::equal(a.begin(), a.end(), b.begin(), [](auto& x, auto& y) { return x.source == y.source && x.target == y.target; }));
  CHECK_FALSE(std::equal(a.begin(), a.end(), d.begin(), [](auto& x, auto& y) { return x.source == y.source; }));
  Seq2seqTask t{};
  CHECK(parse_seq2seq_task("sort", t));
  CHECK(t == Seq2seqTask::sort);
  CHECK(std::string(seq2seq_task_name(Seq2seqTask::add)) == "add");
  CHECK_FALSE(parse_seq2seq_task("copy", t));
  c.max_length = 2;
  CHECK_THROWS_AS(make_seq2seq_task(c, 1, 1), std::invalid_argument);
}
