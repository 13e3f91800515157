# tools/torch_bridge.py against PyTorch (tests/tools/test_torch_bridge.py): export, trace with
# unrolled-cli, import back; predictions within 1e-6. Debian's python3 is where python3-torch lives;
# without torch the test exits 77 and ctest reports it skipped (the suites never need torch).
find_program(UNROLLED_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT UNROLLED_PYTHON3)
  find_program(UNROLLED_PYTHON3 python3)
endif()
if(UNROLLED_PYTHON3)
  add_test(NAME torch_bridge_tests
           COMMAND ${UNROLLED_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/tools/test_torch_bridge.py $<TARGET_FILE:unrolled-cli>)
  set_tests_properties(torch_bridge_tests PROPERTIES SKIP_RETURN_CODE 77 LABELS tools)
endif()
