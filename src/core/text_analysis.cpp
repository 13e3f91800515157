#include "core/text_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace unrolled {

using Eigen::Index;

template <class T> const DirectionTrace<T>& TextTrace<T>::direction(int layer, bool reverse) const {
  for (const DirectionTrace<T>& d : directions)
    if (d.layer == layer && d.reverse == reverse) return d;
  throw std::out_of_range("trace_text: the model has no layer " + std::to_string(layer) +
                          (reverse ? " reverse direction" : ""));
}

template <class T> void trace_text(const Model<T>& m, const std::vector<int>& ids, int k, TextTrace<T>& out) {
  const ModelConfig& cfg = m.config;
  if (ids.empty()) throw std::invalid_argument("trace_text: the passage is empty");
  if (cfg.vocab_size < 1) throw std::invalid_argument("trace_text: the model has no embedding (vocab_size 0)");
  if (k < 1) throw std::invalid_argument("trace_text: k must be at least 1, got " + std::to_string(k));
  forward_tokens(m, ids, 1, out.run);
  const Index N = static_cast<Index>(ids.size());
  const bool lstm = cfg.cell == CellKind::lstm, gated = cfg.cell != CellKind::rnn;
  out.positions = static_cast<int>(N);
  out.directions.resize(static_cast<std::size_t>(cfg.num_layers * cfg.directions()));
  std::size_t slot = 0;
  for (int layer = 0; layer < cfg.num_layers; ++layer)
    for (int dir = 0; dir < cfg.directions(); ++dir) {
      const bool reverse = dir == 1;
      const LayerTrace<T>& lt = reverse ? out.run.reverse[static_cast<std::size_t>(layer)]
                                        : out.run.layers[static_cast<std::size_t>(layer)];
      // Forward: block 0 is h_0, position t is block t + 1. Reverse: position t is block t, the
      // initial state block N (model.hpp, Trace::reverse).
      const Index first = reverse ? 0 : 1;
      DirectionTrace<T>& d = out.directions[slot++];
      d.layer = layer;
      d.reverse = reverse;
      d.h = lt.h.middleCols(first, N);
      if (lstm) d.c = lt.c.middleCols(first, N);
      else d.c.resize(0, 0);
      if (gated) d.gates = lt.gates;
      else d.gates.resize(0, 0);
    }

  Mat<T> probs;
  softmax<T>(out.run.output, T(1), probs);
  out.k = std::min(k, cfg.output_size);
  out.top.clear();
  out.top.reserve(static_cast<std::size_t>(N) * static_cast<std::size_t>(out.k));
  for (Index t = 0; t < N; ++t) {
    const std::vector<TokenChance> best = top_k<T>(probs.col(t), out.k);
    out.top.insert(out.top.end(), best.begin(), best.end());
  }
  out.next_p.resize(static_cast<std::size_t>(N - 1));
  for (Index t = 0; t + 1 < N; ++t) {
    const int next = ids[static_cast<std::size_t>(t + 1)];
    out.next_p[static_cast<std::size_t>(t)] = next < probs.rows() ? probs(next, t) : T(0);
  }
}

template <class T>
std::vector<UnitScore> rank_units(ConstMatRef<T> a, const std::vector<bool>& mask, const std::vector<bool>* within) {
  const Index N = a.cols();
  auto check_length = [N](const std::vector<bool>& m, const char* what) {
    if (static_cast<Index>(m.size()) != N)
      throw std::invalid_argument(std::string("rank_units: the ") + what + " has " + std::to_string(m.size()) +
                                  " entries for " + std::to_string(N) + " positions");
  };
  check_length(mask, "mask");
  if (within) check_length(*within, "set of compared positions");
  std::vector<Index> cols;  // the compared positions
  Index n1 = 0;
  for (Index j = 0; j < N; ++j)
    if (!within || (*within)[static_cast<std::size_t>(j)]) {
      cols.push_back(j);
      n1 += mask[static_cast<std::size_t>(j)];
    }
  const Index n = static_cast<Index>(cols.size()), n0 = n - n1;
  const char* among = within ? " of the compared ones" : "";
  if (n1 == 0) throw std::invalid_argument(std::string("rank_units: the mask selects no position") + among);
  if (n0 == 0)
    throw std::invalid_argument(std::string("rank_units: the mask selects every position") + among +
                                "; nothing to separate");
  std::vector<UnitScore> scores;
  scores.reserve(static_cast<std::size_t>(a.rows()));
  std::vector<Index> order(cols.size());
  const double pairs = static_cast<double>(n1) * static_cast<double>(n0);
  for (Index u = 0; u < a.rows(); ++u) {
    UnitScore s;
    s.unit = static_cast<int>(u);
    for (Index j : cols) {
      const double v = static_cast<double>(a(u, j));
      if (!std::isfinite(v))
        throw std::invalid_argument("rank_units: unit " + std::to_string(u) + " is not finite at position " +
                                    std::to_string(j));
      (mask[static_cast<std::size_t>(j)] ? s.mean_in : s.mean_out) += v;
    }
    s.mean_in /= static_cast<double>(n1);
    s.mean_out /= static_cast<double>(n0);
    // Ranks 1…n by value; a run of equal values shares its mid-rank. R_S in half-units stays exact.
    order = cols;
    std::sort(order.begin(), order.end(), [&](Index x, Index y) { return a(u, x) < a(u, y); });
    long long twice_rank_sum = 0;  // 2 R_S
    for (Index i = 0; i < n;) {
      Index e = i + 1;
      while (e < n && a(u, order[static_cast<std::size_t>(e)]) == a(u, order[static_cast<std::size_t>(i)])) ++e;
      const long long twice_mid = (i + 1) + e;  // 2 × mean of ranks i+1 … e
      for (Index j = i; j < e; ++j)
        if (mask[static_cast<std::size_t>(order[static_cast<std::size_t>(j)])]) twice_rank_sum += twice_mid;
      i = e;
    }
    const long long twice_u = twice_rank_sum - n1 * (n1 + 1);  // 2U
    const long long diff = twice_u - n1 * n0;                   // 2U − n₁n₀ = 2 n₁n₀ (AUC − ½)
    s.auc = static_cast<double>(twice_u) / (2 * pairs);
    s.score = static_cast<double>(diff < 0 ? -diff : diff) / pairs;
    s.sign = diff > 0 ? 1 : diff < 0 ? -1 : 0;
    scores.push_back(s);
  }
  std::stable_sort(scores.begin(), scores.end(), [](const UnitScore& x, const UnitScore& y) { return x.score > y.score; });
  return scores;
}

