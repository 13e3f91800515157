# Sine-wave forecaster: signal generators, windows and normalisation, the trainer (determinism, early
# stopping, divergence guard, snapshots), forecasts, the memory tasks (copy, adding; LSTM against RNN), a trainer's saved state continuing bit for bit,
# the train/forecast commands run as real processes, and train --task seq2seq and translate (issue 16). train_alloc_tests replaces the global operator new, so it is its own executable.
unrolled_add_suite(train_tests
  SOURCES train/test_signal.cpp train/test_dataset.cpp train/test_trainer.cpp train/test_forecast.cpp
          train/test_memory_tasks.cpp train/test_trainer_state.cpp train/test_cli.cpp train/test_cli_text.cpp
          train/test_cli_series.cpp train/test_cli_seq2seq.cpp
  LIBS unrolled_io
  LABELS sanitize)
add_dependencies(train_tests unrolled-cli)
# Unoptimised trees (Debug, the sanitizer builds) run Eigen 50-100 times slower: there the LSTM-against-RNN
# races train a few steps only, to exercise the code, and leave the learning claims to Release.
if(UNROLLED_SANITIZE OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(train_tests PRIVATE UNROLLED_SHORT_TRAINING)
endif()
unrolled_add_suite(train_alloc_tests
  SOURCES train/test_alloc.cpp
  LIBS unrolled_core
  LABELS sanitize)
