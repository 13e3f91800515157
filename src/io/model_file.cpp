#include "io/model_file.hpp"

#include <sys/stat.h>

#include <cmath>
#include <limits>
#include <map>

namespace unrolled::io {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& source, const std::string& field, const std::string& reason) {
  throw FormatError(source + ": " + field + ": " + reason);
}

std::string shape_text(const std::vector<long long>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string shape_text(const std::vector<int>& shape) {
  return shape_text(std::vector<long long>(shape.begin(), shape.end()));
}

bool is_whole_number(const json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

const json& required(const json& obj, const std::string& key, const std::string& source, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) fail(source, path_key(path, key), "missing");
  return *it;
}

std::string required_string(const json& obj, const std::string& key, const std::string& source) {
  const json& v = required(obj, key, source, "");
  if (!v.is_string()) fail(source, key, std::string("must be a string, got ") + json_type_name(v));
  return v.get<std::string>();
}

// A whole number in [lo, hi]; "8.0", "8" as a string, booleans and out-of-range values are refused.
long long whole_number(const json& v, long long lo, long long hi, const std::string& source, const std::string& field) {
  if (!is_whole_number(v)) {
    if (v.is_number_float()) fail(source, field, "must be a whole number, got " + v.dump());
    fail(source, field, std::string("must be a whole number, got ") + json_type_name(v));
  }
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
    fail(source, field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + v.dump());
  const long long x = v.get<long long>();
  if (x < lo || x > hi)
    fail(source, field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + v.dump());
  return x;
}

int size_field(const json& root, const std::string& key, int hi, const std::string& source) {
  return static_cast<int>(whole_number(required(root, key, source, ""), 1, hi, source, key));
}

// The path is built only when the value is bad: a large file has millions of numbers.
template <class Path> double number_at(const json& v, const std::string& source, const Path& path) {
  if (!v.is_number()) fail(source, path(), std::string("expected a number, got ") + json_type_name(v));
  const double x = v.get<double>();
  if (!std::isfinite(x)) fail(source, path(), "number is not finite");
  return x;
}

// Reads one tensor's "shape" and "data" into out[0 .. spec.size).
void read_tensor(const json& t, const TensorSpec& spec, const std::string& source, const std::string& path,
                 double* out) {
  if (!t.is_object())
    fail(source, path, std::string("must be an object with \"shape\" and \"data\", got ") + json_type_name(t));
  // Shape: checked and compared before any data is looked at.
  const std::string shape_path = path_key(path, "shape");
  const json& shape = required(t, "shape", source, path);
  if (!shape.is_array()) fail(source, shape_path, std::string("must be an array, got ") + json_type_name(shape));
  if (shape.empty() || shape.size() > 2)
    fail(source, shape_path, "must have 1 or 2 dimensions, got " + std::to_string(shape.size()) + " (expected " +
                                 shape_text(spec.shape) + ")");
  std::vector<long long> dims;
  long long count = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const long long d = whole_number(shape[i], 0, std::numeric_limits<int>::max(), source, path_index(shape_path, i));
    dims.push_back(d);
    count *= d;  // at most (2^31)^2: no overflow in 64 bits
  }
  if (count > max_parameter_count)
    fail(source, shape_path, shape_text(dims) + " claims " + std::to_string(count) + " values, more than the limit of " +
                                 std::to_string(max_parameter_count));
  if (dims != std::vector<long long>(spec.shape.begin(), spec.shape.end()))
    fail(source, shape_path, "is " + shape_text(dims) + ", expected " + shape_text(spec.shape));

  const std::string data_path = path_key(path, "data");
  const json& data = required(t, "data", source, path);
  if (!data.is_array()) fail(source, data_path, std::string("must be an array, got ") + json_type_name(data));
  const std::size_t n = spec.size;
  const bool nested = spec.shape.size() == 2 && !data.empty() && data[0].is_array();
  if (!nested) {
    if (data.size() != n)
      fail(source, data_path, "has " + std::to_string(data.size()) + " values, shape " + shape_text(spec.shape) +
                                  " needs " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
      out[i] = number_at(data[i], source, [&] { return path_index(data_path, i); });
    return;
  }
  const std::size_t rows = static_cast<std::size_t>(spec.rows()), cols = static_cast<std::size_t>(spec.cols());
  if (data.size() != rows)
    fail(source, data_path, "has " + std::to_string(data.size()) + " rows, shape " + shape_text(spec.shape) +
                                " needs " + std::to_string(rows));
  for (std::size_t r = 0; r < rows; ++r) {
    const json& row = data[r];
    const std::string row_path = path_index(data_path, r);
    if (!row.is_array()) fail(source, row_path, std::string("expected a row (array), got ") + json_type_name(row));
    if (row.size() != cols)
      fail(source, row_path, "has " + std::to_string(row.size()) + " values, expected " + std::to_string(cols));
    for (std::size_t c = 0; c < cols; ++c)
      out[r * cols + c] = number_at(row[c], source, [&] { return path_index(row_path, c); });
  }
}

bool is_known_key(const std::string& k) {
  static const char* const known[] = {"format",      "version",    "cell",        "nonlinearity", "input_size",
                                      "hidden_size", "num_layers", "output_size", "tensors",      "vocab_size",
                                      "vocab",       "bidirectional", "objective", "dropout"};
  for (const char* s : known)
    if (k == s) return true;
  return false;
}

bool is_model_tensor_name(const std::string& name) {
  return name.rfind("rnn.", 0) == 0 || name.rfind("head.", 0) == 0 || name.rfind("embed.", 0) == 0;
}

std::string expected_names(const ParamLayout& layout) {
  std::string s;
  for (const TensorSpec& t : layout.tensors) s += (s.empty() ? "" : ", ") + t.name;
  return s;
}

void check_consistent(const ModelFile& file) {
  if (std::string why = validate_config(file.config); !why.empty()) throw IoError("invalid model: " + why);
  if (!file.vocab.empty() && file.vocab.size() != static_cast<std::size_t>(file.config.vocab_size))
    throw IoError("invalid model: vocab has " + std::to_string(file.vocab.size()) + " entries, vocab_size is " +
                  std::to_string(file.config.vocab_size));
  const ParamLayout layout = make_layout(file.config);
  if (file.params.size() != layout.total)
    throw IoError("invalid model: " + std::to_string(file.params.size()) + " parameters, the configuration needs " +
                  std::to_string(layout.total));
}

// The version-2 keys (DESIGN §4), each checked; in a version-1 file any of them is an error.
void read_version2_fields(const json& root, long long version, const std::string& source, ModelFile& file) {
  static const char* const keys[] = {"vocab_size", "vocab", "bidirectional", "objective", "dropout"};
  if (version < 2) {
    for (const char* k : keys)
      if (root.contains(k)) fail(source, k, "is a version-2 field (this file says \"version\": 1)");
    return;
  }
  ModelConfig& cfg = file.config;
  if (auto it = root.find("vocab_size"); it != root.end())
    cfg.vocab_size = static_cast<int>(whole_number(*it, 1, max_vocab_size, source, "vocab_size"));
  if (auto it = root.find("vocab"); it != root.end()) {
    if (cfg.vocab_size == 0) fail(source, "vocab", "needs vocab_size (a token model)");
    if (!it->is_array()) fail(source, "vocab", std::string("must be an array of strings, got ") + json_type_name(*it));
    if (it->size() != static_cast<std::size_t>(cfg.vocab_size))
      fail(source, "vocab", "has " + std::to_string(it->size()) + " entries, vocab_size is " +
                                std::to_string(cfg.vocab_size));
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      if (!v.is_string()) fail(source, path_index("vocab", i), std::string("must be a string, got ") + json_type_name(v));
      const std::string word = v.get<std::string>();
      if (auto [pos, fresh] = seen.emplace(word, i); !fresh)
        fail(source, path_index("vocab", i),
             quoted_for_message(word) + " repeats vocab[" + std::to_string(pos->second) + "]");
      file.vocab.push_back(word);
    }
  }
  if (auto it = root.find("bidirectional"); it != root.end()) {
    if (!it->is_boolean()) fail(source, "bidirectional", std::string("must be true or false, got ") + json_type_name(*it));
    cfg.bidirectional = it->get<bool>();
  }
  if (auto it = root.find("objective"); it != root.end()) {
    if (!it->is_string()) fail(source, "objective", std::string("must be a string, got ") + json_type_name(*it));
    const std::string name = it->get<std::string>();
    if (!parse_objective(name, cfg.objective))
      fail(source, "objective", "unknown objective " + quoted_for_message(name) + " (expected mse or cross_entropy)");
  }
  if (auto it = root.find("dropout"); it != root.end()) {
    if (!it->is_number()) fail(source, "dropout", std::string("must be a number, got ") + json_type_name(*it));
    cfg.dropout = it->get<double>();
    if (!(cfg.dropout >= 0 && cfg.dropout < 1)) fail(source, "dropout", "must be at least 0 and below 1, got " + it->dump());
  }
}

