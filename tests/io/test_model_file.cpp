// Model files: bit-exact round trips in float and double, extra keys kept, every malformed file
// refused with a message that names the file and the field.
#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <type_traits>

#include "core/test_util.hpp"
#include "core/model.hpp"
#include "io/model_file.hpp"
#include "io/io_test_util.hpp"

using namespace unrolled;
using nlohmann::json;

namespace {

template <class A, class B> bool same_bits(const A& a, const B& b) {
  using T = typename A::value_type;
  static_assert(std::is_same_v<T, typename B::value_type>);
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}


// Awkward values that a sloppy number writer gets wrong.
template <class T> void plant_edge_values(Model<T>& m) {
  const T values[] = {T(-0.0),
                      T(0.1),
                      std::numeric_limits<T>::denorm_min(),
                      -std::numeric_limits<T>::denorm_min(),
                      std::numeric_limits<T>::min(),
                      std::numeric_limits<T>::max(),
                      -std::numeric_limits<T>::max(),
                      std::nextafter(T(1), T(2)),
                      T(1) / T(3),
                      T(123456789),
                      T(1e-30)};
  std::size_t i = 0;
  for (T v : values) m.params.at(i++) = v;
}

std::string error_of(const std::string& path) {
  try {
    (void)io::load_model_file(path);
  } catch (const io::IoError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("double models round-trip bit for bit, extra keys and foreign tensors kept") {
  test::ScratchDir dir;
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    CAPTURE(cell_name(cell));
    Model<double> m = test::random_model<double>(cell, 3, 5, 2, 2, 42);
    if (cell == CellKind::rnn) m.config.nonlinearity = Nonlinearity::relu;
    plant_edge_values(m);
    json extra = {{"normalisation", {{"mean", 0.25}, {"std", 1.5}}},
                  {"training", {{"epochs", 12}, {"optimizer", "adam"}, {"history", {1.5, 0.75, 0.1}}}},
                  {"note", "sine \"forecaster\" é"}};
    const std::string path = dir.file(std::string(cell_name(cell)) + ".json");
    io::save_model(path, m, extra);
    const io::ModelFile f = io::load_model_file(path);
    CHECK(f.config.cell == cell);
    CHECK(f.config.nonlinearity == m.config.nonlinearity);
    CHECK(f.config.num_layers == 2);
    CHECK(f.extra == extra);
    const Model<double> back = io::model_from_file<double>(f);
    CHECK(same_bits(back.params, m.params));
    CHECK(std::signbit(back.params[0]));  // -0.0 stays negative
    // Saving what was loaded gives the same bytes.
    const std::string again = dir.file("again.json");
    io::save_model_file(again, f);
    CHECK(test::slurp(again) == test::slurp(path));
  }
}

TEST_CASE("float models round-trip bit for bit through the double file") {
  test::ScratchDir dir;
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    CAPTURE(cell_name(cell));
    Model<float> m = test::random_model<float>(cell, 2, 7, 3, 1, 7);
    plant_edge_values(m);
    const std::string path = dir.file("f.json");
    io::save_model(path, m);
    const Model<float> back = io::load_model<float>(path);
    CHECK(same_bits(back.params, m.params));
    // The file holds the float values exactly: read as double they are the widened floats.
    const Model<double> wide = io::load_model<double>(path);
    for (std::size_t i = 0; i < m.params.size(); ++i) REQUIRE(wide.params[i] == static_cast<double>(m.params[i]));
  }
}

TEST_CASE("unknown top-level keys and non-model tensors survive a load/save cycle") {
  test::ScratchDir dir;
  json j = json::parse(test::slurp(test::data_file("fuzz/model/rnn_relu_extra.json")));
  const io::ModelFile f = io::parse_model_json(j.dump(), "extra.json");
  CHECK(f.config.nonlinearity == Nonlinearity::relu);
  CHECK(f.extra.at("normalisation").at("std") == json::array({2.0}));
  CHECK(f.extra_tensors.contains("norm.mean"));
  io::save_model_file(dir.file("out.json"), f);
  const json back = json::parse(test::slurp(dir.file("out.json")));
  CHECK(back.at("normalisation") == j.at("normalisation"));
  CHECK(back.at("tensors").at("norm.mean") == j.at("tensors").at("norm.mean"));
  // 2-D tensors are written as nested rows, 1-D flat.
  CHECK(back.at("tensors").at("rnn.weight_hh_l0").at("data")[0].is_array());
  CHECK(back.at("tensors").at("head.bias").at("data")[0].is_number());
}

TEST_CASE("flat and nested row data load to the same parameters") {
  json j = json::parse(test::slurp(test::data_file("fuzz/model/lstm_1x2.json")));
  const io::ModelFile nested = io::parse_model_json(j.dump(), "nested.json");
  for (auto& [name, t] : j.at("tensors").items()) {
    json flat = json::array();
    for (const json& v : t.at("data")) {
      if (v.is_array())
        for (const json& x : v) flat.push_back(x);
      else
        flat.push_back(v);
    }
    t["data"] = flat;
  }
  const io::ModelFile flat = io::parse_model_json(j.dump(), "flat.json");
  CHECK(same_bits(flat.params, nested.params));
  CHECK(nested.config.cell == CellKind::lstm);
  CHECK(nested.config.hidden_size == 2);
}

TEST_CASE("PyTorch state_dict dumps in the reference fixtures load as is") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::data_file("reference"))) {
    if (e.path().extension() != ".json" || e.path().filename() == "optim.json") continue;
    const json ref = json::parse(test::slurp(e.path().string()));
    CAPTURE(e.path().filename().string());
    const io::ModelFile f = io::parse_model_json(ref.at("model").dump(), e.path().string());
    const ParamLayout layout = make_layout(f.config);
    for (const TensorSpec& s : layout.tensors) {
      std::vector<double> want;
      for (const json& v : ref["model"]["tensors"][s.name]["data"]) {
        if (v.is_array())
          for (const json& x : v) want.push_back(x.get<double>());
        else
          want.push_back(v.get<double>());
      }
      REQUIRE(want.size() == s.size);
      for (std::size_t i = 0; i < s.size; ++i) REQUIRE(f.params[s.offset + i] == want[i]);
    }
    ++n;
  }
  CHECK(n >= 20);
}

