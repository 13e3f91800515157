// `unrolled-cli trace` run as a real process: exit codes, --out never created or clobbered on
// failure, and every number against PyTorch (tests/data/reference, batch-1 cases) in f64 and f32.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "io/io_test_util.hpp"
#include "io/model_file.hpp"

using namespace unrolled;
using nlohmann::json;
using test::shell_quote;

namespace {

const char* const keep = "previous trace, must survive\n";

// A small valid setup: an LSTM with I = 2, O = 1 and 3 input rows.
struct Setup {
  test::ScratchDir dir;
  std::string model = test::data_file("fuzz/model/lstm_1x2.json");  // I = 1, H = 2, O = 1
  std::string input, target, target_all, out;
  Setup() {
    input = dir.file("x.csv");
    target = dir.file("y.csv");
    target_all = dir.file("y_all.csv");
    out = dir.file("t.json");
    test::spit(input, "x\n0.5\n-1\n2\n");
    test::spit(target, "0.25\n");
    test::spit(target_all, "0.1\n0.2\n0.3\n");
    test::spit(out, keep);
  }
  std::string base() const {
    return "trace --model " + shell_quote(model) + " --input " + shell_quote(input) + " --out " + shell_quote(out);
  }
};

std::string csv_rows(const json& rows) {  // [T][X] numbers -> CSV lines, exact digits
  std::string s;
  char buf[40];
  for (const json& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%.17g", row[i].get<double>());
      s += (i ? "," : "") + std::string(buf);
    }
    s += "\n";
  }
  return s;
}

json drop_batch(const json& tbx) {  // [T][1][X] -> [T][X]
  json out = json::array();
  for (const json& step : tbx) out.push_back(step.at(0));
  return out;
}

struct Compare {
  Compare(double tolerance, bool rel) : tol(tolerance), relative(rel) {}
  double tol;
  bool relative;
  int count = 0;
  double worst = 0;
  std::string worst_at;

  void numbers(const json& got, const json& want, const std::string& where) {
    if (want.is_array()) {
      REQUIRE_MESSAGE(got.is_array(), where);
      REQUIRE_MESSAGE(got.size() == want.size(), where);
      for (std::size_t i = 0; i < want.size(); ++i) numbers(got[i], want[i], where + "[" + std::to_string(i) + "]");
      return;
    }
    REQUIRE_MESSAGE(got.is_number(), where);
    const double a = got.get<double>(), b = want.get<double>();
    const double err = std::abs(a - b) / (relative ? std::max(1.0, std::abs(b)) : 1.0);
    ++count;
    if (err > worst) {
      worst = err;
      worst_at = where;
    }
    if (!(err <= tol)) FAIL_CHECK(where << ": got " << a << ", PyTorch " << b << " (error " << err << ")");
  }
};

}  // namespace

TEST_CASE("help, unknown command and usage errors") {
  test::ScratchDir dir;
  test::RunResult r = test::run_cli("trace --help", dir);
  CHECK(r.exit_code == 0);
  for (const char* flag : {"--model", "--input", "--target", "--loss", "--precision", "--truncate", "--out", "--help"})
    CHECK(r.out.find(flag) != std::string::npos);
  r = test::run_cli("--help", dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("trace") != std::string::npos);
  CHECK(test::run_cli("", dir).exit_code == 2);
  r = test::run_cli("frobnicate", dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command") != std::string::npos);

  Setup s;
  const struct {
    std::string args;
    const char* expect;
  } usage[] = {
      {s.base() + " --bogus 1", "unknown flag --bogus"},
      {"trace --input " + shell_quote(s.input) + " --out " + shell_quote(s.out), "--model"},
      {"trace --model " + shell_quote(s.model) + " --input " + shell_quote(s.input), "--out"},
      {s.base() + " --target " + shell_quote(s.target) + " --precision f16", "--precision"},
      {s.base() + " --target " + shell_quote(s.target) + " --loss mean", "--loss"},
      {s.base() + " --target " + shell_quote(s.target) + " --truncate -1", "--truncate"},
      {s.base() + " --target " + shell_quote(s.target) + " --truncate abc", "--truncate"},
      {s.base() + " --loss all", "--loss needs --target"},
      {s.base() + " --model " + shell_quote(s.model), "given twice"},
      {"trace --model " + shell_quote(s.model) + " --input " + shell_quote(s.input) + " --out " +
           shell_quote(s.input),
       "same file"},
      {s.base() + " stray", "unexpected argument"},
  };
  for (const auto& u : usage) {
    CAPTURE(u.args);
    r = test::run_cli(u.args, s.dir);
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(u.expect) != std::string::npos);
    CHECK(test::slurp(s.out) == keep);
    CHECK(test::slurp(s.input) == "x\n0.5\n-1\n2\n");
  }
}