// torch.save writes a zip archive (PyTorch 1.6 and later) or a bare pickle (older): not JSON at all.
const char* torch_save_kind(std::string_view text) {
  if (text.size() >= 4 && text.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return "a zip archive";
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x80 && text[1] >= 2 && text[1] <= 5)
    return "a pickle";
  return nullptr;
}

// The member a tensor name sits under when it ends in ".suffix" ("module.lstm" for
// "module.lstm.weight_ih_l0"), or "" when it does not.
std::string member_of(const std::string& name, const std::string& suffix) {
  const std::string tail = "." + suffix;
  if (name.size() <= tail.size() || name.compare(name.size() - tail.size(), tail.size(), tail) != 0) return {};
  return name.substr(0, name.size() - tail.size());
}

bool has_shape(const json& tensor, const std::vector<int>& shape) {
  if (!tensor.is_object() || !tensor.contains("shape") || !tensor["shape"].is_array()) return false;
  const json& s = tensor["shape"];
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (!is_whole_number(s[i]) || s[i].get<long long>() != shape[i]) return false;
  return true;
}

// For a missing tensor: the names the file has that are not used, and the members they look like,
// with the command that renames them.
std::string misnamed_hint(const json& unknown, const ParamLayout& layout, const std::string& source) {
  if (!unknown.is_object() || unknown.empty()) return {};
  std::string names;
  int shown = 0;
  for (auto it = unknown.begin(); it != unknown.end(); ++it, ++shown)
    if (shown < 8) names += (names.empty() ? "" : ", ") + quoted_for_message(it.key());
  if (shown > 8) names += ", … (" + std::to_string(shown) + " in all)";
  std::string rnn, head, embed;
  for (auto it = unknown.begin(); it != unknown.end(); ++it)
    if (std::string m = member_of(it.key(), "weight_ih_l0"); !m.empty() && rnn.empty()) rnn = m;
  for (const char* role : {"head", "embed"}) {
    const TensorSpec* spec = layout.find(std::string(role) + ".weight");
    if (!spec) continue;
    for (auto it = unknown.begin(); it != unknown.end(); ++it) {
      const std::string m = member_of(it.key(), "weight");
      if (m.empty() || m == rnn || !has_shape(it.value(), spec->shape)) continue;
      if (std::string(role) == "head" && !unknown.contains(m + ".bias")) continue;
      (std::string(role) == "head" ? head : embed) = m;
      break;
    }
  }
  std::string hint = "; the file's tensors " + names + " are not names unrolled reads";
  std::string mapping, flags;
  auto add = [&](const std::string& from, const char* to) {
    if (from.empty() || from == to) return;
    mapping += (mapping.empty() ? "" : ", ") + from + ".* -> " + to + ".*";
    flags += std::string(" --") + to + " " + from;
  };
  add(rnn, "rnn");
  add(head, "head");
  add(embed, "embed");
  if (!mapping.empty())
    hint += "; they look like " + mapping + ": convert with python3 tools/torch_bridge.py export " + source + flags +
            " --out MODEL.json";
  return hint;
}

}  // namespace

