// Dropout masks (P1 in core/model.hpp), as nn.LSTM's `dropout` plus an nn.Dropout before the head:
// inverted (a kept value is scaled by 1/(1−p)), training only. Masks come from the run's generator,
// so a seeded run repeats bit for bit; evaluation and traces pass no masks.
#pragma once
#include <random>

#include "core/model.hpp"

namespace unrolled {

// Fills masks for T steps of B sequences with p = config.dropout: every entry independently 0 with
// probability p, else 1/(1−p); u = top 53 bits of rng() / 2^53, dropped when u < p. Allocates nothing
// once the masks have their sizes.
template <class T>
void draw_dropout_masks(const ModelConfig& config, int steps, int batch, std::mt19937_64& rng, DropoutMasks<T>& masks);

}  // namespace unrolled
