#include "core/sampling.hpp"

#include <random>
#include <stdexcept>
#include <string>

#include "core/objective.hpp"

namespace unrolled {

template <class T>
std::vector<int> sample_tokens(const Model<T>& model, const std::vector<int>& prime, const SampleSettings& s) {
  const ModelConfig& c = model.config;
  if (c.vocab_size <= 0 || c.output_size != c.vocab_size || c.bidirectional)
    throw std::invalid_argument("sampling needs a unidirectional token model whose output is its vocabulary");
  if (!(s.temperature > 0)) throw std::invalid_argument("temperature must be above 0, got " + std::to_string(s.temperature));
  if (s.top_k < 0) throw std::invalid_argument("top-k must be 0 (all) or more, got " + std::to_string(s.top_k));
  if (s.length < 0) throw std::invalid_argument("length must be 0 or more, got " + std::to_string(s.length));
  if (prime.empty()) throw std::invalid_argument("sampling needs a prime of at least one id");
  for (std::size_t i = 0; i < prime.size(); ++i)
    if (prime[i] < 0 || prime[i] >= c.vocab_size)
      throw std::invalid_argument("prime id " + std::to_string(prime[i]) + " at " + std::to_string(i) + " is outside the vocabulary");
  std::vector<int> out;
  out.reserve(static_cast<std::size_t>(s.length));
  std::mt19937_64 rng(s.seed);
  Trace<T> trace;
  forward_tokens(model, prime, 1, trace);
  State<T> state = final_state(model, trace);
  Mat<T> probs;
  std::vector<int> next(1);
  for (int n = 0; n < s.length; ++n) {
    softmax<T>(trace.output.rightCols(1), static_cast<T>(s.temperature), probs);
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    next[0] = sample_id<T>(probs, u, s.top_k);
    out.push_back(next[0]);
    forward_tokens(model, next, 1, trace, &state);
    state = final_state(model, trace);
  }
  return out;
}

template std::vector<int> sample_tokens<float>(const Model<float>&, const std::vector<int>&, const SampleSettings&);
template std::vector<int> sample_tokens<double>(const Model<double>&, const std::vector<int>&, const SampleSettings&);

}  // namespace unrolled