int model_file_version(const ModelFile& file) { return file.config.uses_version2() || !file.vocab.empty() ? 2 : 1; }

ModelFile parse_model_json(std::string_view text, const std::string& source) {
  if (text.size() > max_model_file_bytes)
    throw FormatError(source + ": file is too large (" + std::to_string(text.size()) + " bytes, limit " +
                      std::to_string(max_model_file_bytes) + ")");
  if (const char* kind = torch_save_kind(text))
    throw FormatError(source + ": is " + kind + " as torch.save writes (a PyTorch .pt file), not an unrolled model "
                      "(JSON); convert it in one command: python3 tools/torch_bridge.py export " + source +
                      " --out MODEL.json (needs python3-torch; docs/formats.md, PyTorch)");
  json root;
  try {
    root = parse_json_guarded(text, source);
  } catch (const FormatError& e) {
    std::string msg = e.what();
    if (msg.find("invalid literal") != std::string::npos)
      msg += " (NaN, Infinity and other non-JSON literals are not allowed)";
    throw FormatError(msg);
  }
  if (!root.is_object()) fail(source, "JSON", std::string("expected an object at the top level, got ") + json_type_name(root));

  ModelFile file;
  if (!root.contains("format")) {
    bool state_dict = false;
    for (auto it = root.begin(); it != root.end(); ++it)
      if (it.value().is_object() && it.value().contains("shape") && it.value().contains("data")) state_dict = true;
    if (state_dict)
      fail(source, "format", "missing: this looks like a bare state_dict dump (tensors without the model's "
                             "configuration); convert it in one command: python3 tools/torch_bridge.py export " +
                                 source + " --out MODEL.json (add --nonlinearity relu for a relu RNN)");
  }
  const std::string format = required_string(root, "format", source);
  if (format != model_format_name)
    fail(source, "format", "is " + quoted_for_message(format) + ", expected \"" + model_format_name + "\"");
  const long long version = whole_number(required(root, "version", source, ""), 0,
                                         std::numeric_limits<long long>::max(), source, "version");
  if (version != 1 && version != 2)
    fail(source, "version", "unsupported version " + std::to_string(version) + " (this build reads versions 1 and " +
                                std::to_string(model_format_version) + ")");

  ModelConfig& cfg = file.config;
  const std::string cell = required_string(root, "cell", source);
  if (!parse_cell(cell, cfg.cell)) fail(source, "cell", "unknown cell " + quoted_for_message(cell) + " (expected rnn, lstm or gru)");
  cfg.nonlinearity = Nonlinearity::tanh;
  if (auto it = root.find("nonlinearity"); it != root.end()) {
    if (!it->is_string()) fail(source, "nonlinearity", std::string("must be a string, got ") + json_type_name(*it));
    const std::string nl = it->get<std::string>();
    if (!parse_nonlinearity(nl, cfg.nonlinearity))
      fail(source, "nonlinearity", "unknown nonlinearity " + quoted_for_message(nl) + " (expected tanh or relu)");
    if (cfg.cell != CellKind::rnn && cfg.nonlinearity != Nonlinearity::tanh)
      fail(source, "nonlinearity", "\"" + nl + "\" applies to the rnn cell only (this is a " + cell + ")");
  }
  cfg.input_size = size_field(root, "input_size", max_input_size, source);
  cfg.hidden_size = size_field(root, "hidden_size", max_hidden_size, source);
  cfg.num_layers = size_field(root, "num_layers", max_layers, source);
  cfg.output_size = size_field(root, "output_size", max_output_size, source);
  read_version2_fields(root, version, source, file);
  if (std::string why = validate_config(cfg); !why.empty()) fail(source, "hidden_size", why);

  const json& tensors = required(root, "tensors", source, "");
  if (!tensors.is_object()) fail(source, "tensors", std::string("must be an object, got ") + json_type_name(tensors));
  const ParamLayout layout = make_layout(cfg);
  for (auto it = tensors.begin(); it != tensors.end(); ++it) {
    if (layout.find(it.key())) continue;
    if (is_model_tensor_name(it.key()))
      fail(source, path_key("tensors", it.key()),
           "unknown tensor for a " + std::to_string(cfg.num_layers) + "-layer " + cell + " (expected " +
               expected_names(layout) + ")");
    file.extra_tensors[it.key()] = it.value();
  }
  file.params.assign(layout.total, 0.0);
  for (const TensorSpec& spec : layout.tensors) {
    const std::string path = path_key("tensors", spec.name);
    auto it = tensors.find(spec.name);
    if (it == tensors.end())
      fail(source, path, "missing tensor (shape " + shape_text(spec.shape) + ")" + misnamed_hint(file.extra_tensors, layout, source));
    read_tensor(*it, spec, source, path, file.params.data() + spec.offset);
  }
  for (auto it = root.begin(); it != root.end(); ++it)
    if (!is_known_key(it.key())) file.extra[it.key()] = it.value();
  return file;
}

