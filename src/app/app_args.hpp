// The app's command line (DESIGN §5). Parsing is pure so the rules are easy to read in one place.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace unrolled::app {

struct AppArgs {
  int width = 1280, height = 800;  // --size WxH (window size in screen coordinates)
  float scale = 1.0f;              // --scale S, on top of the monitor's content scale
  std::string model_path;          // --model M.json
  int frames = 0;                  // --frames N: render N frames, then exit (0 = run until closed)
  std::string screenshot_path;     // --screenshot FILE.png: the last frame
  std::string stats_path;          // --stats FILE.json
  int step = -1;                   // --step N: start at position N (0…2T: forward t = N, then backward)
  bool play = false;               // --play: start playing
  double speed = 0.0;              // --speed S: steps per second (0 = default)
  bool train = false;              // --train: open the Train workspace and start training the default model
  bool help = false;
};

// Returns the parsed arguments, or an error message naming the flag (usage error, exit code 2).
struct ParseResult {
  AppArgs args;
  std::string error;
};
ParseResult parse_app_args(const std::vector<std::string>& argv);

const char* app_usage();

}  // namespace unrolled::app
