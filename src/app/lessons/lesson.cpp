#include "app/lessons/lesson.hpp"
#include "app/lessons/markup.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/lessons/preset.hpp"
#include "io/json_util.hpp"

namespace unrolled::app {

using nlohmann::json;

const char* lesson_workspace_name(LessonWorkspace w) { return workspace_info(w).name; }

namespace {

// Reads the JSON tree; every error is "SOURCE: PATH: reason".
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
    throw io::FormatError(source_ + ": " + (path.empty() ? std::string("JSON") : path) + ": " + reason);
  }

  const json& object(const json& v, const std::string& path, std::initializer_list<const char*> keys) const {
    if (!v.is_object()) fail(path, std::string("must be an object, got ") + io::json_type_name(v));
    for (const auto& [key, value] : v.items()) {
      if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; })) {
        std::string known;
        for (const char* k : keys) known += (known.empty() ? "" : ", ") + std::string(k);
        fail(io::path_key(path, key), "unknown key (expected one of: " + known + ")");
      }
    }
    return v;
  }
  const json* find(const json& obj, const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const json& required(const json& obj, const std::string& path, const char* key) const {
    const json* v = find(obj, key);
    if (!v) fail(io::path_key(path, key), "missing");
    return *v;
  }
  std::string text(const json& v, const std::string& path, std::size_t max_bytes, bool allow_empty = false) const {
    if (!v.is_string()) fail(path, std::string("must be a string, got ") + io::json_type_name(v));
    std::string s = v.get<std::string>();
    if (!allow_empty && s.find_first_not_of(" \t\r\n") == std::string::npos) fail(path, "must not be empty");
    if (s.size() > max_bytes)
      fail(path, "is " + std::to_string(s.size()) + " bytes; at most " + std::to_string(max_bytes) +
                     " fit a step on a projector (split it into two steps)");
    return s;
  }
  // Text shown typeset (a step's title and text, a question and its answer): its math markup must be
  // well formed (markup.hpp).
  std::string prose(const json& v, const std::string& path, std::size_t max_bytes) const {
    std::string s = text(v, path, max_bytes);
    if (const auto error = markup::check(s)) fail(path, "math markup: " + *error);
    return s;
  }
  std::int64_t whole(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi) const {
    if (!v.is_number_integer() && !v.is_number_unsigned())
      fail(path, std::string("must be a whole number, got ") + (v.is_number_float() ? v.dump() : io::json_type_name(v)));
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
      fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + v.dump());
    const std::int64_t x = v.get<std::int64_t>();
    if (x < lo || x > hi) fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + v.dump());
    return x;
  }
  double number(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, std::string("must be a number, got ") + io::json_type_name(v));
    return v.get<double>();
  }
  Pass pass(const json& v, const std::string& path) const {
    const std::string s = text(v, path, 16);
    if (s == "forward") return Pass::forward;
    if (s == "backward") return Pass::backward;
    fail(path, "\"" + io::printable(s) + "\" is not one of forward, backward");
  }

 private:
  std::string source_;
};

PresetValue preset_value(const Reader& r, const json& v, const std::string& path) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    r.fail(path, "is too large, got " + v.dump());
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_float()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  r.fail(path, std::string("must be a string, number or boolean, got ") + io::json_type_name(v));
}

// JSON objects are unordered (and nlohmann's sorts its keys), so fields apply in key order, except
// that "data" comes first: a memory task's own keys (windows, val-windows, task-seed) need the task.
std::vector<PresetField> preset_fields(const Reader& r, const json& v, const std::string& path) {
  if (!v.is_object()) r.fail(path, std::string("must be an object, got ") + io::json_type_name(v));
  std::vector<PresetField> out;
  for (const auto& [key, value] : v.items()) out.push_back({key, preset_value(r, value, io::path_key(path, key))});
  std::stable_partition(out.begin(), out.end(), [](const PresetField& f) { return f.key == "data"; });
  return out;
}