ModelFile load_model_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw IoError(path + ": is a directory, not a model file");
  const std::string text = read_file(path, max_model_file_bytes);
  return parse_model_json(text, path);
}

std::string model_to_json(const ModelFile& file) {
  check_consistent(file);
  const ModelConfig& cfg = file.config;
  const ParamLayout layout = make_layout(cfg);
  for (const TensorSpec& spec : layout.tensors)
    for (std::size_t i = 0; i < spec.size; ++i)
      if (!std::isfinite(file.params[spec.offset + i]))
        throw IoError("cannot save model: " + spec.name + "[" + std::to_string(i) + "] is not finite");

  std::string out;
  out.reserve(64 + layout.total * 24);
  out += "{\n  \"format\": \"" + std::string(model_format_name) + "\",\n";
  out += "  \"version\": " + std::to_string(model_file_version(file)) + ",\n";
  out += "  \"cell\": \"" + std::string(cell_name(cfg.cell)) + "\",\n";
  if (cfg.cell == CellKind::rnn)
    out += "  \"nonlinearity\": \"" + std::string(nonlinearity_name(cfg.nonlinearity)) + "\",\n";
  out += "  \"input_size\": " + std::to_string(cfg.input_size) + ",\n";
  out += "  \"hidden_size\": " + std::to_string(cfg.hidden_size) + ",\n";
  out += "  \"num_layers\": " + std::to_string(cfg.num_layers) + ",\n";
  out += "  \"output_size\": " + std::to_string(cfg.output_size) + ",\n";
  if (cfg.vocab_size > 0) out += "  \"vocab_size\": " + std::to_string(cfg.vocab_size) + ",\n";
  if (!file.vocab.empty()) out += "  \"vocab\": " + json(file.vocab).dump() + ",\n";
  if (cfg.bidirectional) out += "  \"bidirectional\": true,\n";
  if (cfg.objective != Objective::mse) out += "  \"objective\": \"" + std::string(objective_name(cfg.objective)) + "\",\n";
  if (cfg.dropout != 0) {
    out += "  \"dropout\": ";
    append_number(out, cfg.dropout);
    out += ",\n";
  }
  if (file.extra.is_object())
    for (auto it = file.extra.begin(); it != file.extra.end(); ++it) {
      if (is_known_key(it.key())) continue;  // the configuration above is authoritative
      out += "  " + json(it.key()).dump() + ": " + it.value().dump() + ",\n";
    }
  out += "  \"tensors\": {";
  bool first = true;
  for (const TensorSpec& spec : layout.tensors) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "    " + json(spec.name).dump() + ": {\"shape\": " + shape_text(spec.shape) + ", \"data\": [";
    const double* p = file.params.data() + spec.offset;
    if (spec.shape.size() == 2) {
      for (int r = 0; r < spec.rows(); ++r) {
        out += r ? ",\n      [" : "\n      [";
        for (int c = 0; c < spec.cols(); ++c) {
          if (c) out += ", ";
          append_number(out, p[static_cast<std::size_t>(r) * spec.cols() + c]);
        }
        out += "]";
      }
    } else {
      for (std::size_t i = 0; i < spec.size; ++i) {
        if (i) out += ", ";
        append_number(out, p[i]);
      }
    }
    out += "]}";
  }
  if (file.extra_tensors.is_object())
    for (auto it = file.extra_tensors.begin(); it != file.extra_tensors.end(); ++it) {
      if (layout.find(it.key()) || is_model_tensor_name(it.key())) continue;
      out += ",\n    " + json(it.key()).dump() + ": " + it.value().dump();
    }
  out += "\n  }\n}\n";
  return out;
}