TEST_CASE("bad files exit 1 naming the file and the field; --out is never created or clobbered") {
  Setup s;
  test::spit(s.dir.file("wide.csv"), "1,2\n3,4\n");
  test::spit(s.dir.file("bad_cell.csv"), "1\n2\nzz\n");
  const std::string q_model = shell_quote(s.model), q_input = shell_quote(s.input), q_out = shell_quote(s.out);
  const struct {
    std::string args;
    std::vector<std::string> expect;
  } runs[] = {
      {"trace --model " + shell_quote(s.dir.file("missing.json")) + " --input " + q_input + " --out " + q_out,
       {"missing.json", "No such file"}},
      {"trace --model " + shell_quote(test::data_file("bad/nan.json")) + " --input " + q_input + " --out " + q_out,
       {"bad/nan.json", "tensors.rnn.weight_hh_l0.data[3][1]"}},
      {"trace --model " + shell_quote(test::data_file("bad/deep_nesting.json")) + " --input " + q_input + " --out " +
           q_out,
       {"deep_nesting.json", "nested deeper"}},
      {"trace --model " + q_model + " --input " + shell_quote(s.dir.file("wide.csv")) + " --out " + q_out,
       {"wide.csv", "2 columns", "input_size is 1"}},
      {"trace --model " + q_model + " --input " + shell_quote(s.dir.file("bad_cell.csv")) + " --out " + q_out,
       {"bad_cell.csv", "line 3, column 1", "\"zz\""}},
      {"trace --model " + q_model + " --input " + shell_quote(test::data_file("bad/empty.csv")) + " --out " + q_out,
       {"empty.csv", "empty"}},
      {s.base() + " --target " + shell_quote(s.target_all), {"y_all.csv", "3 data rows", "--loss last needs 1"}},
      {s.base() + " --target " + shell_quote(s.target) + " --loss all", {"y.csv", "1 data rows", "needs 3"}},
      {s.base() + " --target " + shell_quote(s.dir.file("wide.csv")), {"wide.csv", "output_size is 1"}},
      {"trace --model " + q_model + " --input " + q_input + " --out " + shell_quote(s.dir.path().string()),
       {"is a directory"}},
      {"trace --model " + q_model + " --input " + q_input + " --out " + shell_quote(s.dir.file("no/such/t.json")),
       {"does not exist"}},
      {"trace --model " + shell_quote(s.dir.path().string()) + " --input " + q_input + " --out " + q_out,
       {"is a directory"}},
  };
  for (const auto& run : runs) {
    CAPTURE(run.args);
    const test::RunResult r = test::run_cli(run.args, s.dir);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    for (const std::string& e : run.expect) CHECK(r.err.find(e) != std::string::npos);
    CHECK(test::slurp(s.out) == keep);
  }
  // A fresh --out path is not created by a failed run.
  const std::string fresh = s.dir.file("fresh.json");
  const test::RunResult r = test::run_cli("trace --model " + shell_quote(test::data_file("bad/wrong_shape.json")) +
                                              " --input " + q_input + " --out " + shell_quote(fresh),
                                          s.dir);
  CHECK(r.exit_code == 1);
  CHECK(!std::filesystem::exists(fresh));
  // No temporary files were left anywhere in the directory.
  for (const auto& e : std::filesystem::directory_iterator(s.dir.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("successful runs replace --out with a complete trace") {
  Setup s;
  test::RunResult r = test::run_cli(s.base(), s.dir);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(test::slurp(s.out));
  CHECK(!j.contains("loss"));
  CHECK(j.at("outputs").size() == 3);
  CHECK(j.at("layers")[0].at("gates").size() == 4);

  r = test::run_cli(s.base() + " --target " + shell_quote(s.target_all) + " --loss all --precision f32", s.dir);
  REQUIRE(r.exit_code == 0);
  j = json::parse(test::slurp(s.out));
  CHECK(j.at("loss").get<double>() > 0);
  CHECK(j.at("grad_input").size() == 3);
  CHECK(j.at("grads").size() == 6);
  CHECK(j.at("layers")[0].at("grad_h").size() == 3);

  r = test::run_cli(s.base() + " --target=" + shell_quote(s.target) + " --truncate=2", s.dir);
  CHECK(r.exit_code == 0);
}

TEST_CASE("trace matches PyTorch on every batch-1 reference case, in f64 and f32") {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(test::data_file("reference")))
    if (e.path().extension() == ".json" && e.path().filename() != "optim.json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int cases = 0, truncated = 0;
  struct Summary {
    long numbers = 0;
    double worst = 0;
    std::string where;
  } f64, f32;
  for (const auto& path : files) {
    const json ref = json::parse(test::slurp(path.string()));
    if (ref.at("batch").get<int>() != 1) continue;
    const std::string name = ref.at("case").get<std::string>();
    CAPTURE(name);
    test::ScratchDir dir;
    const std::string model = dir.file("model.json"), input = dir.file("x.csv"), target = dir.file("y.csv");
    test::spit(model, ref.at("model").dump());
    test::spit(input, csv_rows(drop_batch(ref.at("input"))));
    const bool last = ref.at("loss") == "last";
    test::spit(target, last ? csv_rows(ref.at("target")) : csv_rows(drop_batch(ref.at("target"))));
    const int k = ref.at("truncate").get<int>();
    truncated += k > 0;

    const json& want = ref.at("expected");
    json expected_trace = {{"loss", want.at("loss")},
                           {"outputs", drop_batch(want.at("outputs"))},
                           {"grad_input", drop_batch(want.at("grad_input"))},
                           {"layers", json::array()},
                           {"grads", json::object()}};
    for (const json& layer : want.at("layers")) {
      json l;
      for (auto& [key, v] : layer.items()) {
        if (key == "gates") {
          for (auto& [g, gv] : v.items()) l["gates"][g] = drop_batch(gv);
        } else {
          l[key] = drop_batch(v);
        }
      }
      expected_trace["layers"].push_back(l);
    }
    for (auto& [tname, t] : want.at("grads").items()) expected_trace["grads"][tname] = t;

    for (const std::string precision : {"f64", "f32"}) {
      CAPTURE(precision);
      const std::string out = dir.file("trace_" + precision + ".json");
      std::string args = "trace --model " + shell_quote(model) + " --input " + shell_quote(input) + " --target " +
                         shell_quote(target) + " --loss " + ref.at("loss").get<std::string>() + " --precision " +
                         precision + " --out " + shell_quote(out);
      if (k > 0) args += " --truncate " + std::to_string(k);
      const test::RunResult r = test::run_cli(args, dir);
      CAPTURE(r.err);
      REQUIRE(r.exit_code == 0);
      const json got = json::parse(test::slurp(out));
      // Same keys as PyTorch's trace, nothing more, nothing less.
      CHECK(got.size() == expected_trace.size());
      REQUIRE(got.at("layers").size() == expected_trace["layers"].size());
      for (std::size_t i = 0; i < got["layers"].size(); ++i) {
        CHECK(got["layers"][i].size() == expected_trace["layers"][i].size());
        if (expected_trace["layers"][i].contains("gates"))
          CHECK(got["layers"][i].at("gates").size() == expected_trace["layers"][i]["gates"].size());
      }
      CHECK(got.at("grads").size() == expected_trace["grads"].size());
      Compare cmp(precision == "f64" ? 1e-10 : 1e-5, precision == "f32");
      cmp.numbers(got.at("loss"), expected_trace["loss"], "loss");
      cmp.numbers(got.at("outputs"), expected_trace["outputs"], "outputs");
      cmp.numbers(got.at("grad_input"), expected_trace["grad_input"], "grad_input");
      for (std::size_t i = 0; i < got["layers"].size(); ++i)
        for (auto& [key, v] : expected_trace["layers"][i].items()) {
          const std::string where = "layers[" + std::to_string(i) + "]." + key;
          if (key == "gates") {
            for (auto& [g, gv] : v.items()) cmp.numbers(got["layers"][i]["gates"].at(g), gv, where + "." + g);
          } else {
            cmp.numbers(got["layers"][i].at(key), v, where);
          }
        }
      for (auto& [tname, t] : expected_trace["grads"].items()) {
        CHECK(got["grads"].at(tname).at("shape") == t.at("shape"));
        cmp.numbers(got["grads"][tname].at("data"), t.at("data"), "grads." + tname);
      }
      CHECK(cmp.count > 0);
      Summary& sum = precision == "f64" ? f64 : f32;
      sum.numbers += cmp.count;
      if (cmp.worst >= sum.worst) {
        sum.worst = cmp.worst;
        sum.where = name + " " + cmp.worst_at;
      }
    }
    ++cases;
  }
  MESSAGE(cases << " batch-1 cases; f64: " << f64.numbers << " numbers, worst abs error " << f64.worst << " ("
                << f64.where << "); f32: " << f32.numbers << " numbers, worst rel error " << f32.worst << " ("
                << f32.where << ")");
  CHECK(cases >= 5);  // fails rather than passing silently when the fixtures are missing
  CHECK(truncated >= 1);
}

TEST_CASE("trace applies a model's stored normalisation to the input and target, and says so") {
  test::ScratchDir d;
  io::ModelFile m = io::load_model_file(test::data_file("fuzz/model/lstm_1x2.json"));
  m.extra["normalization"] = {{"mean", 10.0}, {"std", 4.0}};
  io::save_model_file(d.file("norm.json"), m);
  // Raw values x and their normalised (x - 10) / 4, computed here by hand.
  test::spit(d.file("raw.csv"), "12\n6\n18\n");
  test::spit(d.file("z.csv"), "0.5\n-1\n2\n");
  test::spit(d.file("y_raw.csv"), "11\n");
  test::spit(d.file("y_z.csv"), "0.25\n");
  const std::string model = shell_quote(d.file("norm.json")), plain = shell_quote(test::data_file("fuzz/model/lstm_1x2.json"));
  test::RunResult r = test::run_cli("trace --model " + model + " --input " + shell_quote(d.file("raw.csv")) +
                                        " --target " + shell_quote(d.file("y_raw.csv")) + " --out " + shell_quote(d.file("a.json")),
                                    d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  r = test::run_cli("trace --model " + plain + " --input " + shell_quote(d.file("z.csv")) + " --target " +
                        shell_quote(d.file("y_z.csv")) + " --out " + shell_quote(d.file("b.json")),
                    d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  json a = json::parse(test::slurp(d.file("a.json"))), b = json::parse(test::slurp(d.file("b.json")));
  CHECK(a.at("input_normalization") == json({{"mean", 10.0}, {"std", 4.0}}));
  CHECK_FALSE(b.contains("input_normalization"));
  a.erase("input_normalization");
  CHECK(a == b);  // the same numbers as the normalised input fed to a model without statistics
  // --normalization none feeds the raw values as they are.
  r = test::run_cli("trace --model " + model + " --input " + shell_quote(d.file("raw.csv")) +
                        " --normalization none --out " + shell_quote(d.file("c.json")),
                    d);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  r = test::run_cli("trace --model " + plain + " --input " + shell_quote(d.file("raw.csv")) + " --out " +
                        shell_quote(d.file("e.json")),
                    d);
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(test::slurp(d.file("c.json"))) == json::parse(test::slurp(d.file("e.json"))));
  r = test::run_cli("trace --model " + model + " --input " + shell_quote(d.file("raw.csv")) +
                        " --normalization fit --out " + shell_quote(d.file("c.json")),
                    d);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--normalization") != std::string::npos);
}
