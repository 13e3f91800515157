# Core math: gradient checks, PyTorch parity, optimizers. Also run under ASan + UBSan.
unrolled_add_suite(core_tests
  SOURCES core/test_gradcheck.cpp core/test_gradcheck_text.cpp core/test_parity.cpp core/test_parity_text.cpp core/test_optimizer.cpp core/test_threads.cpp core/test_spectral.cpp core/test_seq2seq_data.cpp core/test_parity_seq2seq.cpp core/test_seq2seq.cpp core/test_text_analysis.cpp
  LIBS unrolled_core nlohmann_json::nlohmann_json
  LABELS sanitize)

# Counts malloc calls, so it stays out of the sanitizer builds (ASan owns malloc).
unrolled_add_suite(core_alloc_tests
  SOURCES core/test_no_alloc.cpp
  LIBS unrolled_core)
