#include "cli/train_settings.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <stdexcept>
#include <string_view>

#include "cli/args.hpp"
#include "io/asset_dir.hpp"
#include "io/atomic_write.hpp"
#include "io/csv.hpp"
#include "io/data_sets.hpp"
#include "io/train_config.hpp"

namespace unrolled::cli {

const OptionSpec& Settings::spec(const std::string& key) const {
  for (const OptionSpec& s : *specs_)
    if (key == s.name) return s;
  throw std::logic_error("no option named " + key);
}

void Settings::set(const std::string& key, const std::string& text, const std::string& origin) {
  (void)spec(key);
  values_[key] = Value{text, origin};
}

std::string Settings::text(const std::string& key) const {
  if (auto it = values_.find(key); it != values_.end()) return it->second.text;
  return spec(key).fallback;
}

std::string Settings::origin(const std::string& key) const {
  if (auto it = values_.find(key); it != values_.end()) return it->second.origin;
  return "--" + key;
}

long long Settings::integer(const std::string& key) const {
  const OptionSpec& s = spec(key);
  return parse_int(origin(key), text(key), static_cast<std::int64_t>(s.lo), static_cast<std::int64_t>(s.hi));
}

double Settings::number(const std::string& key) const {
  const OptionSpec& s = spec(key);
  return parse_double(origin(key), text(key), s.lo, s.hi);
}

Settings parse_settings(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs,
                        bool allow_config, bool& help) {
  std::vector<std::string> value_flags, switch_flags, value_keys, switch_keys;
  for (const OptionSpec& s : specs) {
    (s.kind == OptionKind::flag ? switch_flags : value_flags).push_back(std::string("--") + s.name);
    (s.kind == OptionKind::flag ? switch_keys : value_keys).push_back(s.name);
  }
  if (allow_config) value_flags.push_back("--config");
  const Args args(argv, value_flags, switch_flags);
  help = args.help();
  Settings out(specs);
  if (help) return out;
  if (allow_config) {
    if (auto path = args.get("--config")) {
      if (path->empty()) throw UsageError("--config needs a file name");
      std::map<std::string, std::string> file;
      try {
        file = io::read_settings_file(*path, value_keys, switch_keys);
      } catch (const io::IoError& e) {
        throw UsageError(std::string("--config: ") + e.what());
      }
      for (const auto& [key, text] : file) out.set(key, text, *path + ": key \"" + key + "\"");
    }
  }
  for (const OptionSpec& s : specs)
    if (auto v = args.get(std::string("--") + s.name)) out.set(s.name, *v, std::string("--") + s.name);
  // Every number is checked now, before any work starts, whether or not the command needs it.
  for (const OptionSpec& s : specs) {
    if (!out.given(s.name) && s.fallback[0] == '\0') continue;  // optional, no default
    if (s.kind == OptionKind::integer) (void)out.integer(s.name);
    else if (s.kind == OptionKind::number) (void)out.number(s.name);
  }
  return out;
}

std::string options_help(const std::vector<OptionSpec>& specs) {
  std::string out;
  std::string group;
  for (const OptionSpec& s : specs) {
    if (group != s.group) {
      group = s.group;
      out += "\n" + group + ":\n";
    }
    std::string left = std::string("  --") + s.name;
    if (s.kind == OptionKind::integer) left += " N";
    else if (s.kind == OptionKind::number) left += " X";
    else if (s.kind == OptionKind::text) {
      const std::string n = s.name;
      left += (n == "out" || n == "metrics" || n == "forecast" || n == "model") ? " FILE" : " V";
    }
    if (left.size() < 22) left.resize(22, ' ');
    else left += "\n" + std::string(22, ' ');
    std::string text = s.help;
    if (s.fallback[0] != '\0' && s.kind != OptionKind::flag) text += std::string(" (default ") + s.fallback + ")";
    // Word-wrap the description to 100 columns, continuation lines under its first.
    out += left;
    std::size_t col = 22;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find(' ', pos);
      if (end == std::string::npos) end = text.size();
      const std::string word = text.substr(pos, end - pos);
      if (col > 22 && col + 1 + word.size() > 100) {
        out += "\n" + std::string(22, ' ');
        col = 22;
      } else if (col > 22) {
        out += ' ';
        ++col;
      }
      out += word;
      col += word.size();
      pos = end + 1;
    }
    out += "\n";
  }
  return out;
}

