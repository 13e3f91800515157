# The installed tree (label install; tests/tools/test_install.sh): `cmake --install` into a temporary
# prefix, the desktop entry and AppStream metainfo through their validators, and the installed app and
# CLI finding their lessons and data from the prefix alone, then failing clearly without them. It reads
# this build tree, so run it after a whole build (scripts/test.sh does). Exits 77 (ctest: skipped) when
# desktop-file-validate or appstreamcli is missing. XVFB_RUN comes from app.cmake.
if(TARGET unrolled AND XVFB_RUN)
  add_test(NAME install_tests
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tools/test_install.sh ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR}
                   ${PROJECT_SOURCE_DIR} ${XVFB_RUN} 01-rnn-unrolled)
  set_tests_properties(install_tests PROPERTIES SKIP_RETURN_CODE 77 LABELS install TIMEOUT 300)
endif()
