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

// Every tensor of the layout from the "tensors" object into params; hint() is appended to a
// missing tensor's message.
template <class Hint>
void read_layout_tensors(const json& tensors, const ParamLayout& layout, const std::string& source,
                         std::vector<double>& params, const Hint& hint) {
  params.assign(layout.total, 0.0);
  for (const TensorSpec& spec : layout.tensors) {
    const std::string path = path_key("tensors", spec.name);
    auto it = tensors.find(spec.name);
    if (it == tensors.end()) fail(source, path, "missing tensor (shape " + shape_text(spec.shape) + ")" + hint());
    read_tensor(*it, spec, source, path, params.data() + spec.offset);
  }
}

void check_finite(const ParamLayout& layout, const std::vector<double>& params) {
  for (const TensorSpec& spec : layout.tensors)
    for (std::size_t i = 0; i < spec.size; ++i)
      if (!std::isfinite(params[spec.offset + i]))
        throw IoError("cannot save model: " + spec.name + "[" + std::to_string(i) + "] is not finite");
}

// The layout's tensors as "tensors" entries, one 2-D row per line, each entry on a new line after a
// comma (none before the first).
void append_tensor_entries(std::string& out, const ParamLayout& layout, const std::vector<double>& params) {
  bool first = true;
  for (const TensorSpec& spec : layout.tensors) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "    " + json(spec.name).dump() + ": {\"shape\": " + shape_text(spec.shape) + ", \"data\": [";
    const double* p = params.data() + spec.offset;
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
}

template <class Known> void append_extra_keys(std::string& out, const json& extra, const Known& is_known) {
  if (!extra.is_object()) return;
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    if (is_known(it.key())) continue;  // the configuration is authoritative
    out += "  " + json(it.key()).dump() + ": " + it.value().dump() + ",\n";
  }
}

// A double parameter into T, refusing values a float cannot hold.
template <class T> void narrow_params(const ParamLayout& layout, const std::vector<double>& from, Buffer<T>& to) {
  for (const TensorSpec& spec : layout.tensors)
    for (std::size_t i = 0; i < spec.size; ++i) {
      const double v = from[spec.offset + i];
      const T x = static_cast<T>(v);
      if (!std::isfinite(x))
        throw IoError("tensors." + spec.name + ".data[" + std::to_string(i) + "]: value " + json(v).dump() +
                      (std::isfinite(v) ? " does not fit in a 32-bit float" : " is not finite"));
      to[spec.offset + i] = x;
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

// "format" and "version" (1 or 2), shared by both kinds of model file.
long long check_format_and_version(const json& root, const std::string& source) {
  const std::string format = required_string(root, "format", source);
  if (format != model_format_name)
    fail(source, "format", "is " + quoted_for_message(format) + ", expected \"" + model_format_name + "\"");
  const long long version = whole_number(required(root, "version", source, ""), 0,
                                         std::numeric_limits<long long>::max(), source, "version");
  if (version != 1 && version != 2)
    fail(source, "version", "unsupported version " + std::to_string(version) + " (this build reads versions 1 and " +
                                std::to_string(model_format_version) + ")");
  return version;
}

// The parsed top-level object of a model file: size guard, torch.save recognised, guarded parse.
json parse_model_root(std::string_view text, const std::string& source) {
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
  return root;
}

// "cell" and the optional "nonlinearity" (tanh when absent; relu only for rnn). Returns the cell's name.
std::string read_cell(const json& root, const std::string& source, CellKind& cell, Nonlinearity& nonlinearity) {
  const std::string name = required_string(root, "cell", source);
  if (!parse_cell(name, cell)) fail(source, "cell", "unknown cell " + quoted_for_message(name) + " (expected rnn, lstm or gru)");
  nonlinearity = Nonlinearity::tanh;
  if (auto it = root.find("nonlinearity"); it != root.end()) {
    if (!it->is_string()) fail(source, "nonlinearity", std::string("must be a string, got ") + json_type_name(*it));
    const std::string nl = it->get<std::string>();
    if (!parse_nonlinearity(nl, nonlinearity))
      fail(source, "nonlinearity", "unknown nonlinearity " + quoted_for_message(nl) + " (expected tanh or relu)");
    if (cell != CellKind::rnn && nonlinearity != Nonlinearity::tanh)
      fail(source, "nonlinearity", "\"" + nl + "\" applies to the rnn cell only (this is a " + name + ")");
  }
  return name;
}

// Builds the text (an IoError then names the path) and writes it atomically.
template <class Text> void write_model_text(const std::string& path, const Text& text) {
  std::string bytes;
  try {
    bytes = text();
  } catch (const IoError& e) {
    throw IoError(path + ": " + e.what());
  }
  write_file_atomic(path, bytes);
}

void refuse_directory_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw IoError(path + ": is a directory, not a model file");
}

}  // namespace

