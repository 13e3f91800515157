#include "app/app_args.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace unrolled::app {

const char* app_usage() {
  return "usage: unrolled [options]\n"
         "  Watch a recurrent network (RNN, LSTM, GRU) run step by step, forward and backward through time.\n"
         "\n"
         "  --size WxH          window size (default 1280x800)\n"
         "  --scale S           UI scale on top of the monitor's content scale (0.5-4, default 1)\n"
         "  --model M.json      load a model file (errors are shown, the default scene stays)\n"
         "  --frames N          render N frames, then exit (tests, docs, benchmarks)\n"
         "  --screenshot F.png  write the last frame as a PNG (with --frames)\n"
         "  --stats F.json      write frame-time statistics: {\"frames\",\"frame_ms\":{mean,p50,p95,max},\"train_steps\",\n"
         "                      \"train_wall_seconds\",\"train_steps_per_second\"}\n"
         "  --step N            start at step N of the story: 0..T is the forward pass at t = N,\n"
         "                      T+1..2T the backward pass at t = 2T+1-N (automation, screenshots)\n"
         "  --play              start playing\n"
         "  --speed S           steps per second while playing (0.25-60, default 4)\n"
         "  --train             open the Train workspace and start training the sine-wave forecaster\n"
         "  --help              this text\n"
         "\n"
         "keys: Space play/pause, Right/Left step, Home/End start/end of the pass, B switch pass,\n"
         "      Ctrl+wheel zoom the unrolled view; T train, Shift+T pause training, R reset training,\n"
         "      Ctrl+S save model, Ctrl+O open model, F12 screenshot, F1 help.\n"
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
  if (!a.screenshot_path.empty() && a.frames == 0) a.frames = 60;  // a screenshot needs an end
  return r;
}

}  // namespace unrolled::app