// An array of distinct names, each turned into a T by parse(name, out), else "NAME" is not `what`.
template <class T, class Parse>
std::vector<T> read_names(const Reader& r, const json& v, const std::string& path, const char* noun, const std::string& what,
                          Parse parse) {
  if (!v.is_array()) r.fail(path, std::string("must be an array of ") + noun + " names, got " + io::json_type_name(v));
  std::vector<T> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string ip = io::path_index(path, i);
    const std::string name = r.text(v[i], ip, 32);
    T x;
    if (!parse(name, x)) r.fail(ip, "\"" + io::printable(name) + "\" is " + what);
    if (std::find(out.begin(), out.end(), x) != out.end()) r.fail(ip, "\"" + name + "\" is listed twice");
    out.push_back(x);
  }
  return out;
}

// "compare": {"cells": ["rnn", "lstm", "gru"]}: 2 or 3 distinct cells, as the Compare workspace takes them.
std::vector<CellKind> read_compare(const Reader& r, const json& v, const std::string& path) {
  r.object(v, path, {"cells"});
  const std::string cp = io::path_key(path, "cells");
  const std::vector<CellKind> out = read_names<CellKind>(r, r.required(v, path, "cells"), cp, "cell", "not one of rnn, lstm, gru",
                                                         [](const std::string& n, CellKind& c) { return parse_cell(n, c); });
  if (std::string e = validate_compare_cells(out); !e.empty()) r.fail(cp, e);
  return out;
}

Preset read_preset(const Reader& r, const json& v, const std::string& path) {
  r.object(v, path, {"workspace", "follow", "speed", "train-speed", "forecast-zoom", "scene", "training", "compare", "lab"});
  Preset p;
  if (const json* w = r.find(v, "workspace")) {
    const std::string wp = io::path_key(path, "workspace");
    const std::string s = r.text(*w, wp, 16);
    std::string known;
    for (const WorkspaceInfo& info : workspace_catalog) {
      if (s == info.name) p.workspace = info.id;
      known += (known.empty() ? "" : ", ") + std::string(info.name);
    }
    if (!p.workspace) r.fail(wp, "\"" + io::printable(s) + "\" is not one of " + known);
  }
  const auto flag = [&](const char* key) -> std::optional<bool> {
    const json* f = r.find(v, key);
    if (!f) return std::nullopt;
    if (!f->is_boolean()) r.fail(io::path_key(path, key), std::string("must be true or false, got ") + io::json_type_name(*f));
    return f->get<bool>();
  };
  p.follow = flag("follow");
  p.forecast_zoom = flag("forecast-zoom");
  if (const json* s = r.find(v, "speed")) p.speed = r.number(*s, io::path_key(path, "speed"));
  if (const json* s = r.find(v, "train-speed")) p.train_speed = r.number(*s, io::path_key(path, "train-speed"));
  if (const json* s = r.find(v, "scene")) p.scene = preset_fields(r, *s, io::path_key(path, "scene"));
  if (const json* s = r.find(v, "training")) p.training = preset_fields(r, *s, io::path_key(path, "training"));
  if (const json* s = r.find(v, "compare")) p.compare = read_compare(r, *s, io::path_key(path, "compare"));
  if (const json* s = r.find(v, "lab")) p.lab = preset_fields(r, *s, io::path_key(path, "lab"));
  return p;
}

std::vector<Panel> read_panels(const Reader& r, const json& v, const std::string& path) {
  return read_names<Panel>(r, v, path, "panel", "not a panel (expected one of: " + lesson_panel_names() + ")",
                           [](const std::string& n, Panel& p) { return parse_panel(n, p); });
}

Action read_action(const Reader& r, const json& v, const std::string& path) {
  r.object(v, path, {"seek", "play", "train", "set", "reset"});
  if (v.size() != 1) r.fail(path, "must hold exactly one of seek, play, train, set, reset");
  const std::string kind = v.begin().key();  // a copy: items() proxies die with the expression
  const json& value = v.begin().value();
  const std::string kp = io::path_key(path, kind);
  if (kind == "seek") {
    r.object(value, kp, {"pass", "t"});
    SeekAction a;
    a.pass = r.pass(r.required(value, kp, "pass"), io::path_key(kp, "pass"));
    a.t = static_cast<int>(r.whole(r.required(value, kp, "t"), io::path_key(kp, "t"), 0, max_steps));
    return a;
  }
  if (kind == "play") return PlayAction{r.pass(value, kp)};
  if (kind == "train") return TrainAction{r.whole(value, kp, 1, max_lesson_train_steps)};
  if (kind == "set") {
    r.object(value, kp, {"slider", "value"});
    SetAction a;
    a.slider = r.text(r.required(value, kp, "slider"), io::path_key(kp, "slider"), 32);
    a.value = r.number(r.required(value, kp, "value"), io::path_key(kp, "value"));
    return a;
  }
  if (!value.is_boolean() || !value.get<bool>()) r.fail(kp, "must be true");
  return ResetAction{};
}