std::vector<bool> inside_quotes_mask(std::u32string_view text) {
  std::vector<bool> mask(text.size());
  bool inside = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == U'"') inside = !inside;
    else if (text[i] == U'\u201C') inside = true;
    else if (text[i] == U'\u201D') inside = false;
    mask[i] = inside;
  }
  return mask;
}

std::vector<bool> bracket_depth_mask(std::u32string_view text, int depth) {
  if (depth < 1) throw std::invalid_argument("bracket_depth_mask: depth must be at least 1, got " + std::to_string(depth));
  std::vector<bool> mask(text.size());
  int level = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == U'(' || c == U'[' || c == U'{') ++level;
    else if ((c == U')' || c == U']' || c == U'}') && level > 0) --level;
    mask[i] = level >= depth;
  }
  return mask;
}

bool is_letter(char32_t c) {
  if ((c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  return (c >= 0x386 && c <= 0x3FF && c != 0x387) || (c >= 0x400 && c <= 0x4FF);
}

std::vector<bool> letter_mask(std::u32string_view text) {
  std::vector<bool> mask(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) mask[i] = is_letter(text[i]);
  return mask;
}

template <class T>
void connectivity(const Model<T>& m, const Trace<T>& tr, int position, int logit, Connectivity<T>& out) {
  const int O = m.config.output_size;
  if (tr.batch != 1) throw std::invalid_argument("connectivity: the trace must have batch 1, got " + std::to_string(tr.batch));
  if (position < 0 || position >= tr.steps)
    throw std::invalid_argument("connectivity: position " + std::to_string(position) + " is outside [0, " +
                                std::to_string(tr.steps) + ")");
  if (logit < logit_norm || logit >= O)
    throw std::invalid_argument("connectivity: logit " + std::to_string(logit) + " is outside [0, " +
                                std::to_string(O) + ") and is not logit_norm (-1)");
  out.position = position;
  out.logit = logit;
  out.dy.setZero(O, tr.steps);
  const auto y = tr.output.col(position);
  if (logit >= 0) {
    out.value = y(logit);
    out.dy(logit, position) = T(1);
  } else {
    out.value = y.norm();
    if (out.value > T(0)) out.dy.col(position) = y / out.value;
  }
  backward(m, tr, out.dy, out.scratch);
  out.grad = out.scratch.grad_input;
  out.norm.resize(static_cast<std::size_t>(tr.steps));
  for (int k = 0; k < tr.steps; ++k) out.norm[static_cast<std::size_t>(k)] = out.grad.col(k).norm();
}

#define UNROLLED_INSTANTIATE(T)                                                                           \
  template struct TextTrace<T>;                                                                           \
  template void trace_text<T>(const Model<T>&, const std::vector<int>&, int, TextTrace<T>&);              \
  template std::vector<UnitScore> rank_units<T>(ConstMatRef<T>, const std::vector<bool>&,                \
                                                const std::vector<bool>*);                               \
  template void connectivity<T>(const Model<T>&, const Trace<T>&, int, int, Connectivity<T>&);
UNROLLED_INSTANTIATE(float)
UNROLLED_INSTANTIATE(double)
#undef UNROLLED_INSTANTIATE

}  // namespace unrolled
