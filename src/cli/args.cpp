#include "cli/args.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace unrolled::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& value_flags,
           const std::vector<std::string>& switch_flags) {
  auto known = [](const std::vector<std::string>& list, const std::string& f) {
    return std::find(list.begin(), list.end(), f) != list.end();
  };
  for (std::size_t i = 0; i < argv.size(); ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      help_ = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + a + "'");
    std::optional<std::string> inline_value;
    if (auto eq = a.find('='); eq != std::string::npos) {
      inline_value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    if (values_.count(a)) throw UsageError("flag " + a + " given twice");
    if (known(switch_flags, a)) {
      if (inline_value) throw UsageError("flag " + a + " takes no value");
      values_[a] = "1";
    } else if (known(value_flags, a)) {
      if (inline_value) {
        values_[a] = *inline_value;
      } else {
        // "--hidden --out m.json" is a missing value, not a hidden size of "--out".
        if (i + 1 >= argv.size() || argv[i + 1].rfind("--", 0) == 0)
          throw UsageError("flag " + a + " needs a value");
        values_[a] = argv[++i];
      }
    } else {
      throw UsageError("unknown flag " + a);
    }
  }
}

bool Args::has(const std::string& flag) const { return values_.count(flag) != 0; }

std::optional<std::string> Args::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::get_or(const std::string& flag, const std::string& fallback) const {
  return get(flag).value_or(fallback);
}

std::string Args::required(const std::string& flag) const {
  auto v = get(flag);
  if (!v) throw UsageError("missing required flag " + flag);
  return *v;
}

std::int64_t parse_int(const std::string& flag, const std::string& text, std::int64_t lo, std::int64_t hi) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    throw UsageError(flag + " expects a whole number, got '" + text + "'");
  if (v < lo || v > hi)
    throw UsageError(flag + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                     ", got " + text);
  return v;
}

double parse_double(const std::string& flag, const std::string& text, double lo, double hi) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    throw UsageError(flag + " expects a finite number, got '" + text + "'");
  if (v < lo || v > hi) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s must be between %g and %g, got %s", flag.c_str(), lo, hi, text.c_str());
    throw UsageError(buf);
  }
  return v;
}

std::int64_t Args::get_int(const std::string& flag, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const {
  auto v = get(flag);
  return v ? parse_int(flag, *v, lo, hi) : fallback;
}

double Args::get_double(const std::string& flag, double fallback, double lo, double hi) const {
  auto v = get(flag);
  return v ? parse_double(flag, *v, lo, hi) : fallback;
}

}  // namespace unrolled::cli