LessonStep read_step(const Reader& r, const json& v, const std::string& path) {
  r.object(v, path, {"title", "text", "preset", "panels", "highlight", "action", "question"});
  LessonStep s;
  if (const json* t = r.find(v, "title")) s.title = r.prose(*t, io::path_key(path, "title"), 120);
  s.text = r.prose(r.required(v, path, "text"), io::path_key(path, "text"), max_lesson_text);
  if (const json* p = r.find(v, "preset")) s.preset = read_preset(r, *p, io::path_key(path, "preset"));
  if (const json* p = r.find(v, "panels")) s.panels = read_panels(r, *p, io::path_key(path, "panels"));
  if (const json* h = r.find(v, "highlight")) s.highlight = read_panels(r, *h, io::path_key(path, "highlight"));
  if (const json* a = r.find(v, "action")) s.action = read_action(r, *a, io::path_key(path, "action"));
  if (const json* q = r.find(v, "question")) {
    const std::string qp = io::path_key(path, "question");
    r.object(*q, qp, {"text", "answer"});
    Question question;
    question.text = r.prose(r.required(*q, qp, "text"), io::path_key(qp, "text"), max_lesson_text);
    if (const json* a = r.find(*q, "answer")) question.answer = r.prose(*a, io::path_key(qp, "answer"), max_lesson_text);
    s.question = std::move(question);
  }
  return s;
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

Lesson parse_lesson(std::string_view text, const std::string& source) {
  const json root = io::parse_json_guarded(text, source);
  const Reader r(source);
  r.object(root, "", {"format", "version", "id", "title", "steps"});
  if (r.text(r.required(root, "", "format"), "format", 64) != "unrolled-lesson")
    r.fail("format", "must be \"unrolled-lesson\"");
  const std::int64_t version = r.whole(r.required(root, "", "version"), "version", 0, INT32_MAX);
  if (version != lesson_format_version)
    r.fail("version", "version " + std::to_string(version) + " is not supported (this build reads version " +
                          std::to_string(lesson_format_version) + ")");
  Lesson lesson;
  lesson.source = source;
  lesson.id = r.text(r.required(root, "", "id"), "id", 64);
  if (!valid_id(lesson.id)) r.fail("id", "\"" + io::printable(lesson.id) + "\" must be lower-case letters, digits and '-'");
  lesson.title = r.text(r.required(root, "", "title"), "title", 120);
  const json& steps = r.required(root, "", "steps");
  if (!steps.is_array()) r.fail("steps", std::string("must be an array, got ") + io::json_type_name(steps));
  if (steps.empty() || steps.size() > static_cast<std::size_t>(max_lesson_steps))
    r.fail("steps", "a lesson has 1 to " + std::to_string(max_lesson_steps) + " steps, got " + std::to_string(steps.size()));
  for (std::size_t i = 0; i < steps.size(); ++i) lesson.steps.push_back(read_step(r, steps[i], io::path_index("steps", i)));

  // Fold the steps in order, as the app will: every preset must be one the session accepts as is.
  LessonState state;
  for (std::size_t i = 0; i < lesson.steps.size(); ++i)
    if (auto e = fold_step(state, lesson.steps[i])) r.fail(io::path_index("steps", i) + "." + e->path, e->reason);
  return lesson;
}

Lesson load_lesson(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw io::IoError(path + ": is a directory, not a lesson file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io::IoError(path + ": cannot read the lesson file");
  if (std::filesystem::file_size(path, ec) > max_lesson_file_bytes)
    throw io::FormatError(path + ": file is larger than " + std::to_string(max_lesson_file_bytes) + " bytes");
  std::ostringstream text;
  text << in.rdbuf();
  Lesson lesson = parse_lesson(text.str(), path);
  const std::string stem = std::filesystem::path(path).stem().string();
  if (lesson.id != stem)
    throw io::FormatError(path + ": id: \"" + lesson.id + "\" must equal the file name without .json (\"" +
                          io::printable(stem) + "\")");
  return lesson;
}

}  // namespace unrolled::app
