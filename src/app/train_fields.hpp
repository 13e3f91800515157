// Which training-panel field an error message names, so the message can stand under that field.
// The core's and the session's validation messages name their field first ("hidden size 300 is out
// of range (1…256)", "learning rate must be in (0, 1000]"); the field whose words come first wins.
// Pure (library unrolled_app_logic, tested in app_logic_tests).
#pragma once
#include <string>

namespace unrolled::app {

enum class TrainField { none, cell, hidden, layers, steps, loss, val, source, length, waves, frequency, amplitude,
                        noise, more_signal, csv, windows, val_windows, optimizer, lr, momentum, weight_decay, clip,
                        schedule, batch, epochs, seed, patience, forget_bias };

TrainField train_error_field(const std::string& message);

}  // namespace unrolled::app
