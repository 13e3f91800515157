# The desktop app's suites. session_tests and plot_tests need no display (and build even with
# UNROLLED_BUILD_APP=OFF, e.g. in the sanitizer builds); the GUI smoke test runs the app under Xvfb.
if(NOT TARGET unrolled_session)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/app/session ${PROJECT_BINARY_DIR}/src/app/session)
endif()
if(NOT TARGET unrolled_plot_math)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/app/plot ${PROJECT_BINARY_DIR}/src/app/plot)
endif()

unrolled_add_suite(session_tests SOURCES app/test_session.cpp app/test_training.cpp app/test_compare.cpp app/test_lab.cpp
                   app/test_memory_training.cpp app/test_session_file.cpp app/test_text_run.cpp app/test_seq2seq_run.cpp
                   app/test_real_series.cpp app/test_token_scene.cpp LIBS unrolled_session LABELS threaded)
add_dependencies(session_tests unrolled-cli)  # the memory-task parity test runs unrolled-cli train
unrolled_add_suite(plot_tests SOURCES app/test_plot.cpp LIBS unrolled_plot_math LABELS sanitize)
if(TARGET unrolled_app_logic)
  unrolled_add_suite(app_logic_tests SOURCES app/test_app_logic.cpp app/test_damage.cpp LIBS unrolled_app_logic unrolled_session LABELS sanitize)  # session: UiState's settings
endif()

# A GUI suite: a test binary that runs the real app under a virtual X server and reads its pictures.
function(unrolled_add_gui_suite name source)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE unrolled_test_main unrolled_app_logic PkgConfig::STB ${ARGN})  # ARGN: more libraries
  target_compile_definitions(${name} PRIVATE UNROLLED_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
  unrolled_target_defaults(${name})
  add_dependencies(${name} unrolled)
  add_test(NAME ${name} COMMAND ${XVFB_RUN} -a -s "-screen 0 1920x1080x24" $<TARGET_FILE:${name}>)
  set_tests_properties(${name} PROPERTIES LABELS "gui" TIMEOUT 300)
endfunction()

# GUI smoke test: runs the real app under a virtual X server and looks at the pixels it drew.
if(TARGET unrolled)
  find_program(XVFB_RUN xvfb-run)
  if(XVFB_RUN)
    unrolled_add_gui_suite(app_gui_tests app/test_gui.cpp nlohmann_json::nlohmann_json)
    # Session files in the real app: written on exit, restored on start, a corrupt one moved aside.
    unrolled_add_gui_suite(session_gui_tests app/test_session_gui.cpp nlohmann_json::nlohmann_json)
    target_include_directories(session_gui_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  else()
    message(STATUS "xvfb-run not found: the GUI smoke test (app_gui_tests) is not registered")
  endif()
endif()

# The Compare workspace in the real app under Xvfb (label gui): --compare trains every cell, the plots
# carry each cell's colour, the table is drawn; the tiles come from the app's own layout function.
if(TARGET unrolled AND XVFB_RUN)
  unrolled_add_gui_suite(compare_gui_tests app/test_compare_gui.cpp nlohmann_json::nlohmann_json)
endif()

# The app in a real window driven with xdotool (label gui): resized, menus, modal and tooltip opened and
# closed, then the X server's picture against the app's own whole frame; quick key taps never lost.
if(TARGET unrolled AND XVFB_RUN)
  unrolled_add_gui_suite(window_gui_tests app/test_window_gui.cpp nlohmann_json::nlohmann_json)
endif()

# The Gradient lab in the real app under Xvfb (label gui): --lab draws the measured gradient and its
# guide, and the clipped and unclipped runs; the tiles come from the app's own layout function.
if(TARGET unrolled AND XVFB_RUN)
  unrolled_add_gui_suite(lab_gui_tests app/test_lab_gui.cpp)
endif()

# The Text workspace in the real app under Xvfb (label gui): --text builds a character model, --train
# trains it; the reading view follows --text-unit, the samples and curves change as it learns.
if(TARGET unrolled AND XVFB_RUN)
  unrolled_add_gui_suite(text_gui_tests app/test_text_gui.cpp nlohmann_json::nlohmann_json)
endif()

# The Seq2seq workspace in the real app under Xvfb (label gui): --seq2seq builds an encoder-decoder
# with attention and its no-attention twin, --train trains them; the heatmap changes as it learns, the
# step control moves the highlighted decoder step, a wider beam draws more branches.
if(TARGET unrolled AND XVFB_RUN)
  unrolled_add_gui_suite(seq2seq_gui_tests app/test_seq2seq_gui.cpp nlohmann_json::nlohmann_json)
endif()

# The Step workspace on token models in the real app under Xvfb (label gui): character and classifier
# model files from unrolled-cli train; tokens on the inputs, softmax bars, two chains when bidirectional.
if(TARGET unrolled AND XVFB_RUN)
  unrolled_add_gui_suite(token_step_gui_tests app/test_token_step_gui.cpp nlohmann_json::nlohmann_json)
  add_dependencies(token_step_gui_tests unrolled-cli)
endif()
