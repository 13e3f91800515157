// `unrolled-cli train` and `forecast` as real processes: files, determinism, the divergence guard,
// CSV import, config precedence, and every bad flag refused with exit code 2 and a message.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/model.hpp"
#include "io/model_file.hpp"
#include "io/train_config.hpp"

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

// A fresh directory per test; the binary runs inside it.
struct Dir {
  fs::path path;
  Dir() {
    static std::atomic<int> n{0};
    path = fs::temp_directory_path() / ("unrolled-train-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  fs::path operator/(const std::string& name) const { return path / name; }
  Result run(const std::string& args) const {
    const std::string cmd = "cd '" + path.string() + "' && '" + std::string(UNROLLED_BIN_DIR) +
                            "/unrolled-cli' " + args + " >stdout.txt 2>stderr.txt";
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(path / "stdout.txt");
    r.err = slurp(path / "stderr.txt");
    return r;
  }
};

const std::string small = "--hidden 6 --seq 10 --length 200 --epochs 2 --batch 16 ";

// Every `train FLAGS --out m.json` of the cases exits 2, names the expected text on stderr, writes nothing.
template <class Cases> void check_train_refuses(const Dir& d, const Cases& cases) {
  for (const auto& [flags, named] : cases) {
    const std::string shown = flags;
    CAPTURE(shown);
    const Result r = d.run(std::string("train ") + flags + " --out m.json");
    CHECK(r.code == 2);
    CHECK(r.err.find(named) != std::string::npos);
    CHECK_FALSE(fs::exists(d / "m.json"));
  }
}

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const std::size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}
}  // namespace

TEST_CASE("train writes the model, metrics and forecast; same seed, same bytes") {
  Dir d;
  Result r = d.run("train " + small + "--out m1.json --metrics met.csv --forecast fc.csv");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string done = last_line(r.out);
  CHECK(done.rfind("done epochs=2 steps=18 train_mse=", 0) == 0);  // 150 windows: 9 batches of 16
  CHECK(done.find(" val_mse=") != std::string::npos);
  CHECK(done.find(" seconds=") != std::string::npos);
  CHECK(r.err.find("epoch 1/2") != std::string::npos);  // not a terminal: one line per epoch

  const io::ModelFile m = io::load_model_file((d / "m1.json").string());
  CHECK(m.config.cell == CellKind::lstm);
  CHECK(m.config.hidden_size == 6);
  const io::TrainingMetadata md = io::read_training_metadata(m.extra, "m1.json");
  CHECK(md.has_normalization);
  CHECK(md.normalization.std == doctest::Approx(std::sqrt(0.5)).epsilon(0.02));
  CHECK(md.settings.at("seq") == "10");
  CHECK(md.settings.at("data") == "sine");
  CHECK(m.extra.at("training_result").at("steps") == 18);

  const std::string metrics = slurp(d / "met.csv");
  CHECK(metrics.rfind("step,epoch,train_loss,val_loss,grad_norm,lr,seconds\n", 0) == 0);
  CHECK(std::count(metrics.begin(), metrics.end(), '\n') == 19);
  CHECK(metrics.find("\n9,1,") != std::string::npos);
  CHECK(metrics.find("\n10,2,") != std::string::npos);
  const std::string fc = slurp(d / "fc.csv");
  CHECK(fc.rfind("t,truth,one_step,rollout\n160,", 0) == 0);  // the 40 validation points
  CHECK(std::count(fc.begin(), fc.end(), '\n') == 41);

  r = d.run("train " + small + "--out m2.json --forecast fc2.csv");
  REQUIRE(r.code == 0);
  CHECK(slurp(d / "m1.json") == slurp(d / "m2.json"));
  CHECK(slurp(d / "fc.csv") == slurp(d / "fc2.csv"));
  r = d.run("train " + small + "--seed 2 --out m3.json");
  REQUIRE(r.code == 0);
  CHECK(slurp(d / "m1.json") != slurp(d / "m3.json"));
}

TEST_CASE("divergence via the CLI: message, exit 1, and the last good weights saved") {
  Dir d;
  const Result r = d.run("train " + small + "--lr 1000 --out m.json --metrics met.csv");
  CHECK(r.code == 1);
  CHECK(r.err.find("diverged at step 2") != std::string::npos);
  CHECK(r.err.find("learning rate") != std::string::npos);
  CHECK(last_line(r.out).rfind("done epochs=0 steps=1 ", 0) == 0);
  // Step 2's loss exploded, so the weights kept are those step 1 started from: the initial ones.
  const Model<float> saved = io::load_model<float>((d / "m.json").string());
  Model<float> init(saved.config);
  init_uniform(init, 1);
  REQUIRE(saved.params.size() == init.params.size());
  for (std::size_t i = 0; i < init.params.size(); ++i) CHECK(saved.params[i] == init.params[i]);
}

