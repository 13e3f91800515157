// The app's command line (DESIGN §5). Parsing is pure so the rules are easy to read in one place.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace unrolled::app {

struct AppArgs {
  int width = 1280, height = 800;  // --size WxH (window size in screen coordinates)
  float scale = 1.0f;              // --scale S, on top of the monitor's content scale
  bool scale_given = false;        // --scale was given (it wins over a restored session's scale)
  bool projector = false;          // --projector: high-contrast theme, large readouts, scale ≥ 2
  std::string model_path;          // --model M.json
  int frames = 0;                  // --frames N: render N frames, then exit (0 = run until closed)
  std::string screenshot_path;     // --screenshot FILE.png: the last frame
  std::string stats_path;          // --stats FILE.json
  int step = -1;                   // --step N: start at position N (0…2T: forward t = N, then backward)
  bool play = false;               // --play: start playing
  double speed = 0.0;              // --speed S: steps per second (0 = default)
  bool train = false;              // --train: open the Train workspace and start training the default model
  std::optional<double> train_speed;  // --train-speed S|full: the Train workspace's steps per second (0 = full)
  std::string series;              // --series DATA: the Train workspace's data (co2, nile, sunspots or FILE.csv)
  std::string column;              // --column C: its column (header name or 0-based index; default: the rule)
  std::string lesson;              // --lesson ID (or path/to/lesson.json): open a lesson
  int lesson_step = 0;             // --lesson-step K: at step K (1-based; 0 = the first)
  std::string lesson_shots;        // --lesson-shots DIR: page through the lesson, one PNG per step, then exit
  bool list_lessons = false;       // --list-lessons: print "ID  title" lines and exit (no display needed)
  std::vector<CellKind> compare;   // --compare rnn,lstm,gru: 2–3 distinct cells trained side by side
  bool lab = false;                // --lab: open the Gradient lab and train its clipped and unclipped runs
  std::optional<std::string> text; // --text [DATA]: open the Text workspace on DATA (default "structured")
  int text_unit = 0;               // --text-unit U: the reading view's unit
  std::optional<std::string> seq2seq;  // --seq2seq [TASK]: open the Seq2seq workspace on TASK (default "reverse")
  int seq2seq_step = 0;            // --seq2seq-step K: the decoding step shown (1-based; 0 = the first)
  int seq2seq_beam = 0;            // --seq2seq-beam K: the beam width of the example's tree (0 = the default)
  int text_position = 0;           // --text-position K (1-based): the connectivity view's character; 0: default
  double lab_rho = 0;              // --lab-rho R: the lab's spectral radius (0 = its default); implies --lab
  std::optional<Nonlinearity> lab_activation;  // --lab-activation tanh|relu; implies --lab
  // Session files: interactive runs restore the last session ($XDG_STATE_HOME/unrolled/last-session.json)
  // and autosave it every minute and on exit; automated runs (--frames) only with --autosave.
  bool fresh = false;              // --fresh: start from the defaults (the autosave still runs)
  std::string session_path;        // --session FILE: open this session file instead of the last one
  bool autosave = false;           // --autosave: restore and autosave in an automated run too
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
