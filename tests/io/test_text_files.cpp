// Version-2 files: model files with vocab, bidirectional, objective and dropout (round trip, version 1
// kept when nothing new is used, every bad field named), UTF-8 text corpora and labelled text.
#include <doctest/doctest.h>

#include <string>

#include "core/model.hpp"
#include "core/test_util.hpp"
#include "io/io_test_util.hpp"
#include "io/model_file.hpp"
#include "io/text.hpp"

using namespace unrolled;
using nlohmann::json;

namespace {

io::ModelFile token_model_file() {
  ModelConfig c;
  c.cell = CellKind::gru;
  c.vocab_size = 4;
  c.input_size = 3;
  c.hidden_size = 2;
  c.num_layers = 2;
  c.output_size = 4;
  c.bidirectional = true;
  c.objective = Objective::cross_entropy;
  c.dropout = 0.25;
  Model<double> m(c);
  init_uniform(m, 9);
  io::ModelFile f = io::model_to_file(m);
  f.vocab = {"\n", "a", "\xc3\xa9", "\"quoted\""};
  return f;
}

std::string error_of_json(const json& j) {
  try {
    io::parse_model_json(j.dump(), "m.json");
  } catch (const io::FormatError& e) {
    return e.what();
  }
  return "no error";
}

std::string utf8_error(const std::string& bytes) {
  try {
    io::decode_utf8(bytes, "t.txt");
  } catch (const io::FormatError& e) {
    return e.what();
  }
  return "no error";
}

std::string tsv_error(const std::string& bytes, bool pairs = false) {
  try {
    if (pairs) io::parse_sequence_pairs(bytes, "p.tsv");
    else io::parse_labelled_text(bytes, "d.tsv");
  } catch (const io::FormatError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a version-2 model file round-trips bit for bit with its vocab; version 1 stays version 1") {
  const io::ModelFile f = token_model_file();
  const std::string text = io::model_to_json(f);
  const json j = json::parse(text);
  CHECK(j["version"] == 2);
  CHECK(j["vocab_size"] == 4);
  CHECK(j["bidirectional"] == true);
  CHECK(j["objective"] == "cross_entropy");
  CHECK(j["dropout"] == 0.25);
  CHECK(j["tensors"].contains("embed.weight"));
  CHECK(j["tensors"].contains("rnn.weight_hh_l1_reverse"));
  CHECK(j["tensors"]["head.weight"]["shape"] == json::array({4, 4}));
  const io::ModelFile back = io::parse_model_json(text, "m.json");
  CHECK(back.config == f.config);
  CHECK(back.vocab == f.vocab);
  CHECK(back.params == f.params);
  CHECK(io::model_to_json(back) == text);

  // Version 1: nothing new, so the file says version 1 and has none of the new keys.
  Model<double> plain = test::random_model<double>(CellKind::lstm, 2, 3, 1, 1, 4);
  const json v1 = json::parse(io::model_to_json(io::model_to_file(plain)));
  CHECK(v1["version"] == 1);
  CHECK(!v1.contains("vocab_size"));
  CHECK(!v1.contains("objective"));
  CHECK(io::parse_model_json(v1.dump(), "v1.json").config == plain.config);
  // Any single version-2 feature makes it version 2.
  plain.config.objective = Objective::cross_entropy;
  CHECK(json::parse(io::model_to_json(io::model_to_file(plain)))["version"] == 2);
}

TEST_CASE("bad version-2 fields are refused naming the file and the field") {
  const json good = json::parse(io::model_to_json(token_model_file()));
  struct Case {
    const char* what;
    json patch;  // top-level keys to set (null: remove)
    std::vector<const char*> expect;
  };
  const Case cases[] = {
      {"vocab length != V", {{"vocab", {"a", "b", "c"}}}, {"m.json: vocab: has 3 entries, vocab_size is 4"}},
      {"vocab entry not a string", {{"vocab", {"a", 1, "c", "d"}}}, {"m.json: vocab[1]: must be a string"}},
      {"vocab repeats", {{"vocab", {"a", "b", "a", "d"}}}, {"m.json: vocab[2]:", "repeats vocab[0]"}},
      {"vocab not an array", {{"vocab", "abcd"}}, {"m.json: vocab: must be an array"}},
      {"vocab_size 0", {{"vocab_size", 0}}, {"m.json: vocab_size: must be between 1 and"}},
      {"vocab_size fractional", {{"vocab_size", 4.5}}, {"m.json: vocab_size: must be a whole number"}},
      {"vocab without vocab_size", {{"vocab_size", nullptr}}, {"m.json: vocab: needs vocab_size"}},
      {"bidirectional not a bool", {{"bidirectional", "yes"}}, {"m.json: bidirectional: must be true or false"}},
      {"objective unknown", {{"objective", "hinge"}}, {"m.json: objective: unknown objective \"hinge\""}},
      {"dropout 1", {{"dropout", 1.0}}, {"m.json: dropout: must be at least 0 and below 1"}},
      {"dropout negative", {{"dropout", -0.1}}, {"m.json: dropout: must be at least 0 and below 1"}},
      {"dropout string", {{"dropout", "0.5"}}, {"m.json: dropout: must be a number"}},
      {"version-2 key in a version-1 file", {{"version", 1}}, {"m.json: vocab_size: is a version-2 field"}},
  };
  for (const Case& c : cases) {
    json j = good;
    for (auto it = c.patch.begin(); it != c.patch.end(); ++it) {
      if (it.value().is_null()) {
        j.erase(it.key());
        if (it.key() == "vocab_size") j["tensors"].erase("embed.weight");
      } else {
        j[it.key()] = it.value();
      }
    }
    const std::string msg = error_of_json(j);
    CAPTURE(c.what);
    CAPTURE(msg);
    for (const char* s : c.expect) CHECK(msg.find(s) != std::string::npos);
  }
  json no_embed = good;
  no_embed["tensors"].erase("embed.weight");
  CHECK(error_of_json(no_embed).find("m.json: tensors.embed.weight: missing tensor (shape [4, 3])") != std::string::npos);
  json no_reverse = good;
  no_reverse.erase("bidirectional");
  CHECK(error_of_json(no_reverse).find("_l0_reverse: unknown tensor for a 2-layer gru") != std::string::npos);
}

TEST_CASE("UTF-8: code points decoded, every kind of invalid byte reported with its offset") {
  CHECK(io::decode_utf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "t") == U"a\u00e9\u20ac\U0001F600");
  CHECK(io::encode_utf8(U"a\u00e9\u20ac\U0001F600") == "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  CHECK(utf8_error("ab\xff") == "t.txt: byte 2: invalid UTF-8 (byte never used in UTF-8)");
  CHECK(utf8_error("abc\x80") == "t.txt: byte 3: invalid UTF-8 (continuation byte without a lead byte)");
  CHECK(utf8_error("x\xc0\xaf") == "t.txt: byte 1: invalid UTF-8 (overlong encoding)");
  CHECK(utf8_error("x\xe0\x80\xaf") == "t.txt: byte 1: invalid UTF-8 (overlong encoding)");
  CHECK(utf8_error("\xed\xa0\x80") == "t.txt: byte 0: invalid UTF-8 (UTF-16 surrogate)");
  CHECK(utf8_error("ok\xf4\x90\x80\x80") == "t.txt: byte 2: invalid UTF-8 (code point above U+10FFFF)");
  CHECK(utf8_error("ok\xe2\x82") == "t.txt: byte 2: invalid UTF-8 (sequence cut short by the end of the text)");
  CHECK(utf8_error("ok\xe2\x82z") == "t.txt: byte 2: invalid UTF-8 (sequence cut short (missing continuation byte))");
}

TEST_CASE("text files: empty and non-UTF-8 refused naming the file; vocabulary in code-point order") {
  test::ScratchDir dir;
  const std::string empty = dir.file("empty.txt"), bad = dir.file("bad.txt"), good = dir.file("good.txt");
  test::spit(empty, "");
  test::spit(bad, "hello\nw\xf8rld");
  test::spit(good, "b\xc3\xa9" "a\nab");
  try {
    io::load_text(empty);
    FAIL("no error");
  } catch (const io::FormatError& e) {
    CHECK(std::string(e.what()) == empty + ": the text is empty");
  }
  try {
    io::load_text(bad);
    FAIL("no error");
  } catch (const io::FormatError& e) {
    CHECK(std::string(e.what()) == bad + ": byte 7: invalid UTF-8 (byte never used in UTF-8)");
  }
  CHECK_THROWS_AS(io::load_text(dir.file("missing.txt")), io::IoError);
  CHECK_THROWS_AS(io::load_text(dir.path().string()), io::IoError);
  const std::u32string text = io::load_text(good);
  const std::vector<char32_t> vocab = io::char_vocabulary(text);
  CHECK(vocab == std::vector<char32_t>{U'\n', U'a', U'b', U'\u00e9'});
  CHECK(io::char_ids(text, vocab, "good.txt") == std::vector<int>{2, 3, 1, 0, 1, 2});
  try {
    io::char_ids(U"abz", vocab, "prime");
    FAIL("no error");
  } catch (const io::FormatError& e) {
    CHECK(std::string(e.what()) == "prime: character 2: \"z\" is not in the model's vocabulary");
  }
}

TEST_CASE("labelled text: label<TAB>text lines; a line without a tab names its line number") {
  const auto lines = io::parse_labelled_text("pos\tgood film\r\n\nneg\tnot good\tat all\n", "d.tsv");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].label == "pos");
  CHECK(lines[0].text == "good film");
  CHECK(lines[1].label == "neg");
  CHECK(lines[1].text == "not good\tat all");  // only the first tab splits
  CHECK(lines[1].line == 3);
  CHECK(tsv_error("pos\tgood\nneg bad\n") == "d.tsv: line 2: no tab (expected label<TAB>text)");
  CHECK(tsv_error("pos\tgood\n\tbad\n") == "d.tsv: line 2: empty label (expected label<TAB>text)");
  CHECK(tsv_error("\n\n") == "d.tsv: no labelled lines (expected label<TAB>text per line)");
  CHECK(tsv_error("pos\tgo\xc3od\n") == "d.tsv: byte 6: invalid UTF-8 (sequence cut short (missing continuation byte))");
}

