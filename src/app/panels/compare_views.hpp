// Pieces the Compare workspace's panels share (compare.cpp, compare_table.cpp).
#pragma once
#include <vector>

#include "app/session/training.hpp"
#include "core/config.hpp"

namespace unrolled::app {

// "RNN", "LSTM", "GRU" (the RNN's relu, when the settings use it, is named).
const char* CellLabel(CellKind c, Nonlinearity nl);
// Why the parameter counts differ: one block of weights per gate.
const char* CellBlocks(CellKind c);
// The smoothed training loss of a run, as the curve draws it (TensorBoard's EMA, TrainUi::smoothing).
std::vector<double> SmoothedLoss(const CompareRunView& r, float smoothing);

}  // namespace unrolled::app
