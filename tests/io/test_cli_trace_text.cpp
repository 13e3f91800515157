// `unrolled-cli trace` on version-2 models (DESIGN §4 trace v2), run as a real process: token ids in,
// bidirectional entries and final_output out, against the PyTorch fixtures in tests/data/reference/v2
// (sequence 0 of each case, forward values), plus the bad inputs: ids out of range or not whole.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "io/io_test_util.hpp"

using namespace unrolled;
using nlohmann::json;
using test::shell_quote;

namespace {

// Sequence 0 of a [T][B][...] array, as CSV rows; for [T][B] ids one id per row.
std::string csv_of_sequence0(const json& seq) {
  std::string s;
  for (const json& step : seq) {
    const json& v = step[0];
    if (v.is_array()) {
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i].dump();
    } else {
      s += v.dump();
    }
    s += "\n";
  }
  return s;
}

double worst_difference(const json& got, const json& want) {
  if (want.is_array()) {
    REQUIRE(got.size() == want.size());
    double w = 0;
    for (std::size_t i = 0; i < want.size(); ++i) w = std::max(w, worst_difference(got[i], want[i]));
    return w;
  }
  return std::abs(got.get<double>() - want.get<double>());
}

json sequence0(const json& seq) {  // [T][B][F] → [T][F]
  json out = json::array();
  for (const json& step : seq) out.push_back(step[0]);
  return out;
}

}  // namespace

TEST_CASE("trace of version-2 models matches PyTorch's forward values: outputs, final_output, both directions") {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(test::data_file("reference/v2")))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 39);
  double worst = 0;
  int bidirectional = 0;
  for (const auto& path : files) {
    const json ref = json::parse(test::slurp(path.string()));
    CAPTURE(path.filename().string());
    test::ScratchDir dir;
    const std::string model = dir.file("m.json"), input = dir.file("x.csv"), out = dir.file("t.json");
    test::spit(model, ref.at("model").dump());
    test::spit(input, csv_of_sequence0(ref.at("input")));
    const test::RunResult r = test::run_cli(
        "trace --model " + shell_quote(model) + " --input " + shell_quote(input) + " --out " + shell_quote(out), dir);
    CAPTURE(r.err);
    REQUIRE(r.exit_code == 0);
    const json got = json::parse(test::slurp(out));
    const json& want = ref.at("expected");
    const bool bidir = ref["model"].value("bidirectional", false);
    worst = std::max(worst, worst_difference(got.at("outputs"), sequence0(want.at("outputs"))));
    const json& top = got.at("layers").back();
    worst = std::max(worst, worst_difference(top.at("h"), sequence0(want.at("top_h"))));
    CHECK(got.contains("final_output") == bidir);
    CHECK(top.contains("h_reverse") == bidir);
    if (bidir) {
      ++bidirectional;
      worst = std::max(worst, worst_difference(top.at("h_reverse"), sequence0(want.at("top_h_reverse"))));
      worst = std::max(worst, worst_difference(got.at("final_output"), want.at("final_output")[0]));
      const std::string cell = ref["model"]["cell"];
      CHECK(top.contains("c_reverse") == (cell == "lstm"));
      CHECK(top.contains("gates_reverse") == (cell != "rnn"));
    }
  }
  MESSAGE(files.size(), " version-2 cases traced; worst abs error ", worst);
  CHECK(worst < 1e-12);
  CHECK(bidirectional >= 20);
}

TEST_CASE("trace with a target on a bidirectional token model: loss, grad_h_reverse, embed.weight; bad ids refused") {
  // A fixture with token input, bidirectional layers and cross-entropy on the last step.
  json ref;
  for (const auto& e : std::filesystem::directory_iterator(test::data_file("reference/v2")))
    if (e.path().filename().string().rfind("evaldrop_gru", 0) == 0) ref = json::parse(test::slurp(e.path().string()));
  REQUIRE(ref.is_object());
  test::ScratchDir dir;
  const std::string model = dir.file("m.json"), input = dir.file("x.csv"), target = dir.file("y.csv"),
                    out = dir.file("t.json");
  test::spit(model, ref.at("model").dump());
  test::spit(input, csv_of_sequence0(ref.at("input")));
  test::spit(target, "2\n");
  const std::string base = "trace --model " + shell_quote(model) + " --out " + shell_quote(out);
  test::RunResult r = test::run_cli(base + " --input " + shell_quote(input) + " --target " + shell_quote(target), dir);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  const json got = json::parse(test::slurp(out));
  // Loss = −log softmax(final_output)[2].
  const json& f = got.at("final_output");
  double m = -INFINITY, sum = 0;
  for (const json& v : f) m = std::max(m, v.get<double>());
  for (const json& v : f) sum += std::exp(v.get<double>() - m);
  CHECK(got.at("loss").get<double>() == doctest::Approx(-(f[2].get<double>() - m - std::log(sum))).epsilon(1e-12));
  for (const json& layer : got.at("layers")) {
    CHECK(layer.contains("grad_h"));
    CHECK(layer.contains("grad_h_reverse"));
  }
  CHECK(got.at("grad_input").at(0).size() == ref["model"]["input_size"].get<std::size_t>());  // [T×E]
  CHECK(got.at("grads").contains("embed.weight"));
  CHECK(got.at("grads").contains("rnn.weight_hh_l2_reverse"));
  const std::string good_trace = test::slurp(out);

  struct Bad {
    std::string input_text, target_text, expect;
  };
  const int V = ref["model"]["vocab_size"];
  const Bad bad[] = {
      {"0\n1\n" + std::to_string(V) + "\n", "2\n", "x.csv: data row 3: token id " + std::to_string(V) + " is out of range [0, " + std::to_string(V) + ")"},
      {"0\n1.5\n", "2\n", "x.csv: data row 2: token id 1.5 is not a whole number"},
      {"0\n-1\n", "2\n", "x.csv: data row 2: token id -1 is out of range"},
      {"0,1\n", "2\n", "x.csv: has 2 columns, a token model reads one column of ids"},
      {"0\n1\n", "5\n", "y.csv: data row 1: class id 5 is out of range [0, 5) (output_size 5)"},
  };
  for (const Bad& b : bad) {
    test::spit(input, b.input_text);
    test::spit(target, b.target_text);
    r = test::run_cli(base + " --input " + shell_quote(input) + " --target " + shell_quote(target), dir);
    CAPTURE(b.expect);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(b.expect) != std::string::npos);
    CHECK(test::slurp(out) == good_trace);  // nothing clobbered
  }
  r = test::run_cli(base + " --input " + shell_quote(input) + " --target " + shell_quote(target) + " --truncate 2", dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--truncate needs a unidirectional model") != std::string::npos);
}