void append_signal_options(std::vector<OptionSpec>& v) {
  const char* g = "signal (--data sine)";
  v.push_back({"shape", OptionKind::text, "sine", 0, 0, g, "wave shape: sine, square or sawtooth"});
  v.push_back({"length", OptionKind::integer, "1000", 2, max_signal_length, g, "samples in the series"});
  v.push_back({"freq", OptionKind::number, "0.02", 0, 0.5, g, "frequency in cycles per sample (period 1/freq)"});
  v.push_back({"amp", OptionKind::number, "1", -1e6, 1e6, g, "amplitude"});
  v.push_back({"phase", OptionKind::number, "0", -1e3, 1e3, g, "phase in radians"});
  v.push_back({"freq2", OptionKind::number, "0.05", 0, 0.5, g, "second wave, added when any of its three flags is given"});
  v.push_back({"amp2", OptionKind::number, "0.5", -1e6, 1e6, g, "second wave amplitude"});
  v.push_back({"phase2", OptionKind::number, "0", -1e3, 1e3, g, "second wave phase"});
  v.push_back({"freq3", OptionKind::number, "0.09", 0, 0.5, g, "third wave, added when any of its three flags is given"});
  v.push_back({"amp3", OptionKind::number, "0.25", -1e6, 1e6, g, "third wave amplitude"});
  v.push_back({"phase3", OptionKind::number, "0", -1e3, 1e3, g, "third wave phase"});
  v.push_back({"offset", OptionKind::number, "0", -1e6, 1e6, g, "constant added to the signal"});
  v.push_back({"trend", OptionKind::number, "0", -1e3, 1e3, g, "linear trend, added per sample"});
  v.push_back({"damping", OptionKind::number, "0", 0, 1, g, "the waves decay as exp(-damping * t)"});
  v.push_back({"noise", OptionKind::number, "0", 0, 1e6, g, "standard deviation of added Gaussian noise"});
  v.push_back({"noise-seed", OptionKind::integer, "1", 0, 9.2e18, g, "seed of the noise"});
}

int signal_waves(const Settings& s) {
  if (s.given("freq3") || s.given("amp3") || s.given("phase3")) return 3;
  if (s.given("freq2") || s.given("amp2") || s.given("phase2")) return 2;
  return 1;
}

SignalConfig signal_config(const Settings& s) {
  SignalConfig c;
  if (!parse_wave_shape(s.text("shape"), c.shape))
    throw UsageError(s.origin("shape") + " must be sine, square or sawtooth, got '" + s.text("shape") + "'");
  c.length = static_cast<int>(s.integer("length"));
  c.waves = signal_waves(s);
  const char* suffix[] = {"", "2", "3"};
  for (int k = 0; k < max_signal_waves; ++k) {
    c.wave[k].frequency = s.number(std::string("freq") + suffix[k]);
    c.wave[k].amplitude = s.number(std::string("amp") + suffix[k]);
    c.wave[k].phase = s.number(std::string("phase") + suffix[k]);
  }
  c.offset = s.number("offset");
  c.trend = s.number("trend");
  c.damping = s.number("damping");
  c.noise = s.number("noise");
  c.seed = static_cast<std::uint64_t>(s.integer("noise-seed"));
  if (std::string why = validate_signal(c); !why.empty()) throw UsageError("signal: " + why);
  return c;
}

bool is_generated_data(const std::string& data) { return data == "sine"; }

namespace {
constexpr const char* memory_task_group = "memory task (--data copy:T or adding:T)";
}

void append_memory_task_options(std::vector<OptionSpec>& v) {
  const char* g = memory_task_group;
  const MemoryTaskConfig d;
  static const std::string windows = std::to_string(d.train_windows), val = std::to_string(d.val_windows);
  v.push_back({"windows", OptionKind::integer, windows.c_str(), 1, max_memory_task_windows, g,
               "training windows, drawn once from --task-seed"});
  v.push_back({"val-windows", OptionKind::integer, val.c_str(), 1, max_memory_task_windows, g,
               "validation windows, drawn from a stream of their own"});
  v.push_back({"task-seed", OptionKind::integer, "1", 0, 9.2e18, g,
               "seed of the windows (--seed stays the seed of the weights and the shuffling)"});
}

bool is_memory_task_option(const OptionSpec& spec) { return std::string_view(spec.group) == memory_task_group; }

MemoryTaskConfig memory_task_config(const Settings& s) {
  MemoryTaskConfig c;
  if (std::string why = parse_memory_task(s.text("data"), c); !why.empty())
    throw UsageError(s.origin("data") + ": " + why);
  c.train_windows = static_cast<int>(s.integer("windows"));
  c.val_windows = static_cast<int>(s.integer("val-windows"));
  c.seed = static_cast<std::uint64_t>(s.integer("task-seed"));
  if (std::string why = validate_memory_task(c); !why.empty()) throw UsageError(s.origin("data") + ": " + why);
  return c;
}