int model_file_version(const ModelFile& file) { return file.config.uses_version2() || !file.vocab.empty() ? 2 : 1; }

ModelFile parse_model_json(std::string_view text, const std::string& source) {
  const json root = parse_model_root(text, source);

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
  const long long version = check_format_and_version(root, source);
  if (auto it = root.find("kind"); it != root.end()) {
    if (it->is_string() && it->get<std::string>() == seq2seq_kind_name)
      fail(source, "kind", "is \"seq2seq\": a sequence-to-sequence model, read by unrolled-cli translate, not by this "
                           "command");
    fail(source, "kind", "unknown model kind " + quoted_for_message(it->is_string() ? it->get<std::string>() : it->dump()) + " (the one kind is \"seq2seq\"; "
                         "recurrent models have no \"kind\")");
  }

  ModelConfig& cfg = file.config;
  const std::string cell = read_cell(root, source, cfg.cell, cfg.nonlinearity);
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
  read_layout_tensors(tensors, layout, source, file.params,
                      [&] { return misnamed_hint(file.extra_tensors, layout, source); });
  for (auto it = root.begin(); it != root.end(); ++it)
    if (!is_known_key(it.key())) file.extra[it.key()] = it.value();
  return file;
}

ModelFile load_model_file(const std::string& path) {
  refuse_directory_path(path);
  const std::string text = read_file(path, max_model_file_bytes);
  return parse_model_json(text, path);
}

std::string model_to_json(const ModelFile& file) {
  check_consistent(file);
  const ModelConfig& cfg = file.config;
  const ParamLayout layout = make_layout(cfg);
  check_finite(layout, file.params);

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
  append_extra_keys(out, file.extra, is_known_key);
  out += "  \"tensors\": {";
  append_tensor_entries(out, layout, file.params);
  if (file.extra_tensors.is_object())
    for (auto it = file.extra_tensors.begin(); it != file.extra_tensors.end(); ++it) {
      if (layout.find(it.key()) || is_model_tensor_name(it.key())) continue;
      out += ",\n    " + json(it.key()).dump() + ": " + it.value().dump();
    }
  out += "\n  }\n}\n";
  return out;
}

void save_model_file(const std::string& path, const ModelFile& file) {
  write_model_text(path, [&] { return model_to_json(file); });
}

