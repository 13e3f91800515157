# Core math: gradient checks, PyTorch parity, optimizers. Also run under ASan + UBSan.
unrolled_add_suite(core_tests
  SOURCES core/test_gradcheck.cpp core/test_parity.cpp core/test_optimizer.cpp
  LIBS unrolled_core nlohmann_json::nlohmann_json
  LABELS sanitize)
