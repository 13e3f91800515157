# The desktop app's suites. session_tests and plot_tests need no display (and build even with
# UNROLLED_BUILD_APP=OFF, e.g. in the sanitizer builds); the GUI smoke test runs the app under Xvfb.
if(NOT TARGET unrolled_session)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/app/session ${PROJECT_BINARY_DIR}/src/app/session)
endif()
if(NOT TARGET unrolled_plot_math)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/app/plot ${PROJECT_BINARY_DIR}/src/app/plot)
endif()

unrolled_add_suite(session_tests SOURCES app/test_session.cpp LIBS unrolled_session LABELS threaded)
unrolled_add_suite(plot_tests SOURCES app/test_plot.cpp LIBS unrolled_plot_math LABELS sanitize)