template <class T> Model<T> model_from_file(const ModelFile& file) {
  check_consistent(file);
  Model<T> model(file.config);
  narrow_params(model.layout, file.params, model.params);
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

// ---- Sequence to sequence ----

namespace {

bool is_seq2seq_key(const std::string& k) {
  static const char* const known[] = {"format",         "version",      "kind",           "cell",
                                      "nonlinearity",   "vocab_size",   "embed_size",     "hidden_size",
                                      "bidirectional",  "decoder_hidden", "attention",    "attention_size",
                                      "max_source_length", "max_target_length", "vocab", "tensors"};
  for (const char* s : known)
    if (k == s) return true;
  return false;
}

void check_seq2seq_consistent(const Seq2seqFile& file) {
  if (std::string why = validate_seq2seq_config(file.config); !why.empty()) throw IoError("invalid model: " + why);
  if (file.vocab.size() != static_cast<std::size_t>(file.config.vocab_size))
    throw IoError("invalid model: vocab has " + std::to_string(file.vocab.size()) + " entries, vocab_size is " +
                  std::to_string(file.config.vocab_size));
  for (int n : {file.max_source_length, file.max_target_length})
    if (n < 1 || n > max_seq2seq_length) throw IoError("invalid model: a length limit of " + std::to_string(n));
  Seq2seqSlots slots;
  if (file.params.size() != make_seq2seq_layout(file.config, slots).total)
    throw IoError("invalid model: " + std::to_string(file.params.size()) + " parameters, the configuration needs " +
                  std::to_string(make_seq2seq_layout(file.config, slots).total));
}

}  // namespace

const std::vector<std::string>& seq2seq_special_names() {
  static const std::vector<std::string> names{"<pad>", "<s>", "</s>"};
  return names;
}

Seq2seqFile parse_seq2seq_json(std::string_view text, const std::string& source) {
  const json root = parse_model_root(text, source);
  const long long version = check_format_and_version(root, source);
  if (!root.contains("kind")) fail(source, "kind", "missing: not a sequence-to-sequence model");
  const json& kind = root["kind"];
  if (!kind.is_string() || kind.get<std::string>() != seq2seq_kind_name)
    fail(source, "kind", "is " + quoted_for_message(kind.is_string() ? kind.get<std::string>() : kind.dump()) +
                             ", expected \"seq2seq\"");
  if (version < 2) fail(source, "version", "a seq2seq model is a version-2 file, this one says 1");
  Seq2seqFile file;
  Seq2seqConfig& cfg = file.config;
  read_cell(root, source, cfg.cell, cfg.nonlinearity);
  cfg.vocab_size = static_cast<int>(whole_number(required(root, "vocab_size", source, ""), first_symbol_id + 1,
                                                 max_vocab_size, source, "vocab_size"));
  cfg.embed_size = size_field(root, "embed_size", max_input_size, source);
  cfg.hidden_size = size_field(root, "hidden_size", max_hidden_size, source);
  const json& bi = required(root, "bidirectional", source, "");
  if (!bi.is_boolean()) fail(source, "bidirectional", std::string("must be true or false, got ") + json_type_name(bi));
  cfg.bidirectional = bi.get<bool>();
  cfg.decoder_hidden = size_field(root, "decoder_hidden", max_hidden_size, source);
  const std::string attention = required_string(root, "attention", source);
  if (!parse_attention(attention, cfg.attention))
    fail(source, "attention", "unknown attention " + quoted_for_message(attention) + " (expected " + attention_names() + ")");
  cfg.attention_size = static_cast<int>(
      whole_number(required(root, "attention_size", source, ""), 0, max_hidden_size, source, "attention_size"));
  if (cfg.attention == Attention::additive && cfg.attention_size == 0)
    fail(source, "attention_size", "must be at least 1 for additive attention");
  if (cfg.attention != Attention::additive && cfg.attention_size != 0)
    fail(source, "attention_size", "applies to additive attention only (must be 0 for " + attention + ")");
  if (std::string why = validate_seq2seq_config(cfg); !why.empty()) throw FormatError(source + ": " + why);
  file.max_source_length = size_field(root, "max_source_length", max_seq2seq_length, source);
  file.max_target_length = size_field(root, "max_target_length", max_seq2seq_length, source);

  const json& vocab = required(root, "vocab", source, "");
  if (!vocab.is_array()) fail(source, "vocab", std::string("must be an array of strings, got ") + json_type_name(vocab));
  if (vocab.size() != static_cast<std::size_t>(cfg.vocab_size))
    fail(source, "vocab", "has " + std::to_string(vocab.size()) + " entries, vocab_size is " + std::to_string(cfg.vocab_size));
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < vocab.size(); ++i) {
    const std::string field = path_index("vocab", i);
    if (!vocab[i].is_string()) fail(source, field, std::string("must be a string, got ") + json_type_name(vocab[i]));
    const std::string entry = vocab[i].get<std::string>();
    if (i < static_cast<std::size_t>(first_symbol_id)) {
      if (entry != seq2seq_special_names()[i])
        fail(source, field, "is " + quoted_for_message(entry) + ", expected \"" + seq2seq_special_names()[i] +
                                "\" (ids 0, 1, 2 are <pad>, <s>, </s>)");
    } else {
      if (split_utf8(entry).size() != 1)  // the JSON parser has checked the UTF-8
        fail(source, field, quoted_for_message(entry) + " is not one UTF-8 character");
    }
    if (auto [pos, fresh] = seen.emplace(entry, i); !fresh)
      fail(source, field, quoted_for_message(entry) + " repeats vocab[" + std::to_string(pos->second) + "]");
    file.vocab.push_back(entry);
  }

  const json& tensors = required(root, "tensors", source, "");
  if (!tensors.is_object()) fail(source, "tensors", std::string("must be an object, got ") + json_type_name(tensors));
  Seq2seqSlots slots;
  const ParamLayout layout = make_seq2seq_layout(cfg, slots);
  if (layout.total > static_cast<std::size_t>(max_parameter_count))
    fail(source, "tensors", "this configuration needs " + std::to_string(layout.total) +
                                " parameters, more than the limit of " + std::to_string(max_parameter_count));
  for (auto it = tensors.begin(); it != tensors.end(); ++it)
    if (!layout.find(it.key()))
      fail(source, path_key("tensors", it.key()), "unknown tensor for this seq2seq model (expected " +
                                                      expected_names(layout) + ")");
  read_layout_tensors(tensors, layout, source, file.params, [] { return std::string(); });
  for (auto it = root.begin(); it != root.end(); ++it)
    if (!is_seq2seq_key(it.key())) file.extra[it.key()] = it.value();
  return file;
}

