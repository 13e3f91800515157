// Real-looking series through `unrolled-cli train` and `forecast` as real processes: which column is
// read (never silently), gaps, ';' separators, other columns that are not numbers, the persistence
// baseline beside the model's MSE, forecast's training and validation parts, and a model without
// normalisation refused.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "io/io_test_util.hpp"
#include "io/model_file.hpp"
#include "io/train_config.hpp"

using namespace unrolled;
using test::run_cli;
using test::ScratchDir;
using test::shell_quote;

namespace {

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const std::size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// key=value pairs of a result line.
std::map<std::string, std::string> fields(const std::string& line) {
  std::map<std::string, std::string> out;
  std::istringstream in(line);
  std::string word;
  while (in >> word)
    if (auto eq = word.find('='); eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
  return out;
}

double number(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  REQUIRE_MESSAGE(it != f.end(), key);
  return std::stod(it->second);
}

// A yearly series with a trend and a cycle: year,value rows from 1900.
double yearly(int i) { return 50 + 0.1 * i + 10 * std::sin(i * 0.55) + 3 * std::cos(i * 1.7); }

std::string year_value_csv(int n, char sep = ',', const std::string& value_name = "value") {
  std::string csv = std::string("year") + sep + value_name + "\n";
  char buf[64];
  for (int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%d%c%.6f\n", 1900 + i, sep, yearly(i));
    csv += buf;
  }
  return csv;
}

const std::string quick_core = " --hidden 6 --seq 8 --epochs 3 --batch 16";
const std::string quick = quick_core + " --progress none";

}  // namespace

TEST_CASE("a file with several columns: the column is named, or found by the documented rule, never guessed") {
  ScratchDir d;
  test::spit(d.file("yv.csv"), year_value_csv(120));
  test::spit(d.file("yt.csv"), year_value_csv(120, ',', "temperature"));
  // "value" is the documented default; the model records the column by name.
  test::RunResult r = run_cli("train --data " + shell_quote(d.file("yv.csv")) + quick + " --out " + d.file("a.json"), d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const io::ModelFile a = io::load_model_file(d.file("a.json"));
  CHECK(a.extra.at("training").at("column") == "value");
  // The normalisation is of the value column's training part (96 of 120 points): population std.
  double mean = 0, var = 0;
  for (int i = 0; i < 96; ++i) mean += yearly(i) / 96;
  for (int i = 0; i < 96; ++i) var += (yearly(i) - mean) * (yearly(i) - mean) / 96;
  const io::TrainingMetadata md = io::read_training_metadata(a.extra, "a.json");
  CHECK(md.normalization.mean == doctest::Approx(mean).epsilon(1e-6));
  CHECK(md.normalization.std == doctest::Approx(std::sqrt(var)).epsilon(1e-6));

  // No "value" column: nothing is picked; the columns are listed.
  r = run_cli("train --data " + shell_quote(d.file("yt.csv")) + quick + " --out " + d.file("b.json"), d);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("has 2 columns; say which one to read") != std::string::npos);
  CHECK(r.err.find("\"year\", \"temperature\"") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.file("b.json")));
  r = run_cli("train --data " + shell_quote(d.file("yt.csv")) + " --column temperature" + quick + " --out " +
                  d.file("b.json"),
              d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);

  // A header "x,0": --column 0 could be either column, so it is refused; a name still works.
  test::spit(d.file("x0.csv"), "x,0\n1,2\n3,4\n");
  r = run_cli("train --data " + shell_quote(d.file("x0.csv")) + " --column 0 --out " + d.file("c.json"), d);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("\"0\" is ambiguous") != std::string::npos);
  // Repeated header names are refused, naming both columns.
  test::spit(d.file("dup.csv"), "t,v,v\n1,2,3\n");
  r = run_cli("train --data " + shell_quote(d.file("dup.csv")) + " --column v --out " + d.file("c.json"), d);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("names columns 2 and 3 both \"v\"") != std::string::npos);
  // A headerless file whose first row holds a date: line 1 would be taken for a header; refused.
  test::spit(d.file("dated.csv"), "1958-03-29,315.7\n1958-04-05,317.1\n");
  r = run_cli("train --data " + shell_quote(d.file("dated.csv")) + " --column 1 --out " + d.file("c.json"), d);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("add a header line") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.file("c.json")));
}

