// Flag parsing for unrolled-cli: `--name value` and `--name=value`, every value checked.
// A parse error throws UsageError naming the flag; commands turn it into exit code 2.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace unrolled::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // value_flags take a value; switch_flags do not. Anything else is a usage error.
  Args(const std::vector<std::string>& argv, const std::vector<std::string>& value_flags,
       const std::vector<std::string>& switch_flags = {});
  bool has(const std::string& flag) const;
  bool help() const { return help_; }
  std::optional<std::string> get(const std::string& flag) const;
  std::string get_or(const std::string& flag, const std::string& fallback) const;
  std::string required(const std::string& flag) const;
  // Numbers with inclusive bounds; the message names the flag, the value and the range.
  std::int64_t get_int(const std::string& flag, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const;
  double get_double(const std::string& flag, double fallback, double lo, double hi) const;

 private:
  std::map<std::string, std::string> values_;
  bool help_ = false;
};

std::int64_t parse_int(const std::string& flag, const std::string& text, std::int64_t lo, std::int64_t hi);
double parse_double(const std::string& flag, const std::string& text, double lo, double hi);

}  // namespace unrolled::cli