TEST_CASE("malformed model files are refused with the file, the field and the reason") {
  struct Case {
    const char* file;
    std::vector<const char*> expect;  // substrings of the message
  };
  const Case cases[] = {
      {"empty.json", {"file is empty"}},
      {"truncated.json", {"tensors.rnn.weight_hh_l0.data[1]", "unexpected end of input"}},
      {"wrong_type_hidden_size.json", {"hidden_size", "whole number", "string"}},
      {"wrong_type_data.json", {"tensors.rnn.bias_ih_l0.data[3]", "expected a number, got string"}},
      {"missing_tensor.json", {"tensors.rnn.weight_hh_l0", "missing tensor", "[8, 2]"}},
      {"wrong_shape.json", {"tensors.rnn.weight_hh_l0.shape", "is [8, 3], expected [8, 2]"}},
      {"data_shape_mismatch.json", {"tensors.head.weight.data[0]", "has 3 values, expected 2"}},
      {"data_count_mismatch.json", {"tensors.rnn.bias_hh_l0.data", "has 7 values", "needs 8"}},
      {"nan.json", {"tensors.rnn.weight_hh_l0.data[3][1]", "NaN"}},
      {"inf.json", {"tensors.rnn.weight_hh_l0.data[3][1]", "number overflow", "1e999"}},
      {"null_value.json", {"tensors.rnn.weight_hh_l0.data[3][1]", "expected a number, got null"}},
      {"absurd_hidden_size.json", {"hidden_size", "between 1 and 4096", "1000000000"}},
      {"huge_shape_claim.json", {"tensors.rnn.weight_ih_l0.shape", "134217728 values", "limit"}},
      {"too_many_parameters.json", {"hidden_size", "parameters", "limit"}},
      {"deep_nesting.json", {"x[0]", "nested deeper than 64 levels"}},
      {"unknown_cell.json", {"cell", "unknown cell \"transformer\""}},
      {"wrong_format.json", {"format", "keras-model", "unrolled-model"}},
      {"wrong_version.json", {"version", "unsupported version 3"}},
      {"relu_on_lstm.json", {"nonlinearity", "rnn cell only"}},
      {"unknown_nonlinearity.json", {"nonlinearity", "sigmoid"}},
      {"unknown_tensor.json", {"tensors.rnn.weight_ih_l1", "unknown tensor"}},
      {"ragged_row.json", {"tensors.rnn.weight_hh_l0.data[5]", "has 1 values, expected 2"}},
      {"not_an_object.json", {"expected an object at the top level"}},
      {"duplicate_key.json", {"version", "duplicate key"}},
      {"fractional_size.json", {"num_layers", "whole number", "2.0"}},
      {"trailing_garbage.json", {"syntax error", "end of input"}},
  };
  for (const Case& c : cases) {
    const std::string path = test::data_file(std::string("bad/") + c.file);
    REQUIRE(std::filesystem::exists(path));
    const std::string msg = error_of(path);
    CAPTURE(std::string(c.file));
    CAPTURE(msg);
    CHECK(msg.rfind(path + ": ", 0) == 0);  // starts with the file name
    for (const char* s : c.expect) CHECK(msg.find(s) != std::string::npos);
  }
}