TEST_CASE("only the chosen column is read: dates beside it, ';' separators, gaps refused, dropped or interpolated") {
  ScratchDir d;
  std::string iso = "date;value\n", gappy = "date,value\n";
  for (int i = 0; i < 100; ++i) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "2020-01-%02d;%.6f\n", i % 28 + 1, yearly(i));
    iso += buf;
    if (i == 40 || i == 41) std::snprintf(buf, sizeof buf, "2020-02-%02d,%s\n", i % 28 + 1, i == 40 ? "" : "NA");
    else std::snprintf(buf, sizeof buf, "2020-02-%02d,%.6f\n", i % 28 + 1, yearly(i));
    gappy += buf;
  }
  test::spit(d.file("iso.csv"), iso);
  test::spit(d.file("gappy.csv"), gappy);
  test::RunResult r = run_cli("train --data " + shell_quote(d.file("iso.csv")) + quick + " --out " + d.file("a.json"), d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);

  r = run_cli("train --data " + shell_quote(d.file("gappy.csv")) + quick + " --out " + d.file("b.json"), d);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("line 42, column 2: a gap in column \"value\"") != std::string::npos);
  CHECK(r.err.find("--gaps") != std::string::npos);

  // drop: two points fewer; interpolate: the same length. Both recorded for forecast.
  r = run_cli("train --data " + shell_quote(d.file("gappy.csv")) + " --gaps drop --val-fraction 0.5" + quick_core +
                  " --progress lines --out " + d.file("b.json"),
              d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("98 points, 2 gaps dropped") != std::string::npos);
  r = run_cli("train --data " + shell_quote(d.file("gappy.csv")) + " --gaps interpolate --val-fraction 0.5" + quick_core +
                  " --progress lines --out " + d.file("c.json"),
              d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("100 points, 2 gaps interpolated") != std::string::npos);
  // Interpolated values lie on the line between rows 39 and 42: the forecast CSV's truth shows them.
  r = run_cli("forecast --model " + d.file("c.json") + " --horizon 0 --out " + d.file("f.csv"), d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string f = test::slurp(d.file("f.csv"));
  for (int t : {40, 41}) {
    const std::size_t at = f.find("\n" + std::to_string(t) + ",");
    REQUIRE(at != std::string::npos);
    const double truth = std::stod(f.substr(f.find(',', at) + 1));
    const double want = yearly(39) + (yearly(42) - yearly(39)) * (t - 39) / 3.0;
    CHECK(truth == doctest::Approx(want).epsilon(1e-6));
  }
  r = run_cli("train --data " + shell_quote(d.file("gappy.csv")) + " --gaps fill --out " + d.file("x.json"), d);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--gaps") != std::string::npos);
  r = run_cli("train --gaps drop --out " + d.file("x.json"), d);  // sine: no file to have gaps
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--gaps applies to CSV data only") != std::string::npos);
}

