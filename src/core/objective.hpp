// Losses over a forward pass, and what a text model reads from its logits. Exact to PyTorch.
//
// Size key: O outputs (classes), T steps, B batch.
//
// Cross-entropy (nn.CrossEntropyLoss, mean over the N scored columns), with logits z and class y:
//   (C1) log p_c = z_c − m − log Σ_j exp(z_j − m),   m = max_j z_j      (stable log-softmax)
//   (C2) L = −(1/N) Σ_columns log p_y
//   (C3) dL/dz = (softmax(z) − onehot(y)) / N
// `last` scores the last step (N = B), or head([h→_T ; h←_1]) for a bidirectional model; `all` every
// step (N = T·B). MSE for a bidirectional `last` reads that final output too.
#pragma once
#include <vector>

#include "core/model.hpp"

namespace unrolled {

// MSE as mse_loss (core/model.hpp), also for a bidirectional model: with `last` it scores
// final_output and writes its gradient to dy_final (dy is then zeros). dy_final may be nullptr for a
// unidirectional model.
template <class T>
T mse_objective(const Trace<T>& trace, const Mat<T>& target, LossMode mode, Mat<T>* dy = nullptr,
                Mat<T>* dy_final = nullptr);

// (C1)–(C3). targets: class ids in [0, O), B of them for `last`, T·B (index t·B + b) for `all`;
// a wrong count is std::invalid_argument, an id out of range std::out_of_range naming its position.
// Gradients as mse_objective. Allocates nothing once dy (and dy_final) have their sizes.
template <class T>
T cross_entropy_loss(const Trace<T>& trace, const std::vector<int>& targets, LossMode mode, Mat<T>* dy = nullptr,
                     Mat<T>* dy_final = nullptr);

// Column-wise softmax of logits / temperature (temperature > 0), max subtracted: probabilities [O × N].
template <class T> void softmax(ConstMatRef<T> logits, T temperature, Mat<T>& probs);

struct TokenChance {
  int id = 0;
  double p = 0;
};
// The k most likely ids of one probability column, most likely first (ties: lower id first);
// k larger than O gives all O.
template <class T> std::vector<TokenChance> top_k(ConstMatRef<T> probs, int k);

// Draws an id from one probability column with u uniform in [0, 1): the first id whose cumulative
// probability exceeds u · total. With top_k > 0 only the k most likely ids take part.
template <class T> int sample_id(ConstMatRef<T> probs, double u, int top_k = 0);

}  // namespace unrolled
