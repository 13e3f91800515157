// Training settings as JSON: the `--config FILE.json` of `unrolled-cli train` (the same keys as its
// flags, without the dashes) and the metadata a trained model carries as extra model-file keys:
//
//   "normalization": {"mean": m, "std": s}        statistics of the training split, applied at forecast time
//   "training": {"cell": "lstm", "seq": 32, …}     every setting of the run (output paths left out)
//   "training_result": {"status": "finished", "epochs": 30, "steps": 720, "train_mse": …, "val_mse": …}
//
// Nothing here is timed, so the same run writes the same bytes.
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/dataset.hpp"
#include "io/json_util.hpp"

namespace unrolled::io {

// A config file whose content is wrong (unknown key, wrong type): the message names the file and key.
struct ConfigError : FormatError {
  using FormatError::FormatError;
};

// Reads a JSON object of settings. Keys in value_keys take a string or a number (returned as text:
// numbers in their shortest exact form); keys in switch_keys take true or false (true -> "1",
// false -> left out). Any other key, or another type, is a ConfigError "FILE: key \"K\": reason".
// A missing or unreadable file is an IoError, bad JSON a FormatError.
std::map<std::string, std::string> read_settings_file(const std::string& path,
                                                      const std::vector<std::string>& value_keys,
                                                      const std::vector<std::string>& switch_keys);

struct Setting {
  std::string key;
  std::string text;
  bool number = false;  // written as a JSON number (the text must parse as one), else as a string
};

struct TrainingMetadata {
  bool has_normalization = false;
  Normalization normalization;
  std::map<std::string, std::string> settings;  // "training", values as text
};

// The extra model-file keys for a run.
nlohmann::json training_metadata_json(const Normalization& norm, const std::vector<Setting>& settings,
                                      const nlohmann::json& result);

// Reads what training_metadata_json() wrote from a model file's extra keys (all of it optional:
// a model from PyTorch has none). Throws FormatError "SOURCE: FIELD: reason" when present but wrong.
TrainingMetadata read_training_metadata(const nlohmann::json& extra, const std::string& source);

}  // namespace unrolled::io