TEST_CASE("sequence pairs: source<TAB>target lines; errors name the file and the line") {
  const auto pairs = io::parse_sequence_pairs("3 March 2021\t2021-03-03\r\n\n  \nabc\tc\tba\n\u00e9t\u00e9\t\u00e9t\u00e9", "p.tsv");
  REQUIRE(pairs.size() == 3);
  CHECK(pairs[0].source == "3 March 2021");
  CHECK(pairs[0].target == "2021-03-03");
  CHECK(pairs[0].line == 1);
  CHECK(pairs[1].source == "abc");
  CHECK(pairs[1].target == "c\tba");  // only the first tab splits
  CHECK(pairs[1].line == 4);
  CHECK(pairs[2].source == "\u00e9t\u00e9");  // no final newline
  CHECK(pairs[2].line == 5);
  CHECK(tsv_error("a\tb\n\n\n\n\n\nab\n", true) == "p.tsv: line 7: no tab (expected source<TAB>target)");
  CHECK(tsv_error("a\tb\n\tb\n", true) == "p.tsv: line 2: empty source (expected source<TAB>target)");
  CHECK(tsv_error("a\tb\nab\t\r\n", true) == "p.tsv: line 2: empty target (expected source<TAB>target)");
  CHECK(tsv_error("\r\n \n", true) == "p.tsv: no pairs (expected source<TAB>target per line)");
  CHECK(tsv_error("a\tb\xff\n", true) == "p.tsv: byte 3: invalid UTF-8 (byte never used in UTF-8)");
  test::ScratchDir dir;
  CHECK_THROWS_WITH_AS(io::load_sequence_pairs(dir.file("none.tsv")), doctest::Contains("none.tsv"), io::IoError);
  CHECK_THROWS_WITH_AS(io::load_sequence_pairs(dir.path().string()), doctest::Contains("is a directory"), io::IoError);
}
