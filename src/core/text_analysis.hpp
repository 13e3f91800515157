// What a trained character model does with a passage of text (issue 15): the numbers behind the Text
// workspace's reading view, its "find the units" ranking and its connectivity view.
//
// Size key: N positions (characters of the passage), H hidden, G gates, L layers, D directions,
// V vocabulary, O = V outputs (logits over the next token), I = E the model's input width, k top ids.
// Position t (0-based) is the t-th character read; its state h_t is the state *after* reading it, and
// its logits y_t the model's guess for the character at t + 1.
//
//   trace_text:   ids ─► forward_tokens (zero state, batch 1) ─► per position h, c, gates of every layer
//                 and direction; softmax(y_t) ─► its k most likely ids
//   rank_units:   activations [units × N] + mask ─► units by |AUC − 0.5|·2, with the side they fire on
//   connectivity: one output at t ─► backward() with dL/dy nonzero only in column t ─► ‖∂out/∂x_k‖
#pragma once
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/objective.hpp"

namespace unrolled {

// One direction of one layer over the passage, one column per position.
template <class T> struct DirectionTrace {
  int layer = 0;
  bool reverse = false;  // the ← direction of a bidirectional layer: h_t has read positions t … N−1
  Mat<T> h;              // [H × N]    h_t
  Mat<T> c;              // [H × N]    c_t (LSTM), else empty
  Mat<T> gates;          // [G·H × N]  gate activations, row gate·H + unit: LSTM i f g o, GRU r z n;
                         //            empty for the vanilla RNN (it has no gates)
};

template <class T> struct TextTrace {
  int positions = 0;  // N
  int k = 0;          // ids per position in `top`: min(k asked, V)
  // Layer 0 →, layer 0 ← (bidirectional only), layer 1 →, …
  std::vector<DirectionTrace<T>> directions;
  // [N·k] position t's k most likely next ids at t·k … t·k + k − 1, most likely first (ties: lower id),
  // probabilities from softmax(y_t) at temperature 1.
  std::vector<TokenChance> top;
  // [N − 1] the probability softmax(y_t) gives to the id actually at t + 1 (0 if that id is not one of
  // the O outputs: a model whose head is not over the vocabulary).
  std::vector<T> next_p;
  // The forward pass itself (batch 1, no dropout), kept for connectivity().
  Trace<T> run;

  // The direction's entry; std::out_of_range when the model has no such layer or direction.
  const DirectionTrace<T>& direction(int layer, bool reverse = false) const;
};

// Runs `model` (a token model, vocab_size > 0) over ids from a zero state and fills `out` (reused
// between calls). k ≥ 1. Throws std::invalid_argument on an empty passage, a model without an
// embedding or k < 1, std::out_of_range naming the position of an id outside [0, V).
template <class T> void trace_text(const Model<T>& model, const std::vector<int>& ids, int k, TextTrace<T>& out);

// ---- Finding the units ----
//
// Score of a unit a with positions split by a mask into S (selected, n₁ of them) and U (the rest, n₀):
//   AUC  = P(a_s > a_u) + ½ P(a_s = a_u)  over all pairs s ∈ S, u ∈ U   (the area under the ROC curve
//          of "a separates S from U", computed as the Mann–Whitney U with mid-ranks for ties:
//          AUC = (R_S − n₁(n₁+1)/2) / (n₁ n₀), R_S the sum of S's ranks among all N values)
//   score = |AUC − 0.5| · 2   in [0, 1]: 1 when a threshold on a alone puts every selected position on
//          one side and every other on the other, 0 when the unit says nothing about the mask
//   sign  = +1 when the unit is higher inside the span (AUC > 0.5), −1 when lower, 0 at AUC = 0.5.
// Rank-based, so it does not care about scale or squashing (h in (−1, 1), c unbounded alike).
struct UnitScore {
  int unit = 0;        // row of the activation matrix
  double score = 0;    // |AUC − 0.5| · 2
  int sign = 0;        // +1 fires on in the span, −1 fires off, 0 neither
  double auc = 0.5;
  double mean_in = 0, mean_out = 0;  // the unit's mean over S and over U
};

// activations: [units × N], one row per unit (DirectionTrace::h or c as is, or gate rows); mask: N
// entries, true = in the span. within (optional, N entries): compare only these positions, e.g. the
// letters, so that "inside quotes" is told apart among the same characters rather than by which
// characters occur there. Returns every unit, best score first (ties: lower unit first).
// std::invalid_argument when mask or within is not N long, when the mask selects no compared position
// or every one (nothing to separate), or when a compared activation is not finite (naming unit and
// position).
template <class T>
std::vector<UnitScore> rank_units(ConstMatRef<T> activations, const std::vector<bool>& mask,
                                  const std::vector<bool>* within = nullptr);

// Masks over a passage of code points, one entry per character, each the state after reading it
// (like h_t): the character that opens a span is inside it, the one that closes it is not.
// Inside double quotes: '"' toggles, U+201C “ opens, U+201D ” closes; text starts outside.
std::vector<bool> inside_quotes_mask(std::u32string_view text);
// Bracket depth ≥ depth (depth ≥ 1, else std::invalid_argument): ( [ { add one, ) ] } take one away
// (never below 0; the kinds are not matched against each other).
std::vector<bool> bracket_depth_mask(std::u32string_view text, int depth);
// Letters: A–Z, a–z, and the letters of Latin-1 and Latin Extended-A/B (U+00C0–U+024F but × and ÷),
// Greek (U+0386–U+03FF but the ano teleia U+0387) and Cyrillic (U+0400–U+04FF). Digits, apostrophes,
// spaces and other punctuation are not.
std::vector<bool> letter_mask(std::u32string_view text);
bool is_letter(char32_t c);

// ---- Connectivity ----
//
// For position t and one output of the head at t,
//   out = y_t[logit]           (logit ≥ 0: that logit, e.g. the id of the character at t + 1), or
//   out = ‖y_t‖₂               (logit = logit_norm: the length of the whole logit vector),
// the gradient ∂out/∂x_k for every position k, x_k the model's input at k (the embedded row of a token
// model, else the input column). Exact: backward() with dL/dy = e_logit (or y_t/‖y_t‖; zero when
// ‖y_t‖ = 0) in column t and zero in every other. A unidirectional model gives exactly 0 for k > t;
// a bidirectional one also reads later positions through its ← chain.
inline constexpr int logit_norm = -1;

template <class T> struct Connectivity {
  int position = 0;
  int logit = logit_norm;
  T value = 0;          // out
  Mat<T> grad;          // [I × N]  column k: ∂out/∂x_k
  std::vector<T> norm;  // [N]      ‖∂out/∂x_k‖₂
  Gradients<T> scratch; // backward()'s buffers, reused between calls
  Mat<T> dy;            // [O × N]
};

// trace: a forward pass of `model` with batch 1 (TextTrace::run, or forward()/forward_tokens()).
// std::invalid_argument for a batch above 1, a position outside [0, N) or a logit outside
// [logit_norm, O), naming the value.
template <class T>
void connectivity(const Model<T>& model, const Trace<T>& trace, int position, int logit, Connectivity<T>& out);

}  // namespace unrolled
