// Real series in the Train workspace (issue 17): a data set by name, the column rule and its chooser,
// the persistence baseline beside the validation MSE, and a model file written by `unrolled-cli train`
// (run as a real process) opened with its own training record and normalisation. Label threaded.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "app/session/session.hpp"
#include "app/session/settings_io.hpp"
#include "app/session/training.hpp"
#include "app/session_util.hpp"
#include "app/temp_files.hpp"
#include "io/model_file.hpp"

using namespace unrolled;
using namespace unrolled::app;
using test::settle;
using test::TempDir;

namespace {
void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

void run_cli(const std::string& args, const TempDir& dir) {
  const std::string cli = std::string(UNROLLED_BIN_DIR) + "/unrolled-cli " + args + " > '" + (dir / "out.txt") + "' 2>&1";
  const int status = std::system(cli.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}

TrainSettings sunspots_run() {
  TrainSettings s;
  s.csv_path = "sunspots";
  s.trainer.model.hidden_size = 8;
  s.trainer.epochs = 3;
  return s;
}
}  // namespace

TEST_CASE("the column chooser lists a file's columns and what the rule picks; a year column is never taken") {
  const TempDir dir("unrolled-series-cols");
  write_text(dir / "three.csv", "year,north,south\n1900,1,2\n1901,3,4\n1902,5,6\n1903,7,8\n");
  write_text(dir / "valued.csv", "date;value\n2001-01;5\n2001-02;6\n");
  write_text(dir / "bare.csv", "1\n2\n3\n");
  const CsvColumnChoice three = csv_column_choice(dir / "three.csv");
  CHECK(three.columns == std::vector<std::string>{"year", "north", "south"});
  CHECK(three.rule_pick == -1);
  CHECK(three.rule_error.find("year") != std::string::npos);
  const CsvColumnChoice valued = csv_column_choice(dir / "valued.csv");
  CHECK(valued.columns == std::vector<std::string>{"date", "value"});
  CHECK(valued.rule_pick == 1);
  const CsvColumnChoice bare = csv_column_choice(dir / "bare.csv");
  CHECK(bare.columns == std::vector<std::string>{"0"});
  CHECK(bare.rule_pick == 0);
  CHECK_FALSE(csv_column_choice(dir / "missing.csv").error.empty());
  CHECK(csv_column_choice("sunspots").rule_pick == 1);  // time,value

  // Training refuses to guess: the message names the columns; naming one trains on it.
  TrainSettings s;
  s.csv_path = dir / "three.csv";
  s.split.steps = 1;
  s.split.val_fraction = 0.5;
  CHECK_THROWS_WITH_AS(make_train_dataset(s), doctest::Contains("north"), std::runtime_error);
  s.csv_column = "south";
  CHECK(make_train_dataset(s)->describe().find("column south") != std::string::npos);
}

TEST_CASE("a real series opens by name and trains as unrolled-cli train --data sunspots does, with its baseline") {
  const TempDir dir("unrolled-series-cli");
  run_cli("train --data sunspots --hidden 8 --epochs 3 --progress none --out '" + (dir / "cli.json") + "'", dir);
  const io::ModelFile cli = io::load_model_file(dir / "cli.json");

  Session s({}, sunspots_run());
  s.send(cmd::Train{});
  auto snap = test::wait_for(s, [](const Snapshot& x) { return x.train->state == TrainState::finished; });
  REQUIRE(snap->train->state == TrainState::finished);
  CHECK(snap->train->data_description.find("sunspots column value, 309 points") != std::string::npos);
  // The same data, seed and settings: the same validation MSE, and the same persistence baseline.
  CHECK(snap->train->last_val_mse == doctest::Approx(cli.extra["training_result"]["val_mse"].get<double>()).epsilon(1e-6));
  CHECK(snap->train->val_persistence_mse ==
        doctest::Approx(cli.extra["training_result"]["persistence_val_mse"].get<double>()).epsilon(1e-12));
  CHECK(snap->train->val_persistence_mse < snap->train->last_val_mse);  // 3 epochs are not enough to beat it
}

TEST_CASE("a model file from unrolled-cli brings its data settings, its normalisation and its name") {
  const TempDir dir("unrolled-series-model");
  run_cli("train --data sunspots --hidden 8 --seq 20 --val-fraction 0.25 --epochs 2 --progress none --out '" +
              (dir / "cli.json") + "'",
          dir);
  const io::ModelFile cli = io::load_model_file(dir / "cli.json");
  Session s({}, TrainSettings{});
  auto snap = settle(s, s.send(cmd::LoadModel{dir / "cli.json"}));
  REQUIRE_FALSE(snap->message_is_error);
  const TrainView& tv = *snap->train;
  CHECK(tv.model_file == dir / "cli.json");
  CHECK(tv.settings.csv_path == "sunspots");
  CHECK(tv.settings.csv_column == "value");
  CHECK(tv.settings.split.steps == 20);
  CHECK(tv.settings.split.val_fraction == 0.25);
  CHECK(tv.settings.trainer.model.hidden_size == 8);
  REQUIRE(tv.settings.normalization);
  CHECK(tv.settings.normalization->mean == cli.extra["normalization"]["mean"].get<double>());
  CHECK(tv.settings.normalization->std == cli.extra["normalization"]["std"].get<double>());
  CHECK(snap->message.find("cli.json") != std::string::npos);
  CHECK(snap->message.find("file's mean") != std::string::npos);
  // The forecast is in data units: the truth is the file's values, not their normalised form.
  REQUIRE(tv.forecast);
  REQUIRE(tv.forecast->truth.size() == 309);
  CHECK(tv.forecast->truth[0] == doctest::Approx(5.0));  // sunspots 1700

  // Reset goes back to the seed's weights: no file behind the run any more.
  snap = settle(s, s.send(cmd::ResetTraining{}));
  CHECK(snap->train->model_file.empty());
}

TEST_CASE("opening a PyTorch .pt file says how to convert it in one command, not a JSON parse error") {
  const TempDir dir("unrolled-series-pt");
  write_text(dir / "model.pt", std::string("PK\x03\x04", 4) + std::string(64, '\0'));  // torch.save's zip header
  Session s({}, TrainSettings{});
  auto snap = settle(s, s.send(cmd::LoadModel{dir / "model.pt"}));
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("python3 tools/torch_bridge.py export") != std::string::npos);
  CHECK(snap->message.find("parse error") == std::string::npos);
}

TEST_CASE("a model file's normalisation is kept by the settings table (session files) and left out of model files") {
  TrainSettings s = sunspots_run();
  s.normalization = Normalization{43.7, 34.06};
  TrainSettings back;
  for (const auto& [key, value] : train_setting_values(s)) REQUIRE(set_train_setting(back, key, value, true).empty());
  CHECK(back == s);
  for (const io::Setting& e : train_setting_entries(s)) CHECK(e.key.rfind("norm-", 0) != 0);
  CHECK_FALSE(set_train_setting(back, "norm-std", 0.0, true).empty());  // a std must be above 0
}

TEST_CASE("the real series are listed with their README row: what, source and licence") {
  std::vector<std::string> names;
  for (const io::DataSetInfo& d : real_series()) {
    names.push_back(d.name);
    CHECK(d.source.find("statsmodels.datasets." + d.name) != std::string::npos);  // assets/data/README.md's row
    CHECK(d.licence.find("public domain") != std::string::npos);
    CHECK_FALSE(d.what.empty());
  }
  CHECK(names == std::vector<std::string>{"co2", "nile", "sunspots"});
}