TEST_CASE("CSV import: header, column by name or index, errors with line and column") {
  Dir d;
  std::string csv = "time,value\n";
  for (int i = 0; i < 150; ++i) csv += std::to_string(i) + "," + std::to_string(std::sin(i * 0.3)) + "\n";
  spit(d / "series.csv", csv);
  Result r = d.run("train --data series.csv --column value " + std::string("--hidden 4 --seq 8 --epochs 1 --out a.json"));
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = d.run("train --data series.csv --column 1 --hidden 4 --seq 8 --epochs 1 --out b.json");
  REQUIRE(r.code == 0);
  CHECK(slurp(d / "a.json").find("\"column\":\"value\"") != std::string::npos);
  const io::ModelFile b = io::load_model_file((d / "b.json").string());
  CHECK(b.extra.at("training").at("column") == "value");  // the column as chosen, by its name
  // Normalisation from the training 80 % of column "value" only.
  const io::TrainingMetadata md = io::read_training_metadata(b.extra, "b.json");
  double mean = 0;
  for (int i = 0; i < 120; ++i) mean += std::sin(i * 0.3);
  CHECK(md.normalization.mean == doctest::Approx(mean / 120).epsilon(1e-5));

  r = d.run("train --data series.csv --column nope --out c.json");
  CHECK(r.code == 1);
  CHECK(r.err.find("nope") != std::string::npos);
  CHECK_FALSE(fs::exists(d / "c.json"));

  spit(d / "bad.csv", "x\n1\n2\nabc\n4\n");
  r = d.run("train --data bad.csv --out c.json");
  CHECK(r.code == 1);
  CHECK(r.err.find("bad.csv") != std::string::npos);
  CHECK(r.err.find("line 4") != std::string::npos);
  CHECK(r.err.find("column 1") != std::string::npos);

  spit(d / "short.csv", "1\n2\n3\n4\n5\n");
  r = d.run("train --data short.csv --out c.json");
  CHECK(r.code == 1);
  CHECK(r.err.find("5 points") != std::string::npos);

  r = d.run("train --data missing.csv --out c.json");
  CHECK(r.code == 1);
  CHECK(r.err.find("missing.csv") != std::string::npos);
}

