// CSV: header detection, column selection, every bad input refused with line and column, and a
// writer whose numbers read back exactly.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "io/csv.hpp"
#include "io/io_test_util.hpp"

using namespace unrolled;

namespace {
std::string csv_error(const std::string& path) {
  try {
    (void)io::read_csv(path);
  } catch (const io::IoError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("a header line is detected and columns are found by name or index") {
  const io::CsvTable t = io::parse_csv("time, value\n0,0.5\n1,-1.25e-3\n2,+3\n", "h.csv");
  REQUIRE(t.header.size() == 2);
  CHECK(t.header[1] == "value");
  REQUIRE(t.rows.size() == 3);
  CHECK(t.columns() == 2);
  CHECK(io::column(t, "value") == std::vector<double>{0.5, -1.25e-3, 3.0});
  CHECK(io::column(t, "0") == std::vector<double>{0, 1, 2});
  CHECK(io::column_index(t, "1") == 1);
  CHECK_THROWS_WITH_AS(io::column(t, "speed"), doctest::Contains("h.csv: no column \"speed\""), io::IoError);
  CHECK_THROWS_WITH_AS(io::column(t, "2"), doctest::Contains("indices 0..1"), io::IoError);
}

TEST_CASE("no header: first line is data; CRLF, BOM, quotes and blank lines are accepted") {
  const io::CsvTable t = io::parse_csv("\xEF\xBB\xBF" "1,2,3\r\n4,5,6\r\n\r\n  7 ,\"8\",9\r\n\n", "p.csv");
  CHECK(t.header.empty());
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[2] == std::vector<double>{7, 8, 9});
  const io::CsvTable q = io::parse_csv("\"a\",\"b\"\n.5,5.\n", "q.csv");
  CHECK(q.header == std::vector<std::string>{"a", "b"});
  CHECK(q.rows[0] == std::vector<double>{0.5, 5.0});
  // One column, no trailing newline.
  CHECK(io::parse_csv("3.25", "one.csv").rows == std::vector<std::vector<double>>{{3.25}});
}

TEST_CASE("bad CSV files are refused with file, line, column and the offending text") {
  struct Case {
    const char* file;
    std::vector<const char*> expect;
  };
  const Case cases[] = {
      {"bad_cell.csv", {"line 3, column 2", "not a number", "\"x7\""}},
      {"ragged.csv", {"line 3", "has 1 cell", "expected 2"}},
      {"empty.csv", {"file is empty"}},
      {"header_only.csv", {"no data rows"}},
      {"nan.csv", {"line 3, column 1", "NaN", "\"nan\""}},
      {"inf.csv", {"line 2, column 1", "\"-inf\""}},
      {"empty_cell.csv", {"line 2, column 2", "empty cell"}},
      {"overflow.csv", {"line 2, column 1", "out of range", "1e999"}},
  };
  for (const Case& c : cases) {
    const std::string path = test::data_file(std::string("bad/") + c.file);
    REQUIRE(std::filesystem::exists(path));
    const std::string msg = csv_error(path);
    CAPTURE(std::string(c.file));
    CAPTURE(msg);
    CHECK(msg.rfind(path + ": ", 0) == 0);
    for (const char* s : c.expect) CHECK(msg.find(s) != std::string::npos);
  }
  test::ScratchDir dir;
  CHECK(csv_error(dir.path().string()).find("is a directory") != std::string::npos);
  CHECK(csv_error(dir.file("missing.csv")).find("No such file") != std::string::npos);
  CHECK_THROWS_WITH_AS(io::parse_csv("1\n0x10\n", "hex.csv"), doctest::Contains("line 2, column 1: not a number"),
                       io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_csv(" \n\n", "blank.csv"), doctest::Contains("file is empty"), io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_csv("1,2\n3,4,5\n", "r.csv"), doctest::Contains("line 2: has 3 cells, expected 2"),
                       io::FormatError);
}

TEST_CASE("size limits") {
  io::CsvLimits limits;
  limits.max_rows = 3;
  CHECK_NOTHROW(io::parse_csv("1\n2\n3\n", "ok.csv", limits));
  CHECK_THROWS_WITH_AS(io::parse_csv("1\n2\n3\n4\n", "rows.csv", limits), doctest::Contains("line 4: more than 3"),
                       io::FormatError);
  limits = {};
  limits.max_columns = 2;
  CHECK_THROWS_WITH_AS(io::parse_csv("1,2,3\n", "cols.csv", limits), doctest::Contains("3 columns"), io::FormatError);
  limits = {};
  limits.max_bytes = 4;
  CHECK_THROWS_WITH_AS(io::parse_csv("1,2,3\n", "bytes.csv", limits), doctest::Contains("too large"), io::FormatError);
}

TEST_CASE("written numbers read back exactly: 17 digits for double, 9 for float") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1e3, 1e3);
  io::CsvTable t;
  t.header = {"step", "value", "small"};
  for (int i = 0; i < 500; ++i) t.rows.push_back({double(i), u(rng), u(rng) * 1e-200});
  t.rows.push_back({-0.0, 1.7976931348623157e308, 2.2250738585072014e-308});
  test::ScratchDir dir;
  io::write_csv(dir.file("d.csv"), t, io::csv_digits_f64);
  const io::CsvTable back = io::read_csv(dir.file("d.csv"));
  CHECK(back.header == t.header);
  CHECK(back.rows == t.rows);

