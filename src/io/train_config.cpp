#include "io/train_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace unrolled::io {

using nlohmann::json;

namespace {
bool contains(const std::vector<std::string>& list, const std::string& key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

std::string number_text(const json& v) {
  if (v.is_number_integer()) return v.dump();
  std::string out;
  append_number(out, v.get<double>());
  return out;
}
}  // namespace

std::map<std::string, std::string> read_settings_file(const std::string& path,
                                                      const std::vector<std::string>& value_keys,
                                                      const std::vector<std::string>& switch_keys) {
  const json root = parse_json_guarded(read_file(path, std::size_t(1) << 20), path);
  if (!root.is_object())
    throw ConfigError(path + ": expected a JSON object of settings, got " + json_type_name(root));
  std::map<std::string, std::string> out;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    const std::string where = path + ": key \"" + key + "\": ";
    if (contains(switch_keys, key)) {
      if (!v.is_boolean()) throw ConfigError(where + "expected true or false, got " + json_type_name(v));
      if (v.get<bool>()) out[key] = "1";
    } else if (contains(value_keys, key)) {
      if (v.is_string()) out[key] = v.get<std::string>();
      else if (v.is_number()) out[key] = number_text(v);
      else throw ConfigError(where + "expected a string or a number, got " + json_type_name(v));
    } else {
      throw ConfigError(where + "unknown key (the keys are the flag names without \"--\", see --help)");
    }
  }
  return out;
}

json training_metadata_json(const Normalization& norm, const std::vector<Setting>& settings, const json& result) {
  json extra = json::object();
  extra["normalization"] = {{"mean", norm.mean}, {"std", norm.std}};
  json training = json::object();
  for (const Setting& s : settings) {
    if (s.number) {
      char* end = nullptr;
      const double d = std::strtod(s.text.c_str(), &end);
      const bool integral = s.text.find_first_of(".eE") == std::string::npos;
      if (end && *end == '\0' && std::isfinite(d) && !s.text.empty())
        training[s.key] = integral ? json(std::strtoll(s.text.c_str(), nullptr, 10)) : json(d);
      else
        training[s.key] = s.text;
    } else {
      training[s.key] = s.text;
    }
  }
  extra["training"] = std::move(training);
  if (!result.is_null()) extra["training_result"] = result;
  return extra;
}

TrainingMetadata read_training_metadata(const json& extra, const std::string& source) {
  TrainingMetadata md;
  if (!extra.is_object()) return md;
  if (auto it = extra.find("normalization"); it != extra.end()) {
    const json& n = *it;
    if (!n.is_object()) throw FormatError(source + ": normalization: expected an object");
    for (const char* k : {"mean", "std"})
      if (!n.contains(k) || !n[k].is_number())
        throw FormatError(source + ": normalization." + k + ": expected a number");
    md.normalization.mean = n["mean"].get<double>();
    md.normalization.std = n["std"].get<double>();
    if (!std::isfinite(md.normalization.mean))
      throw FormatError(source + ": normalization.mean: must be finite");
    if (!std::isfinite(md.normalization.std) || md.normalization.std <= 0)
      throw FormatError(source + ": normalization.std: must be a positive number");
    md.has_normalization = true;
  }
  if (auto it = extra.find("training"); it != extra.end()) {
    if (!it->is_object()) throw FormatError(source + ": training: expected an object");
    for (auto s = it->begin(); s != it->end(); ++s) {
      if (s.value().is_string()) md.settings[s.key()] = s.value().get<std::string>();
      else if (s.value().is_number()) md.settings[s.key()] = number_text(s.value());
      else if (s.value().is_boolean()) md.settings[s.key()] = s.value().get<bool>() ? "1" : "0";
      else throw FormatError(source + ": training." + s.key() + ": expected a string or a number");
    }
  }
  return md;
}

}  // namespace unrolled::io