std::string data_set_path(const std::string& flag, const std::string& data) {
  struct stat st {};
  if (!io::is_data_set_name(data) || ::stat(data.c_str(), &st) == 0) return data;
  const std::string dir = io::find_asset_dir("data", "UNROLLED_DATA");
  if (dir.empty())  // the flag may be right and the install broken: a missing folder, not a usage error
    throw io::IoError(flag + " " + data + ": no such file, and no data folder to look it up in (looked in " +
                      io::asset_dir_candidates_text("data", "UNROLLED_DATA") + "; set UNROLLED_DATA)");
  const std::string path = (std::filesystem::path(dir) / (data + ".csv")).string();
  if (::stat(path.c_str(), &st) == 0) return path;
  std::string known;
  for (const std::string& n : io::data_set_names(dir)) known += (known.empty() ? "" : ", ") + n;
  throw UsageError(flag + " " + data + ": no such file or data set (data sets in " + dir + ": " +
                   (known.empty() ? "none" : known) + ")");
}

std::vector<double> load_series(const Settings& s, std::string& description, std::string* column_used) {
  const std::string data = s.text("data");
  if (data.empty()) throw UsageError(s.origin("data") + " needs a value: sine, FILE.csv or a data set name");
  if (data == "sine") {
    const SignalConfig c = signal_config(s);
    description = std::string(wave_shape_name(c.shape)) + " signal, " + std::to_string(c.length) + " points";
    return generate_signal(c);
  }
  if (is_memory_task(data))
    throw UsageError(s.origin("data") + " " + data +
                     ": a memory task has no series to forecast (use sine or a CSV file)");
  if (data.find(':') != std::string::npos && data.rfind('/', 0) != 0 && data.rfind('.', 0) != 0) {
    struct stat st {};
    if (::stat(data.c_str(), &st) != 0)
      throw UsageError(s.origin("data") + ": unknown data kind '" + data +
                       "' (use sine or a CSV file; train also takes copy:T and adding:T)");
  }
  const std::string path = data_set_path(s.origin("data"), data);
  check_input_path(s.origin("data"), path);
  io::GapPolicy gaps;
  if (!parse_gap_policy(s.text("gaps"), gaps))
    throw UsageError(s.origin("gaps") + " must be refuse, drop or interpolate, got '" + s.text("gaps") + "'");
  io::SeriesColumn col = io::read_series_column(path, s.text("column"), gaps);
  description = (path == data ? data : data + " (" + path + ")") + " column " + col.name + ", " + std::to_string(col.values.size()) + " points";
  if (col.gaps > 0)
    description += std::string(", ") + std::to_string(col.gaps) + (col.gaps == 1 ? " gap " : " gaps ") +
                   (gaps == io::GapPolicy::drop ? "dropped" : "interpolated");
  if (column_used) *column_used = col.name;
  return std::move(col.values);
}

void append_series_file_options(std::vector<OptionSpec>& v, const char* group, bool from_model) {
  v.push_back({"column", OptionKind::text, "", 0, 0, group,
               from_model ? "CSV column: header name or 0-based index (default: the training one)"
                          : "CSV column: header name or 0-based index (default: the only column, else the one "
                            "named \"value\"; otherwise the columns are listed and one must be named)"});
  v.push_back({"gaps", OptionKind::text, from_model ? "" : "refuse", 0, 0, group,
               from_model ? "empty, NA or NaN cells in the column: refuse, drop or interpolate (default: the training one)"
                          : "empty, NA or NaN cells in the column: refuse (an error naming the line), drop (leave the "
                            "row out) or interpolate (linear between the neighbours)"});
}

namespace {
std::string parent_dir(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}
}  // namespace

void check_output_path(const std::string& flag, const std::string& path) {
  if (path.empty()) throw UsageError(flag + " needs a file name");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw io::IoError(flag + " " + path + ": is a directory, not a file");
  const std::string dir = parent_dir(path);
  struct stat sd {};
  if (::stat(dir.c_str(), &sd) != 0 || !S_ISDIR(sd.st_mode))
    throw io::IoError(flag + " " + path + ": directory " + dir + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw io::IoError(flag + " " + path + ": directory " + dir + " is not writable");
}

void check_input_path(const std::string& flag, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw io::IoError(flag + " " + path + ": no such file");
  if (!S_ISREG(st.st_mode)) throw io::IoError(flag + " " + path + ": not a regular file");
  if (::access(path.c_str(), R_OK) != 0) throw io::IoError(flag + " " + path + ": not readable");
}

std::string fmt(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

}  // namespace unrolled::cli
