# Lessons: every file in assets/lessons parses and validates, malformed ones fail with file and JSON
# path, and a walk-through applies every step to a real Session (no display needed; builds with
# UNROLLED_BUILD_APP=OFF too: app.cmake then adds the session library, this file the lessons).
if(NOT TARGET unrolled_lessons)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/app/lessons ${PROJECT_BINARY_DIR}/src/app/lessons)
endif()

unrolled_add_suite(lesson_tests SOURCES app/test_lessons.cpp app/test_markup.cpp LIBS unrolled_lessons LABELS sanitize)
target_compile_definitions(lesson_tests PRIVATE UNROLLED_LESSON_DIR="${PROJECT_SOURCE_DIR}/assets/lessons")
# Sanitizer and Debug trees run Eigen many times slower: there the walk-through covers the small fixture
# lesson only (the plan-to-session path), and leaves the six shipped lessons' training to Release.
if(UNROLLED_SANITIZE OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(lesson_tests PRIVATE UNROLLED_SHORT_TRAINING)
endif()

# Lessons in the real app under Xvfb (label gui): --list-lessons, --lesson errors, and the walk-through
# that opens each lesson in one run, pages through every step and checks one screenshot per step.
# (unrolled_add_gui_suite and XVFB_RUN come from app.cmake.)
if(TARGET unrolled AND XVFB_RUN)
  unrolled_add_gui_suite(lesson_gui_tests app/test_lesson_gui.cpp unrolled_lessons nlohmann_json::nlohmann_json)
  target_compile_definitions(lesson_gui_tests PRIVATE UNROLLED_LESSON_DIR="${PROJECT_SOURCE_DIR}/assets/lessons"
                                                     UNROLLED_LESSON_FIXTURES="${PROJECT_SOURCE_DIR}/tests/data/lessons")
endif()