TEST_CASE("train reports the persistence baseline; forecast the training and validation parts apart") {
  ScratchDir d;
  test::spit(d.file("yv.csv"), year_value_csv(150));
  test::RunResult r = run_cli("train --data " + shell_quote(d.file("yv.csv")) + quick + " --out " + d.file("m.json"), d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto done = fields(last_line(r.out));
  // Persistence over the validation points t = 120 … 149, in normalised units, from the data itself.
  const io::ModelFile m = io::load_model_file(d.file("m.json"));
  const io::TrainingMetadata md = io::read_training_metadata(m.extra, "m.json");
  double persistence = 0, persistence_train = 0;
  for (int t = 120; t < 150; ++t) persistence += std::pow((yearly(t) - yearly(t - 1)) / md.normalization.std, 2) / 30;
  for (int t = 8; t < 120; ++t) persistence_train += std::pow(yearly(t) - yearly(t - 1), 2) / 112;
  CHECK(number(done, "persistence_val_mse") == doctest::Approx(persistence).epsilon(1e-4));
  CHECK(m.extra.at("training_result").at("persistence_val_mse").get<double>() ==
        doctest::Approx(persistence).epsilon(1e-4));

  // forecast, defaults only: the validation part is split off as in training and the rollout starts
  // there, so every number has a truth (no nan on a first try).
  r = run_cli("forecast --model " + d.file("m.json") + " --horizon 30 --out " + d.file("f.csv"), d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto fc = fields(last_line(r.out));
  CHECK(fc.at("from") == "120");
  CHECK(fc.at("normalization") == "stored");
  const double s2 = md.normalization.std * md.normalization.std;
  CHECK(number(fc, "val_mse") == doctest::Approx(number(done, "val_mse") * s2).epsilon(1e-3));
  CHECK(number(fc, "train_mse") == doctest::Approx(number(done, "train_mse") * s2).epsilon(1e-3));
  CHECK(number(fc, "persistence_val_mse") == doctest::Approx(persistence * s2).epsilon(1e-4));
  CHECK(number(fc, "persistence_train_mse") == doctest::Approx(persistence_train).epsilon(1e-4));
  CHECK(std::isfinite(number(fc, "rollout_mse")));
}

TEST_CASE("a model without normalisation is refused by forecast unless --normalization raw says so") {
  ScratchDir d;
  test::spit(d.file("yv.csv"), year_value_csv(100));
  test::RunResult r = run_cli("train --data " + shell_quote(d.file("yv.csv")) + quick + " --out " + d.file("m.json"), d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  io::ModelFile m = io::load_model_file(d.file("m.json"));
  m.extra.erase("normalization");
  io::save_model_file(d.file("raw.json"), m);
  r = run_cli("forecast --model " + d.file("raw.json") + " --horizon 5 --out " + d.file("f.csv"), d);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("has no \"normalization\"") != std::string::npos);
  CHECK(r.err.find("--normalization raw") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.file("f.csv")));
  r = run_cli("forecast --model " + d.file("raw.json") + " --horizon 5 --normalization raw --out " + d.file("f.csv"), d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(fields(last_line(r.out)).at("normalization") == "raw");
  r = run_cli("forecast --model " + d.file("raw.json") + " --horizon 5 --normalization fit --out " + d.file("f.csv"), d);
  CHECK(r.exit_code == 2);
}

TEST_CASE("help texts: each default said once; train's epochs default is the app's 200") {
  ScratchDir d;
  test::RunResult r = run_cli("forecast --help", d);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("(default: the training one) (default") == std::string::npos);
  CHECK(r.out.find("--normalization") != std::string::npos);
  r = run_cli("train --help", d);
  REQUIRE(r.exit_code == 0);
  const std::size_t at = r.out.find("  --epochs N");
  REQUIRE(at != std::string::npos);
  CHECK(r.out.substr(at, r.out.find('\n', at) - at).find("(default 200)") != std::string::npos);
  CHECK(r.out.find("--gaps") != std::string::npos);
  r = run_cli("trace --help", d);
  CHECK(r.out.find("--normalization stored|none") != std::string::npos);
}

namespace {
// The value column of a shipped series, read here with the standard library only.
std::vector<double> shipped_series(const std::string& name) {
  std::istringstream in(test::slurp(std::string(UNROLLED_TEST_DATA) + "/../../assets/data/" + name + ".csv"));
  std::string line;
  std::getline(in, line);
  REQUIRE(line.substr(line.find(',')) == ",value");
  std::vector<double> v;
  while (std::getline(in, line))
    if (!line.empty()) v.push_back(std::stod(line.substr(line.find(',') + 1)));
  return v;
}
}  // namespace

TEST_CASE("the shipped real series open by name and train; the persistence baseline is the one of their data") {
  ScratchDir d;
  for (const char* name : {"sunspots", "co2", "nile"}) {
    CAPTURE(name);
    const std::vector<double> x = shipped_series(name);
    REQUIRE(x.size() >= 100);
    test::RunResult r = run_cli(std::string("train --data ") + name + quick + " --out " + d.file("m.json"), d);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto done = fields(last_line(r.out));
    // Chronological split at S = N - round(0.2 N); population std of the training part.
    const int n = static_cast<int>(x.size()), s = n - static_cast<int>(std::lround(0.2 * n));
    double mean = 0, var = 0, persistence = 0;
    for (int i = 0; i < s; ++i) mean += x[i] / s;
    for (int i = 0; i < s; ++i) var += (x[i] - mean) * (x[i] - mean) / s;
    for (int t = s; t < n; ++t) persistence += (x[t] - x[t - 1]) * (x[t] - x[t - 1]) / var / (n - s);
    CHECK(number(done, "persistence_val_mse") == doctest::Approx(persistence).epsilon(1e-4));
    CHECK(std::isfinite(number(done, "val_mse")));
    const io::ModelFile m = io::load_model_file(d.file("m.json"));
    CHECK(m.extra.at("training").at("data") == name);
    CHECK(m.extra.at("training").at("column") == "value");
    // forecast finds the data set again from the model's settings.
    r = run_cli("forecast --model " + d.file("m.json") + " --horizon 5 --out " + d.file("f.csv"), d);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto fc = fields(last_line(r.out));
    CHECK(fc.at("points") == std::to_string(n));
    CHECK(number(fc, "persistence_val_mse") == doctest::Approx(persistence * var).epsilon(1e-4));
  }
  const test::RunResult r = run_cli("train --data sunspot --out " + d.file("x.json"), d);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no such file or data set") != std::string::npos);
  CHECK(r.err.find("co2, nile, sunspots") != std::string::npos);
  // No data folder at all ($UNROLLED_DATA naming none, as a broken install would): a missing file
  // (exit 1, not a usage error), naming the folder looked in; --out untouched.
  const char* old = std::getenv("UNROLLED_DATA");
  const std::string saved = old ? old : "";
  setenv("UNROLLED_DATA", d.file("no-data").c_str(), 1);
  const test::RunResult none = run_cli("train --data co2 --out " + d.file("y.json"), d);
  if (old)
    setenv("UNROLLED_DATA", saved.c_str(), 1);
  else
    unsetenv("UNROLLED_DATA");
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("--data co2: no such file, and no data folder to look it up in (looked in " + d.file("no-data") +
                      "; set UNROLLED_DATA)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.file("y.json")));
}
