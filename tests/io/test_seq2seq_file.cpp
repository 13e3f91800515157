// Seq2seq model files (docs/formats.md, "Sequence to sequence"): every PyTorch fixture's state_dict,
// wrapped as a model file, loads and reproduces PyTorch's loss; float and double round trips are bit for
// bit and decode the same; every malformed file is refused naming the file and the field; the two kinds
// of model file refuse each other; a failed save leaves the old file.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/reference.hpp"
#include "core/seq2seq.hpp"
#include "io/io_test_util.hpp"
#include "io/model_file.hpp"

using namespace unrolled;
using nlohmann::json;

namespace {

// A PyTorch fixture's model as a model file: the tensors exactly as torch's state_dict gave them.
json fixture_as_file(const json& fixture_model) {
  json m = fixture_model;
  m["format"] = "unrolled-model";
  m["version"] = 2;
  m["kind"] = "seq2seq";
  std::vector<std::string> vocab = io::seq2seq_special_names();
  const int V = m["vocab_size"];
  for (int i = 3; i < V; ++i) vocab.push_back(std::string(1, static_cast<char>('a' + i - 3)));
  m["vocab"] = vocab;
  m["max_source_length"] = 9;
  m["max_target_length"] = 12;
  return m;
}

json small_model_json() {
  Seq2seqConfig c;
  c.cell = CellKind::lstm;
  c.vocab_size = 6;
  c.embed_size = 3;
  c.hidden_size = 4;
  c.bidirectional = true;
  c.decoder_hidden = 5;
  c.attention = Attention::additive;
  c.attention_size = 3;
  Seq2seqModel<double> m(c);
  init_seq2seq(m, 3);
  return json::parse(io::seq2seq_to_json(io::seq2seq_to_file(m, {"x", "y", "z"}, 7, 8)));
}

std::string error_of(const json& doc) {
  try {
    (void)io::parse_seq2seq_json(doc.dump(), "m.json");
  } catch (const io::IoError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("every PyTorch seq2seq fixture loads as a model file and gives PyTorch's loss") {
  const auto cases = test::reference_cases("seq2seq");
  REQUIRE(cases.size() >= 27);
  for (const auto& path : cases) {
    CAPTURE(path.filename().string());
    const json c = test::load_json(path);
    const io::Seq2seqFile file = io::parse_seq2seq_json(fixture_as_file(c["model"]).dump(), path.string());
    const Seq2seqModel<double> model = io::seq2seq_model_from_file<double>(file);
    const Seq2seqBatch batch = test::seq2seq_batch_from_json(c);
    Seq2seqTrace<double> tr;
    seq2seq_forward(model, batch, tr, c["teacher_forcing"].get<double>());
    const double loss = seq2seq_loss(tr, batch);
    CHECK(std::abs(loss - c["expected"]["loss"].get<double>()) < 1e-12);
    // Written back, the same bytes read back the same parameters.
    const io::Seq2seqFile again = io::parse_seq2seq_json(io::seq2seq_to_json(file), "again.json");
    CHECK(again.params == file.params);
    CHECK(again.config == file.config);
  }
}

TEST_CASE("seq2seq files round-trip bit for bit in float and double, extra keys kept, decoding unchanged") {
  test::ScratchDir dir;
  for (Attention att : {Attention::none, Attention::additive, Attention::dot, Attention::general}) {
    CAPTURE(attention_name(att));
    Seq2seqConfig c;
    c.cell = CellKind::gru;
    c.vocab_size = 7;
    c.embed_size = 4;
    c.hidden_size = 3;
    c.bidirectional = att != Attention::dot;
    c.attention = att;
    Seq2seqModel<float> m(c);
    init_seq2seq(m, 11);
    m.params[0] = -0.0f;
    m.params[1] = 1e-40f;  // a float denormal
    const std::string path = dir.file("m.json");
    io::save_seq2seq_file(path, io::seq2seq_to_file(m, {"a", "b", "é", "→"}, 6, 9, json{{"note", {1, 2}}}));
    const io::Seq2seqFile f = io::load_seq2seq_file(path);
    CHECK(f.vocab == std::vector<std::string>{"<pad>", "<s>", "</s>", "a", "b", "é", "→"});
    CHECK(f.max_source_length == 6);
    CHECK(f.max_target_length == 9);
    CHECK(f.extra["note"] == json({1, 2}));
    CHECK(io::seq2seq_vocab(f).encode("b→") == std::vector<int>{4, 6});
    const Seq2seqModel<float> back = io::seq2seq_model_from_file<float>(f);
    REQUIRE(back.params.size() == m.params.size());
    CHECK(std::memcmp(back.params.data(), m.params.data(), m.params.size() * sizeof(float)) == 0);
    CHECK(std::signbit(back.params[0]));
    const Decoded<float> a = greedy_decode(m, {3, 4, 5, 6}, 9), b = greedy_decode(back, {3, 4, 5, 6}, 9);
    CHECK(a.tokens == b.tokens);
    CHECK(a.log_prob == b.log_prob);
    // The same model saved again gives the same bytes.
    const std::string first = test::slurp(path);
    io::save_seq2seq_file(path, f);
    CHECK(test::slurp(path) == first);
  }
  Seq2seqConfig c;
  Seq2seqModel<double> d(c);
  init_seq2seq(d, 5);
  d.params[2] = 0.1 + 1e-17 * 3;
  const io::Seq2seqFile f = io::parse_seq2seq_json(io::seq2seq_to_json(io::seq2seq_to_file(d, {"q"}, 1, 1)), "d.json");
  CHECK(std::memcmp(f.params.data(), d.params.data(), d.params.size() * sizeof(double)) == 0);
}

TEST_CASE("malformed seq2seq files are refused with the file and the field") {
  const json good = small_model_json();
  CHECK(error_of(good) == "(no error)");
  struct Bad {
    const char* what;
    std::function<void(json&)> edit;
    const char* message;
  };
  const Bad bad[] = {
      {"no kind", [](json& j) { j.erase("kind"); }, "m.json: kind: missing"},
      {"other kind", [](json& j) { j["kind"] = "rnn"; }, "m.json: kind: is \"rnn\", expected \"seq2seq\""},
      {"version 1", [](json& j) { j["version"] = 1; }, "m.json: version: a seq2seq model is a version-2 file"},
      {"bad attention", [](json& j) { j["attention"] = "luong"; }, "m.json: attention: unknown attention \"luong\""},
      {"attention size on dot", [](json& j) { j["attention"] = "general"; }, "m.json: attention_size: applies to additive"},
      {"dot needs equal sizes", [](json& j) { j["attention"] = "dot"; j["attention_size"] = 0; },
       "m.json: attention: dot needs the decoder hidden size (5)"},
      {"missing sizes", [](json& j) { j.erase("embed_size"); }, "m.json: embed_size: missing"},
      {"vocab too short", [](json& j) { j["vocab"].erase(5); }, "m.json: vocab: has 5 entries, vocab_size is 6"},
      {"special renamed", [](json& j) { j["vocab"][2] = "<eos>"; }, "m.json: vocab[2]: is \"<eos>\", expected \"</s>\""},
      {"two characters", [](json& j) { j["vocab"][4] = "ab"; }, "m.json: vocab[4]: \"ab\" is not one UTF-8 character"},
      {"repeated", [](json& j) { j["vocab"][5] = "x"; }, "m.json: vocab[5]: \"x\" repeats vocab[3]"},
      {"source limit", [](json& j) { j["max_source_length"] = 0; }, "m.json: max_source_length: must be between 1 and 4096"},
      {"bidirectional text", [](json& j) { j["bidirectional"] = "yes"; }, "m.json: bidirectional: must be true or false"},
      {"missing tensor", [](json& j) { j["tensors"].erase("attn.U.weight"); },
       "m.json: tensors.attn.U.weight: missing tensor (shape [3, 8])"},
      {"unknown tensor", [](json& j) { j["tensors"]["head.weight"] = j["tensors"]["out.bias"]; },
       "m.json: tensors.head.weight: unknown tensor for this seq2seq model"},
      {"wrong shape", [](json& j) { j["tensors"]["bridge.weight"]["shape"] = {8, 5}; },
       "m.json: tensors.bridge.weight.shape: is [8, 5], expected [5, 8]"},
      {"null value", [](json& j) { j["tensors"]["out.bias"]["data"][1] = nullptr; },
       "m.json: tensors.out.bias.data[1]: expected a number, got null"},
      {"too many parameters", [](json& j) { j["hidden_size"] = 4096; j["decoder_hidden"] = 4096; },
       "m.json: tensors: this configuration needs 369459245 parameters, more than the limit of 67108864"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.what);
    json j = good;
    b.edit(j);
    const std::string e = error_of(j);
    CHECK_MESSAGE(e.rfind(b.message, 0) == 0, e);
  }
}

TEST_CASE("the two kinds of model file refuse each other; a failed save keeps the old file") {
  test::ScratchDir dir;
  const std::string s2s = dir.file("s2s.json");
  test::spit(s2s, small_model_json().dump());
  std::string e;
  try {
    (void)io::load_model_file(s2s);
  } catch (const io::IoError& x) {
    e = x.what();
  }
  CHECK(e.rfind(s2s + ": kind: is \"seq2seq\": a sequence-to-sequence model, read by unrolled-cli translate, not by this command", 0) == 0);
  ModelConfig rc;
  Model<float> plain(rc);
  const std::string rnn = dir.file("rnn.json");
  io::save_model(rnn, plain);
  e.clear();
  try {
    (void)io::load_seq2seq_file(rnn);
  } catch (const io::IoError& x) {
    e = x.what();
  }
  CHECK(e == rnn + ": kind: missing: not a sequence-to-sequence model");

  Seq2seqConfig c;
  Seq2seqModel<float> m(c);
  init_seq2seq(m, 1);
  const std::string path = dir.file("keep.json");
  io::save_seq2seq_file(path, io::seq2seq_to_file(m, {"a"}, 3, 3));
  const std::string before = test::slurp(path);
  m.params[4] = std::nanf("");
  CHECK_THROWS_WITH_AS(io::save_seq2seq_file(path, io::seq2seq_to_file(m, {"a"}, 3, 3)),
                       doctest::Contains("is not finite"), io::IoError);
  CHECK(test::slurp(path) == before);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 3);
}

TEST_CASE("every model fuzz seed either loads as a seq2seq model and round-trips or is refused naming the file") {
  int ok = 0, refused = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::data_file("fuzz/model"))) {
    CAPTURE(e.path().string());
    io::Seq2seqFile f;
    try {
      f = io::load_seq2seq_file(e.path().string());
    } catch (const io::IoError& err) {
      CHECK(std::string(err.what()).rfind(e.path().string() + ": ", 0) == 0);
      ++refused;
      continue;
    }
    const io::Seq2seqFile back = io::parse_seq2seq_json(io::seq2seq_to_json(f), "again.json");
    CHECK(back.params == f.params);
    CHECK(back.extra == f.extra);
    ++ok;
  }
  CHECK(ok == 1);  // seq2seq_general_tiny.json
  CHECK(refused >= 12);
}