Seq2seqFile load_seq2seq_file(const std::string& path) {
  refuse_directory_path(path);
  return parse_seq2seq_json(read_file(path, max_model_file_bytes), path);
}

std::string seq2seq_to_json(const Seq2seqFile& file) {
  check_seq2seq_consistent(file);
  const Seq2seqConfig& cfg = file.config;
  Seq2seqSlots slots;
  const ParamLayout layout = make_seq2seq_layout(cfg, slots);
  check_finite(layout, file.params);
  auto line = [](const char* key, const std::string& value) { return "  \"" + std::string(key) + "\": " + value + ",\n"; };
  auto quoted = [](const char* text) { return "\"" + std::string(text) + "\""; };
  std::string out = "{\n";
  out += line("format", quoted(model_format_name));
  out += line("version", "2");
  out += line("kind", quoted(seq2seq_kind_name));
  out += line("cell", quoted(cell_name(cfg.cell)));
  if (cfg.cell == CellKind::rnn) out += line("nonlinearity", quoted(nonlinearity_name(cfg.nonlinearity)));
  out += line("vocab_size", std::to_string(cfg.vocab_size));
  out += line("embed_size", std::to_string(cfg.embed_size));
  out += line("hidden_size", std::to_string(cfg.hidden_size));
  out += line("bidirectional", cfg.bidirectional ? "true" : "false");
  out += line("decoder_hidden", std::to_string(cfg.dec_hidden()));  // written resolved: the file says every size
  out += line("attention", quoted(attention_name(cfg.attention)));
  out += line("attention_size", std::to_string(cfg.attention == Attention::additive ? cfg.attn_size() : 0));
  out += line("max_source_length", std::to_string(file.max_source_length));
  out += line("max_target_length", std::to_string(file.max_target_length));
  out += line("vocab", json(file.vocab).dump());
  append_extra_keys(out, file.extra, is_seq2seq_key);
  out += "  \"tensors\": {";
  append_tensor_entries(out, layout, file.params);
  out += "\n  }\n}\n";
  return out;
}

void save_seq2seq_file(const std::string& path, const Seq2seqFile& file) {
  write_model_text(path, [&] { return seq2seq_to_json(file); });
}

template <class T> Seq2seqModel<T> seq2seq_model_from_file(const Seq2seqFile& file) {
  check_seq2seq_consistent(file);
  Seq2seqModel<T> model(file.config);
  narrow_params(model.layout, file.params, model.params);
  return model;
}

template <class T>
Seq2seqFile seq2seq_to_file(const Seq2seqModel<T>& model, const std::vector<std::string>& symbols, int max_source_length,
                            int max_target_length, json extra) {
  if (!extra.is_object()) throw IoError("model extra data must be a JSON object");
  Seq2seqFile file;
  file.config = model.config;
  file.config.decoder_hidden = model.config.dec_hidden();
  file.config.attention_size = model.config.attention == Attention::additive ? model.config.attn_size() : 0;
  file.params.assign(model.params.begin(), model.params.end());
  file.vocab = seq2seq_special_names();
  file.vocab.insert(file.vocab.end(), symbols.begin(), symbols.end());
  file.max_source_length = max_source_length;
  file.max_target_length = max_target_length;
  file.extra = std::move(extra);
  return file;
}

Seq2seqVocab seq2seq_vocab(const Seq2seqFile& file) {
  Seq2seqVocab v;
  if (file.vocab.size() > static_cast<std::size_t>(first_symbol_id))
    v.symbols.assign(file.vocab.begin() + first_symbol_id, file.vocab.end());
  return v;
}

template Seq2seqModel<float> seq2seq_model_from_file<float>(const Seq2seqFile&);
template Seq2seqModel<double> seq2seq_model_from_file<double>(const Seq2seqFile&);
template Seq2seqFile seq2seq_to_file<float>(const Seq2seqModel<float>&, const std::vector<std::string>&, int, int, json);
template Seq2seqFile seq2seq_to_file<double>(const Seq2seqModel<double>&, const std::vector<std::string>&, int, int, json);

template Model<float> model_from_file<float>(const ModelFile&);
template Model<double> model_from_file<double>(const ModelFile&);
template ModelFile model_to_file<float>(const Model<float>&, json);
template ModelFile model_to_file<double>(const Model<double>&, json);

}  // namespace unrolled::io
