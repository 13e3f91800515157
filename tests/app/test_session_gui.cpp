// "Nothing lost" in the real app under Xvfb (label gui): it writes the last session on exit and
// restores it on the next start — the training run at its step, the workspace — with a temporary
// XDG_STATE_HOME; a corrupt last session is moved aside with a message, never a crash; --fresh starts
// from the defaults; automated runs leave the user's last session alone unless --autosave.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/temp_files.hpp"

namespace fs = std::filesystem;
using unrolled::app::test::slurp;
using unrolled::app::test::TempDir;

namespace {
const TempDir scratch_dir("unrolled-session-gui");
fs::path scratch() { return scratch_dir.path; }

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(slurp(p.string())); }
std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

struct Run {
  int code = -1;
  std::string err;
};
// The app with `args` (quoted for the shell), after `env`; its exit code and stderr.
Run run(const std::string& args, const std::string& env) {
  const fs::path err = scratch() / "stderr.txt";
  const std::string app = std::string(UNROLLED_BIN_DIR) + "/unrolled";
  const int status = std::system((env + " " + quoted(fs::path(app)) + " " + args + " >/dev/null 2>" + quoted(err)).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(err.string())};
}
}  // namespace

TEST_CASE("the app saves the session on exit and restores it on the next start") {
  const fs::path state = scratch() / "state", last = state / "unrolled" / "last-session.json";
  fs::remove_all(state);
  const std::string env = "XDG_STATE_HOME=" + quoted(state);

  // An automated run without --autosave leaves the last session alone.
  Run r = run("--train --train-speed full --frames 20", env);
  REQUIRE(r.code == 0);
  CHECK_FALSE(fs::exists(last));

  // Train for a while in the Train workspace, then exit: the last session is written.
  const fs::path s1 = scratch() / "s1.json", s2 = scratch() / "s2.json";
  r = run("--autosave --train --train-speed full --frames 90 --stats " + quoted(s1), env);
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(fs::exists(last));
  const long long trained = read_json(s1)["train_steps"].get<long long>();
  REQUIRE(trained > 0);
  nlohmann::json saved = read_json(last);
  CHECK(saved["format"] == "unrolled-session");
  CHECK(saved["version"] == 1);
  CHECK(saved["ui"]["workspace"] == "train");
  CHECK(saved["run"]["trainer"]["step"] == trained);
  CHECK(saved["run"]["state"] == "paused");  // a running run is saved paused: T continues it
  CHECK(saved["run"]["train_speed"] == 0);   // --train-speed full

  // The next start restores it: the run is at the same step (nothing trains this time), in the Train
  // workspace (saved again on exit), and T continues from there.
  r = run("--autosave --frames 5 --stats " + quoted(s2), env);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(read_json(s2)["train_steps"] == trained);
  saved = read_json(last);
  CHECK(saved["ui"]["workspace"] == "train");
  CHECK(saved["run"]["trainer"]["step"] == trained);
  r = run("--autosave --train --train-speed full --frames 30 --stats " + quoted(s2), env);
  REQUIRE(r.code == 0);
  const long long total = read_json(s2)["train_steps"].get<long long>();
  CHECK(total > trained);
  // The curve holds every step from 1, not only those since the restart (counts of merged points).
  const nlohmann::json steps = read_json(last)["run"]["steps"];
  long long counted = steps["pending"].is_null() ? 0 : steps["pending"][2].get<long long>();
  for (const auto& p : steps["points"]) counted += p[2].get<long long>();
  CHECK(counted == total);

  // --fresh starts from the defaults, and then saves that as the last session.
  r = run("--autosave --fresh --frames 5 --stats " + quoted(s2), env);
  REQUIRE(r.code == 0);
  CHECK(read_json(s2)["train_steps"] == 0);
  CHECK(read_json(last)["run"]["trainer"]["step"] == 0);
  CHECK(read_json(last)["run"]["train_speed"] == 100);  // a new session trains at class speed

  // A restored session keeps its own speed; --train-speed sets it.
  r = run("--autosave --train-speed 1000 --frames 5", env);
  REQUIRE(r.code == 0);
  CHECK(read_json(last)["run"]["train_speed"] == 1000);
  r = run("--autosave --frames 5", env);
  REQUIRE(r.code == 0);
  CHECK(read_json(last)["run"]["train_speed"] == 1000);
}

TEST_CASE("a corrupt last session is moved aside with a message; the app starts from the defaults") {
  const fs::path state = scratch() / "state-bad", last = state / "unrolled" / "last-session.json";
  fs::remove_all(state);
  fs::create_directories(last.parent_path());
  std::ofstream(last) << "{\"format\": \"unrolled-session\", \"version\": 1, \"ui\": ";  // cut off mid-write
  const fs::path stats = scratch() / "bad-stats.json";
  const Run r = run("--autosave --frames 5 --stats " + quoted(stats), "XDG_STATE_HOME=" + quoted(state));
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err.find("could not open the session: " + last.string()) != std::string::npos);
  CHECK(r.err.find("moved to " + last.string() + ".bad") != std::string::npos);
  CHECK(fs::exists(last.string() + ".bad"));
  CHECK(read_json(stats)["train_steps"] == 0);
  CHECK(read_json(last)["format"] == "unrolled-session");  // a good one written on exit
}

TEST_CASE("--session opens a file; a missing one is a message and the app carries on; flags are checked") {
  const fs::path state = scratch() / "state-flags";
  fs::remove_all(state);
  const std::string env = "XDG_STATE_HOME=" + quoted(state);
  Run r = run("--session " + quoted(scratch() / "missing.json") + " --frames 3", env);
  CHECK(r.code == 0);
  CHECK(r.err.find((scratch() / "missing.json").string()) != std::string::npos);
  CHECK_FALSE(fs::exists(scratch() / "missing.json.bad"));  // the user's own file is never moved
  r = run("--fresh --session x.json --frames 3", env);
  CHECK(r.code == 2);
  CHECK(r.err.find("--fresh") != std::string::npos);
}