void save_model_file(const std::string& path, const ModelFile& file) {
  std::string text;
  try {
    text = model_to_json(file);
  } catch (const IoError& e) {
    throw IoError(path + ": " + e.what());
  }
  write_file_atomic(path, text);
}

template <class T> Model<T> model_from_file(const ModelFile& file) {
  check_consistent(file);
  Model<T> model(file.config);
  for (const TensorSpec& spec : model.layout.tensors)
    for (std::size_t i = 0; i < spec.size; ++i) {
      const double v = file.params[spec.offset + i];
      const T x = static_cast<T>(v);
      if (!std::isfinite(x))
        throw IoError("tensors." + spec.name + ".data[" + std::to_string(i) + "]: value " + json(v).dump() +
                      (std::isfinite(v) ? " does not fit in a 32-bit float" : " is not finite"));
      model.params[spec.offset + i] = x;
    }
  return model;
}

template <class T> ModelFile model_to_file(const Model<T>& model, json extra) {
  if (!extra.is_object()) throw IoError("model extra data must be a JSON object");
  ModelFile file;
  file.config = model.config;
  file.params.assign(model.params.begin(), model.params.end());
  file.extra = std::move(extra);
  return file;
}

template Model<float> model_from_file<float>(const ModelFile&);
template Model<double> model_from_file<double>(const ModelFile&);
template ModelFile model_to_file<float>(const Model<float>&, json);
template ModelFile model_to_file<double>(const Model<double>&, json);

}  // namespace unrolled::io