TEST_CASE("directories, missing files and oversized files are clear errors") {
  test::ScratchDir dir;
  std::string msg = error_of(dir.path().string());
  CHECK(msg.find("is a directory") != std::string::npos);
  msg = error_of(dir.file("nope.json"));
  CHECK(msg.find(dir.file("nope.json")) != std::string::npos);
  CHECK(msg.find("No such file") != std::string::npos);
  const std::string big(io::max_model_file_bytes + 1, ' ');
  CHECK_THROWS_WITH_AS(io::parse_model_json(big, "big.json"), doctest::Contains("too large"), io::FormatError);
}

TEST_CASE("values that do not fit the requested precision, and non-finite saves, are refused") {
  json j = json::parse(test::slurp(test::data_file("fuzz/model/lstm_1x2.json")));
  j["tensors"]["head.bias"]["data"][0] = 1e300;
  const io::ModelFile f = io::parse_model_json(j.dump(), "big.json");
  CHECK(io::model_from_file<double>(f).params.back() == 1e300);
  CHECK_THROWS_WITH_AS(io::model_from_file<float>(f), doctest::Contains("head.bias.data[0]"), io::IoError);

  test::ScratchDir dir;
  Model<float> m = test::random_model<float>(CellKind::gru, 1, 3, 1, 1, 1);
  const std::string path = dir.file("m.json");
  test::spit(path, "old contents");
  m.params[4] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH_AS(io::save_model(path, m), doctest::Contains("not finite"), io::IoError);
  CHECK(test::slurp(path) == "old contents");  // nothing clobbered
  m.params[4] = 0.5f;
  CHECK_THROWS_AS(io::save_model(dir.file("missing_dir/m.json"), m), io::IoError);
  CHECK_THROWS_WITH_AS(io::save_model(dir.path().string(), m), doctest::Contains("is a directory"), io::IoError);
  // No temporary files left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("JSON guard: depth limit, duplicate keys and value cap") {
  std::string deep = std::string(64, '[') + std::string(64, ']');
  CHECK_NOTHROW(io::parse_json_guarded(deep, "ok.json"));
  deep = std::string(65, '[') + std::string(65, ']');
  CHECK_THROWS_WITH_AS(io::parse_json_guarded(deep, "deep.json"), doctest::Contains("nested deeper"), io::FormatError);
  io::JsonLimits small;
  small.max_values = 10;
  CHECK_THROWS_WITH_AS(io::parse_json_guarded("[1,2,3,4,5,6,7,8,9,10,11]", "many.json", small),
                       doctest::Contains("[9]: too many values"), io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_json_guarded(R"({"a":{"b":1,"b":2}})", "dup.json"),
                       doctest::Contains("dup.json: a.b: duplicate key"), io::FormatError);
  std::string s;
  io::append_number(s, -0.0);
  s += ' ';
  io::append_number(s, 3.0);
  s += ' ';
  io::append_number(s, 1e-5);
  CHECK(s == "-0.0 3.0 1e-05");
}