  io::CsvTable f;
  for (int i = 0; i < 500; ++i) f.rows.push_back({double(static_cast<float>(u(rng) * 1e-3))});
  f.rows.push_back({double(std::numeric_limits<float>::max())});
  f.rows.push_back({double(std::numeric_limits<float>::denorm_min())});
  const io::CsvTable fb = io::parse_csv(io::format_csv(f, io::csv_digits_f32), "f.csv");
  REQUIRE(fb.rows.size() == f.rows.size());
  for (std::size_t i = 0; i < f.rows.size(); ++i)
    CHECK(static_cast<float>(fb.rows[i][0]) == static_cast<float>(f.rows[i][0]));

  // Non-finite values are written (so a diverged run's metrics are not lost) but not read back.
  io::CsvTable bad;
  bad.rows = {{1.0, std::nan("")}, {-INFINITY, 2.0}};
  CHECK(io::format_csv(bad) == "1,nan\n-inf,2\n");
  // Headers that CSV cannot hold, and ragged rows, are refused before anything is written.
  test::spit(dir.file("keep.csv"), "keep");
  io::CsvTable comma;
  comma.header = {"a,b"};
  comma.rows = {{1.0}};
  CHECK_THROWS_AS(io::write_csv(dir.file("keep.csv"), comma), io::IoError);
  io::CsvTable ragged;
  ragged.header = {"a", "b"};
  ragged.rows = {{1.0}};
  CHECK_THROWS_WITH_AS(io::write_csv(dir.file("keep.csv"), ragged), doctest::Contains("keep.csv"), io::IoError);
  CHECK(test::slurp(dir.file("keep.csv")) == "keep");
}

TEST_CASE("every fuzz seed either reads as a rectangular finite table or is refused") {
  int ok = 0, refused = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::data_file("fuzz/csv"))) {
    CAPTURE(e.path().string());
    io::CsvTable t;
    try {
      t = io::read_csv(e.path().string());
    } catch (const io::IoError& err) {
      CHECK(std::string(err.what()).rfind(e.path().string() + ": ", 0) == 0);
      ++refused;
      continue;
    }
    for (const auto& row : t.rows) {
      CHECK(row.size() == t.columns());
      for (double v : row) CHECK(std::isfinite(v));
    }
    ++ok;
  }
  CHECK(ok >= 3);
  CHECK(refused >= 3);
}

TEST_CASE("';' separated files, repeated header names refused, decimal commas named") {
  const io::CsvTable t = io::parse_csv("a;b\n1;2.5\n3;-4\n", "semi.csv");
  CHECK(t.header == std::vector<std::string>{"a", "b"});
  CHECK(io::column(t, "b") == std::vector<double>{2.5, -4});
  CHECK_THROWS_WITH_AS(io::parse_csv("a;b\n1,5;2\n", "comma.csv"), doctest::Contains("decimal commas are not read"),
                       io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_csv("x,y,x\n1,2,3\n", "dup.csv"),
                       doctest::Contains("dup.csv: line 1: the header names columns 1 and 3 both \"x\""),
                       io::FormatError);
}

