# The desktop app's suites. session_tests and plot_tests need no display (and build even with
# UNROLLED_BUILD_APP=OFF, e.g. in the sanitizer builds); the GUI smoke test runs the app under Xvfb.
if(NOT TARGET unrolled_session)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/app/session ${PROJECT_BINARY_DIR}/src/app/session)
endif()
if(NOT TARGET unrolled_plot_math)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/app/plot ${PROJECT_BINARY_DIR}/src/app/plot)
endif()

unrolled_add_suite(session_tests SOURCES app/test_session.cpp app/test_training.cpp app/test_compare.cpp app/test_lab.cpp LIBS unrolled_session LABELS threaded)
unrolled_add_suite(plot_tests SOURCES app/test_plot.cpp LIBS unrolled_plot_math LABELS sanitize)
if(TARGET unrolled_app_logic)
  unrolled_add_suite(app_logic_tests SOURCES app/test_app_logic.cpp LIBS unrolled_app_logic unrolled_session LABELS sanitize)  # session: UiState's settings
endif()

# GUI smoke test: runs the real app under a virtual X server and looks at the pixels it drew.
if(TARGET unrolled)
  find_program(XVFB_RUN xvfb-run)
  if(XVFB_RUN)
    add_executable(app_gui_tests app/test_gui.cpp)
    target_link_libraries(app_gui_tests PRIVATE unrolled_test_main PkgConfig::STB nlohmann_json::nlohmann_json)
    target_compile_definitions(app_gui_tests PRIVATE UNROLLED_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
    unrolled_target_defaults(app_gui_tests)
    add_dependencies(app_gui_tests unrolled)
    add_test(NAME app_gui_tests COMMAND ${XVFB_RUN} -a -s "-screen 0 1920x1080x24" $<TARGET_FILE:app_gui_tests>)
    set_tests_properties(app_gui_tests PROPERTIES LABELS "gui" TIMEOUT 300)
  else()
    message(STATUS "xvfb-run not found: the GUI smoke test (app_gui_tests) is not registered")
  endif()
endif()
