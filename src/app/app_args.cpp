#include "app/app_args.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "app/session/snapshot.hpp"
#include "app/session/seq2seq.hpp"
#include "app/session/text.hpp"

namespace unrolled::app {

const char* app_usage() {
  return "usage: unrolled [options]\n"
         "  Watch a recurrent network (RNN, LSTM, GRU) run step by step, forward and backward through time.\n"
         "\n"
         "  --size WxH          window size (default 1280x800)\n"
         "  --scale S           UI scale on top of the monitor's content scale (0.5-4, default 1)\n"
         "  --projector         projector mode: high-contrast theme, large readouts, scale at least 2 (F11)\n"
         "  --model M.json      load a model file (errors are shown, the default scene stays)\n"
         "  --frames N          render N frames, then exit (tests, docs, benchmarks)\n"
         "  --screenshot F.png  write the last frame as a PNG (with --frames)\n"
         "  --stats F.json      write frame-time statistics: {\"frames\",\"frame_ms\":{mean,p50,p95,max},\"train_steps\",\n"
         "                      \"train_wall_seconds\",\"train_steps_per_second\",\"phase_ms\":{ui,render,present}\n"
         "                      (each {wall_p50,cpu_p50}),\"redraw\":{partial,partial_frames,check_mismatched_pixels},\n"
         "                      \"clipped_text\":[{window,clip,glyphs,overflow,first,last}, ...] (text cut by its frame)};\n"
         "                      with --compare also \"compare\":\n"
         "                      [{\"cell\",\"steps\",\"seconds\",\"steps_per_second\",\"parameters\",\"state\"}, ...];\n"
         "                      once the Text workspace's model is built also \"text\":\n"
         "                      {\"steps\",\"wall_seconds\",\"steps_per_second\",\"parameters\",\"state\"}; once the\n"
         "                      Seq2seq workspace's model is built also \"seq2seq\": {\"steps\",\"wall_seconds\",\n"
         "                      \"steps_per_second\",\"parameters\",\"twin\",\"state\",\"val_seq_acc\"}\n"
         "  --step N            start at step N of the story: 0..T is the forward pass at t = N,\n"
         "                      T+1..2T the backward pass at t = 2T+1-N (automation, screenshots)\n"
         "  --play              start playing\n"
         "  --speed S           steps per second while playing (0.25-60, default 4)\n"
         "  --train             open the Train workspace and start training the sine-wave forecaster (with\n"
         "                      --text: the character model; with --seq2seq: the seq2seq model)\n"
         "  --train-speed S     the Train workspace's training speed: 10, 100 or 1000 steps per second, or full\n"
         "                      (as fast as the machine goes); default 100, a pace a class can follow (a\n"
         "                      restored session keeps its own)\n"
         "  --series DATA       open the Train workspace on a series: a real one by name (co2, nile,\n"
         "                      sunspots: assets/data/README.md) or a CSV file; with --train it trains on it\n"
         "  --column C          the series' column, a header name or 0-based index (default: the only\n"
         "                      column, else the one named \"value\"; otherwise the columns are listed)\n"
         "  --list-lessons      print the lessons (ID  title), then exit; needs no display\n"
         "  --lesson ID         open a lesson (an ID from --list-lessons, or path/to/lesson.json)\n"
         "  --lesson-step K     open the lesson at step K (1-based)\n"
         "  --lesson-shots DIR  page through the lesson from --lesson-step on, once each step is applied\n"
         "                      (and its training done) save DIR/step-KK.png and DIR/walk.json, then exit\n"
         "  --compare LIST      open the Compare workspace and train 2 or 3 distinct cells of rnn, lstm, gru\n"
         "                      side by side on the same data, seed and settings, e.g. --compare rnn,lstm,gru\n"
         "  --lab               open the Gradient lab (the vanilla RNN's gradient against its spectral radius\n"
         "                      rho) and train its clipped and unclipped runs\n"
         "  --lab-rho R         the lab's spectral radius rho (0.1-3, default 0.9); implies --lab\n"
         "  --lab-activation F  the lab's activation, tanh (default) or relu; implies --lab\n"
         "  --text [DATA]       open the Text workspace: a character model on DATA, a UTF-8 .txt file, structured\n"
         "                      (generated brackets and quoted strings; the default) or english (the GPL-3 text\n"
         "                      of Debian's base-files); with --train it starts training it\n"
         "  --text-unit U       the unit whose activation colours the Text workspace's reading view (default 0)\n"
         "  --seq2seq [TASK]    open the Seq2seq workspace: an encoder-decoder with attention on TASK, reverse\n"
         "                      (the default), sort, dates, add or a FILE.tsv of source<TAB>target lines, with a\n"
         "                      no-attention twin beside it; with --train it starts training both\n"
         "  --seq2seq-step K    the decoding step the Seq2seq workspace steps to (1-based, default 1)\n"
         "  --seq2seq-beam K    the beam width of its beam-search tree (1-8, default 3)\n"
         "  --text-position K   the reading passage's character (1-based) whose guess the connectivity view\n"
         "                      differentiates (default 121)\n"
         "  --session FILE      open a session file (File > Save session) instead of the last session\n"
         "  --fresh             start from the defaults instead of the last session\n"
         "  --autosave          with --frames: restore the last session and autosave it, as an interactive run\n"
         "                      does (the last session is $XDG_STATE_HOME/unrolled/last-session.json, else\n"
         "                      ~/.local/state/unrolled/, saved every minute and on exit)\n"
         "  --help              this text\n"
         "\n"
         "keys: Space play/pause, Right/Left step, Home/End start/end of the pass, B switch pass,\n"
         "      Ctrl+wheel zoom the unrolled view; T train, Shift+T pause training, R reset training (the\n"
         "      comparison's while one is open; T in the Compare workspace starts one with the ticked cells),\n"
         "      Ctrl+S save model, Ctrl+O open model, F12 screenshot, F11 projector mode, F1 help;\n"
         "      lessons: PageDown/PageUp next/previous step (Right/Left when the lesson panel has focus);\n"
         "      Gradient lab: Right/Left rho +/- 0.05, T train both runs, Shift+T pause, R reset them;\n"
         "      Text: T train the character model, Shift+T pause, R reset it.\n"
         "Without a display, use unrolled-cli (train, trace, bench).\n";
}

namespace {
bool parse_int(const std::string& s, int& out) {
  const char* b = s.data();
  const char* e = b + s.size();
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e;
}
bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}
// "rnn,lstm,gru" → cells (any case); empty, else what is wrong with the list (quoting it), and
// `out` untouched.
std::string parse_cells(const std::string& list, std::vector<CellKind>& out) {
  const std::string quoted = "'" + list + "'";
  std::vector<CellKind> cells;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CellKind cell{};
    if (!parse_cell(name, cell))
      return (name.empty() ? std::string("an empty name") : "'" + name + "' is not a cell (rnn, lstm or gru)") + " in " + quoted;
    if (std::find(cells.begin(), cells.end(), cell) != cells.end()) return name + " is listed twice in " + quoted;
    cells.push_back(cell);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (cells.size() < 2 || cells.size() > 3)
    return "expected 2 or 3 distinct cells of rnn, lstm, gru separated by commas, got " + std::to_string(cells.size()) +
           " in " + quoted;
  out = std::move(cells);
  return {};
}
}  // namespace

