#include "app/lessons/library.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "io/asset_dir.hpp"
#include "io/json_util.hpp"

namespace unrolled::app {

namespace fs = std::filesystem;

std::vector<std::string> lesson_dir_candidates(const char* env, const std::string& exe) {
  return io::asset_dir_candidates("lessons", env, exe);
}

std::string lesson_dir() { return io::find_asset_dir("lessons", "UNROLLED_LESSONS"); }

std::string no_lesson_dir_message() {
  const char* env = std::getenv("UNROLLED_LESSONS");
  if (env && *env) return std::string("UNROLLED_LESSONS=") + env + " is not a folder of lesson files";
  return "no lessons folder found (looked in " + io::asset_dir_candidates_text("lessons", "UNROLLED_LESSONS") +
         "; set UNROLLED_LESSONS to the folder of lesson files)";
}

LessonIndex find_lessons(const std::string& dir) {
  LessonIndex index;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
  if (ec) {
    index.errors.push_back(dir + ": cannot list the lessons folder (" + ec.message() + ")");
    return index;
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    try {
      index.lessons.push_back(load_lesson(f.string()));
    } catch (const io::IoError& e) {
      index.errors.emplace_back(e.what());
    }
  }
  std::stable_sort(index.lessons.begin(), index.lessons.end(),
                   [](const Lesson& a, const Lesson& b) { return a.id < b.id; });
  // load_lesson ties an id to its file name, so a repeat can only come from two spellings of a path.
  for (std::size_t i = 1; i < index.lessons.size(); ++i)
    if (index.lessons[i].id == index.lessons[i - 1].id)
      index.errors.push_back(index.lessons[i].source + ": id: \"" + index.lessons[i].id + "\" is also the id of " +
                             index.lessons[i - 1].source);
  return index;
}

std::string list_lessons_text(const std::vector<Lesson>& lessons) {
  std::size_t width = 0;
  for (const Lesson& l : lessons) width = std::max(width, l.id.size());
  std::string out;
  for (const Lesson& l : lessons) out += l.id + std::string(width - l.id.size() + 2, ' ') + l.title + "\n";
  return out;
}

Lesson open_lesson(const std::string& arg, const std::string& dir) {
  if (arg.find('/') != std::string::npos || (arg.size() > 5 && arg.ends_with(".json"))) return load_lesson(arg);
  if (dir.empty())
    throw io::IoError(no_lesson_dir_message());
  const std::string path = (fs::path(dir) / (arg + ".json")).string();
  std::error_code ec;
  if (fs::exists(path, ec)) return load_lesson(path);
  const LessonIndex index = find_lessons(dir);
  std::string known;
  for (const Lesson& l : index.lessons) known += (known.empty() ? "" : ", ") + l.id;
  throw io::IoError(dir + ": no lesson \"" + io::printable(arg) + "\"" +
                    (known.empty() ? std::string(" (the folder has none)") : " (lessons: " + known + ")"));
}

}  // namespace unrolled::app
