// Where the lessons are and which there are: `unrolled --list-lessons` and `unrolled --lesson ID`.
#pragma once
#include <string>
#include <vector>

#include "app/lessons/lesson.hpp"

namespace unrolled::app {

// The folders searched for lessons, first match wins (docs/lessons.md): io::asset_dir_candidates for
// "lessons", the one lookup the CLI's --data NAME uses too:
//   1. $UNROLLED_LESSONS, when set and not empty (then only it);
//   2. <binary's folder>/../share/unrolled/lessons   (an installed app);
//   3. the source tree's assets/lessons, for a binary in the build tree it was built in.
// `env` is $UNROLLED_LESSONS (null when unset), `exe` the binary's path ("" when unknown).
std::vector<std::string> lesson_dir_candidates(const char* env, const std::string& exe);
// The first candidate that is a folder (for this process), or "" when none is.
std::string lesson_dir();
// Why lesson_dir() is "": the places it looked at, for messages.
std::string no_lesson_dir_message();

struct LessonIndex {
  std::vector<Lesson> lessons;      // sorted by id
  std::vector<std::string> errors;  // one message per file that did not load, or a repeated id
};
// Loads every *.json in `dir` (not its subfolders). A missing folder is one error.
LessonIndex find_lessons(const std::string& dir);

// "ID  title" lines, ids padded to one column, in the index's order.
std::string list_lessons_text(const std::vector<Lesson>& lessons);

// The lesson for `--lesson ARG`: a lesson id in `dir`, or a path to a .json file (ARG containing
// '/' or ending in ".json"). Throws io::IoError / io::FormatError naming what failed; an unknown id
// lists the known ones.
Lesson open_lesson(const std::string& arg, const std::string& dir);

}  // namespace unrolled::app
