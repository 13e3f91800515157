#include "io/json_util.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace unrolled::io {

using nlohmann::json;

namespace {

// Builds the tree; keeps the path of the value being parsed so that every error can name it.
class GuardedBuilder final : public nlohmann::json_sax<json> {
 public:
  GuardedBuilder(const JsonLimits& limits) : limits_(limits) {}

  json root;
  std::string error;  // "PATH: reason" once parsing stopped

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool v) override { return put(json(v)); }
  bool number_integer(number_integer_t v) override { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
  bool string(string_t& v) override { return put(json(std::move(v))); }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& f = stack_.back();
    if (f.node->contains(k)) {
      f.key = k;
      f.has_key = true;
      return fail("duplicate key " + quoted_for_message(k));
    }
    f.key = k;
    f.has_key = true;
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> the tail.
    if (auto p = what.find("] "); what.rfind("[json.exception.", 0) == 0 && p != std::string::npos)
      what = what.substr(p + 2);
    return fail(printable(what, 240));
  }

  std::string current_path() const {
    std::string path;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      const bool last = i + 1 == stack_.size();
      if (f.node->is_array()) {
        const std::size_t n = f.node->size();
        path = path_index(path, last ? n : n - 1);
      } else if (f.has_key) {
        path = path_key(path, f.key);
      }
    }
    return path;
  }

 private:
  struct Frame {
    json* node;
    std::string key;
    bool has_key = false;
  };

  bool count() {
    if (++values_ > limits_.max_values)
      return fail("too many values (limit " + std::to_string(limits_.max_values) + ")");
    return true;
  }

  // Places v at the current position and returns a pointer to it where it now lives.
  json* place(json&& v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    Frame& f = stack_.back();
    if (f.node->is_array()) {
      f.node->push_back(std::move(v));
      return &f.node->back();
    }
    json& slot = (*f.node)[f.key];
    slot = std::move(v);
    return &slot;
  }

  bool put(json&& v) {
    if (!count()) return false;
    place(std::move(v));
    return true;
  }

  bool open(json&& container) {
    if (!count()) return false;
    if (static_cast<int>(stack_.size()) >= limits_.max_depth)
      return fail("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    json* node = place(std::move(container));
    stack_.push_back(Frame{node, {}, false});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  bool fail(const std::string& reason) {
    if (error.empty()) {
      std::string path = current_path();
      constexpr std::size_t max_path = 200;  // 64 levels of long keys: keep the innermost part
      if (path.size() > max_path) {
        std::size_t cut = path.size() - max_path;
        while (cut < path.size() && (static_cast<unsigned char>(path[cut]) & 0xC0) == 0x80) ++cut;
        path = "..." + path.substr(cut);
      }
      error = (path.empty() ? std::string("JSON") : path) + ": " + reason;
    }
    return false;
  }

  JsonLimits limits_;
  std::vector<Frame> stack_;
  std::size_t values_ = 0;
};

bool is_blank(std::string_view text) {
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}

}  // namespace

json parse_json_guarded(std::string_view text, const std::string& source, const JsonLimits& limits) {
  if (is_blank(text)) throw FormatError(source + ": file is empty (expected a JSON object)");
  GuardedBuilder builder(limits);
  bool ok = false;
  try {
    ok = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true);
  } catch (const json::exception& e) {  // defensive: the SAX interface reports errors itself
    throw FormatError(source + ": JSON: " + e.what());
  }
  if (!ok) {
    const std::string why = builder.error.empty() ? std::string("JSON: invalid JSON") : builder.error;
    throw FormatError(source + ": " + why);
  }
  return std::move(builder.root);
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  for (; i < text.size() && out.size() < max_bytes; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (i < text.size()) {
    // Do not end inside a UTF-8 sequence: drop continuation bytes, then their lead byte.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
    out += "...";
  }
  return out;
}

std::string quoted_for_message(std::string_view text, std::size_t max_bytes) {
  return "\"" + printable(text, max_bytes) + "\"";
}

std::string path_key(const std::string& path, const std::string& key) {
  const std::string k = printable(key);
  return path.empty() ? k : path + "." + k;
}

std::string path_index(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void append_number(std::string& out, double value) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  const std::size_t n = static_cast<std::size_t>(res.ptr - buf);
  out.append(buf, n);
  // "3" or "-0" would read back as integers (and lose the sign of zero): keep them doubles.
  if (std::memchr(buf, '.', n) == nullptr && std::memchr(buf, 'e', n) == nullptr) out += ".0";
}

const char* json_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::string: return "string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "number";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "binary";
  }
}

}  // namespace unrolled::io
