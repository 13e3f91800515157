// `unrolled-cli train --task charlm|classify` and `sample` as real processes: learning on the generated
// data, bit-for-bit repeats with dropout on, the vocabulary kept in the model file, and every bad input
// of issue 14 refused with its exit code, a message naming the file and place, and nothing written.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "core/text_data.hpp"
#include "io/model_file.hpp"

namespace fs = std::filesystem;
using namespace unrolled;

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
}

struct Dir {
  fs::path path;
  Dir() {
    static std::atomic<int> n{0};
    path = fs::temp_directory_path() / ("unrolled-text-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  fs::path operator/(const std::string& name) const { return path / name; }
  Result run(const std::string& args) const {
    const std::string cmd = "cd '" + path.string() + "' && '" + std::string(UNROLLED_BIN_DIR) + "/unrolled-cli' " +
                            args + " >stdout.txt 2>stderr.txt";
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(path / "stdout.txt");
    r.err = slurp(path / "stderr.txt");
    return r;
  }
};

// The value of key=V on the last line of stdout.
double field(const std::string& out, const std::string& key) {
  const std::size_t line = out.rfind("done ");
  REQUIRE(line != std::string::npos);
  const std::size_t at = out.find(" " + key + "=", line);
  REQUIRE(at != std::string::npos);
  return std::stod(out.substr(at + key.size() + 2));
}

#ifdef UNROLLED_SHORT_TRAINING
constexpr bool short_training = true;
#else
constexpr bool short_training = false;
#endif

}  // namespace

TEST_CASE("charlm on the structured corpus beats the unigram entropy of its validation text by a wide margin") {
  Dir d;
  const std::string steps = short_training ? "5" : "400";
  const Result r = d.run("train --task charlm --data structured --chars 60000 --hidden 64 --seq 32 --steps " + steps +
                         " --lr 0.01 --progress none --out lm.json");
  CAPTURE(r.err);
  REQUIRE(r.code == 0);
  const double unigram = field(r.out, "unigram_bpc"), val = field(r.out, "val_bpc"), train = field(r.out, "train_bpc");
  MESSAGE("structured corpus: unigram ", unigram, " bpc, val ", val, " bpc, train ", train, " bpc, ",
          field(r.out, "seconds"), " s");
  CHECK(unigram > 3.5);
  if (!short_training) {
    CHECK(val < 0.5 * unigram);
    CHECK(train < 0.5 * unigram);
  }
  const io::ModelFile f = io::load_model_file((d / "lm.json").string());
  CHECK(f.config.vocab_size == static_cast<int>(f.vocab.size()));
  CHECK(std::is_sorted(f.vocab.begin(), f.vocab.end()));  // single ASCII characters: code-point order
  CHECK(f.vocab.front() == "\n");
  CHECK(f.config.objective == Objective::cross_entropy);
  CHECK(slurp(d / "lm.json").find("\"version\": 2") != std::string::npos);
}

TEST_CASE("charlm: same seed, same model file bit for bit with dropout on; another seed differs; vocab of a file") {
  Dir d;
  spit(d / "t.txt", std::string(40, 'a') + "b\xc3\xa9" "cabacabadabacaba\n" + std::string(40, 'c') + "xyz" + std::string(30, 'b'));
  const std::string base = "train --task charlm --data t.txt --hidden 8 --embed 4 --layers 2 --seq 8 --batch 4 "
                           "--steps 15 --dropout 0.3 --val-fraction 0.3 --progress none --out ";
  REQUIRE(d.run(base + "a.json").code == 0);
  REQUIRE(d.run(base + "b.json").code == 0);
  const Result r = d.run(base + "c.json --seed 2");
  REQUIRE(r.code == 0);
  CHECK(slurp(d / "a.json") == slurp(d / "b.json"));
  CHECK(slurp(d / "a.json") != slurp(d / "c.json"));
  const io::ModelFile f = io::load_model_file((d / "a.json").string());
  CHECK(f.vocab == std::vector<std::string>{"\n", "a", "b", "c", "d", "x", "y", "z", "\xc3\xa9"});
  CHECK(f.config.dropout == 0.3);
  CHECK(f.config.num_layers == 2);
}

TEST_CASE("sample: same seed same text, top-k 1 is greedy, bad temperature/top-k/prime are usage errors") {
  Dir d;
  REQUIRE(d.run("train --task charlm --data structured --chars 20000 --hidden 16 --seq 16 --steps 30 --progress none "
                "--out m.json").code == 0);
  const Result a = d.run("sample --model m.json --prime '[\"' --length 80 --seed 4");
  const Result b = d.run("sample --model m.json --prime '[\"' --length 80 --seed 4");
  const Result c = d.run("sample --model m.json --prime '[\"' --length 80 --seed 5");
  REQUIRE(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out != c.out);
  CHECK(a.out.rfind("[\"", 0) == 0);
  CHECK(a.out.size() >= 83);
  const Result g1 = d.run("sample --model m.json --prime '(' --length 40 --top-k 1 --seed 1");
  const Result g2 = d.run("sample --model m.json --prime '(' --length 40 --top-k 1 --seed 9");
  REQUIRE(g1.code == 0);
  CHECK(g1.out == g2.out);
  struct Bad {
    const char* args;
    const char* expect;
  };
  const Bad bad[] = {
      {"--temperature 0", "--temperature must be above 0, got 0"},
      {"--temperature -1", "--temperature must be above 0, got -1"},
      {"--top-k 0", "--top-k must be at least 1, got 0"},
      {"--prime 'a#'", "--prime: character 1: \"#\" is not in the vocabulary of m.json"},
      {"--length x", "--length"},
  };
  for (const Bad& x : bad) {
    const Result r = d.run(std::string("sample --model m.json ") + x.args);
    CAPTURE(x.args);
    CAPTURE(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(x.expect) != std::string::npos);
  }
  const Result not_lm = d.run("sample --model missing.json");
  CHECK(not_lm.code == 1);
  CHECK(not_lm.err.find("missing.json") != std::string::npos);
}

TEST_CASE("text training refuses bad input naming the file and the place; nothing written or clobbered") {
  Dir d;
  spit(d / "short.txt", "abcdefgh\n");
  spit(d / "empty.txt", "");
  spit(d / "bad.txt", "hello w\xf8rld, and more text after it");
  spit(d / "notab.tsv", "pos\tgood\nneg\tbad\npos good\n");
  spit(d / "unseen.tsv", "pos\tgood\nneg\tbad\npos\tfine\nneg\tpoor\nmeh\tso so\n");
  spit(d / "keep.json", "previous model, must survive\n");
  struct Bad {
    std::string args;
    int code;
    std::string expect;
  };
  const Bad bad[] = {
      {"--task charlm --data short.txt --seq 16", 1, "short.txt: the text has 9 characters, too short for --seq 16"},
      {"--task charlm --data empty.txt", 1, "empty.txt: the text is empty"},
      {"--task charlm --data bad.txt --seq 4", 1, "bad.txt: byte 7: invalid UTF-8"},
      {"--task charlm --data missing.txt", 1, "missing.txt"},
      {"--task classify --data notab.tsv", 1, "notab.tsv: line 3: no tab (expected label<TAB>text)"},
      {"--task classify --data unseen.tsv --val-fraction 0.2", 1, "unseen.tsv: line 5: label \"meh\" never seen in the training lines"},
      {"--task charlm --data structured --bidirectional", 2, "--bidirectional does not apply to --task charlm"},
      {"--task poetry --data structured", 2, "--task must be charlm or classify, got 'poetry'"},
      {"--task charlm --data structured --dropout 1", 2, "--dropout"},
      {"--task classify --data negation --tokens byte", 2, "--tokens must be char or word"},
      {"--task classify --data negation --seq 4", 2, "--seq applies to --task charlm only"},
  };
  for (const Bad& b : bad) {
    const Result r = d.run("train " + b.args + " --steps 2 --progress none --out keep.json");
    CAPTURE(b.args);
    CAPTURE(r.err);
    CHECK(r.code == b.code);
    CHECK(r.err.find(b.expect) != std::string::npos);
    CHECK(slurp(d / "keep.json") == "previous model, must survive\n");
  }
  const Result fresh = d.run("train --task charlm --data empty.txt --out new.json");
  CHECK(fresh.code == 1);
  CHECK(!fs::exists(d / "new.json"));
  const Result help = d.run("train --help");
  CHECK(help.code == 0);
  for (const char* flag : {"--task", "--embed", "--dropout", "--bidirectional", "--tokens", "--steps", "--data-seed"})
    CHECK(help.out.find(flag) != std::string::npos);
}

TEST_CASE("negation task: bag of words cannot separate it; an RNN (and a bidirectional GRU) does") {
  // Every bag of words of the "ADJ1 , not ADJ2" sentences occurs with both labels equally often.
  const auto data = negation_task(20000, 1);
  std::map<std::multiset<std::string>, std::map<std::string, int>> bags;
  for (std::size_t i = 1; i < data.size(); i += 2) {
    std::multiset<std::string> bag;
    std::istringstream words(data[i].text);
    for (std::string w; words >> w;) bag.insert(w);
    bags[bag][data[i].label]++;
  }
  int best_bag_right = 0, total = 0;
  for (const auto& [bag, labels] : bags) {
    int most = 0;
    for (const auto& [label, n] : labels) most = std::max(most, n), total += n;
    best_bag_right += most;
  }
  const double bag_accuracy = static_cast<double>(best_bag_right) / total;  // the best any bag-of-words rule can do
  MESSAGE("best bag-of-words accuracy on the word-order half: ", bag_accuracy);
  CHECK(bag_accuracy < 0.6);

  Dir d;
  const std::string steps = short_training ? "3" : "300";
  for (const std::string extra : {"", " --bidirectional --cell gru"}) {
    const Result r = d.run("train --task classify --data negation --tokens word --hidden 32 --embed 16 --steps " + steps +
                           extra + " --progress none --out c.json");
    CAPTURE(extra);
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    MESSAGE("negation", extra, ": val_acc ", field(r.out, "val_acc"));
    if (!short_training) CHECK(field(r.out, "val_acc") > 0.95);
    const io::ModelFile f = io::load_model_file((d / "c.json").string());
    CHECK(f.vocab.front() == "<unk>");
    CHECK(f.extra.at("labels") == nlohmann::json::array({"neg", "pos"}));
  }
}
