# File formats and the trace command: model files (round trip, every malformed case in
# tests/data/bad), CSV, trace JSON, and `unrolled-cli trace` run as a real process — exit codes,
# untouched --out on failure, seq2seq model files (the PyTorch fixtures as files), and parity with the PyTorch fixtures in tests/data/reference.
unrolled_add_suite(io_tests
  SOURCES io/test_model_file.cpp io/test_csv.cpp io/test_trace_file.cpp io/test_cli_trace.cpp io/test_text_files.cpp io/test_cli_trace_text.cpp io/test_seq2seq_file.cpp
  LIBS unrolled_io
  LABELS sanitize)
add_dependencies(io_tests unrolled-cli)
