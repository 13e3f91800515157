// A character (or token) model writing: prime it, then draw each next id from softmax(logits / τ)
// over the k most likely ids and feed it back. Seeded with the run's own mt19937_64 (53-bit uniforms),
// so the same model, prime, settings and seed give the same ids on every platform. Used by
// `unrolled-cli sample` and the app's Text workspace.
#pragma once
#include <cstdint>
#include <vector>

#include "core/model.hpp"

namespace unrolled {

struct SampleSettings {
  int length = 200;          // ids to draw after the prime
  double temperature = 1.0;  // > 0; below 1 sharper, above 1 flatter
  int top_k = 0;             // > 0: only the k most likely ids take part; 0: all
  std::uint64_t seed = 1;
};

// The drawn ids (not the prime). prime must hold at least one id, each in [0, O); a unidirectional
// model whose output is a distribution over its own inputs (output_size == vocab_size). Throws
// std::invalid_argument otherwise, or for temperature <= 0, top_k < 0, length < 0.
template <class T>
std::vector<int> sample_tokens(const Model<T>& model, const std::vector<int>& prime, const SampleSettings& settings);

}  // namespace unrolled