ParseResult parse_app_args(const std::vector<std::string>& argv) {
  ParseResult r;
  AppArgs& a = r.args;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& flag = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argv.size()) {
        r.error = flag + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string v;
    if (flag == "--help" || flag == "-h") {
      a.help = true;
    } else if (flag == "--size") {
      if (!value(v)) return r;
      const auto x = v.find('x');
      int w = 0, h = 0;
      if (x == std::string::npos || !parse_int(v.substr(0, x), w) || !parse_int(v.substr(x + 1), h) || w < 320 ||
          h < 240 || w > 16384 || h > 16384) {
        r.error = "--size: expected WxH between 320x240 and 16384x16384, got '" + v + "'";
        return r;
      }
      a.width = w;
      a.height = h;
    } else if (flag == "--scale") {
      double s = 0;
      if (!value(v)) return r;
      if (!parse_double(v, s) || s < 0.5 || s > 4.0) {
        r.error = "--scale: expected a number from 0.5 to 4, got '" + v + "'";
        return r;
      }
      a.scale = static_cast<float>(s);
      a.scale_given = true;
    } else if (flag == "--fresh") {
      a.fresh = true;
    } else if (flag == "--autosave") {
      a.autosave = true;
    } else if (flag == "--session") {
      if (!value(a.session_path)) return r;
      if (a.session_path.empty()) {
        r.error = "--session: expected a session file, got ''";
        return r;
      }
    } else if (flag == "--projector") {
      a.projector = true;
    } else if (flag == "--model") {
      if (!value(a.model_path)) return r;
    } else if (flag == "--frames") {
      if (!value(v)) return r;
      if (!parse_int(v, a.frames) || a.frames < 1) {
        r.error = "--frames: expected a positive whole number, got '" + v + "'";
        return r;
      }
    } else if (flag == "--screenshot") {
      if (!value(a.screenshot_path)) return r;
    } else if (flag == "--stats") {
      if (!value(a.stats_path)) return r;
    } else if (flag == "--step") {
      if (!value(v)) return r;
      if (!parse_int(v, a.step) || a.step < 0) {
        r.error = "--step: expected a whole number >= 0, got '" + v + "'";
        return r;
      }
    } else if (flag == "--play") {
      a.play = true;
    } else if (flag == "--train") {
      a.train = true;
    } else if (flag == "--train-speed") {
      if (!value(v)) return r;
      double speed = 0;
      if (v == "full") {
        a.train_speed = 0.0;
      } else if (parse_double(v, speed) && std::isfinite(speed) && speed >= 1 && speed <= 1e6) {
        a.train_speed = speed;
      } else {
        r.error = "--train-speed: expected steps per second (1 to 1000000) or 'full', got '" + v + "'";
        return r;
      }
    } else if (flag == "--series") {
      if (!value(a.series)) return r;
      if (a.series.empty()) {
        r.error = "--series: expected co2, nile, sunspots or a CSV file, got ''";
        return r;
      }
    } else if (flag == "--column") {
      if (!value(a.column)) return r;
    } else if (flag == "--text") {  // an optional value: the text (default the generated one)
      a.text = "structured";
      if (i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) a.text = argv[++i];
    } else if (flag == "--text-unit") {
      if (!value(v)) return r;
      if (!parse_int(v, a.text_unit) || a.text_unit < 0 || a.text_unit >= max_text_hidden) {
        r.error = "--text-unit: expected a unit from 0 to " + std::to_string(max_text_hidden - 1) + ", got '" + v + "'";
        return r;
      }
    } else if (flag == "--seq2seq") {  // an optional value: the task (default reverse)
      a.seq2seq = "reverse";
      if (i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) a.seq2seq = argv[++i];
    } else if (flag == "--seq2seq-step" || flag == "--seq2seq-beam") {
      if (!value(v)) return r;
      const bool beam = flag == "--seq2seq-beam";
      int& k = beam ? a.seq2seq_beam : a.seq2seq_step;
      const int hi = beam ? max_seq2seq_beam : 4096;
      if (!parse_int(v, k) || k < 1 || k > hi) {
        r.error = flag + ": expected a whole number from 1 to " + std::to_string(hi) + ", got '" + v + "'";
        return r;
      }
    } else if (flag == "--text-position") {
      if (!value(v)) return r;
      if (!parse_int(v, a.text_position) || a.text_position < 1 || a.text_position > reading_chars) {
        r.error = "--text-position: expected a character from 1 to " + std::to_string(reading_chars) + ", got '" + v + "'";
        return r;
      }
    } else if (flag == "--lab") {
      a.lab = true;
    } else if (flag == "--lab-rho") {
      if (!value(v)) return r;
      if (!parse_double(v, a.lab_rho) || a.lab_rho < min_lab_rho || a.lab_rho > max_lab_rho) {
        r.error = "--lab-rho: expected a spectral radius from 0.1 to 3, got '" + v + "'";
        return r;
      }
      a.lab = true;
    } else if (flag == "--lab-activation") {
      if (!value(v)) return r;
      Nonlinearity f{};
      if (!parse_nonlinearity(v, f)) {
        r.error = "--lab-activation: expected tanh or relu, got '" + v + "'";
        return r;
      }
      a.lab_activation = f;
      a.lab = true;
    } else if (flag == "--list-lessons") {
      a.list_lessons = true;
    } else if (flag == "--lesson") {
      if (!value(a.lesson)) return r;
      if (a.lesson.empty()) {
        r.error = "--lesson: expected a lesson ID (see --list-lessons) or a .json file, got ''";
        return r;
      }
    } else if (flag == "--lesson-step") {
      if (!value(v)) return r;
      if (!parse_int(v, a.lesson_step) || a.lesson_step < 1) {
        r.error = "--lesson-step: expected a step number >= 1, got '" + v + "'";
        return r;
      }
    } else if (flag == "--lesson-shots") {
      if (!value(a.lesson_shots)) return r;
      if (a.lesson_shots.empty()) {
        r.error = "--lesson-shots: expected a folder, got ''";
        return r;
      }
    } else if (flag == "--compare") {
      if (!value(v)) return r;
      if (std::string e = parse_cells(v, a.compare); !e.empty()) {
        r.error = "--compare: " + e;
        return r;
      }
    } else if (flag == "--speed") {
      if (!value(v)) return r;
      if (!parse_double(v, a.speed) || a.speed < 0.25 || a.speed > 60) {
        r.error = "--speed: expected steps per second from 0.25 to 60, got '" + v + "'";
        return r;
      }
    } else {
      r.error = "unknown option '" + flag + "'";
      return r;
    }
  }
  if (a.lesson.empty() && (a.lesson_step > 0 || !a.lesson_shots.empty())) {
    r.error = std::string(a.lesson_step > 0 ? "--lesson-step" : "--lesson-shots") + " needs --lesson ID";
    return r;
  }
  if (!a.lesson_shots.empty() && (a.frames > 0 || !a.screenshot_path.empty())) {
    r.error = "--lesson-shots ends after the lesson's last step and saves its own PNGs: drop --frames and --screenshot";
    return r;
  }
  if (a.fresh && !a.session_path.empty()) {
    r.error = "--fresh starts from the defaults and --session opens a session: choose one";
    return r;
  }
  if (!a.screenshot_path.empty() && a.frames == 0) a.frames = 60;  // a screenshot needs an end
  return r;
}

}  // namespace unrolled::app