TEST_CASE("file text in messages is made printable: control characters escaped, long text cut") {
  // A NUL in a key used to end the message early, hiding the reason.
  const std::string nul_key("{\"a\":8,\"\\u0000{\"}", 17);
  CHECK_THROWS_WITH_AS(io::parse_json_guarded(nul_key, "k.json"), doctest::Contains("k.json: \\u0000{: parse error at line 1, column 17: syntax error"),
                       io::FormatError);
  json j = json::parse(test::slurp(test::data_file("fuzz/model/lstm_1x2.json")));
  j["cell"] = std::string("ls\ntm") + std::string(500, 'x');
  std::string msg;
  try {
    io::parse_model_json(j.dump(), "c.json");
  } catch (const io::FormatError& e) {
    msg = e.what();
  }
  CHECK(msg.find("c.json: cell: unknown cell \"ls\\u000atm") == 0);
  CHECK(msg.find("...\" (expected rnn, lstm or gru)") != std::string::npos);
  CHECK(msg.size() < 200);
  CHECK(io::printable("\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9...");  // never cut inside a character
}

TEST_CASE("deep paths of long keys are shortened to their innermost part") {
  // Found by fuzz_model_file: 60-odd levels of 60-byte keys made a 4 KB message.
  std::string text;
  for (int i = 0; i < 60; ++i) text += "{\"" + std::string(60, 'k') + std::to_string(i) + "\":";
  text += "nope";
  std::string msg;
  try {
    io::parse_json_guarded(text, "deep.json");
  } catch (const io::FormatError& e) {
    msg = e.what();
  }
  CAPTURE(msg);
  CHECK(msg.rfind("deep.json: ...", 0) == 0);
  CHECK(msg.find("k59: parse error") != std::string::npos);
  CHECK(msg.size() < 600);
  CHECK_THROWS_AS(io::load_model_file(test::data_file("fuzz/model/regress_long_path.json")), io::FormatError);
}

TEST_CASE("every fuzz seed either loads and round-trips or is refused with an IoError") {
  int ok = 0, refused = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::data_file("fuzz/model"))) {
    CAPTURE(e.path().string());
    io::ModelFile f;
    try {
      f = io::load_model_file(e.path().string());
    } catch (const io::IoError& err) {
      CHECK(std::string(err.what()).rfind(e.path().string() + ": ", 0) == 0);
      ++refused;
      continue;
    }
    const io::ModelFile back = io::parse_model_json(io::model_to_json(f), "again.json");
    CHECK(same_bits(back.params, f.params));
    CHECK(back.extra == f.extra);
    ++ok;
  }
  CHECK(ok >= 4);
  CHECK(refused >= 8);
}

TEST_CASE("torch.save files, bare state_dicts and misnamed members are named, with the command that converts them") {
  const std::string zip = std::string("PK\x03\x04", 4) + std::string("archive/data.pkl");
  CHECK_THROWS_WITH_AS(io::parse_model_json(zip, "m.pt"),
                       doctest::Contains("m.pt: is a zip archive as torch.save writes"), io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_model_json(zip, "m.pt"),
                       doctest::Contains("python3 tools/torch_bridge.py export m.pt --out MODEL.json"), io::FormatError);
  CHECK_THROWS_WITH_AS(io::parse_model_json(std::string("\x80\x02\x8a\x0a", 4), "old.pt"),
                       doctest::Contains("old.pt: is a pickle as torch.save writes"), io::FormatError);
  // The one-liner's dump: tensors only.
  CHECK_THROWS_WITH_AS(
      io::parse_model_json(R"({"rnn.weight_ih_l0": {"shape": [4, 1], "data": [[1], [2], [3], [4]]}})", "sd.json"),
      doctest::Contains("sd.json: format: missing: this looks like a bare state_dict dump"), io::FormatError);

  // A model whose members are called lstm and fc, saved through DataParallel (prefix "module.").
  ModelConfig cfg;
  cfg.cell = CellKind::lstm;
  cfg.hidden_size = 3;
  Model<double> m(cfg);
  init_uniform(m, 1);
  json j = json::parse(io::model_to_json(io::model_to_file(m)));
  json renamed = json::object();
  for (auto it = j["tensors"].begin(); it != j["tensors"].end(); ++it) {
    std::string name = it.key();
    name = name.rfind("rnn.", 0) == 0 ? "module.lstm." + name.substr(4) : "module.fc." + name.substr(5);
    renamed[name] = it.value();
  }
  j["tensors"] = renamed;
  const std::string why = [&] {
    try {
      (void)io::parse_model_json(j.dump(), "dp.json");
    } catch (const io::FormatError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  }();
  CHECK(why.find("dp.json: tensors.rnn.weight_ih_l0: missing tensor") != std::string::npos);
  CHECK(why.find("\"module.fc.bias\"") != std::string::npos);  // the unknown names are named
  CHECK(why.find("module.lstm.* -> rnn.*, module.fc.* -> head.*") != std::string::npos);
  CHECK(why.find("torch_bridge.py export dp.json --rnn module.lstm --head module.fc --out MODEL.json") !=
        std::string::npos);
}