TEST_CASE("a failed run never clobbers an existing output") {
  Dir d;
  spit(d / "m.json", "precious");
  spit(d / "bad.csv", "1\n2\nx\n");
  Result r = d.run("train --data bad.csv --out m.json");
  CHECK(r.code == 1);
  CHECK(slurp(d / "m.json") == "precious");
  r = d.run("train --lr -3 --out m.json");
  CHECK(r.code == 2);
  CHECK(slurp(d / "m.json") == "precious");
  for (const auto& e : fs::directory_iterator(d.path))
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("config file: same keys as the flags, flags win, unknown keys refused") {
  Dir d;
  spit(d / "run.json", R"({"cell": "gru", "hidden": 5, "seq": 10, "length": 200, "epochs": 1, "lr": 0.02,
                           "batch": 16, "noise": 0.1})");
  Result r = d.run("train --config run.json --hidden 7 --out m.json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const io::ModelFile m = io::load_model_file((d / "m.json").string());
  CHECK(m.config.cell == CellKind::gru);
  CHECK(m.config.hidden_size == 7);  // the flag wins
  CHECK(m.extra.at("training").at("lr") == 0.02);
  CHECK(m.extra.at("training").at("noise") == 0.1);

  spit(d / "unknown.json", R"({"hiden": 5})");
  r = d.run("train --config unknown.json --out m2.json");
  CHECK(r.code == 2);
  CHECK(r.err.find("unknown.json") != std::string::npos);
  CHECK(r.err.find("hiden") != std::string::npos);

  spit(d / "range.json", R"({"hidden": 0})");
  r = d.run("train --config range.json --out m2.json");
  CHECK(r.code == 2);
  CHECK(r.err.find("range.json: key \"hidden\"") != std::string::npos);

  spit(d / "type.json", R"({"lr": [1]})");
  r = d.run("train --config type.json --out m2.json");
  CHECK(r.code == 2);
  CHECK(r.err.find("\"lr\"") != std::string::npos);

  spit(d / "broken.json", "{\"lr\": ");
  r = d.run("train --config broken.json --out m2.json");
  CHECK(r.code == 2);
  r = d.run("train --config nowhere.json --out m2.json");
  CHECK(r.code == 2);
  CHECK(r.err.find("nowhere.json") != std::string::npos);
  CHECK_FALSE(fs::exists(d / "m2.json"));
}

TEST_CASE("every bad flag is refused with exit 2 and names the flag") {
  Dir d;
  const std::pair<const char*, const char*> cases[] = {
      {"--cell lstmm", "--cell"},          {"--hidden 0", "--hidden"},
      {"--hidden 5000", "--hidden"},       {"--hidden 3.5", "--hidden"},
      {"--layers 9", "--layers"},          {"--seq 0", "--seq"},
      {"--batch abc", "--batch"},          {"--lr 0", "--lr"},
      {"--lr nan", "--lr"},                {"--lr 1e9", "--lr"},
      {"--epochs 0", "--epochs"},          {"--seed -1", "--seed"},
      {"--data copy:0", "--data"},         {"--loss most", "--loss"},
      {"--data cpy:8", "--data"},          {"--windows 5", "--windows"},
      {"--val-fraction 0", "--val-fraction"}, {"--val-fraction 0.95", "--val-fraction"},
      {"--optimizer rmsprop", "--optimizer"}, {"--momentum 0.5", "--momentum"},
      {"--optimizer sgd --momentum 1", "--momentum"}, {"--optimizer sgd --nesterov", "--nesterov"},
      {"--clip -1", "--clip"},             {"--schedule cosine", "--schedule"},
      {"--lr-factor 2", "--lr-factor"},    {"--patience -2", "--patience"},
      {"--weight-decay 5", "--weight-decay"}, {"--noise -1", "--noise"},
      {"--freq 0.9", "--freq"},            {"--shape triangle", "--shape"},
      {"--length 1", "--length"},          {"--length 40", "--length"},
      {"--nonlinearity relu", "--nonlinearity"}, {"--rollout sideways", "--rollout"},
      {"--column 2", "--column"},          {"--progress loud", "--progress"},
      {"--bogus 1", "--bogus"},
      {"--hidden 4 --hidden 5", "--hidden"}, {"stray", "stray"},
      {"--config ''", "--config"},
      {"--cell gru --forget-bias 1", "--forget-bias"}, {"--forget-bias 11", "--forget-bias"},
  };
  check_train_refuses(d, cases);
  Result r = d.run("train --out m.json --hidden");
  CHECK(r.code == 2);
  CHECK(r.err.find("--hidden needs a value") != std::string::npos);
  r = d.run("train --hidden --out m.json");  // the next flag is not taken as the value
  CHECK(r.code == 2);
  CHECK(r.err.find("--hidden needs a value") != std::string::npos);
  CHECK_FALSE(fs::exists(d / "m.json"));
  r = d.run("train --epochs 1");
  CHECK(r.code == 2);
  CHECK(r.err.find("--out") != std::string::npos);
  r = d.run("train --out nodir/m.json");
  CHECK(r.code == 1);
  CHECK(r.err.find("nodir") != std::string::npos);
  r = d.run("train --out .");
  CHECK(r.code == 1);
  r = d.run("train --help");
  CHECK(r.code == 0);
  for (const char* flag : {"--cell", "--hidden", "--layers", "--seq", "--batch", "--lr", "--epochs", "--seed", "--data",
                           "--config", "--out", "--metrics", "--forecast", "--optimizer", "--momentum", "--clip",
                           "--schedule", "--weight-decay", "--loss", "--column", "--noise", "--val-fraction",
                           "--patience"})
    CHECK_MESSAGE(r.out.find(flag) != std::string::npos, flag);
}

TEST_CASE("forecast: uses the model's settings and normalisation") {
  Dir d;
  Result r = d.run("train " + small + "--amp 3 --offset 5 --out m.json --forecast fc.csv");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = d.run("forecast --model m.json --horizon 30 --from 160 --out f.csv");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(last_line(r.out).rfind("forecast points=200 train_mse=", 0) == 0);
  const std::string f = slurp(d / "f.csv");
  CHECK(f.rfind("t,truth,one_step,rollout\n10,", 0) == 0);  // from seq on
  CHECK(std::count(f.begin(), f.end(), '\n') == 191);        // t = 10 … 199
  // The rollout from 160 is the one train wrote for the validation part (same model, same data).
  const std::string fc = slurp(d / "fc.csv");
  const std::size_t row = fc.find("\n165,"), row2 = f.find("\n165,");
  REQUIRE(row != std::string::npos);
  REQUIRE(row2 != std::string::npos);
  CHECK(fc.substr(row, fc.find('\n', row + 1) - row) == f.substr(row2, f.find('\n', row2 + 1) - row2));

  r = d.run("forecast --model m.json --horizon 5 --from 200 --out g.csv");  // into the future
  REQUIRE(r.code == 0);
  const std::string g = slurp(d / "g.csv");
  CHECK(g.find("\n204,,,") != std::string::npos);
  CHECK(g.find("\n205,") == std::string::npos);

  r = d.run("forecast --model m.json --out g.csv");
  CHECK(r.code == 2);
  CHECK(r.err.find("--horizon") != std::string::npos);
  r = d.run("forecast --model m.json --horizon -1 --out g.csv");
  CHECK(r.code == 2);
  r = d.run("forecast --model m.json --horizon 5 --from 999 --out g.csv");
  CHECK(r.code == 2);
  CHECK(r.err.find("--from") != std::string::npos);
  r = d.run("forecast --model none.json --horizon 5 --out g.csv");
  CHECK(r.code == 1);
  CHECK(r.err.find("none.json") != std::string::npos);
}

TEST_CASE("memory tasks: train writes a model without normalisation; bad tasks and series flags refused") {
  Dir d;
  const std::string tiny = "--hidden 4 --epochs 1 --windows 64 --val-windows 16 --batch 16 ";
  Result r = d.run("train --data copy:30 " + tiny + "--out c.json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(last_line(r.out).rfind("done epochs=1 steps=4 train_mse=", 0) == 0);
  CHECK(r.err.find("copy task, T = 30: 64 training / 16 validation windows") != std::string::npos);
  CHECK(r.err.find("always answering 0 scores val_mse=") != std::string::npos);
  const io::ModelFile c = io::load_model_file((d / "c.json").string());
  CHECK(c.config.input_size == 1);
  CHECK(c.config.output_size == 1);
  CHECK_FALSE(c.extra.contains("normalization"));
  CHECK(c.extra.at("training").at("data") == "copy:30");
  CHECK(c.extra.at("training").at("seq") == 30);  // taken from the task
  CHECK(c.extra.at("training").at("windows") == 64);
  CHECK_FALSE(c.extra.at("training").contains("val-fraction"));
  CHECK_FALSE(c.extra.at("training").contains("noise"));

  r = d.run("train --data adding:12 --seq 12 " + tiny + "--out a.json --metrics met.csv");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(io::load_model_file((d / "a.json").string()).config.input_size == 2);
  r = d.run("train --data adding:12 --seq 12 " + tiny + "--out a2.json");
  REQUIRE(r.code == 0);
  CHECK(slurp(d / "a.json") == slurp(d / "a2.json"));  // same seeds, same bytes
  r = d.run("train --data adding:12 --task-seed 2 " + tiny + "--out a3.json");
  REQUIRE(r.code == 0);
  CHECK(slurp(d / "a.json") != slurp(d / "a3.json"));

  const std::pair<const char*, const char*> refused[] = {
      {"--data copy:0", "--data"},           {"--data copy:abc", "--data"},
      {"--data adding:", "--data"},          {"--data adding:1", "--data"},
      {"--data copy:100001", "--data"},      {"--data copy", "--data"},
      {"--data copy:30 --seq 20", "--seq"},  {"--data copy:30 --loss all", "--loss"},
      {"--data copy:30 --forecast f.csv", "--forecast"}, {"--data copy:30 --rollout carry", "--rollout"},
      {"--data copy:30 --val-fraction 0.5", "--val-fraction"}, {"--data copy:30 --column 0", "--column"},
      {"--data adding:30 --noise 0.1", "--noise"}, {"--data copy:30 --windows 0", "--windows"},
      {"--data adding:100000 --windows 1000000", "fewer windows"},
  };
  check_train_refuses(d, refused);
  CHECK_FALSE(fs::exists(d / "f.csv"));
  spit(d / "run.json", R"({"data": "adding:0"})");
  r = d.run("train --config run.json --out m.json");
  CHECK(r.code == 2);
  CHECK(r.err.find("run.json: key \"data\"") != std::string::npos);

  // forecast: a memory-task model has no series to forecast, whatever --data says.
  for (const char* extra : {"", " --data sine", " --data copy:30"}) {
    CAPTURE(extra);
    r = d.run(std::string("forecast --model c.json --horizon 5 --out f.csv") + extra);
    CHECK(r.code == 1);
    CHECK(r.err.find("c.json: trained on the memory task copy:30") != std::string::npos);
    CHECK_FALSE(fs::exists(d / "f.csv"));
  }
  r = d.run("forecast --model a.json --horizon 5 --out f.csv");
  CHECK(r.code == 1);
  CHECK(r.err.find("memory task adding:12") != std::string::npos);
  r = d.run("train --help");
  for (const char* text : {"copy:T", "adding:T", "--windows", "--val-windows", "--task-seed"})
    CHECK_MESSAGE(r.out.find(text) != std::string::npos, text);
}
