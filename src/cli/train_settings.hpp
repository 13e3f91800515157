// Settings shared by `unrolled-cli train` and `forecast`: one table of options (flag, config key,
// default, help), merged from defaults < config file < flags, each value remembering where it came
// from so an error can say "--lr" or "run.json: key \"lr\"". Also the data source (`--data sine`
// with the signal flags, a CSV column, or a memory task `copy:T` / `adding:T` with its flags) — the
// seam where more dataset kinds plug in.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/memory_tasks.hpp"
#include "core/signal.hpp"

namespace unrolled::cli {

enum class OptionKind { text, integer, number, flag };

struct OptionSpec {
  const char* name;      // flag without "--"; also the config-file key
  OptionKind kind;
  const char* fallback;  // default as text ("" = none)
  double lo, hi;         // inclusive range for integer and number options
  const char* group;     // heading in --help
  const char* help;
};

class Settings {
 public:
  Settings(const std::vector<OptionSpec>& specs) : specs_(&specs) {}
  // Overlays values; origin_of(key) builds the label used in messages.
  void set(const std::string& key, const std::string& text, const std::string& origin);
  bool given(const std::string& key) const { return values_.count(key) != 0; }  // by flag or config
  std::string text(const std::string& key) const;  // the value or the default
  std::string origin(const std::string& key) const;
  long long integer(const std::string& key) const;  // range-checked, UsageError naming the origin
  double number(const std::string& key) const;
  bool flag(const std::string& key) const { return given(key) && values_.at(key).text != "0"; }
  const OptionSpec& spec(const std::string& key) const;
  const std::vector<OptionSpec>& specs() const { return *specs_; }

 private:
  struct Value {
    std::string text, origin;
  };
  const std::vector<OptionSpec>* specs_;
  std::map<std::string, Value> values_;
};

// Parses argv against the table (plus --config FILE when allow_config), reading the config file
// first so flags win. Throws UsageError for anything wrong with a flag or a config key.
Settings parse_settings(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs,
                        bool allow_config, bool& help);

// --help text for the table, grouped, with defaults.
std::string options_help(const std::vector<OptionSpec>& specs);

// The signal options (data group) every command with --data sine understands.
void append_signal_options(std::vector<OptionSpec>& specs);
SignalConfig signal_config(const Settings& s);  // UsageError on a bad value
int signal_waves(const Settings& s);            // 1 + the highest wave 2/3 with a flag given

// The memory-task options (--windows, --val-windows, --task-seed) that --data copy:T / adding:T use.
void append_memory_task_options(std::vector<OptionSpec>& specs);
bool is_memory_task_option(const OptionSpec& spec);
// The task named by --data with those options; UsageError naming the origin on a bad value.
MemoryTaskConfig memory_task_config(const Settings& s);

// The raw series named by --data: "sine" generates it from the signal flags, anything else is a CSV
// file whose --column is read (io::read_series_column: only that column, --gaps applied).
// description is filled with a short text ("sine, 1000 points"); column_used, when given, with the
// column's name as chosen (header name or index; "" for generated data).
// UsageError for unknown kinds and for memory tasks (they are no series); IoError/FormatError for
// file trouble.
std::vector<double> load_series(const Settings& s, std::string& description, std::string* column_used = nullptr);
// --data NAME: a word of a-z, 0-9, '_' and '-' that is not a file is the data set NAME.csv in the data
// folder (io::find_asset_dir("data", "UNROLLED_DATA"): $UNROLLED_DATA, an installed prefix's
// share/unrolled/data, the source tree's assets/data from the build tree). Anything else is returned as
// it is. UsageError listing the data sets when there is no such one; IoError naming the folders looked
// in when there is no data folder at all (exit 1: a missing file, not a wrong flag).
std::string data_set_path(const std::string& flag, const std::string& data);
// --column and --gaps, in the options' group; from_model: forecast's wording (defaults from the model).
void append_series_file_options(std::vector<OptionSpec>& specs, const char* group, bool from_model);
bool is_generated_data(const std::string& data);  // "sine": the signal flags apply

// Output files: an existing directory, writable, and the path not a directory. IoError otherwise.
void check_output_path(const std::string& flag, const std::string& path);
// Input files: exist and readable. IoError otherwise.
void check_input_path(const std::string& flag, const std::string& path);

// Shortest round-trip-ish text of a number for progress lines and CSVs ("%.9g" / "%.6g").
std::string fmt(double v, int digits = 6);

}  // namespace unrolled::cli