TEST_CASE("column selection: the only column, else \"value\", else asked; ambiguity and numeric names refused") {
  CHECK(io::select_column({}, 1, "", "f.csv") == 0);
  CHECK(io::select_column({"year", "value"}, 2, "", "f.csv") == 1);
  CHECK_THROWS_WITH_AS(io::select_column({"year", "temp"}, 2, "", "f.csv"),
                       doctest::Contains("f.csv: has 2 columns; say which one to read (columns \"year\", \"temp\""),
                       io::IoError);
  CHECK_THROWS_WITH_AS(io::select_column({}, 3, "", "f.csv"), doctest::Contains("no header; indices 0..2"), io::IoError);
  CHECK(io::select_column({"year", "temp"}, 2, "temp", "f.csv") == 1);
  CHECK(io::select_column({"year", "temp"}, 2, "0", "f.csv") == 0);
  CHECK_THROWS_WITH_AS(io::select_column({"x", "0"}, 2, "0", "f.csv"), doctest::Contains("\"0\" is ambiguous"),
                       io::IoError);
  // A header cell that is a number: line 1 was probably data (a date beside it made it look like a header).
  CHECK_THROWS_WITH_AS(io::select_column({"1958-03-29", "315.7"}, 2, "1", "f.csv"),
                       doctest::Contains("add a header line"), io::IoError);
  CHECK(io::select_column({"x", "0"}, 2, "x", "f.csv") == 0);
}

TEST_CASE("a series column: other columns may hold anything; gaps refused, dropped or interpolated") {
  const std::string text = "date,label,value\n2020-01-01,a,1\n2020-01-02,,NA\n2020-01-03,b,\n2020-01-04,c,7\n";
  CHECK_THROWS_WITH_AS(io::parse_series_column(text, "g.csv", "value", io::GapPolicy::refuse),
                       doctest::Contains("g.csv: line 3, column 3: a gap in column \"value\""), io::FormatError);
  const io::SeriesColumn dropped = io::parse_series_column(text, "g.csv", "", io::GapPolicy::drop);
  CHECK(dropped.values == std::vector<double>{1, 7});
  CHECK(dropped.gaps == 2);
  CHECK(dropped.name == "value");
  CHECK(dropped.index == 2);
  const io::SeriesColumn filled = io::parse_series_column(text, "g.csv", "2", io::GapPolicy::interpolate);
  REQUIRE(filled.values.size() == 4);
  CHECK(filled.values[1] == doctest::Approx(3));  // 1 + (7 - 1) / 3
  CHECK(filled.values[2] == doctest::Approx(5));
  CHECK_THROWS_WITH_AS(io::parse_series_column("v\n\n1\nnan\n", "end.csv", "", io::GapPolicy::interpolate),
                       doctest::Contains("end.csv: line 4: a gap after the last value"), io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_series_column("v\nNaN\n2\n", "start.csv", "", io::GapPolicy::interpolate),
                       doctest::Contains("a gap before the first value"), io::FormatError);
  // The chosen column must still be numbers; a ragged row is still an error.
  CHECK_THROWS_WITH_AS(io::parse_series_column("d,v\nx,1\ny,abc\n", "w.csv", "v", io::GapPolicy::drop),
                       doctest::Contains("w.csv: line 3, column 2: not a number"), io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_series_column("d,v\nx,1\ny\n", "r.csv", "v", io::GapPolicy::drop),
                       doctest::Contains("r.csv: line 3: has 1 cell, expected 2"), io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_series_column("v\nNA\n\n", "none.csv", "", io::GapPolicy::drop),
                       doctest::Contains("has no values, only gaps"), io::FormatError);
  io::GapPolicy p;
  CHECK(io::parse_gap_policy("interpolate", p));
  CHECK(p == io::GapPolicy::interpolate);
  CHECK_FALSE(io::parse_gap_policy("fill", p));
}

TEST_CASE("read_csv_columns: the header's names without reading the cells; a first line of data has none") {
  const io::CsvColumns named = io::parse_csv_columns("date;value;note\n2001-01;5;x\n", "t.csv");
  CHECK(named.header == std::vector<std::string>{"date", "value", "note"});
  CHECK(named.width == 3);
  const io::CsvColumns bare = io::parse_csv_columns("1,2\n3,4\n", "b.csv");
  CHECK(bare.header.empty());
  CHECK(bare.width == 2);
  CHECK_THROWS_AS(io::parse_csv_columns("a,a\n1,2\n", "d.csv"), io::FormatError);  // repeated names, as read_csv
  CHECK_THROWS_AS(io::parse_csv_columns("", "e.csv"), io::FormatError);
}
